"""engine.importing.docx: .docx → SourceTables. Fixtures are generated with python-docx in tmp_path."""

from __future__ import annotations

import copy
import os
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from engine.errors import InputError
from engine.importing.docx import read_docx_tables
from engine.importing.tables import SourceTable

DATA = Path("/work/shared/data")
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"real documents not available: {DATA} is missing")


# ---------------------------------------------------------------- fixture helpers


def set_text(cell, text: str) -> None:
    """One paragraph per line, like a unit cell typed with Enter between names."""
    paragraphs = cell.paragraphs
    for p in paragraphs[1:]:
        p._p.getparent().remove(p._p)
    lines = text.split("\n")
    paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def add_table(doc, rows: list[list[str]]):
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            set_text(table.cell(r, c), value)
    return table


def merge(table, a: tuple[int, int], b: tuple[int, int], text: str) -> None:
    cell = table.cell(*a).merge(table.cell(*b))
    set_text(cell, text)  # python-docx's merge concatenates the old texts: set the real one


def save(doc, tmp_path: Path, name: str = "t.docx") -> Path:
    path = tmp_path / name
    doc.save(path)
    return path


def read_one(path) -> SourceTable:
    tables = read_docx_tables(path)
    assert len(tables) == 1
    return tables[0]


# ---------------------------------------------------------------- shapes and merges


def test_header_in_first_row(tmp_path):
    doc = docx.Document()
    add_table(doc, [["序号", "目标任务", "完成情况"], ["1", "地区生产总值增长6.5%。", "前三季度，GDP同比增长7.6%。"]])
    t = read_one(save(doc, tmp_path))
    assert t.rows == [["序号", "目标任务", "完成情况"], ["1", "地区生产总值增长6.5%。", "前三季度，GDP同比增长7.6%。"]]
    assert t.location == "表1" and t.title is None
    assert t.row_refs == ["表1第1行", "表1第2行"]
    assert t.source == str(tmp_path / "t.docx")


def test_title_row_merged_across_table_then_header(tmp_path):
    doc = docx.Document()
    table = add_table(doc, [["", "", ""], ["序号", "目标任务", "牵头责任单位"], ["1", "任务甲", "区财政局"]])
    merge(table, (0, 0), (0, 2), "前三季度重点工作任务推进情况")
    t = read_one(save(doc, tmp_path))
    assert t.rows[0] == ["前三季度重点工作任务推进情况"] * 3
    assert t.rows[1] == ["序号", "目标任务", "牵头责任单位"]
    assert all(len(r) == 3 for r in t.rows)


def test_header_internal_spacing_and_fullwidth_text_kept(tmp_path):
    doc = docx.Document()
    add_table(doc, [["序号", "指  标  名  称", "目       标      任      务"],
                    ["1", "把市委‘一号工程’建设作为总抓手", "驰而不息纠治“四风”（%）"]])
    t = read_one(save(doc, tmp_path))
    assert t.rows[0] == ["序号", "指  标  名  称", "目       标      任      务"]
    assert t.rows[1][1:] == ["把市委‘一号工程’建设作为总抓手", "驰而不息纠治“四风”（%）"]


def test_header_merged_over_two_columns(tmp_path):
    doc = docx.Document()
    table = add_table(doc, [["序号", "", "", "牵头单位"], ["1", "（一）", "推进扩大有效投资。", "区发展改革委"]])
    merge(table, (0, 1), (0, 2), "工作任务")
    t = read_one(save(doc, tmp_path))
    assert t.rows[0] == ["序号", "工作任务", "工作任务", "牵头单位"]
    assert t.rows[1] == ["1", "（一）", "推进扩大有效投资。", "区发展改革委"]


def test_multi_paragraph_cells_joined_and_stripped(tmp_path):
    doc = docx.Document()
    table = add_table(doc, [["牵头领导", "牵头责任单位"], ["钟  涛\n冯星贵", "区发展改革委\n区经济信息委"]])
    cell = table.cell(1, 1)
    cell.add_paragraph("   ")  # a trailing blank paragraph is not content
    cell.paragraphs[0].runs[0].text = "  区发展改革委 "  # paragraphs are stripped at both ends
    p = table.cell(0, 0).paragraphs[0]
    p.text = "牵头"
    p.add_run("领导")  # runs are concatenated
    t = read_one(save(doc, tmp_path))
    assert t.rows == [["牵头领导", "牵头责任单位"], ["钟  涛\n冯星贵", "区发展改革委\n区经济信息委"]]


def test_category_row_merged_across_all_columns(tmp_path):
    doc = docx.Document()
    table = add_table(doc, [["序号", "目标任务", "牵头领导", "牵头单位"], ["", "", "", ""],
                            ["1", "加大助企纾困力度。", "钟  涛", "区发展改革委"]])
    merge(table, (1, 0), (1, 3), "一、推动高质量发展要有新作为")
    t = read_one(save(doc, tmp_path))
    assert t.rows[1] == ["一、推动高质量发展要有新作为"] * 4
    assert t.rows[2] == ["1", "加大助企纾困力度。", "钟  涛", "区发展改革委"]


def test_vertically_merged_category_cells_repeat(tmp_path):
    doc = docx.Document()
    table = add_table(doc, [["分类", "目标任务", "牵头单位"], ["", "任务一", "区财政局"], ["", "任务二", "区财政局"],
                            ["", "任务三", "区商务委"], ["", "任务四", ""]])
    merge(table, (1, 0), (3, 0), "一、\n推动高质量发展要有新作为")
    t = read_one(save(doc, tmp_path))
    assert [r[0] for r in t.rows] == ["分类"] + ["一、\n推动高质量发展要有新作为"] * 3 + [""]
    # separate cells that merely hold equal text stay separate; an empty cell stays empty
    assert [r[2] for r in t.rows] == ["牵头单位", "区财政局", "区财政局", "区商务委", ""]


def test_vmerge_and_gridspan_together(tmp_path):
    doc = docx.Document()
    table = add_table(doc, [["a", "b", "c"], ["d", "e", "f"], ["g", "h", "i"]])
    merge(table, (0, 0), (1, 1), "块")
    t = read_one(save(doc, tmp_path))
    assert t.rows == [["块", "块", "c"], ["块", "块", "f"], ["g", "h", "i"]]


def test_rows_without_sequence_number(tmp_path):
    doc = docx.Document()
    add_table(doc, [["序号", "指  标  名  称", "2023年预期目标"], ["1", "地区生产总值增速（%）", "6.5"],
                    ["", "其中：民间投资增速（%）", "12"], ["", "#化学需氧量", ""]])
    t = read_one(save(doc, tmp_path))
    assert t.rows[2] == ["", "其中：民间投资增速（%）", "12"]
    assert t.rows[3] == ["", "#化学需氧量", ""]
    assert t.ref(3) == "表1第4行"


def _short_row(table, r: int, before: int, after: int) -> None:
    """Drop cells from a row and declare them as w:gridBefore / w:gridAfter."""
    tr = table.rows[r]._tr
    tcs = tr.findall(qn("w:tc"))
    for tc in tcs[:before] + (tcs[len(tcs) - after:] if after else []):
        tr.remove(tc)
    tr_pr = tr.get_or_add_trPr()
    for name, n in (("w:gridBefore", before), ("w:gridAfter", after)):
        if n:
            el = OxmlElement(name)
            el.set(qn("w:val"), str(n))
            tr_pr.append(el)


def test_grid_before_and_after_are_padded(tmp_path):
    doc = docx.Document()
    table = add_table(doc, [["a", "b", "c", "d"], ["x", "e", "f", "y"], ["g", "h", "i", "z"]])
    _short_row(table, 1, before=1, after=1)
    _short_row(table, 2, before=0, after=2)
    t = read_one(save(doc, tmp_path))
    assert t.rows == [["a", "b", "c", "d"], ["", "e", "f", ""], ["g", "h", "", ""]]


def test_nested_table_does_not_crash(tmp_path):
    doc = docx.Document()
    outer = add_table(doc, [["外层", "x"], ["y", "z"]])
    cell = outer.cell(1, 1)
    cell.add_paragraph("附件9")
    inner = cell.add_table(rows=1, cols=2)
    set_text(inner.cell(0, 0), "内1")
    set_text(inner.cell(0, 1), "内2")
    tables = read_docx_tables(save(doc, tmp_path))
    assert [t.rows for t in tables] == [[["外层", "x"], ["y", "z\n附件9"]], [["内1", "内2"]]]
    assert tables[1].location == "附件9" and tables[1].title == "附件9"


# ---------------------------------------------------------------- titles and locations


def test_several_tables_with_annex_titles(tmp_path):
    doc = docx.Document()
    for text in ("关于印发推进情况的通知", "各乡镇人民政府、街道办事处：" + "现将有关情况通报如下。" * 10, "附件1"):
        doc.add_paragraph(text)
    doc.add_paragraph("")
    doc.add_paragraph("  前三季度政府工作报告主要指标任务完成情况 ")
    add_table(doc, [["序号", "指标"], ["1", "甲"]])
    doc.add_paragraph("注:“/”表示暂无相关数据。")
    doc.add_paragraph("附件2")
    doc.add_paragraph("前三季度区政府各分管领导牵头目标任务完成情况")
    add_table(doc, [["序号", "任务"], ["1", "乙"], ["2", "丙"]])
    doc.add_paragraph("附件 3：前三季度未实现“依时序推进”目标任务")
    add_table(doc, [["序号", "任务"]])
    add_table(doc, [["无标题"]])
    tables = read_docx_tables(save(doc, tmp_path))
    assert [t.location for t in tables] == ["附件1", "附件2", "附件3", "表4"]
    assert [t.title for t in tables] == [
        "附件1 前三季度政府工作报告主要指标任务完成情况",
        "附件2 前三季度区政府各分管领导牵头目标任务完成情况",
        "附件 3：前三季度未实现“依时序推进”目标任务",
        None,
    ]
    assert tables[1].row_refs == ["附件2第1行", "附件2第2行", "附件2第3行"]
    assert tables[3].row_refs == ["表4第1行"]


@pytest.mark.parametrize(
    "caption, location",
    [
        ("附件一", "附件1"),
        ("附件十二 某某情况表", "附件12"),
        ("附件２", "附件2"),
        ("附件 2", "附件2"),
        ("附件2：重点工作任务推进情况", "附件2"),
        ("附件 2023年区政府工作报告目标任务分解方案", "表1"),  # a year, not an annex number
        ("附件", "表1"),
        ("表2：2023年国民经济和社会发展计划草案", "表1"),  # 表N is the table's own index
        ("一、2023年主要预期目标", "表1"),
    ],
)
def test_annex_number_normalised(tmp_path, caption, location):
    doc = docx.Document()
    doc.add_paragraph(caption)
    add_table(doc, [["序号"]])
    t = read_one(save(doc, tmp_path))
    assert t.location == location
    assert t.title == caption
    assert t.row_refs == [f"{location}第1行"]


def test_repeated_annex_number_falls_back_to_table_index(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("附件2")
    add_table(doc, [["a"]])
    doc.add_paragraph("附件2（续）")
    add_table(doc, [["b"]])
    assert [t.location for t in read_docx_tables(save(doc, tmp_path))] == ["附件2", "表2"]


def test_title_ignores_letter_body_and_previous_note(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("区政府各部门：" + "请认真贯彻执行。" * 12)
    doc.add_paragraph("一、2023年主要预期目标")
    add_table(doc, [["a"]])
    doc.add_paragraph("注：“*”代表约束性指标。")
    doc.add_paragraph("二、2023年主要工作任务")
    add_table(doc, [["b"]])
    assert [t.title for t in read_docx_tables(save(doc, tmp_path))] == ["一、2023年主要预期目标", "二、2023年主要工作任务"]


# ---------------------------------------------------------------- errors


def _error(path) -> str:
    with pytest.raises(InputError) as info:
        read_docx_tables(path)
    message = str(info.value)
    assert str(path) in message
    return message


def test_old_doc_signature(tmp_path):
    path = tmp_path / "报告.docx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    message = _error(path)
    assert "Word 97-2003（.doc）" in message and "另存为" in message and ".docx" in message


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    assert "空" in _error(path)


def test_random_bytes(tmp_path):
    path = tmp_path / "noise.docx"
    path.write_bytes(os.urandom(4096).replace(b"PK", b"QK"))
    assert "不是有效的 Word .docx 文件" in _error(path)


def test_missing_file(tmp_path):
    assert "找不到" in _error(tmp_path / "nope.docx")


def test_renamed_xlsx(tmp_path):
    path = tmp_path / "table.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert "Excel" in _error(path)


def test_corrupt_zip(tmp_path):
    good = save(docx.Document(), tmp_path, "good.docx")
    bad = tmp_path / "bad.docx"
    bad.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])
    assert "损坏" in _error(bad)


def test_broken_document_xml(tmp_path):
    good = save(docx.Document(), tmp_path, "good.docx")
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = b"<w:document" if item.filename == "word/document.xml" else src.read(item)
            dst.writestr(item, data)
    assert "损坏" in _error(bad)


# ---------------------------------------------------------------- performance


def test_two_thousand_rows_read_fast(tmp_path):
    doc = docx.Document()
    table = add_table(doc, [["序号", "目标任务", "完成情况", "牵头责任单位"], ["1", "任务", "前三季度，完成" * 10, "区财政局\n区审计局"]])
    tbl, template = table._tbl, table.rows[1]._tr
    for _ in range(1999):
        tbl.append(copy.deepcopy(template))
    path = save(doc, tmp_path)
    start = time.perf_counter()
    t = read_one(path)
    elapsed = time.perf_counter() - start
    assert len(t.rows) == 2001 and t.rows[-1][3] == "区财政局\n区审计局"
    assert elapsed < 1.0, f"2,000 rows took {elapsed:.2f}s"  # ~0.3s measured; python-docx row.cells ~1.1s


# ---------------------------------------------------------------- real documents


@needs_data
def test_real_q3_report():
    tables = read_docx_tables(DATA / "fuling_2023q3_report.docx")
    assert [(t.location, len(t.rows), {len(r) for r in t.rows}) for t in tables] == [
        ("附件1", 14, {5}), ("附件2", 207, {4}), ("附件3", 8, {4})]
    assert [t.title for t in tables] == [
        "附件1 前三季度政府工作报告主要指标任务完成情况",
        "附件2 前三季度区政府各分管领导牵头目标任务完成情况",
        "附件3 前三季度未实现“依时序推进”目标任务",
    ]
    indicators, tasks, late = tables
    assert indicators.rows[0] == ["序号", "指  标  名  称", "完  成  情  况", "全年目标", "牵头责任单位"]
    assert indicators.rows[7][4] == "区发展改革委\n区生态环境局"
    assert tasks.rows[0] == ["序号", "目    标   任   务", "完     成     情     况", "牵头责任单位"]
    assert tasks.rows[1] == ["1", "地区生产总值增长6.5%。", "前三季度，GDP同比增长7.6%，超过年度目标。", "区发展改革委"]
    assert tasks.rows[206][0] == "206" and tasks.row_refs[206] == "附件2第207行"
    assert late.rows[0][1] == "目  标  任  务"


@needs_data
def test_real_plan():
    tables = read_docx_tables(DATA / "fuling_2023_plan.docx")
    assert [(t.location, len(t.rows), {len(r) for r in t.rows}) for t in tables] == [
        ("表1", 8, {4}), ("表2", 181, {6}), ("表3", 7, {5})]
    assert [t.title for t in tables] == [
        "附件 2023年区政府工作报告目标任务分解方案 一、2023年主要预期目标",
        "二、2023年主要工作任务",
        "三、切实加强政府自身建设",
    ]
    targets, tasks, own = tables
    assert targets.rows[0] == ["主       要       目       标", "牵头领导", "牵头责任单位", "责任（配合）单位"]
    assert targets.rows[7][1:3] == ["钟  涛\n张  宇", "区发展改革委\n区生态环境局"]
    assert tasks.rows[0][:3] == ["分类", "序号", "目       标      任      务"]
    assert tasks.rows[1][:2] == ["一、\n推动高质量发展要有新作为", ""]
    assert tasks.rows[2][0] == ""  # the category is written once per page, not vMerged
    assert tasks.rows[1][2].startswith("把市委‘一号工程’")
    assert own.rows[6][0] == "6" and own.rows[6][3] == "区财政局\n区审计局"


@needs_data
@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.docx")) if DATA.is_dir() else [])
def test_real_documents_read_without_error(name):
    tables = read_docx_tables(DATA / name)
    assert tables
    for t in tables:
        assert t.rows and len({len(r) for r in t.rows}) == 1
        assert len(t.row_refs) == len(t.rows)
        assert all(isinstance(c, str) for r in t.rows for c in r)
