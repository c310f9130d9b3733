"""Builds templates/memo.docx and templates/notice.docx (docxtpl templates) with GB/T 9704-2012 styles.
The memo's sentences come from memo.prose (engine/render/memo_prose.py) and its annex columns from
engine/render/memo_view.py ANNEXES, the same as memo.md and memo.html; the annexes are one landscape section.

Run from the repository root:  .venv/bin/python -m engine.render.docx_build
Staff may instead edit the .docx in Word/WPS: keep the {{ … }} / {%p … %} / {%tr … %} tags (docs/templates.md).
Layout: A4; margins 37/35/28/26 mm; body 3号 仿宋_GB2312; title 2号 方正小标宋简体; headings 一、黑体 （一）楷体
1. 仿宋加粗 （1）仿宋; fixed 28-pt lines; page number "— N —" (a PAGE field) outside edge; annexes on new pages."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION_START
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from engine.render.memo_view import ANNEXES, MARGINS_MM
from engine.render.repro import normalise_zip

HERE = Path(__file__).resolve().parents[2] / "templates"  # the source tree's templates/

FANGSONG, HEITI, KAITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"
LATIN = "Times New Roman"
BUILT = dt.datetime(2024, 1, 1)  # a fixed date: the template files are byte-for-byte reproducible
LINE = Pt(28)
INDENT = Pt(32)  # two characters of 3号

# column widths in mm; the notice's table fills the 156 mm type area (210 - 28 - 26); the memo's annexes are
# landscape, 237 mm wide (297 - 30 - 30), their columns in engine/render/memo_view.py ANNEXES
TABLE_PT = 9  # 小五 in the annex tables, exact 11-pt lines: the Fuling memo's 195 tasks fit in 25 pages
TABLE_LINE = Pt(11)
CELL_MARGIN_MM = 1.2  # left and right inside a cell (Word's default is 1.9 mm)
NOTICE_COLUMNS = [("序号", 12, "{{ loop.index }}"), ("工作任务", 36, "{{ t.text }}"), ("进展情况", 42, "{{ t.progress_text or '未报送' }}"),
                  ("督查发现", 42, "{% for f in t.issues %}{{ f.message }}{% if not loop.last %}；{% endif %}{% endfor %}"),
                  ("判定", 24, "{{ t.status }}{% if t.escalation %}（{{ t.escalation }}）{% endif %}")]


def set_fonts(rpr_owner, east_asia: str, latin: str = LATIN) -> None:
    """Explicit fonts with w:eastAsia; theme attributes would override them, so they are dropped."""
    put_fonts(rpr_owner.get_or_add_rPr(), east_asia, latin)


def put_fonts(rpr, east_asia: str, latin: str = LATIN) -> None:
    """rpr's w:rFonts replaced by one naming every script's font."""
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attr, value in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), value)
    rpr.insert(0, fonts)


def style(doc, name, style_id=None, base="Normal", *, font=FANGSONG, size=16, bold=False, align=None,
          first_line=INDENT, line=LINE, before=0, after=0, keep_next=False, page_break=False, outline=None):
    styles = doc.styles
    st = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if style_id:
        st.style_id = style_id
    if name != "Normal":
        st.base_style = styles[base]
        st.quick_style = True
    set_fonts(st.element, font)
    st.font.size, st.font.bold, st.font.italic = Pt(size), bold, False
    color = st.element.rPr.find(qn("w:color"))
    if color is not None:
        st.element.rPr.remove(color)
    pf = st.paragraph_format
    pf.alignment, pf.first_line_indent, pf.left_indent, pf.right_indent = align, first_line, 0, 0
    if line is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing_rule, pf.line_spacing = WD_LINE_SPACING.EXACTLY, line
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    pf.keep_with_next, pf.page_break_before, pf.widow_control = keep_next, page_break, True
    if outline is not None:
        ppr = st.element.get_or_add_pPr()
        for old in ppr.findall(qn("w:outlineLvl")):
            ppr.remove(old)
        lvl = OxmlElement("w:outlineLvl")
        lvl.set(qn("w:val"), str(outline))
        ppr.append(lvl)
    return st


def setup_styles(doc) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    put_fonts(defaults, FANGSONG)
    lang = defaults.find(qn("w:lang"))
    lang.set(qn("w:eastAsia"), "zh-CN")
    ppr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
    ppr_default.remove(ppr_default.find(qn("w:spacing")))
    style(doc, "Normal", align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    style(doc, "Heading 1", font=HEITI, keep_next=True, outline=0)
    style(doc, "Heading 2", font=KAITI, keep_next=True, outline=1)
    style(doc, "Heading 3", font=FANGSONG, bold=True, keep_next=True, outline=2)
    style(doc, "Heading 4", font=FANGSONG, keep_next=True, outline=3)
    style(doc, "公文标题", "GWTitle", font=XIAOBIAOSONG, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, first_line=0,
          line=Pt(36), after=28, keep_next=True)
    style(doc, "附件标识", "GWAnnexLabel", font=HEITI, first_line=0, page_break=True, keep_next=True)
    style(doc, "附件标题", "GWAnnexTitle", font=XIAOBIAOSONG, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, first_line=0,
          line=Pt(32), before=14, after=14, keep_next=True)
    style(doc, "附件说明", "GWAttach")
    st = style(doc, "附件说明续行", "GWAttachCont", first_line=0)
    st.paragraph_format.left_indent = Pt(16 * 5)  # aligned after "附件：" (2 + 3 characters)
    st = style(doc, "落款", "GWSignature", align=WD_ALIGN_PARAGRAPH.RIGHT, first_line=0)
    st.paragraph_format.right_indent = Pt(16 * 4)
    style(doc, "顶格", "GWFlush", first_line=0)
    style(doc, "编号", "GWNumber", align=WD_ALIGN_PARAGRAPH.RIGHT, first_line=0)
    # tables: 五号 (10.5 pt) single-spaced, so the long progress texts stay readable without 70-page annexes
    style(doc, "表格文字", "GWCell", size=10.5, first_line=0, line=None, align=WD_ALIGN_PARAGRAPH.LEFT)
    style(doc, "表格居中", "GWCellCenter", base="表格文字", size=10.5, first_line=0, line=None,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    style(doc, "表头", "GWCellHead", base="表格文字", font=HEITI, size=10.5, first_line=0, line=None,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    # the memo's annex tables: smaller type, exact lines (the office's own annexes use 小五 / 五号)
    style(doc, "附表文字", "GWAnnexCell", size=TABLE_PT, first_line=0, line=TABLE_LINE, align=WD_ALIGN_PARAGRAPH.LEFT)
    style(doc, "附表居中", "GWAnnexCellCenter", base="附表文字", size=TABLE_PT, first_line=0, line=TABLE_LINE,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    style(doc, "附表表头", "GWAnnexHead", base="附表文字", font=HEITI, size=TABLE_PT + 1, first_line=0, line=TABLE_LINE,
          align=WD_ALIGN_PARAGRAPH.CENTER)
    style(doc, "说明", "GWNote", size=14, line=Pt(24))
    style(doc, "表后正文", "GWAfterTable", before=8)
    style(doc, "Footer", font=SONGTI, size=14, first_line=0, line=None)


def east_asian_language(doc) -> None:
    """python-docx's blank document says ja-JP for theme fonts; Word then applies Japanese fallback fonts and
    line-breaking rules to Chinese text. The office's documents are zh-CN, as Chinese Word writes them."""
    settings = doc.settings.element
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = OxmlElement("w:themeFontLang")
        settings.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def page_setup(doc) -> None:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(37), Mm(35), Mm(28), Mm(26)
    sec.header_distance, sec.footer_distance = Mm(15), Mm(25)
    # GB/T 9704: page number right on odd pages, left on even pages, one character in from the edge
    doc.settings.odd_and_even_pages_header_footer = True
    page_number(sec.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    page_number(sec.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def page_number(par, align) -> None:
    """"— N —" with a real PAGE field (begin / instrText / separate / result / end), so Word updates it."""
    par.style = "Footer"
    par.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        par.paragraph_format.right_indent = Pt(14)
    else:
        par.paragraph_format.left_indent = Pt(14)
    par.add_run("— ")
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        run = par.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)
    par.add_run(" —")


def para(doc, text="", style_name="Normal", bold_prefix=None):
    p = doc.add_paragraph(style=style_name)
    if bold_prefix:
        p.add_run(bold_prefix).bold = True
    if text:
        p.add_run(text)
    return p


def tag(doc, text):
    """A docxtpl paragraph tag ({%p … %}): the whole paragraph is replaced by the Jinja statement."""
    return doc.add_paragraph(text, style="Normal")


def mark_header_row(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    for name in ("w:tblHeader", "w:cantSplit"):
        el = OxmlElement(name)
        trpr.append(el)


def table(doc, columns, loop: str, cell="表格文字", center="表格居中", head_style="表头") -> None:
    """Header row (repeats on every page) + a docxtpl row loop: {%tr for %} / data row / {%tr endfor %}."""
    t = doc.add_table(rows=4, cols=len(columns))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False  # python-docx writes <w:tblLayout w:type="fixed"/>: the widths below hold
    for i, (head, width, cell_text) in enumerate(columns):
        t.columns[i].width = Mm(width)
        for r in range(4):
            t.cell(r, i).width = Mm(width)
        t.cell(0, i).paragraphs[0].text = head
        t.cell(0, i).paragraphs[0].style = head_style
        t.cell(0, i).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        centered = head in ("序号", "评价", "判定", "责任区领导", "责任领导")
        t.cell(2, i).paragraphs[0].text = cell_text
        t.cell(2, i).paragraphs[0].style = center if centered else cell
        for r in (1, 3):
            t.cell(r, i).paragraphs[0].style = cell
    mark_header_row(t.rows[0])
    t.cell(1, 0).paragraphs[0].text = f"{{%tr for t in {loop} %}}"
    t.cell(3, 0).paragraphs[0].text = "{%tr endfor %}"


def new_document():
    doc = Document()
    setup_styles(doc)
    east_asian_language(doc)
    page_setup(doc)
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    props = doc.core_properties
    props.author = props.last_modified_by = "duban"
    props.created = props.modified = props.last_printed = BUILT
    props.revision = 1
    return doc


def build_memo():
    doc = new_document()
    doc.core_properties.title = "督查报告模板"
    p = "memo.prose"
    para(doc, "{{ title }}", "公文标题")
    para(doc, f"{{{{ {p}.intro }}}}")
    para(doc, "一、总体情况", "Heading 1")
    para(doc, f"{{{{ {p}.tasks_overview }}}}")
    tag(doc, f"{{%p if {p}.indicators_overview %}}")
    para(doc, f"{{{{ {p}.indicators_overview }}}}")
    tag(doc, "{%p endif %}")
    tag(doc, f"{{%p if {p}.note %}}")
    para(doc, f"{{{{ {p}.note }}}}", "说明")
    tag(doc, "{%p endif %}")
    para(doc, "二、推进较为滞后的任务", "Heading 1")
    tag(doc, f"{{%p for group in {p}.lagging_groups %}}")
    para(doc, "（{{ loop.index | cn }}）{{ group.title }}", "Heading 2")
    tag(doc, "{%p for item in group.items %}")
    para(doc, "{{ item.body }}", bold_prefix="{{ item.lead }}")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    tag(doc, f"{{%p if not {p}.lagging_groups %}}")
    para(doc, f"{{{{ {p}.no_lagging }}}}")
    tag(doc, "{%p endif %}")
    para(doc, "三、主要指标完成情况", "Heading 1")
    tag(doc, f"{{%p for item in {p}.indicator_items %}}")
    para(doc, "{{ item.body }}", bold_prefix="{{ item.lead }}")
    tag(doc, "{%p endfor %}")
    tag(doc, f"{{%p if not {p}.indicator_items %}}")
    para(doc, f"{{{{ {p}.no_missed }}}}")
    tag(doc, "{%p endif %}")
    para(doc, "四、需进一步核实的事项", "Heading 1")
    para(doc, f"{{{{ {p}.unclear_intro }}}}")
    para(doc)
    para(doc, f"附件：{{{{ {p}.attachments[0] }}}}", "附件说明")
    tag(doc, f"{{%p for line in {p}.attachments[1:] %}}")
    para(doc, "{{ line }}", "附件说明续行")
    tag(doc, "{%p endfor %}")
    para(doc)
    para(doc, "{{ office }}", "落款")
    para(doc, "{{ memo.date_cn }}", "落款")
    landscape(doc.add_section(WD_SECTION_START.NEW_PAGE))
    for n, spec in enumerate(ANNEXES):
        annex(doc, n, spec, first=n == 0)
    return doc


def landscape(sec) -> None:
    """The annexes' section: A4 landscape, margins as ANNEXES' column widths assume (memo_view.MARGINS_MM)."""
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    m = MARGINS_MM
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(m["top"]), Mm(m["bottom"]), Mm(m["left"]), Mm(m["right"])
    sec.header_distance, sec.footer_distance = Mm(10), Mm(10)


def cell_margins(t, mm: float) -> None:
    """w:tblCellMar: no space above and below a cell's text, `mm` left and right."""
    mar = OxmlElement("w:tblCellMar")
    for side, value in (("top", 0), ("left", mm), ("bottom", 0), ("right", mm)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(value * 1440 / 25.4)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    before_look(t._tbl.tblPr, mar)


def before_look(tblpr, el) -> None:
    """CT_TblPr is a sequence: tblLayout and tblCellMar come before tblLook, or Word reports the file as damaged."""
    look = tblpr.find(qn("w:tblLook"))
    if look is None:
        tblpr.append(el)
    else:
        look.addprevious(el)


def annex(doc, n, spec, first=False):
    """附件N: label, title and a table whose columns (heads, widths, fields) come from ANNEXES."""
    ref = f"memo.annexes[{n}]"
    label = para(doc, f"{{{{ {ref}.label }}}}", "附件标识")
    if first:  # the section break already starts a new page
        label.paragraph_format.page_break_before = False
    para(doc, f"{{{{ {ref}.title }}}}", "附件标题")
    columns = [(c.head, c.width_mm, f"{{{{ t.{c.attr} or '—' }}}}") for c in spec.columns]
    table(doc, columns, f"{ref}.rows", cell="附表文字", center="附表居中", head_style="附表表头")
    cell_margins(doc.tables[-1], CELL_MARGIN_MM)
    para(doc, f"{{% if not {ref}.rows %}}（无）{{% endif %}}", "附表文字")


def build_notice():
    doc = new_document()
    doc.core_properties.title = "督办通知单模板"
    para(doc, "督办通知单", "公文标题")
    para(doc, "编号：{{ notice.number }}", "编号")
    para(doc, "{{ notice.unit }}：", "顶格")
    para(doc, "经对{{ year }}年{{ region }}政府工作报告重点任务{{ period_label }}推进情况进行督查（数据截至{{ as_of_cn }}），"
              "你单位牵头的以下{{ notice.tasks | length }}项任务推进较为滞后，现予督办。")
    table(doc, NOTICE_COLUMNS, "notice.tasks")
    para(doc, "请于{{ notice.reply_deadline_cn }}前将整改措施、推进计划和责任人书面报送{{ office }}。", "表后正文")
    para(doc)
    para(doc, "{{ office }}", "落款")
    para(doc, "{{ date_cn }}", "落款")
    return doc


STYLE_REFS = ("w:basedOn", "w:next", "w:link")
STYLE_USES = ("w:pStyle", "w:rStyle", "w:tblStyle", "w:numStyleLink", "w:styleLink")


def prune(doc) -> None:
    """python-docx's blank document carries ~800 KB of styles (every table style, and the same again in
    stylesWithEffects.xml) and a thumbnail. Each render parses and compresses them, once per notice:
    only the styles the template uses (with what they are based on, the defaults, and ours) are kept."""
    styles = doc.styles.element
    by_id = {st.get(qn("w:styleId")): st for st in styles.findall(qn("w:style"))}
    wanted = {st.get(qn("w:styleId")) for st in by_id.values()
              if st.get(qn("w:default")) == "1" or st.get(qn("w:customStyle")) == "1"}
    for part in [doc.part, *(s.header.part for s in doc.sections), *(s.footer.part for s in doc.sections)]:
        for tag in STYLE_USES:
            wanted |= {el.get(qn("w:val")) for el in part.element.iter(qn(tag))}
    wanted |= {doc.styles[name].style_id for name in ("Heading 1", "Heading 2", "Heading 3", "Heading 4", "Footer")}
    todo = list(wanted)
    while todo:  # follow basedOn / next / link, so Word finds every style a kept one refers to
        st = by_id.get(todo.pop())
        for ref in () if st is None else STYLE_REFS:
            el = st.find(qn(ref))
            if el is not None and el.get(qn("w:val")) not in wanted:
                wanted.add(el.get(qn("w:val")))
                todo.append(el.get(qn("w:val")))
    for style_id, st in by_id.items():
        if style_id not in wanted:
            styles.remove(st)
    for rels, kind in ((doc.part.rels, "stylesWithEffects"), (doc.part.package.rels, "thumbnail")):
        for rId in [r for r, rel in rels.items() if rel.reltype.endswith("/" + kind)]:
            del rels[rId]


def save(doc, path: Path) -> None:
    prune(doc)
    buf = io.BytesIO()
    doc.save(buf)
    path.write_bytes(normalise_zip(buf.getvalue(), BUILT))


def main() -> None:
    save(build_memo(), HERE / "memo.docx")
    save(build_notice(), HERE / "notice.docx")
    print(f"已生成 {HERE / 'memo.docx'}、{HERE / 'notice.docx'}")


if __name__ == "__main__":
    main()
