"""eval.json / eval.md and the terminal summary, in Chinese."""

from __future__ import annotations

import json
from pathlib import Path

from ..store.yamlio import atomic_write_text


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share:.1%}"


def summary_lines(ev: dict) -> list[str]:
    r, n, u, i = ev["recall"], ev["normal_flagged"], ev["unsure"], ev["indicators"]
    missed = "、".join(f"{m['id']}（序号{m['seq'] or '—'}，判为{m['duban']}）" for m in r["missed"])
    lines = [
        f"{ev.get('region') or ev['workspace']} {ev['period']}：判定依据 {ev['key_rows']} 行，对应上 {ev['matched']} 行"
        + (f"，另有 {ev['indicators_linked_from_tasks']} 项指标由复述其目标的任务推得官方判定" if ev["indicators_linked_from_tasks"] else ""),
        f"官方滞后的找到 {r['found']}/{r['of']}（{_pct(r['share'])}）" + (f"，漏判：{missed}" if missed else ""),
        f"官方正常而判为滞后 {n['count']}/{n['of']}（{_pct(n['share'])}）"
        + (f"；同一任务在多处列出的按一项计，为 {n['tasks']}/{n['of_tasks']} 项任务" if n.get("of_tasks", n["of"]) != n["of"] else ""),
        f"待核实 {u['count']}/{u['of']} 项任务（{_pct(u['share'])}）",
        f"指标一致 {i['agree']}/{i['judged']}（{_pct(i['share'])}）；有官方判定的指标 {i['with_official']} 项，其中待核实 {i['unsure']} 项",
    ]
    if ev["unmatched_key_rows"]:
        lines.append(f"判定依据中有 {len(ev['unmatched_key_rows'])} 行未能对应到工作区的条目（见 eval.md）")
    return lines


def _evidence_md(evidence: list[dict]) -> str:
    parts = []
    for e in evidence:
        figures = "，".join(f"{k}={v}" for k, v in (e.get("values") or {}).items() if v is not None)
        limits = "，".join(f"{k} {v}" for k, v in (e.get("thresholds") or {}).items())
        quote = e.get("matched") or e.get("quote")
        bits = [f"**{e['rule']}** {e.get('message') or ''}".strip()]
        if figures:
            bits.append(f"数值：{figures}" + (f"（阈值：{limits}）" if limits else ""))
        if quote:
            bits.append(f"原文：「{quote}」")
        parts.append("；".join(bits))
    return "<br>".join(parts) or "（无规则发现）"


def _cell(text) -> str:
    return str(text if text is not None else "—").replace("|", "｜").replace("\n", " ")


def _items_table(items: list[dict]) -> list[str]:
    out = ["| 编号 | 序号 | 任务/指标 | 官方 | duban | 依据（规则、数值、原文） |", "|---|---|---|---|---|---|"]
    for it in items:
        out.append(f"| {it['id']} | {_cell(it['seq'])} | {_cell(it['text'][:50])} | {_cell(it['official'])} | {it['duban']} "
                   f"| {_cell(_evidence_md(it['evidence']))} |")
    return out


def markdown(ev: dict) -> str:
    r, n, u = ev["recall"], ev["normal_flagged"], ev["unsure"]
    md = [f"# 与官方判定的比对：{ev.get('region') or ev['workspace']} {ev['period']}", ""]
    md += [f"- {line}" for line in summary_lines(ev)]
    md += ["", f"规则摘要 {ev.get('rules_digest')}，数据摘要 {ev.get('data_digest')}。", "", "## 混淆表（行：官方，列：duban）", ""]
    conf = ev["confusion"]
    if conf["rows"]:
        md.append("| 官方 \\ duban | " + " | ".join(conf["columns"]) + " |")
        md.append("|---|" + "---|" * len(conf["columns"]))
        md += [f"| {row} | " + " | ".join(str(c) for c in counts) + " |" for row, counts in zip(conf["rows"], conf["counts"])]
    md += ["", f"## 官方滞后而未判为滞后（{len(r['missed'])}）", ""]
    md += _items_table(r["missed"]) if r["missed"] else ["无。"]
    md += ["", f"## 官方正常而判为滞后（{n['count']}）", ""]
    md += _items_table(n["items"]) if n["items"] else ["无。"]
    md += ["", f"## 全部不一致（{len(ev['disagreements'])}，不含待核实）", ""]
    md += _items_table(ev["disagreements"]) if ev["disagreements"] else ["无。"]
    md += ["", f"## 待核实（{u['count']}）", ""]
    md += [f"- {t['id']}（序号 {t['seq'] or '—'}）{t['text']}：{t['reason'] or ''}" for t in u["items"]] or ["无。"]
    if ev["unmatched_key_rows"]:
        md += ["", f"## 判定依据中未对应上的行（{len(ev['unmatched_key_rows'])}）", ""]
        md += [f"- {row['ref']} 序号 {row['seq'] or '—'}「{row['text']}」官方：{row['official']}" for row in ev["unmatched_key_rows"]]
    if ev.get("suggest"):
        md += ["", "## 参数试算（仅供参考，不会修改规则）", ""] + suggest_lines(ev["suggest"])
    return "\n".join(md) + "\n"


def suggest_lines(suggest: dict) -> list[str]:
    base = suggest["baseline"]
    out = [f"基准：官方滞后找到 {base['recall_found']} 项，官方正常判为滞后 {base['normal_flagged']} 项，"
           f"一致 {base['agree']}/{base['compared']}，待核实 {base['unsure']} 项。共试算 {suggest['tried']} 种设置。"]
    if not suggest["better"]:
        out.append("没有哪一种设置能在不漏判官方滞后任务的前提下提高一致率。")
    for s in suggest["better"]:
        out.append(f"- {s['param']}: {s['from']} → {s['to']}：一致 {s['agree']}/{s['compared']}（+{s['agree'] - base['agree']}），"
                   f"官方正常判为滞后 {s['normal_flagged']}，待核实 {s['unsure']}，官方滞后找到 {s['recall_found']}")
    return out


def write_outputs(ev: dict, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "eval.json", out_dir / "eval.md"
    atomic_write_text(json_path, json.dumps(ev, ensure_ascii=False, indent=2) + "\n")
    atomic_write_text(md_path, markdown(ev))
    return [json_path, md_path]
