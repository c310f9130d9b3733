"""memo.docx and the 督办通知单: GB/T 9704 layout, fonts named for East Asian text, a real PAGE field, the counts
in the cover text, the annex tables, escaping, and (where LibreOffice is installed) a real conversion to PDF."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from engine.render import write_outputs
from engine.render.context import build_context

from .test_memo_counts import OFFICE_HEADS  # one copy of the office's annex columns
from .test_render_context import fuling_result  # noqa: F401  (shared fixture)


@pytest.fixture(scope="module")
def memo(tmp_path_factory, fuling_result):
    out = tmp_path_factory.mktemp("docx")
    write_outputs(fuling_result, out, ["docx"])
    return out, docx.Document(out / "memo.docx"), fuling_result


def east_asia(style) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def close(a, b) -> bool:
    return abs(a - b) < Mm(0.2)


def test_page_and_margins(memo):
    """The memo portrait (GB/T 9704 margins), the annexes one landscape section whose type area is as wide as
    the annex columns add up to."""
    from engine.render.memo_view import ANNEXES, MARGINS_MM, TYPE_WIDTH_MM

    _, doc, _ = memo
    body, annexes = doc.sections
    assert close(body.page_width, Mm(210)) and close(body.page_height, Mm(297))
    assert close(body.top_margin, Mm(37)) and close(body.bottom_margin, Mm(35))
    assert close(body.left_margin, Mm(28)) and close(body.right_margin, Mm(26))
    assert annexes.orientation == docx.enum.section.WD_ORIENT.LANDSCAPE
    assert close(annexes.page_width, Mm(297)) and close(annexes.page_height, Mm(210))
    assert close(annexes.left_margin, Mm(MARGINS_MM["left"])) and close(annexes.top_margin, Mm(MARGINS_MM["top"]))
    assert close(annexes.page_width - annexes.left_margin - annexes.right_margin, Mm(TYPE_WIDTH_MM))
    for spec in ANNEXES:
        assert sum(c.width_mm for c in spec.columns) == TYPE_WIDTH_MM, spec.title


def test_language_is_zh_cn(memo):
    """Word picks fallback fonts and line-breaking rules for East Asian text from these; python-docx says ja-JP."""
    out, doc, _ = memo
    notice = next((out / "notices").iterdir())
    for path, document in ((out / "memo.docx", doc), (notice, docx.Document(notice))):
        theme = document.settings.element.find(qn("w:themeFontLang"))
        assert theme is not None and theme.get(qn("w:eastAsia")) == "zh-CN", path.name
        langs = list(document.styles.element.iter(qn("w:lang")))
        assert langs, f"{path.name}: the default run properties name a language"
        assert {el.get(qn("w:eastAsia")) for el in langs} == {"zh-CN"}, path.name
        assert "ja-JP" not in document.settings.element.xml + document.styles.element.xml, path.name


def test_fonts_name_east_asian_faces(memo):
    _, doc, _ = memo
    expected = {"Normal": ("仿宋_GB2312", 16, False), "Heading 1": ("黑体", 16, False), "Heading 2": ("楷体_GB2312", 16, False),
                "Heading 3": ("仿宋_GB2312", 16, True), "Heading 4": ("仿宋_GB2312", 16, False),
                "公文标题": ("方正小标宋简体", 22, False)}
    for name, (face, size, bold) in expected.items():
        style = doc.styles[name]
        assert east_asia(style) == face, name
        assert style.font.size == Pt(size), name
        assert bool(style.font.bold) is bold, name
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsiaTheme")) is None, f"{name}: a theme font would override {face}"
    normal = doc.styles["Normal"].paragraph_format
    assert normal.line_spacing == Pt(28) and normal.line_spacing_rule == docx.enum.text.WD_LINE_SPACING.EXACTLY
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert doc.paragraphs[0].style.name == "公文标题"
    assert doc.paragraphs[0].text.startswith("关于2023年涪陵区政府工作报告重点任务前三季度推进情况")


def test_page_number_is_a_page_field(memo):
    _, doc, _ = memo
    sec = doc.sections[0]
    assert doc.settings.odd_and_even_pages_header_footer
    for footer in (sec.footer, sec.even_page_footer):
        xml = footer._element.xml
        assert re.search(r"<w:instrText[^>]*> PAGE </w:instrText>", xml)
        assert xml.count('w:fldCharType="begin"') == 1 and xml.count('w:fldCharType="end"') == 1
        text = footer.paragraphs[0].text
        assert text.startswith("— ") and text.endswith(" —")


def test_cover_text_counts(memo):
    """The cover counts plan tasks (a task listed under several 序号 once), as the annexes list them."""
    _, doc, result = memo
    body = "\n".join(p.text for p in doc.paragraphs)
    c = build_context(result).memo.counts
    m = re.search(r"(\d+)项重点工作任务中，(\d+)项正常推进，(\d+)项推进较为滞后，(\d+)项需进一步核实", body)
    assert m and [int(x) for x in m.groups()] == [c.tasks_total, c.tasks_normal, c.tasks_lagging, c.tasks_unclear]
    assert c.tasks_total == c.tasks_normal + c.tasks_lagging + c.tasks_unclear + c.tasks_adjusted
    assert c.tasks_total < len(result["tasks"]), "Fuling lists some plan tasks twice"
    i = result["summary"]["indicators"]
    m = re.search(r"(\d+)项主要指标中，(\d+)项符合预期，(\d+)项不达预期，(\d+)项符合时间节点要求", body)
    assert m and [int(x) for x in m.groups()] == [len(result["indicators"]), i["符合预期"], i["不达预期"], i["符合时间节点要求"]]


def test_lagging_tasks_are_numbered_paragraphs(memo):
    _, doc, result = memo
    prose = build_context(result).memo.prose
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert headings == [f"（{'一二'[n]}）{g.title}" for n, g in enumerate(prose.lagging_groups)]
    for group in prose.lagging_groups:
        for item in group.items:
            hit = [p for p in doc.paragraphs if p.text == item.text]
            assert len(hit) == 1, item.text
            assert hit[0].runs[0].bold and hit[0].runs[0].text == item.lead  # 三级标题 "1.任务" in 仿宋 bold
            assert "（责任单位：" in item.body


def test_annex_tables(memo):
    """附件1–4 in the office's columns, one row per plan task, header row repeated on every page."""
    _, doc, result = memo
    memo_view = build_context(result).memo
    assert len(doc.tables) == 4
    for table, annex in zip(doc.tables, memo_view.annexes):
        assert [c.text for c in table.rows[0].cells] == OFFICE_HEADS[annex.number]
        assert len(table.rows) == 1 + len(annex.rows)
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None, "header row repeats on every page"
        assert all(r._tr.trPr is None or r._tr.trPr.find(qn("w:tblHeader")) is None for r in table.rows[1:])
    lagging = doc.tables[1]
    assert [r.cells[1].text for r in lagging.rows[1:]] == [t.text for t in memo_view.lagging]
    merged = next(t for t in memo_view.lagging if t.also_seqs)
    assert any(r.cells[0].text == merged.seqs_text and "、" in r.cells[0].text for r in lagging.rows)


def test_each_annex_starts_a_new_page(memo):
    _, doc, _ = memo
    labels = [p for p in doc.paragraphs if re.fullmatch(r"附件\d", p.text)]
    assert [p.text for p in labels] == ["附件1", "附件2", "附件3", "附件4"]
    first_of_section = doc.sections[1].start_type == docx.enum.section.WD_SECTION_START.NEW_PAGE
    assert first_of_section
    for p in labels[1:]:
        assert p.paragraph_format.page_break_before or p.style.paragraph_format.page_break_before


def test_notices_one_per_lead_unit(memo):
    out, _, result = memo
    ctx = build_context(result)
    assert {p.name for p in (out / "notices").iterdir()} == {f"{n.file_stem}.docx" for n in ctx.notices}
    notice = max(ctx.notices, key=lambda n: len(n.tasks))
    doc = docx.Document(out / "notices" / f"{notice.file_stem}.docx")
    body = "\n".join(p.text for p in doc.paragraphs)
    assert f"{notice.unit}：" in body and notice.reply_deadline_cn in body and f"编号：{notice.number}" in body
    assert len(doc.tables[0].rows) == 1 + len(notice.tasks)
    assert doc.tables[0].rows[1].cells[3].text.startswith(notice.tasks[0].issues[0].message[:10])
    assert close(doc.sections[0].top_margin, Mm(37))


def test_task_text_is_escaped_and_unit_names_are_safe(tmp_path, fuling_result):
    hostile = copy.deepcopy(fuling_result)
    task = next(t for t in hostile["tasks"] if t["status"] == "滞后")
    task["text"] = 'A&B <w:p> "引号" \'单\' {{ 7*7 }} ]]>'
    task["lead_units"] = ["../../etc/区交通局", "区/县 局"]
    write_outputs(hostile, tmp_path, ["docx"])
    doc = docx.Document(tmp_path / "memo.docx")
    cells = [row.cells[1].text for row in doc.tables[1].rows]  # 附件2: 目标任务
    assert task["text"] in cells, "text survives as text: no XML broken, no template evaluated"
    names = {p.name for p in (tmp_path / "notices").iterdir()}
    assert {"etc_区交通局.docx", "区_县 局.docx"} <= names
    assert not (tmp_path.parent / "etc").exists()
    notice = docx.Document(tmp_path / "notices" / "etc_区交通局.docx")
    assert any("../../etc/区交通局：" == p.text for p in notice.paragraphs)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(soffice() is None, reason="LibreOffice（soffice/libreoffice）未安装，跳过 DOCX→PDF 转换检查")
def test_libreoffice_renders_pages(memo, tmp_path):
    """The Fuling memo, converted as a clerk's LibreOffice would: ≤ 25 pages (it was 55 with six portrait columns)."""
    out, _, result = memo
    proc = subprocess.run([soffice(), f"-env:UserInstallation=file://{tmp_path}/lo-profile", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(out / "memo.docx")],
                          capture_output=True, text=True, timeout=300)
    pdf = tmp_path / "memo.pdf"
    assert pdf.exists(), proc.stderr
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    if shutil.which("pdfinfo"):  # poppler's count, as docs/templates.md measures it
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        landscape = subprocess.run(["pdfinfo", "-f", str(pages), "-l", str(pages), str(pdf)], capture_output=True,
                                   text=True, timeout=60).stdout
        width, height = map(float, re.search(r"size:\s+([\d.]+) x ([\d.]+)", landscape).groups())
        assert width > height, "the annexes are printed landscape"
    assert 5 <= pages <= 25, f"cover text, then four annexes each on its own page, 25 pages at most ({pages})"
    title = f"关于{result['year']}年{result['region']}政府工作报告重点任务"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
        assert title in re.sub(r"\s+", "", text)
        flat = re.sub(r"\s+", "", text)
        assert "附件3" in flat and "附件4" in flat and "进展表序号" not in flat
    else:  # the PDF's own title (from the document properties), UTF-16 hex in the info dictionary
        hexes = re.findall(rb"/Title\s*<FEFF([0-9A-Fa-f]+)>", data)
        assert any(title in bytes.fromhex(h.decode()).decode("utf-16-be") for h in hexes)


def test_shipped_templates_come_from_the_build_script():
    """templates/memo.docx and notice.docx are generated: rerun engine/render/docx_build.py after editing it."""
    import importlib.util

    from .conftest import ROOT

    spec = importlib.util.spec_from_file_location("build_docx_templates", ROOT / "engine" / "render" / "docx_build.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    for make, name in ((build.build_memo, "memo.docx"), (build.build_notice, "notice.docx")):
        built, shipped = make(), docx.Document(ROOT / "templates" / name)
        assert [(p.style.name, p.text) for p in built.paragraphs] == [(p.style.name, p.text) for p in shipped.paragraphs]
        cells = lambda d: [[c.text for c in r.cells] for t in d.tables for r in t.rows]  # noqa: E731
        assert cells(built) == cells(shipped), name
