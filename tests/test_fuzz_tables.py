"""Fuzz: tables as units send them — CSV in any encoding and delimiter, ragged rows, missing or odd headers,
merged and empty rows, corrupt .xlsx/.docx, decompression bombs, 1 MB cells, 50,000 rows.

Property: reading and importing end in a result or an InputError naming the file — never another
exception, never unbounded memory (bombs run under an address-space limit), never unbounded time.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import time
import zipfile

import pytest
import yaml
from hypothesis import event, given
from hypothesis import strategies as st

from engine.errors import DubanError, InputError
from engine.facts.workspace import load_workspace
from engine.importing.headers import find_header
from engine.importing.rows import table_records
from engine.importing.csv_xlsx import read_tables
from engine.importing.workspace import import_files
from engine.importing.join import Candidate, join_rows

from .fuzz_settings import FUZZ, ROOT, cn_text, fuzz, mutated, run_limited, run_python_limited

FULING = ROOT / "tests" / "fixtures" / "fuling"
BASE = ROOT / "tests" / "fixtures" / "bad" / "base"
HEADERS = ["序号", "工作任务", "目    标   任   务", "指标名称", "全年目标", "牵头领导", "牵头单位", "责任(配合)单位", "完成情况",
           "1-9月完成情况", "备注", "分类", "", "乱码列", "text", "progress", "2023年目标", "序 号"]
cell = cn_text | st.sampled_from(["", "/", "一、推动高质量发展", "1、新建道路3公里", "钟  涛", "区交通局、区财政局（区整违办）",
                                  "=1+1", "@SUM(A1)", "1.0", "7", "目标任务", "完成情况"])
tables = st.tuples(st.lists(st.sampled_from(HEADERS), max_size=8), st.lists(st.lists(cell, max_size=8), max_size=12))


def _csv_bytes(head, rows, encoding="utf-8", delimiter=",") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter)
    writer.writerow(head)
    writer.writerows(rows)
    try:
        return buf.getvalue().encode(encoding)
    except UnicodeEncodeError:
        return buf.getvalue().encode("utf-8")


def _read(path):
    try:
        return read_tables(path)
    except InputError as err:
        assert path.name in err.format(), err.format()
        return None


# ------------------------------------------------------------------ readers and row logic (pure, fast)

@fuzz(quick=100, deep=3000)
@given(data=st.binary(max_size=400) | st.lists(cell, max_size=30).map(lambda c: ",".join(c).encode("gb18030", "replace")),
       suffix=st.sampled_from([".csv", ".txt", ".xlsx", ".docx", ".xls", ".doc", ".pdf", ""]))
def test_random_bytes_under_any_extension(tmp_path_factory, data, suffix):
    path = tmp_path_factory.mktemp("bytes") / f"table{suffix}"
    path.write_bytes(data)
    _read(path)


@fuzz(quick=150, deep=3000)
@given(table=tables)
def test_header_and_rows_never_raise(table):
    head, rows = table
    all_rows = [head] + rows
    header = find_header(all_rows)
    if header is None:
        return
    records, notes = table_records(_Table(all_rows), header)
    for record in records:
        assert record.text and isinstance(record.text, str)
        assert all(isinstance(n, str) and n for n in record.leaders + record.lead_units + record.coop_units)


class _Table:  # the SourceTable surface table_records uses
    def __init__(self, rows):
        self.rows = rows

    def ref(self, index):
        return f"第{index + 1}行"


@fuzz(quick=100, deep=3000)
@given(existing=st.lists(st.tuples(st.none() | st.sampled_from(["1", "2", "3", "10"]), cell), max_size=8),
       incoming=st.lists(st.tuples(st.none() | st.sampled_from(["1", "2", "3", "10"]), cell), max_size=8),
       use_seq=st.booleans())
def test_join_claims_each_item_at_most_once(existing, incoming, use_seq):
    candidates = [Candidate(i, seq, text) for i, (seq, text) in enumerate(existing)]
    results = join_rows(candidates, incoming, use_seq=use_seq)
    assert len(results) == len(incoming)
    targets = [r.target for r in results if r.target is not None]
    assert len(targets) == len(set(targets)) and all(0 <= t < len(existing) for t in targets)


# ------------------------------------------------------------------ the whole importer, in process

@fuzz(quick=40, deep=1500)
@given(table=tables, encoding=st.sampled_from(["utf-8", "gb18030", "utf-8-sig"]), delimiter=st.sampled_from([",", "\t", ";"]),
       period=st.sampled_from([None, "2023-09", "2023-13", "2024-09", "23-9"]), into_base=st.booleans())
def test_import_random_table(tmp_path_factory, table, encoding, delimiter, period, into_base):
    case = tmp_path_factory.mktemp("import")
    path = case / "t.csv"
    path.write_bytes(_csv_bytes(*table, encoding, delimiter))
    ws = case / "ws"
    if into_base:
        shutil.copytree(BASE, ws)
    before = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()} if into_base else {}
    try:
        import_files([str(path)], str(ws), region="测试区", year=2023, period=period)
    except DubanError as err:
        assert err.format() and "Traceback" not in err.format()
        after = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file() and p.name != ".duban.lock"}
        assert after == {p: b for p, b in before.items() if p.name != ".duban.lock"}  # nothing written on error


# ------------------------------------------------------------------ corrupt office files

def _members(path):
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


OFFICE = {name: (FULING / name).read_bytes() for name in ("fuling_2023q3_indicators.docx", "fuling_2023q3_indicators.xlsx")}
PARTS = {name: _members(FULING / name) for name in OFFICE}
SNIPPETS = [b"", b"<", b"</w:tc>", b"<w:tc>", b'<w:gridSpan w:val="99999999"/>', b"<w:vMerge/>", b"&lt;", b"\xff\xfe",
            b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>&b;',
            b'<c r="A1" t="s"><v>99999</v></c>', b'<dimension ref="A1:XFD1048576"/>', b'<row r="1048576"/>']


@st.composite
def office_files(draw):
    name = draw(st.sampled_from(sorted(OFFICE)))
    data, mode = OFFICE[name], draw(st.sampled_from(["bytes", "truncate", "member", "xml", "drop"]))
    if mode == "bytes":
        data = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return name, bytes(data)
    if mode == "truncate":
        return name, data[:draw(st.integers(0, len(data)))]
    parts = dict(PARTS[name])
    key = draw(st.sampled_from(sorted(parts)))
    if mode == "drop":
        del parts[key]
    elif mode == "member":
        parts[key] = draw(st.binary(max_size=200))
    else:
        text = parts[key]
        start = draw(st.integers(0, max(0, len(text) - 1)))
        parts[key] = text[:start] + draw(st.sampled_from(SNIPPETS)) + text[draw(st.integers(start, min(len(text), start + 50))):]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for member, content in parts.items():
            archive.writestr(member, content)
    return name, buf.getvalue()


@fuzz(quick=60, deep=2000)
@given(case=office_files())
def test_corrupt_office_files(tmp_path_factory, case):
    name, data = case
    path = tmp_path_factory.mktemp("office") / name
    path.write_bytes(data)
    _read(path)


def _bomb(source: str, member: str, edit) -> bytes:
    parts = _members(FULING / source)
    parts[member] = edit(parts[member].decode("utf-8")).encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buf.getvalue()


@pytest.mark.parametrize("name, make, fragment", [
    # 2.5 MB .xlsx: a declared dimension A1:XFD1048576 over a million empty rows (was: MemoryError at 3 GB)
    ("rows.xlsx", lambda: _bomb("fuling_2023q3_indicators.xlsx", "xl/worksheets/sheet1.xml", lambda x: re.sub(
        r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', x).replace(
        "</sheetData>", "".join(f'<row r="{i}"/>' for i in range(20, 1_048_577)) + "</sheetData>")), "空行过多"),
    # every cell of a 10 KB .docx spanning 50 million grid columns (was: MemoryError at 3 GB)
    ("span.docx", lambda: _bomb("fuling_2023q3_indicators.docx", "word/document.xml",
                                lambda x: x.replace("<w:tcPr>", '<w:tcPr><w:gridSpan w:val="50000000"/>')), None),
])
def test_decompression_and_dimension_bombs_stay_bounded(tmp_path, name, make, fragment):
    path = tmp_path / name
    path.write_bytes(make())
    code = (f"from engine.importing.csv_xlsx import read_tables\nfrom engine.errors import InputError\n"
            f"try:\n    t = read_tables({str(path)!r}); print('rows', sum(len(x.rows) * len(x.rows[0]) for x in t if x.rows))\n"
            f"except InputError as e:\n    print(e.format())\n")
    proc = run_python_limited(code, timeout=60, memory_mb=1024)
    assert proc.returncode == 0, proc.stderr[-600:]
    assert (fragment or "rows") in proc.stdout


# ------------------------------------------------------------------ size: 1 MB cells, 50,000 rows

def test_one_megabyte_cells_outside_the_text_column(tmp_path):
    path = tmp_path / "big_cells.csv"
    path.write_bytes(_csv_bytes(["序号", "工作任务", "牵头单位", "备注"],
                                [["1", "新建道路3公里", "区交通局" * 250_000, "备注" * 500_000]]))
    proc = run_limited("import", path, "--into", tmp_path / "ws", "--region", "测试区", "--year", "2023", timeout=120, memory_mb=2048)
    assert proc.returncode == 0, proc.stderr[-600:]


def test_fifty_thousand_rows_are_read_in_bounded_time(tmp_path):
    path = tmp_path / "rows.csv"
    rows = [[str(i + 1), f"第{i}项任务：新建道路{i % 97}公里", "区交通局", ""] for i in range(50_000)]
    path.write_bytes(_csv_bytes(["序号", "工作任务", "牵头单位", "完成情况"], rows))
    start = time.monotonic()
    (table,) = read_tables(path)
    header = find_header(table.rows)
    records, _ = table_records(table, header)
    assert len(records) == 50_000 and time.monotonic() - start < 30


@pytest.mark.skipif(not FUZZ, reason="the full 50,000-row import takes minutes: runs under `make fuzz`")
def test_fifty_thousand_row_import_through_the_cli(tmp_path):
    path = tmp_path / "rows.csv"
    rows = [[str(i + 1), f"第{i}项任务：新建道路{i % 97}公里，完成投资{i % 13}亿元", "区交通局"] for i in range(50_000)]
    path.write_bytes(_csv_bytes(["序号", "工作任务", "牵头单位"], rows))
    start = time.monotonic()
    proc = run_limited("import", path, "--into", tmp_path / "ws", "--region", "测试区", "--year", "2023", timeout=900, memory_mb=4096)
    assert proc.returncode == 0, proc.stderr[-600:]
    print(f"50,000-row import: {time.monotonic() - start:.0f} s")


def test_too_many_rows_are_refused_with_a_message(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\xe5\xba\x8f\xe5\x8f\xb7,\xe5\xb7\xa5\xe4\xbd\x9c\xe4\xbb\xbb\xe5\x8a\xa1\n" + b"\n" * 300_000)
    with pytest.raises(InputError, match="表格过大"):
        read_tables(path)


def test_short_csv_rows_do_not_crash_category_detection(tmp_path):
    # was IndexError in import_rows.is_category_row: a ragged row shorter than the header
    path = tmp_path / "ragged.csv"
    path.write_bytes(_csv_bytes(["牵头领导", "牵头单位", "工作任务"], [["一、推动高质量发展"], ["钟涛", "区交通局", "新建道路3公里"]]))
    report = import_files([str(path)], str(tmp_path / "ws"), region="测试区", year=2023)
    assert report.changed


# ------------------------------------------------------------------ importing into a hand-edited workspace

PLAN = "schema: duban/plan@1\nregion: 测试区\nyear: 2023\n"
PROGRESS = "schema: duban/progress@1\nperiod: 2023-09\n"


# was TypeError/KeyError/AttributeError/ValueError (exit 3): the importer indexed the existing facts unchecked; they now
# pass facts.load_plan/load_progress, the checks `duban check` runs, before anything is merged
@pytest.mark.parametrize("name, text, where", [
    ("plan.yaml", PLAN.replace("2023", "abc"), "plan.yaml:3:1: 字段「year」：应为整数"),
    ("plan.yaml", PLAN + "indicators: []\ntasks: 5\n", "plan.yaml:5:1: 字段「tasks」：应为列表"),
    ("plan.yaml", PLAN + "indicators:\n  I01: 地区生产总值增长6.5%\n", "plan.yaml:4:1: 字段「indicators」：应为列表"),
    ("plan.yaml", PLAN + "tasks:\n  - text: 新建道路3公里\n", "plan.yaml:5:5: 字段「id」：tasks[0] 缺少必填字段"),
    ("plan.yaml", PLAN + "tasks:\n  - [T001, 新建道路3公里]\n", "plan.yaml:5:5: tasks[0] 应为映射"),
    ("progress/2023-09.yaml", PROGRESS + "entries:\n  - T001: 已建成1公里\n", "2023-09.yaml:3:1: 字段「entries」：应为映射"),
    ("progress/2023-09.yaml", PROGRESS.replace("2023-09", "2023年9月"), "2023-09.yaml:2:1: 字段「period」：报告期应写成 YYYY-MM"),
    ("progress/2023-09.yaml", PROGRESS.replace("2023-09", "2023-06"), "文件名 2023-09.yaml 与报告期 2023-06 不一致"),
    ("progress/2023-09.yaml", PROGRESS + "entries:\n  T001: {measures: 3}\n", "进展条目「T001」缺少进展文字"),
    ("progress/2023-09.yaml", PROGRESS + "entries:\n  T999: 已建成1公里\n", "2023-09.yaml:4:3: 字段「entries」：进展条目「T999」在计划中不存在"),
    (".duban/imported.json", '{"plan": ["T001"]}', "imported.json: 导入记录文件已损坏"),
])
def test_import_into_a_hand_broken_plan_is_bad_input(tmp_path, name, text, where):
    ws = tmp_path / "ws"
    (ws / name).parent.mkdir(parents=True)
    if name != "plan.yaml":
        (ws / "plan.yaml").write_text(PLAN + "tasks:\n  - id: T001\n    text: 新建道路3公里\n", encoding="utf-8")
    (ws / name).write_text(text, encoding="utf-8")
    before = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    proc = run_limited("import", FULING / "fuling_2023q3_tasks.csv", "--into", ws, "--period", "2023-09")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and where in proc.stderr, proc.stderr[-400:]
    assert {p: p.read_bytes() for p in ws.rglob("*") if p.is_file() and p.name != ".duban.lock"} == before


# was KeyError 'indicators' / 'source' (import_merge): a group or list a valid hand-written file leaves out, or writes with
# nothing after it, counts as empty; the clerk's comments and notes survive, and the result passes `duban check`
@pytest.mark.parametrize("table, groups, progress", [
    ("indicators", "tasks:\n  - id: T001\n    text: 新建道路3公里  # 手工备注\n    note: 已核对\n", None),
    ("indicators", "indicators: []\ntasks:\n  - id: T001\n    text: 新建道路3公里  # 手工备注\n    note: 已核对\n",
     PROGRESS + "entries:\n  T001: 已建成1公里\n"),
    ("tasks", "indicators:\ntasks:\n  - id: T001\n    text: 新建道路3公里  # 手工备注\n    note: 已核对\n", PROGRESS + "entries:\n"),
    ("tasks", "source: [手工.xlsx]\ntasks: [{id: T001, text: 新建道路3公里, note: 已核对}]  # 手工备注\n",
     PROGRESS + "entries: {T001: 已建成1公里}\n"),
])
def test_import_into_a_minimal_hand_written_workspace(tmp_path, table, groups, progress):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "plan.yaml").write_text(PLAN + groups, encoding="utf-8")
    if progress:
        (ws / "progress").mkdir()
        (ws / "progress" / "2023-09.yaml").write_text(progress, encoding="utf-8")
    proc = run_limited("import", FULING / f"fuling_2023q3_{table}.csv", "--into", ws, "--period", "2023-09")
    assert proc.returncode == 0, proc.stderr[-400:]
    plan = (ws / "plan.yaml").read_text(encoding="utf-8")
    assert "# 手工备注" in plan and "note: 已核对" in plan and ("\n  - id: T002\n" in plan or table == "indicators"), plan[:600]
    if progress and "T001" in progress:
        assert "T001: 已建成1公里" in (ws / "progress" / "2023-09.yaml").read_text(encoding="utf-8")
    check = run_limited("check", ws, "--period", "2023-09", "--out", tmp_path / "out")
    assert check.returncode == 0, check.stderr[-400:]


BASE_PLAN = yaml.safe_load((BASE / "plan.yaml").read_text(encoding="utf-8"))
BASE_PROGRESS = yaml.safe_load((BASE / "progress" / "2023-09.yaml").read_text(encoding="utf-8"))
SMALL_TABLES = {  # rows that join base items by 序号 or text, and one that is new
    "tasks.csv": (["序号", "工作任务", "牵头单位", "完成情况"], [["1", "地区生产总值增长6.5%。", "区发展改革委", "前三季度，GDP同比增长7.9%"],
                                                          ["108", "建成投用G351石板沟长江大桥至爻里小镇段。", "区交通局", "已复工"],
                                                          ["300", "新建社区健身点10个。", "区体育局", "已建成8个"]]),
    "indicators.csv": (["序号", "指标名称", "全年目标", "牵头单位", "1-9月完成情况"],
                       [["1", "地区生产总值增长（%）", "6.5", "区发展改革委", "前三季度，GDP同比增长7.6%"],
                        ["3", "新增城镇就业（万人）", "2", "区人力社保局", "1-9月新增1.6万人"]]),
}


@fuzz(quick=30, deep=1500)
@given(edit=st.one_of(mutated(BASE_PLAN).map(lambda p: (p, BASE_PROGRESS)), mutated(BASE_PROGRESS).map(lambda g: (BASE_PLAN, g))),
       table=st.sampled_from(sorted(SMALL_TABLES)))
def test_import_into_a_hand_edited_workspace(tmp_path_factory, edit, table):
    """Any hand edit: the import is refused with a message and writes nothing, or what it writes passes `duban check`."""
    case = tmp_path_factory.mktemp("edited")
    (case / table).write_bytes(_csv_bytes(*SMALL_TABLES[table]))
    ws = case / "ws"
    (ws / "progress").mkdir(parents=True)
    for name, doc in zip(("plan.yaml", "progress/2023-09.yaml"), edit):
        (ws / name).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    before = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    try:
        import_files([str(case / table)], str(ws), period="2023-09")
    except DubanError as err:
        event("refused")
        assert err.format() and "Traceback" not in err.format()
        assert {p: p.read_bytes() for p in ws.rglob("*") if p.is_file() and p.name != ".duban.lock"} == before
        return
    event("imported")
    load_workspace(ws)


def test_import_into_a_plan_with_a_yaml_syntax_error_names_the_line(tmp_path):
    # was a ruamel traceback (exit 3): yamlio.load_roundtrip now runs the safe checks first
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "plan.yaml").write_text("schema: duban/plan@1\nregion: 测试区\nyear: 2023\ntasks: [\n", encoding="utf-8")
    proc = run_limited("import", FULING / "fuling_2023q3_indicators.csv", "--into", tmp_path / "ws", "--period", "2023-09")
    assert proc.returncode == 2 and "plan.yaml:5:1" in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
