"""The render context: docs/templates.md in step with the dataclasses, counts, lag sentences, safe file names."""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path

import pytest

from engine.check import run_check
from engine.errors import InputError
from engine.render import DEFAULT_FORMATS, FORMATS, parse_formats
from engine.render.context import DOCUMENTED, build_context, cn_number
from engine.render.names import MAX_BYTES, safe_stem, unique_names

from .conftest import FULING, ROOT

DOC = ROOT / "docs" / "templates.md"


_BUILT: dict = {}  # one build per test session, although each test_render_* module imports the fixture


@pytest.fixture(scope="session")
def fuling_result(tmp_path_factory):
    """The Fuling example as `make example` builds it: plan tables (with 责任区领导), then Q3 progress.
    Shared by the test_render_* modules (imported there); tests copy it before changing it."""
    if "result" not in _BUILT:
        _BUILT["result"] = _build_fuling(tmp_path_factory)
    return _BUILT["result"]


def _build_fuling(tmp_path_factory):
    from engine.importing.workspace import import_files

    ws = tmp_path_factory.mktemp("render") / "fuling-2023"
    import_files([str(FULING / "fuling_2023_plan_targets.xlsx"), str(FULING / "fuling_2023_plan_tasks.xlsx")], str(ws),
                 region="涪陵区", year=2023)
    import_files([str(FULING / "fuling_2023q3_tasks.xlsx"), str(FULING / "fuling_2023q3_indicators.xlsx")], str(ws),
                 period="2023-09")
    return run_check(ws, "2023-09", engine="vectorised").result


@pytest.fixture
def result(fuling_result):
    return fuling_result


def documented_fields() -> dict[str, set[str]]:
    """Every `### `Class`` section of docs/templates.md and the `field` names in its table."""
    out: dict[str, set[str]] = {}
    current = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### `(\w+)`", line)
        if heading:
            current = heading.group(1)
            out[current] = set()
        elif line.startswith("## "):
            current = None
        elif current and (row := re.match(r"^\| `(\w+)` \|", line)):
            out[current].add(row.group(1))
    return out


def test_docs_list_every_context_field():
    from engine.render.memo_view import DOCUMENTED as MEMO_DOCUMENTED

    docs = documented_fields()
    for cls in DOCUMENTED + MEMO_DOCUMENTED:
        assert cls.__name__ in docs, f"docs/templates.md 缺少 {cls.__name__} 一节"
        fields = {f.name for f in dataclasses.fields(cls)}
        assert docs[cls.__name__] - fields == set(), f"{cls.__name__}: 文档中有、代码中没有的字段"
        assert fields - docs[cls.__name__] == set(), f"{cls.__name__}: 代码中有、文档中没有的字段"


def test_doc_check_would_catch_a_missing_field(tmp_path, monkeypatch):
    text = DOC.read_text(encoding="utf-8").replace("| `lag_text` |", "| lag_text |")
    (tmp_path / "templates.md").write_text(text, encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["DOC"]), "DOC", tmp_path / "templates.md")
    with pytest.raises(AssertionError, match="ItemView"):
        test_docs_list_every_context_field()


def test_counts_follow_the_summary(result):
    ctx = build_context(result)
    t, i = result["summary"]["tasks"], result["summary"]["indicators"]
    assert ctx.counts.tasks_total == len(result["tasks"]) == sum(t.values())
    assert ctx.counts.tasks_lagging == t["滞后"] + t["严重滞后"] == len(ctx.lagging_tasks)
    assert ctx.counts.tasks_normal == t["正常"] + t["超时序"] + t["已完成"] == len(ctx.normal_tasks)
    assert ctx.counts.indicators_missed == i["不达预期"] == len(ctx.missed_indicators)
    assert ctx.counts.tasks_lagging > 0 and ctx.counts.indicators_missed > 0  # the example exercises both
    assert ctx.leaders and ctx.units and ctx.notices


def test_lag_groups_fold_duplicates_but_lose_no_row(result):
    ctx = build_context(result)
    listed = sum(1 + len(task.also_seqs) for group in ctx.lagging_groups for task in group.tasks)
    assert listed == ctx.counts.tasks_lagging
    assert [g.status for g in ctx.lagging_groups] == [s for s in ("严重滞后", "滞后") if result["summary"]["tasks"][s]]
    for group in ctx.lagging_groups:
        for task in group.tasks:
            assert task.status == group.status
            assert task.lag_text.endswith("。") and len(task.lag_text) > 5
            assert not re.match(r"R-[A-Z]+-\d+", task.lag_text), "用户看到的句子不带规则编号"


def test_notices_cover_every_lead_unit_of_a_lagging_task(result):
    ctx = build_context(result)
    units = {u for t in result["tasks"] if t["status"] in ("滞后", "严重滞后") for u in t["lead_units"]}
    assert {n.unit for n in ctx.notices} == units
    for notice in ctx.notices:
        assert notice.tasks and all(notice.unit in t.lead_units for t in notice.tasks)
        assert notice.reply_deadline > ctx.as_of


def test_control_characters_are_cleaned(result):
    hostile = copy.deepcopy(result)
    hostile["tasks"][0]["text"] = "第一行\x0b第二行\x00"
    ctx = build_context(hostile)
    assert ctx.tasks[0].text == "第一行 第二行 "


def test_cn_numbers():
    assert [cn_number(n) for n in (1, 2, 9, 10, 11, 12, 20, 21)] == ["一", "二", "九", "十", "十一", "十二", "二十", "二十一"]


@pytest.mark.parametrize("name", ["../../etc/区交通局", "区/县 局", "..", "区\\交通局", "区\x00交\n通局", "CON", "区" * 200,
                                  ".隐藏", "a:b*c?d\"e<f>g|h"])
def test_safe_stems_stay_in_their_folder(tmp_path, name):
    stem = safe_stem(name)
    assert stem and ".." not in stem and "/" not in stem and "\\" not in stem
    assert not re.search(r"[\x00-\x1f\x7f]", stem)
    assert not stem.startswith(".") and stem.upper() != "CON"
    assert len(stem.encode("utf-8")) <= MAX_BYTES
    assert (tmp_path / f"{stem}.docx").resolve().parent == tmp_path.resolve()


def test_safe_stem_keeps_readable_names():
    assert safe_stem("区交通局") == "区交通局"
    assert safe_stem("区/县 局") == "区_县 局"
    assert safe_stem("../../etc/区交通局") == "etc_区交通局"


def test_unique_names_never_collide():
    names = unique_names(["区/县 局", "区_县 局", "区:县 局"])
    assert len(set(names.values())) == 3


def test_formats():
    assert DEFAULT_FORMATS == ("md", "docx", "xlsx", "html", "json")
    assert set(FORMATS) == {"md", "docx", "xlsx", "html", "json", "junit", "sarif"}
    assert parse_formats("md, DOCX,md,sarif") == ["md", "docx", "sarif"]
    with pytest.raises(InputError, match="pdf"):
        parse_formats("md,pdf")
    assert Path(DOC).is_file()
