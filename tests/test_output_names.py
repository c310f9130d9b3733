"""One notice per unit and one page per leader, whatever the names (issue 15): names that differ only by a control
character, or that the file-name sanitiser maps alike, get their own files (-2, -3) and result.json's file_names
says which is which; a 300-character name is written, with only the Word metadata shortened."""

from __future__ import annotations

import json
import re
import zipfile

from engine.render.names import safe_stem, unique_names

from .conftest import run_cli

COLLIDING = ["区\\x01局", "区\\x7f局", "区/局", "区:局"]  # YAML escapes, as a hand-edited plan.yaml would carry them


def _rename_lead_units(plan_path, names: list[str]) -> int:
    """Every task's first lead unit becomes one of `names`, round-robin (real Fuling tasks, hostile unit names)."""
    text = plan_path.read_text(encoding="utf-8")
    count = [0]

    def swap(match):
        count[0] += 1
        return f'{match.group(1)}"{names[count[0] % len(names)]}"'

    plan_path.write_text(re.sub(r"(lead_units:\n\s*- )(\S+)", swap, text), encoding="utf-8")
    return count[0]


def _check(ws, out):
    proc = run_cli("check", ws, "--period", "2023-09", "--out", out)
    assert proc.returncode == 0, proc.stderr[-1500:]
    return json.loads((out / "result.json").read_text(encoding="utf-8"))


def test_units_that_clean_alike_get_one_notice_each(shipped_copy, tmp_path):
    assert _rename_lead_units(shipped_copy / "plan.yaml", COLLIDING) > 50
    result = _check(shipped_copy, tmp_path / "out")
    lagging_units = {u for t in result["tasks"] if t["status"] in ("滞后", "严重滞后") for u in t["lead_units"]}
    wanted = {"区\x01局", "区\x7f局", "区/局", "区:局"}
    assert wanted <= lagging_units  # the Fuling progress leaves every one of them with a lagging task
    notices = result["file_names"]["notices"]
    assert set(notices) == lagging_units
    assert len(set(notices.values())) == len(notices)  # no two units share a file
    assert sorted(notices[u] for u in wanted) == ["notices/区_局", "notices/区_局-2", "notices/区_局-3", "notices/区_局-4"]
    files = sorted(p.name for p in (tmp_path / "out" / "notices").iterdir())
    assert files == sorted(f"{stem.split('/')[1]}{ext}" for stem in notices.values() for ext in (".md", ".docx"))
    for unit in wanted:  # each notice lists exactly that unit's lagging tasks
        md = (tmp_path / "out" / f"{notices[unit]}.md").read_text(encoding="utf-8")
        mine = [t for t in result["tasks"] if unit in t["lead_units"] and t["status"] in ("滞后", "严重滞后")]
        assert mine and all(t["text"][:15] in md for t in mine)
        mine_text = "".join(t["text"] for t in mine)
        others = [t for t in result["tasks"] if t["status"] in ("滞后", "严重滞后") and unit not in t["lead_units"]
                  and t["text"][:30] not in mine_text]  # a task of another unit is not in this unit's notice
        assert others and not any(t["text"][:30] in md for t in others)


def test_leaders_that_clean_alike_get_one_page_each():
    # hand-written: the page stems a run would choose for leaders typed with stray characters
    names = ["张\u3000三", "张 三", "张/三", "张\\三", "CON", "con", "张三" * 100]
    stems = unique_names(names)
    assert len(set(stems.values())) == len(names)
    assert stems["CON"].startswith("_") and stems["con"].startswith("_")
    assert all(len(s.encode("utf-8")) <= 160 and "/" not in s and "\\" not in s for s in stems.values())
    assert safe_stem("区\x01局") == safe_stem("区\x7f局") == "区_局"


def test_long_region_and_unit_names_are_written_and_only_the_metadata_is_shortened(shipped_copy, tmp_path):
    region = "重庆市" + "涪陵区" * 100  # 303 characters: python-docx refuses core properties over 255
    unit = "区" + "发展改革委员会" * 40 + "局"
    plan = shipped_copy / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("region: 涪陵区", f"region: {region}", 1), encoding="utf-8")
    _rename_lead_units(plan, [unit])
    result = _check(shipped_copy, tmp_path / "out")
    stem = result["file_names"]["notices"][unit]
    assert len(stem.encode("utf-8")) <= 160
    with zipfile.ZipFile(tmp_path / "out" / f"{stem}.docx") as z:
        core = z.read("docProps/core.xml").decode("utf-8")
        body = z.read("word/document.xml").decode("utf-8")
    title = re.search(r"<dc:title>(.*?)</dc:title>", core).group(1)
    assert len(title) == 255 and title.endswith("…")
    assert "发展改革委员会" * 40 in body
    with zipfile.ZipFile(tmp_path / "out" / "memo.docx") as z:
        assert "涪陵区" * 100 in z.read("word/document.xml").decode("utf-8")
