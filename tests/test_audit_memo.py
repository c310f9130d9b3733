"""--memo: the cover's counts against the annexes and the engine's result, the tasks a memo names, the
附件 numbering — on memos written here (.md and .docx), correct ones and broken ones, and on the memo
the renderer writes for Fuling."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from engine.audit import run_audit
from engine.audit.memo_read import cn_number, read_memo
from engine.check import run_check
from engine.errors import InputError

from .conftest import run_cli
from .test_audit_checks import PERIOD, make_ws

ROOT = Path(__file__).resolve().parent.parent
TASKS = [
    {"id": "T001", "text": "地区生产总值增长6.5%。", "progress": "前三季度，GDP同比增长7.6%。", "seq": "1"},
    {"id": "T002", "text": "进出口总额增长5%。", "progress": "前三季度，外贸进出口总额同比下降11.7%。", "seq": "2"},
    {"id": "T003", "text": "新改建农村公路100公里。", "progress": "新改建农村公路44公里。", "seq": "3"},
    {"id": "T004", "text": "建成标准化厂房15万平方米。", "progress": "已建成标准化厂房16万平方米。", "seq": "4"},
    {"id": "T005", "text": "做好第五次全国经济普查。", "progress": "已完成清查工作，正在开展数据审核。", "seq": "5"},
]
INDICATORS = [{"id": "I01", "name": "地区生产总值增长（%）", "annual_target_text": "6.5%", "progress": "前三季度，GDP同比增长7.6%"},
              {"id": "I02", "name": "进出口总额增速（%）", "annual_target_text": "5%", "progress": "前三季度，同比下降11.7%"}]
MM = ("A-MM-01", "A-MM-02", "A-MM-03", "A-MM-04", "A-MM-05", "A-MM-06")


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    root = make_ws(tmp_path_factory.mktemp("memo") / "ws", TASKS, INDICATORS)
    return root, run_check(root, PERIOD).result


def memo_lines(result: dict, lag_rows: int | None = None, annexes=(1, 2), cover_lag: int | None = None,
               extra_rows=(), extra_text: str = "") -> list[str]:
    t, i = result["summary"]["tasks"], result["summary"]["indicators"]
    lagging = [x for x in result["tasks"] if x["status"] in ("滞后", "严重滞后")]
    lag = len(lagging) if cover_lag is None else cover_lag
    rows = lagging[:lag_rows] if lag_rows is not None else lagging
    lines = ["# 关于2023年测试区政府工作报告重点任务前三季度推进情况的报告", "",
             f"{len(result['tasks'])} 项重点工作任务中，{t['正常'] + t['超时序'] + t['已完成']} 项正常推进，{lag} 项推进较为滞后，"
             f"{t['待核实']} 项需核实。", "",
             f"{len(result['indicators'])} 项主要指标中，{i['符合预期']} 项符合预期，{i['不达预期']} 项不达预期（详见附件1）。",
             extra_text, "", f"## 附件{annexes[0]}　主要指标完成情况表", "", "| 序号 | 指标 | 完成情况 |", "|---|---|---|"]
    lines += [f"| {k} | {x['name']} | {x['progress_text']} |" for k, x in enumerate(result["indicators"], 1)]
    lines += ["", f"## 附件{annexes[1]}　推进较为滞后的任务（{len(rows)} 项）", "", "| 序号 | 工作任务 | 任务进展情况 |", "|---|---|---|"]
    lines += [f"| {x['seq']} | {x['text']} | {x['progress_text']} |" for x in rows]
    lines += [f"| 9 | {text} | 正在推进。 |" for text in extra_rows]
    return lines


def audit_md(tmp_path, ws, lines) -> list:
    path = tmp_path / "memo.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run_audit(ws[0], PERIOD, memo=path)


def memo_findings(report, check=None):
    return [f for f in report.findings if f.target.get("kind") == "memo" and (check is None or f.check == check)]


def test_engine_statuses_of_the_fixture(ws):
    summary = ws[1]["summary"]["tasks"]
    assert summary["滞后"] + summary["严重滞后"] == 2 and summary["已完成"] == 1


def test_correct_memo_reconciles(tmp_path, ws):
    report = audit_md(tmp_path, ws, memo_lines(ws[1]))
    assert report.memo == "memo.md"
    assert [f for f in memo_findings(report) if f.check in MM] == []
    assert "A-MM-01" in report.checks


def test_wrong_count_in_cover(tmp_path, ws):
    report = audit_md(tmp_path, ws, memo_lines(ws[1], cover_lag=3))
    (hit,) = memo_findings(report, "A-MM-01")
    assert hit.severity == "error" and hit.quote == "3 项推进较为滞后"
    assert hit.target["id"] == "memo.md:3" and hit.target["line"] == 3
    assert "2 项" in hit.message and "附件2列出 2 行" in hit.message
    assert not memo_findings(report, "A-MM-02")  # the annex is right: one defect, one finding


def test_annex_missing_a_row(tmp_path, ws):
    report = audit_md(tmp_path, ws, memo_lines(ws[1], lag_rows=1))
    hits = memo_findings(report, "A-MM-02")
    assert len(hits) == 1 and "列出 1 行" in hits[0].message and "2 项推进较为滞后" in hits[0].message
    assert hits[0].target["line"] == 15  # the 附件2 heading


def test_title_count_against_rows(tmp_path, ws):
    lines = [line.replace("（2 项）", "（3 项）") for line in memo_lines(ws[1])]
    (hit,) = memo_findings(audit_md(tmp_path, ws, lines), "A-MM-02")
    assert "标题写 3 项" in hit.message


def test_unknown_task(tmp_path, ws):
    report = audit_md(tmp_path, ws, memo_lines(ws[1], extra_rows=["推进火星基地建设。"]))
    (hit,) = memo_findings(report, "A-MM-03")
    assert hit.severity == "error" and hit.quote == "推进火星基地建设。"
    assert memo_findings(report, "A-MM-02")  # and the annex now has a row too many


def test_seq_that_belongs_to_another_task(tmp_path, ws):
    lines = memo_lines(ws[1]) + ["", "## 需核实的任务（1 项）", "", "- 【序号 4】做好第五次全国经济普查。——没有数字"]
    report = audit_md(tmp_path, ws, lines)
    (hit,) = memo_findings(report, "A-MM-03")
    assert hit.severity == "warn" and "序号是 5" in hit.message
    near = [line.replace("【序号 4】", "【序号 5】") for line in lines]
    assert not memo_findings(audit_md(tmp_path, ws, near), "A-MM-03")


@pytest.mark.parametrize("annexes, message", [((1, 3), "缺少附件2"), ((1, 1), "附件1 重复"), ((2, 1), "顺序颠倒")])
def test_annex_numbering(tmp_path, ws, annexes, message):
    hits = memo_findings(audit_md(tmp_path, ws, memo_lines(ws[1], annexes=annexes)), "A-MM-04")
    assert hits and message in hits[0].message


def test_mention_of_a_missing_annex(tmp_path, ws):
    report = audit_md(tmp_path, ws, memo_lines(ws[1], extra_text="相关问题清单见附件3。"))
    (hit,) = memo_findings(report, "A-MM-05")
    assert hit.quote == "附件3"
    assert not memo_findings(audit_md(tmp_path, ws, memo_lines(ws[1], extra_text="详见附件2。")), "A-MM-05")


@pytest.mark.parametrize("text, fires", [
    ("3 项主要指标符合预期：地区生产总值、规上工业增加值。", True),
    ("地区生产总值、规上工业增加值、固定资产投资 2 项指标好于全市。", True),
    ("2 项主要指标符合预期：地区生产总值、规上工业增加值。", False),
    ("地区生产总值、规上工业增加值等 3 项指标好于全市。", False),
])
def test_enumeration_count(tmp_path, ws, text, fires):
    report = audit_md(tmp_path, ws, memo_lines(ws[1], extra_text=text))
    assert bool(memo_findings(report, "A-MM-06")) == fires


def test_text_checks_run_on_the_memo(tmp_path, ws):
    report = audit_md(tmp_path, ws, memo_lines(ws[1], extra_text="各项工作己完成部署。。"))
    checks = {f.check for f in memo_findings(report)}
    assert {"A-TX-01", "A-TX-03"} <= checks


def _docx(path: Path, lines: list[str]) -> Path:
    document = docx.Document()
    table = None
    for line in lines:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if set("".join(cells)) <= {"-"}:
                continue
            if table is None:
                table = document.add_table(rows=0, cols=len(cells))
            row = table.add_row()
            for cell, text in zip(row.cells, cells):
                cell.text = text
            continue
        table = None
        if line.strip():
            document.add_paragraph(line.lstrip("# "))
    document.save(str(path))
    return path


def test_docx_memo(tmp_path, ws):
    good = _docx(tmp_path / "good.docx", memo_lines(ws[1]))
    assert [f for f in memo_findings(run_audit(ws[0], PERIOD, memo=good)) if f.check in MM] == []
    bad = _docx(tmp_path / "bad.docx", memo_lines(ws[1], cover_lag=3, extra_rows=["推进火星基地建设。"]))
    report = run_audit(ws[0], PERIOD, memo=bad)
    (count,) = memo_findings(report, "A-MM-01")
    assert count.target["id"] == "bad.docx#段落2" and count.target["paragraph"] == 2
    (unknown,) = memo_findings(report, "A-MM-03")
    assert unknown.target["table"] == 2 and unknown.target["seq"] == "表2第4行"


def test_memo_read_errors(tmp_path, ws):
    for name, data in (("memo.doc", b"\xd0\xcf\x11\xe0junk"), ("memo.docx", b"not a zip"), ("memo.txt", b"x")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError):
            read_memo(tmp_path / name)
    with pytest.raises(InputError, match="找不到"):
        run_audit(ws[0], PERIOD, memo=tmp_path / "missing.md")


def test_chinese_numbers():
    assert [cn_number(x) for x in ("7", "１２", "七", "十二", "二十三", "两", "一百零五", "x")] == [7, 12, 7, 12, 23, 2, 105, None]


# ------------------------------------------------------------------ the renderer's memo for Fuling

@pytest.fixture(scope="module")
def fuling_memo(tmp_path_factory):
    """The memo `duban check` writes for the shipped example, through the command line's contract."""
    out = tmp_path_factory.mktemp("fuling-memo")
    ws = ROOT / "facts" / "fuling-2023"
    result = run_cli("check", ws, "--period", PERIOD, "--out", out, "--format", "md")
    assert result.returncode == 0, result.stderr
    return ws, out / "memo.md"


def _reconciliation_errors(report):
    return [f for f in report.findings if f.check in MM and f.severity == "error"]


def test_rendered_fuling_memo_reconciles(fuling_memo):
    ws, memo = fuling_memo
    assert _reconciliation_errors(run_audit(ws, PERIOD, memo=memo)) == []


def test_rendered_fuling_docx_memo_reconciles(tmp_path):
    ws = ROOT / "facts" / "fuling-2023"
    result = run_cli("check", ws, "--period", PERIOD, "--out", tmp_path, "--format", "docx")
    assert result.returncode == 0, result.stderr
    assert _reconciliation_errors(run_audit(ws, PERIOD, memo=tmp_path / "memo.docx")) == []


def test_audit_reads_counts_with_the_memos_own_phrases():
    """engine/render/memo_prose.py's phrases are the audit's first keywords: each one reads as its statuses."""
    from engine.audit.checks.memo import _classify
    from engine.render.memo_prose import INDICATOR_PHRASES, TASK_PHRASES

    for domain, phrases in (("task", TASK_PHRASES), ("indicator", INDICATOR_PHRASES)):
        for _, phrase, statuses in phrases:
            assert _classify(phrase.removeprefix("项"), domain)[0] == statuses, phrase


def test_a_wrong_unclear_count_in_the_rendered_memo_is_found(tmp_path):
    """The rendered memo says 项需进一步核实 (not 需核实): the audit reads that count too, and its 附件4."""
    from engine.render import render_outputs

    tasks = TASKS + [{"id": "T006", "text": "新增城镇就业岗位6000个。", "progress": None, "seq": "6"}]  # hand-written
    root = make_ws(tmp_path / "ws", tasks, INDICATORS)
    result = run_check(root, PERIOD).result
    md = render_outputs(result, ["md"], root)["memo.md"].decode("utf-8")
    unclear = result["summary"]["tasks"]["待核实"]
    assert f"{unclear}项需进一步核实" in md
    path = tmp_path / "memo.md"
    path.write_text(md, encoding="utf-8")
    assert [f for f in memo_findings(run_audit(root, PERIOD, memo=path)) if f.severity == "error"] == []
    path.write_text(md.replace(f"{unclear}项需进一步核实", f"{unclear + 2}项需进一步核实", 1), encoding="utf-8")
    wrong = memo_findings(run_audit(root, PERIOD, memo=path), "A-MM-01")
    assert wrong and "待核实" in wrong[0].message
