"""Memo reconciliation (--memo): the counts in the cover text against the annex rows and the engine's
result, the tasks the memo names against the facts, the 附件 numbering, stated vs listed counts."""

from __future__ import annotations

import re
from pathlib import Path

from ...facts.plan_tasks import plan_statuses
from ...render.memo_prose import INDICATOR_PHRASES, TASK_PHRASES
from .consistency import _grams, _norm, duplicate_pairs
from ..memo_read import LIST_ITEM_RE, Memo, Section, cn_number, read_memo
from ..model import Context, Finding, check

NUM = r"(\d{1,4}|[一二两三四五六七八九十百]{1,4})"
COUNT_RE = re.compile(NUM + r"\s*项")
# (keywords, status keys of result.summary, what it is in Chinese); the first that matches a clause wins.
# None = the total: only when the clause reads as one (207 项重点工作任务中 / 共 13 项指标). The phrases the
# rendered memo itself uses (engine/render/memo_prose.py) are added in front by _with_prose.
_TASK_SYNONYMS = [
    (("严重滞后",), ("严重滞后",), "严重滞后"),
    (("未实现", "较为滞后", "未按时序"), ("滞后", "严重滞后"), "滞后 + 严重滞后"),
    (("滞后",), ("滞后",), "滞后"),
    (("需核实", "待核实"), ("待核实",), "待核实"),
    (("已完成", "完成全年"), ("已完成",), "已完成"),
    (("超时序",), ("超时序",), "超时序"),
    (("正常", "依时序", "按时序", "顺利推进"), ("正常", "超时序", "已完成"), "正常 + 超时序 + 已完成"),
    (("任务",), None, "任务总数"),
]
_INDICATOR_SYNONYMS = [
    (("不达预期", "未达预期", "不符合预期"), ("不达预期",), "不达预期"),
    (("时间节点",), ("符合时间节点要求",), "符合时间节点要求"),
    (("符合预期", "达到预期", "好于预期"), ("符合预期",), "符合预期"),
    (("需核实", "待核实"), ("待核实",), "待核实"),
    (("指标",), None, "指标总数"),
]


def _with_prose(synonyms: list, phrases) -> list:
    """The memo's own phrases first (项需进一步核实 → 需进一步核实), then the words a person may write instead;
    a status group the synonyms lack (已调整) gets its own entry before the total."""
    out = [list(k) for k in synonyms]
    for _, phrase, statuses in phrases:
        word = phrase.removeprefix("项").removesuffix("中")
        entry = next((e for e in out if e[1] == statuses), None)
        if entry is None:
            out.insert(len(out) - 1, [(word,), statuses, " + ".join(statuses)])
        elif word not in entry[0]:
            entry[0] = (word, *entry[0])
    return [tuple(e) for e in out]


TASK_KEYS = _with_prose(_TASK_SYNONYMS, TASK_PHRASES)
INDICATOR_KEYS = _with_prose(_INDICATOR_SYNONYMS, INDICATOR_PHRASES)


def _roots(ctx: Context) -> dict:
    """item id → the id of its first listing (duplicate groups merged), for counts after merging."""
    roots = ctx.cache.get("dup_roots")
    if roots is None:
        roots = {u.item.id: u.item.id for u in ctx.units}
        for first, later in duplicate_pairs(ctx):
            roots[later.item.id] = first.item.id
        ctx.cache["dup_roots"] = roots
    return roots


def expected(ctx: Context, domain: str, statuses) -> tuple[set[int], str]:
    """The counts the engine's result allows for a statement: as listed, or with duplicate listings of one
    task merged (the memo may print 序号 18、72 once); 正常推进 may or may not include 已完成 / 超时序."""
    key = "tasks" if domain == "task" else "indicators"
    items = ctx.result[key]
    summary = ctx.result["summary"][key]
    wanted = set(statuses) if statuses is not None else None
    chosen = [i for i in items if wanted is None or i["status"] in wanted]
    roots = _roots(ctx)
    plan = plan_statuses(items)  # one per plan task, as the rendered memo counts (engine/facts/plan_tasks.py)
    allowed = {len(chosen), len({roots.get(i["id"], i["id"]) for i in chosen}),
               sum(1 for s in plan.values() if wanted is None or s in wanted)}
    if statuses == ("正常", "超时序", "已完成"):
        allowed.add(summary.get("正常", 0))
    if statuses == ("滞后",):  # a bare 滞后 may mean 滞后 alone or with 严重滞后
        allowed |= expected(ctx, domain, ("滞后", "严重滞后"))[0]
    if statuses is None or len(statuses) == 1:
        return allowed, f"{len(chosen)} 项"
    parts = "、".join(f"{s} {summary.get(s, 0)}" for s in statuses)
    return allowed, f"{len(chosen)} 项（{parts}）"


def _classify(text: str, domain: str, total_ok: bool = True):
    for words, statuses, label in (TASK_KEYS if domain == "task" else INDICATOR_KEYS):
        if any(w in text for w in words):
            if statuses is None and not total_ok:
                return "none", None
            return statuses, label
    return "none", None


def _is_total(clause: str) -> bool:
    return clause.rstrip().endswith("中") or any(w in clause for w in ("共", "总计", "合计", "全部"))


def statements(memo: Memo):
    """(block, stated number, domain, statuses, label, clause) for every count in the cover's prose
    (list items and table rows are not statements)."""
    for block in memo.cover:
        if block.is_row or LIST_ITEM_RE.match(block.text) or block.heading:
            continue
        for sentence in re.split(r"[。；;\n]", block.text):
            domain = "indicator" if "指标" in sentence else "task"
            for clause in re.split(r"[，,、：:（）()]", sentence):
                for m in COUNT_RE.finditer(clause):
                    rest = clause.replace(m.group(0), " ")
                    statuses, label = _classify(rest, domain, _is_total(clause))
                    number = cn_number(m.group(1))
                    if statuses != "none" and number is not None:
                        yield block, number, domain, statuses, label, clause.strip()


@check("A-MM-01", "报告数字与检查结果不符", scope="memo")
def cover_counts(ctx: Context, memo: Memo):
    """Every count in the cover text ("N 项重点工作任务中，M 项正常推进，K 项推进较为滞后") equals the
    engine's result for the same period (the message also says what the matching annex lists)."""
    for block, number, domain, statuses, label, clause in statements(memo):
        allowed, shown = expected(ctx, domain, statuses)
        if number in allowed:
            continue
        listed = [f"{_name(s)}列出 {len(s.rows)} 行" for s in memo.sections
                  if s.rows and _section_category(s) == (domain, statuses, label)]
        extra = f"；{'，'.join(listed)}" if listed else ""
        yield Finding("A-MM-01", "error", block.target, clause, f"报告写「{clause}」（{label}），检查结果为 {shown}{extra}",
                      "按本期检查结果（result.json）改正数字，或重新生成报告")


def _name(section: Section) -> str:
    return f"附件{section.annex}" if section.annex is not None else f"「{section.title}」"


def _section_category(section: Section):
    """What a section or annex lists, from its title: (domain, statuses, label) or None. Only an annex
    is taken to list everything (主要指标完成情况 as a memo section may list only the lagging ones)."""
    domain = "indicator" if "指标" in section.title else "task"
    statuses, label = _classify(section.title, domain, total_ok=section.kind == "annex")
    return None if statuses == "none" else (domain, statuses, label)


def _listed_count(section: Section) -> tuple[int | None, str]:
    own = COUNT_RE.search(section.title)
    return (cn_number(own.group(1)), own.group(0)) if own else (None, "")


@check("A-MM-02", "附件行数与报告数字不符", scope="memo")
def annex_rows(ctx: Context, memo: Memo):
    """Each annex / list section has as many rows as the cover text says and the engine found; a title
    that states its own count (推进较为滞后的任务（20 项）) is checked against its rows, and each entry of
    the cover's 附件 list against the annex it names."""
    stated = {}
    for _, number, domain, statuses, _, clause in statements(memo):
        stated.setdefault((domain, statuses), (number, clause))
    by_number = {s.annex: s for s in memo.annexes}
    for section in memo.sections:
        if section.kind == "annex_list":
            yield from _annex_list(section, by_number)
            continue
        rows = len(section.rows)
        name = _name(section)
        own, own_text = _listed_count(section)
        if own is not None and rows and own != rows:
            yield Finding("A-MM-02", "error", section.block.target, section.title,
                          f"{name}标题写 {own_text}，实际列出 {rows} 行", "核对清单，使标题数字与行数一致")
        category = _section_category(section)
        if category is None or not rows:
            continue
        domain, statuses, label = category
        allowed, shown = expected(ctx, domain, statuses)
        if rows in allowed:
            continue
        cover = stated.get((domain, statuses))
        extra = f"，正文写「{cover[1]}」" if cover else ""
        yield Finding("A-MM-02", "error", section.block.target, section.title,
                      f"{name}（{label}）列出 {rows} 行，检查结果为 {shown}{extra}",
                      "补齐或删去附件中的行，使附件、正文和检查结果三者一致")


def _annex_list(section: Section, by_number: dict):
    for row in section.rows:
        m = re.match(r"^(\d{1,2})\s*[.、．]?\s*(.*)$", row.text)
        if not m:
            continue
        annex = by_number.get(int(m.group(1)))
        count = COUNT_RE.search(m.group(2))
        if annex is None and by_number:
            yield Finding("A-MM-05", "error", row.target, row.text, f"附件清单列有附件{m.group(1)}，但报告中没有该附件",
                          "补上该附件或从清单中删去")
        elif annex is not None and count and annex.rows and cn_number(count.group(1)) != len(annex.rows):
            yield Finding("A-MM-02", "error", row.target, row.text,
                          f"附件清单写附件{m.group(1)}{count.group(0)}，附件{m.group(1)}实际列出 {len(annex.rows)} 行",
                          "使附件清单的数字与附件行数一致")


def _index(ctx: Context) -> dict:
    """Normalised task / indicator texts (and names) → unit, plus their bigrams and 序号, built once."""
    index = ctx.cache.get("memo_index")
    if index is None:
        exact, grams, by_seq = {}, [], {}
        for u in ctx.units:
            for text in filter(None, (u.item.text, u.item.name, u.entry.source_text if u.entry else None)):
                exact.setdefault(_norm(text), u)
                grams.append((_grams(_norm(text)), u))
            for seq in {u.seq, u.item.seq, u.item.id}:
                if seq:
                    by_seq.setdefault(seq, []).append(u)
        index = ctx.cache["memo_index"] = {"exact": exact, "grams": grams, "seq": by_seq}
    return index


def find_unit(ctx: Context, text: str):
    """The plan item a memo text names (exact, truncated with …, followed by a comment, or nearly the
    same), or None."""
    index, key = _index(ctx), _norm(text.rstrip("…").rstrip("."))
    if not key:
        return None
    if key in index["exact"]:
        return index["exact"][key]
    if len(key) >= 6:
        for norm, unit in index["exact"].items():
            if (len(key) >= 8 and norm.startswith(key)) or (len(norm) >= 6 and key.startswith(norm)):
                return unit
    g = _grams(key)
    best = max(((len(g & h) / len(g | h), u) for h, u in index["grams"] if h), key=lambda x: x[0], default=(0, None))
    return best[1] if best[0] >= 0.8 else None


SEQ_ITEM = re.compile(r"【序号\s*([^】\s]+)】\s*(.*)")
NUMBERED = re.compile(r"^(?:\d{1,3}\s*[.、．]|[-*•])\s*")


def _named(section: Section):
    """(block, seq or None, text, strict) for every task / indicator a section names. strict: the row is
    certainly meant as a task (a 任务 / 指标 table column, 【序号 N】, a list under a status heading), so
    a name not found is an error; other list items are only matched when they can be."""
    if section.kind == "annex_list":
        return
    column = None
    if section.header:
        column = next((k for k, h in enumerate(section.header) if re.search(r"任务|指标|名称|事项", h)), None)
    listing = _section_category(section) is not None
    for row in section.rows:
        if row.is_row:
            if column is not None and column < len(row.cells) and len(row.cells[column]) >= 4:
                yield row, None, row.cells[column], True
            continue
        m = SEQ_ITEM.search(row.text)
        if m:
            yield row, m.group(1), re.split(r"[—–]{2}|\s{2,}", m.group(2))[0], True
        else:
            yield row, None, NUMBERED.sub("", row.text), listing


def _matches(text: str, unit) -> bool:
    key = _norm(text.rstrip("…").rstrip("."))
    for own in filter(None, (unit.item.text, unit.item.name, unit.entry.source_text if unit.entry else None)):
        norm = _norm(own)
        if norm == key or (len(key) >= 8 and norm.startswith(key)) or (len(norm) >= 6 and key.startswith(norm)):
            return True
    return False


@check("A-MM-03", "报告中的任务在事实中不存在", scope="memo")
def unknown_tasks(ctx: Context, memo: Memo):
    """Every task or indicator the memo lists (annex rows, 【序号 N】 items, lists under a status heading)
    exists in the facts, and a 序号 printed with it is that task's."""
    index = _index(ctx)
    for section in memo.sections:
        for block, seq, text, strict in _named(section):
            if seq and any(_matches(text, u) for u in index["seq"].get(seq, [])):
                continue
            unit = find_unit(ctx, text)
            if unit is None:
                if strict:
                    yield Finding("A-MM-03", "error", block.target, text[:60], "报告列出的任务 / 指标在本工作区的计划中找不到",
                                  "核对任务文字；如为新增任务，先导入计划或进展表")
            elif seq:
                yield Finding("A-MM-03", "warn", block.target, f"【序号 {seq}】{text[:40]}",
                              f"序号 {seq} 与任务不符：该任务的序号是 {unit.seq}（{unit.item.id}）", f"改为序号 {unit.seq}")


@check("A-MM-04", "附件编号不连续或重复", scope="memo")
def annex_numbering(ctx: Context, memo: Memo):
    """附件1, 附件2, 附件3 in order: no gap, no repeat, none out of order."""
    numbers = [s.annex for s in memo.annexes]
    seen: set[int] = set()
    prev = 0
    for section in memo.annexes:
        n, quote = section.annex, section.block.text
        missing = [k for k in range(prev + 1, n) if k not in numbers] if n is not None else []
        if n in seen:
            yield Finding("A-MM-04", "error", section.block.target, quote, f"附件{n} 重复", "重新按顺序编号附件")
        elif n is not None and n < prev:
            yield Finding("A-MM-04", "error", section.block.target, quote, f"附件{n} 排在附件{prev} 之后，编号顺序颠倒",
                          "按 附件1、附件2、附件3 的顺序排列")
        elif missing:
            yield Finding("A-MM-04", "error", section.block.target, quote,
                          f"附件编号不连续：缺少{'、'.join(f'附件{k}' for k in missing)}", "按 附件1、附件2、附件3 的顺序连续编号")
        if n is not None:
            seen.add(n)
            prev = max(prev, n)


@check("A-MM-05", "引用的附件不存在", scope="memo")
def annex_mentions(ctx: Context, memo: Memo):
    """A mention like 见附件4 in the text when the memo has no 附件4."""
    have = {s.annex for s in memo.annexes}
    if not have:
        return  # annexes sent as separate files: nothing to compare with
    headings = {id(s.block) for s in memo.annexes}
    for block in memo.blocks:
        if id(block) in headings:
            continue
        for m in re.finditer(r"附件\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})(?![0-9年月日号])", block.text):
            if cn_number(m.group(1)) not in have:
                yield Finding("A-MM-05", "error", block.target, m.group(0), f"引用了「{m.group(0)}」，但报告中没有该附件",
                              "补上该附件或改正引用的编号")


LIST_AFTER = re.compile(NUM + r"\s*项[^，。；：:]{0,12}?(?:[：:]|分别是|分别为|包括|即)\s*([^。；;]+)")
LIST_BEFORE = re.compile(r"([^，。；：:（(]+(?:、[^，。；：:、等]+)+?)(等)?\s*" + NUM + r"\s*项")


def _count_items(text: str) -> int:
    return len([p for p in text.split("、") if p.strip()])


@check("A-MM-06", "所列名称个数与数字不符", scope="memo")
def enumerations(ctx: Context, memo: Memo):
    """"7 项指标符合预期：A、B、…、F" names six: the count or the list is wrong. A list ending in 等
    is not exhaustive and is not checked."""
    for block in memo.cover:
        if block.is_row or block.heading or LIST_ITEM_RE.match(block.text):
            continue  # list items quote task texts (建成口袋公园4个); only the memo's prose is checked
        for regex, list_group, num_group in ((LIST_AFTER, 2, 1), (LIST_BEFORE, 1, 3)):
            for m in regex.finditer(block.text):
                if regex is LIST_BEFORE and m.group(2):
                    continue
                listed = m.group(list_group).split("，")[0] if regex is LIST_AFTER else m.group(list_group)
                if re.search(r"[0-9项个]", listed):
                    continue  # 已完成 15 项、超时序 9 项 is a breakdown, not a list of names
                count, stated = _count_items(listed), cn_number(m.group(num_group))
                last = listed.split("、")[-1]
                if count < 2 or stated is None or count == stated or (count + 1 == stated and re.search("和|及", last)):
                    continue
                yield Finding("A-MM-06", "error", block.target, m.group(0)[:80], f"写的是 {stated} 项，实际列出 {count} 个名称",
                              "补齐遗漏的名称，或改正数字")


def audit_memo(ctx: Context, path: Path, fact_findings: list[Finding]) -> tuple[list[Finding], str]:
    """All memo checks plus the text checks on the memo's own words (a defect already reported on the
    task it was copied from is not reported again)."""
    from .. import text_findings
    from ..model import CHECKS

    memo = read_memo(path)
    out = []
    for spec in CHECKS.values():
        if spec.scope == "memo":
            out.extend(spec.run(ctx, memo))
    known = {(f.check, f.core) for f in fact_findings}
    plan_texts = {_norm(u.item.text) for u in ctx.units}
    for block in memo.blocks:
        for cell in (block.cells if block.is_row else [block.text]):
            plan = _norm(NUMBERED.sub("", cell)) in plan_texts  # a task text quoted from the plan
            for f in text_findings(ctx, cell, lambda s, e, b=block: dict(b.target), plan_text=plan):
                if (f.check, f.core) not in known:
                    out.append(f)
    return out, memo.name
