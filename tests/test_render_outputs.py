"""All outputs together: file names, reproducible bytes, provenance, atomic writes, workspace templates."""

from __future__ import annotations

import io
import json
import time
import zipfile

import docx
import openpyxl
import pytest

from engine.errors import InputError
from engine.render import FORMATS, write_outputs
from engine.render.context import build_context

from .conftest import run_cli
from .test_render_context import fuling_result  # noqa: F401  (shared fixture)

MAIN_FILES = {"memo.md", "memo.html", "memo.docx", "ledger.xlsx", "dashboard.html", "result.json",
              "findings.junit.xml", "findings.sarif"}


@pytest.fixture
def result(fuling_result):
    return fuling_result


@pytest.fixture(scope="module")
def everything(tmp_path_factory, fuling_result):
    out = tmp_path_factory.mktemp("all")
    written = write_outputs(fuling_result, out, list(FORMATS))
    return out, written


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_file_names(everything, result):
    out, written = everything
    names = {p.relative_to(out).as_posix() for p in written}
    assert set(files(out)) == names, "no temp files or extras left behind"
    assert MAIN_FILES <= names
    ctx = build_context(result)
    assert {f"notices/{n.file_stem}.docx" for n in ctx.notices} | {f"notices/{n.file_stem}.md" for n in ctx.notices} == \
        {n for n in names if n.startswith("notices/")}
    lagging_units = {u for t in result["tasks"] if t["status"] in ("滞后", "严重滞后") for u in t["lead_units"]}
    assert {n.removeprefix("notices/").removesuffix(".docx") for n in names if n.endswith(".docx") and "/" in n} == lagging_units
    leaders = {name for t in result["tasks"] for name in t["leaders"]}
    assert {n.removeprefix("leaders/").removesuffix(".md") for n in names if n.startswith("leaders/")} == leaders


def test_default_formats_from_the_cli(tmp_path, fuling_ws):
    proc = run_cli("check", fuling_ws, "--period", "2023-09", "--out", tmp_path, "--engine", "vectorised")
    assert proc.returncode == 0, proc.stderr
    names = set(files(tmp_path))
    assert {"memo.md", "memo.html", "memo.docx", "ledger.xlsx", "dashboard.html", "result.json"} <= names
    assert not {"findings.junit.xml", "findings.sarif"} & names


def test_same_inputs_same_bytes(tmp_path, result):
    write_outputs(result, tmp_path / "a", list(FORMATS))
    time.sleep(2.1)  # zip timestamps have 2-second resolution: a clock-stamped file would now differ
    write_outputs(result, tmp_path / "b", list(FORMATS))
    a, b = files(tmp_path / "a"), files(tmp_path / "b")
    assert a.keys() == b.keys() and len(a) > len(MAIN_FILES)
    for name in a:
        assert a[name] == b[name], f"{name} differs between two runs"
    with zipfile.ZipFile(io.BytesIO(a["memo.docx"])) as z:
        assert {i.date_time[:3] for i in z.infolist()} == {tuple(int(x) for x in result["as_of"].split("-"))}


def test_every_output_carries_its_provenance(everything, result):
    out, _ = everything
    marks = [result["workspace"], result["period"], result["as_of"], result["rules_digest"], result["data_digest"]]
    for name, data in files(out).items():
        if name.endswith(".docx"):
            props = docx.Document(io.BytesIO(data)).core_properties
            text = f"{props.keywords} {props.comments}"
        elif name.endswith(".xlsx"):
            wb = openpyxl.load_workbook(io.BytesIO(data))
            text = " ".join(str(c.value) for row in wb["说明"].iter_rows() for c in row) + wb.properties.keywords
        else:
            text = data.decode("utf-8")
        for mark in marks:
            assert mark in text, f"{name} 缺少 {mark}"


def test_result_json_is_the_contract_unchanged(everything, result):
    out, _ = everything
    assert json.loads((out / "result.json").read_text(encoding="utf-8")) == result


def test_memo_md_counts_and_lagging_tasks(everything, result):
    """Counts per plan task (engine/facts/plan_tasks.py), the same as the rows of 附件2 (memo_view's lists)."""
    out, _ = everything
    memo = (out / "memo.md").read_text(encoding="utf-8")
    c = build_context(result).memo.counts
    assert f"{c.tasks_total}项重点工作任务中，{c.tasks_normal}项正常推进，{c.tasks_lagging}项推进较为滞后" in memo
    lagging_tasks = [x for x in result["tasks"] if x["status"] in ("滞后", "严重滞后")]
    for task in lagging_tasks:
        assert task["text"][:20] in memo
    annex2 = memo.split("## 附件2")[1].split("## 附件3")[0]
    assert annex2.count("\n| ") - 1 == c.tasks_lagging  # header row + one row per lagging plan task


def test_notice_and_leader_md(everything, result):
    out, _ = everything
    ctx = build_context(result)
    notice = ctx.notices[0]
    text = (out / "notices" / f"{notice.file_stem}.md").read_text(encoding="utf-8")
    assert notice.unit in text and notice.reply_deadline_cn in text
    assert text.count("督查发现（") == sum(len(t.issues) for t in notice.tasks)
    leader = max(ctx.leaders, key=lambda p: len(p.lagging))
    text = (out / "leaders" / f"{leader.file_stem}.md").read_text(encoding="utf-8")
    assert f"分管 {len(leader.tasks)} 项任务" in text
    for task in leader.lagging:
        assert task.text[:15] in text


def test_template_error_leaves_previous_outputs_untouched(tmp_path, result):
    out = tmp_path / "out"
    write_outputs(result, out, ["md", "json", "docx"])
    before = files(out)
    ws = tmp_path / "ws"
    (ws / "templates").mkdir(parents=True)
    (ws / "templates" / "memo.md.j2").write_text("# {{ title }}\n{{ no_such_variable }}\n", encoding="utf-8")
    changed = dict(result, data_digest="sha256:changed")  # a run that would change every file
    with pytest.raises(InputError) as err:
        write_outputs(changed, out, ["json", "docx", "md"], ws)
    assert "no_such_variable" in err.value.format() and "memo.md.j2" in err.value.format()
    assert files(out) == before


def test_cli_reports_template_error_with_exit_2(tmp_path, fuling_ws):
    import shutil
    ws = tmp_path / "ws"
    shutil.copytree(fuling_ws, ws)
    (ws / "templates").mkdir()
    (ws / "templates" / "notice.md.j2").write_text("{{ notice.no_such_field }}\n", encoding="utf-8")
    proc = run_cli("check", ws, "--period", "2023-09", "--out", tmp_path / "out", "--format", "md,json")
    assert proc.returncode == 2
    assert "no_such_field" in proc.stderr and "notice.md.j2" in proc.stderr
    assert not (tmp_path / "out" / "result.json").exists()


def test_workspace_template_extends_the_default(tmp_path, result):
    ws = tmp_path / "ws"
    (ws / "templates").mkdir(parents=True)
    (ws / "templates" / "memo.md.j2").write_text(
        '{% extends "default:memo.md.j2" %}\n{% block closing %}本地落款：{{ office }}\n{% endblock %}\n', encoding="utf-8")
    (ws / "templates" / "leader.md.j2").write_text("领导：{{ leader.name }}\n", encoding="utf-8")
    write_outputs(result, tmp_path / "out", ["md"], ws)
    memo = (tmp_path / "out" / "memo.md").read_text(encoding="utf-8")
    assert "本地落款：" in memo and "项推进较为滞后" in memo and "附件：" not in memo
    leader = next((tmp_path / "out" / "leaders").iterdir()).read_text(encoding="utf-8")
    assert leader.startswith("领导：")


def test_workspace_docx_template_is_used(tmp_path, result):
    ws = tmp_path / "ws"
    (ws / "templates").mkdir(parents=True)
    doc = docx.Document()
    doc.add_paragraph("自定义封面：{{ title }}，滞后 {{ counts.tasks_lagging }} 项")
    doc.save(ws / "templates" / "memo.docx")
    write_outputs(result, tmp_path / "out", ["docx"], ws)
    text = "\n".join(p.text for p in docx.Document(tmp_path / "out" / "memo.docx").paragraphs)
    lagging = result["summary"]["tasks"]["滞后"] + result["summary"]["tasks"]["严重滞后"]
    assert f"自定义封面：关于{result['year']}年" in text and f"滞后 {lagging} 项" in text
    doc = docx.Document()
    doc.add_paragraph("{{ notice.unit }}{{ notice.missing }}")
    doc.save(ws / "templates" / "notice.docx")
    with pytest.raises(InputError, match="missing"):
        write_outputs(result, tmp_path / "out2", ["docx"], ws)
    assert not (tmp_path / "out2").exists()


def test_stale_notices_are_removed_other_files_kept(tmp_path, result):
    out = tmp_path / "out"
    (out / "notices").mkdir(parents=True)
    (out / "notices" / "上季度的单位.docx").write_bytes(b"old")
    (out / "notices" / "说明.txt").write_text("keep", encoding="utf-8")
    write_outputs(result, out, ["docx"])
    names = {p.name for p in (out / "notices").iterdir()}
    assert "上季度的单位.docx" not in names and "说明.txt" in names


def test_word_documents_rendered_in_a_fork_are_the_same_bytes(result, monkeypatch):
    import engine.render as render

    formats = ["md", "docx", "json"]
    monkeypatch.setattr(render, "_cores", lambda: 1)
    serial = render.render_outputs(result, formats)
    monkeypatch.setattr(render, "_cores", lambda: 2)
    forked = render.render_outputs(result, formats)
    assert list(forked) == list(serial) and forked == serial  # same files, same order, same bytes
    assert any(rel.startswith("notices/") and rel.endswith(".docx") for rel in forked)


def test_a_template_error_in_the_forked_render_keeps_its_place(tmp_path, result, monkeypatch):
    import engine.render as render

    monkeypatch.setattr(render, "_cores", lambda: 2)
    ws = tmp_path / "ws"
    (ws / "templates").mkdir(parents=True)
    doc = docx.Document()
    doc.add_paragraph("{{ notice.unit }}{{ notice.missing }}")
    doc.save(ws / "templates" / "notice.docx")
    with pytest.raises(InputError) as err:
        render.render_outputs(result, ["docx", "md"], ws)
    problem, = err.value.problems  # the error crossed the process boundary whole, not as formatted text
    assert problem.file == str(ws / "templates" / "notice.docx") and "missing" in problem.message
