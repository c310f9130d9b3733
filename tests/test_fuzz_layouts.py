"""Fuzz what the earlier generators missed (issue 15): merged-cell layouts, wide and ragged rows, names that collide
after sanitising, non-finite numbers in facts, and period/date texts.

Properties, beyond "a result or an InputError naming the file":
- a merged range's top-left text is in every cell of the range that lies within the data, and rows are rectangular;
- no table is wider than MAX_COLUMNS or larger than MAX_CELLS once padded;
- every name gets its own safe, case-insensitively unique file stem, whatever order the names arrive in;
- facts that load hold finite numbers only;
- a period or date is accepted exactly when it is ASCII YYYY-MM / a real YYYY-MM-DD.
"""

from __future__ import annotations

import copy
import datetime
import math
import re
import shutil
import unicodedata

import openpyxl
import yaml
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from hypothesis import event, given
from hypothesis import strategies as st

from engine.errors import InputError
from engine.facts.workspace import load_workspace
from engine.importing.csv_xlsx import MAX_CELLS, MAX_COLUMNS, read_tables
from engine.periods import period_months, valid_date
from engine.render.names import MAX_BYTES, output_file_names, unique_names
from engine.importing.xlsx_layout import apply_merges

from .fuzz_settings import ROOT, cn_text, fuzz

BASE = ROOT / "tests" / "fixtures" / "bad" / "base"
PLAN = yaml.safe_load((BASE / "plan.yaml").read_text(encoding="utf-8"))
PROGRESS = yaml.safe_load((BASE / "progress" / "2023-09.yaml").read_text(encoding="utf-8"))

short_text = st.sampled_from(["", "钟  涛", "区交通局", "新建道路3公里", "一、推动高质量发展", "目标任务", "牵头单位"]) | cn_text
grid = st.lists(st.lists(short_text, max_size=7), min_size=1, max_size=10)


@st.composite
def merge_ranges(draw, max_row: int = 14, max_col: int = 9):
    """Non-overlapping ranges, as Excel allows: vertical runs, horizontal titles, blocks, some past the data."""
    taken: set[tuple[int, int]] = set()
    out = []
    for _ in range(draw(st.integers(0, 6))):
        r1, c1 = draw(st.integers(1, max_row)), draw(st.integers(1, max_col))
        r2, c2 = r1 + draw(st.integers(0, 6)), c1 + draw(st.integers(0, 3))
        cells = {(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
        if len(cells) > 1 and not cells & taken:
            taken |= cells
            out.append((c1, r1, c2, r2))
    return out


def _rectangular(rows: list[list[str]]) -> bool:
    return len({len(r) for r in rows}) <= 1


# ------------------------------------------------------------------ merged cells

@fuzz(quick=200, deep=4000)
@given(rows=grid, merges=merge_ranges())
def test_apply_merges_repeats_the_top_left_text(rows, merges):
    rows = [list(r) for r in rows]
    before = copy.deepcopy(rows)
    apply_merges(rows, merges)
    width = max(len(r) for r in before)
    for c1, r1, c2, r2 in merges:
        if r1 > len(before) or c1 > width:
            continue
        top = before[r1 - 1][c1 - 1] if c1 - 1 < len(before[r1 - 1]) else ""
        for r in range(r1 - 1, min(r2, len(before))):
            for c in range(c1 - 1, min(c2, width)):
                if top:
                    assert rows[r][c] == top
                elif c < len(before[r]):
                    assert rows[r][c] == before[r][c]  # an empty top-left merges nothing
    assert len(rows) == len(before) and max(len(r) for r in rows) <= width
    event(f"merges: {len(merges)}")


@fuzz(quick=25, deep=1500)
@given(rows=grid, merges=merge_ranges())
def test_merged_xlsx_reads_like_its_layout(tmp_path_factory, rows, merges):
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows, 1):
        for c, text in enumerate(row, 1):
            ws.cell(r, c).value = ILLEGAL_CHARACTERS_RE.sub("", text) or None  # what Excel itself can store
    for c1, r1, c2, r2 in merges:
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)  # blanks all but the top-left
    path = tmp_path_factory.mktemp("merged") / "merged.xlsx"
    wb.save(path)
    try:
        tables = read_tables(path)
    except InputError as err:  # e.g. a cell of control characters only
        assert path.name in err.format()
        return
    table = tables[0].rows
    assert _rectangular(table)
    for c1, r1, c2, r2 in merges:
        if r1 > len(table) or not table or c1 > len(table[0]):
            continue
        top = table[r1 - 1][c1 - 1]
        for r in range(r1 - 1, min(r2, len(table))):
            for c in range(c1 - 1, min(c2, len(table[0]))):
                assert table[r][c] == top, (r, c, merges)


# ------------------------------------------------------------------ wide and ragged rows

@fuzz(quick=25, deep=1000)
@given(cells=st.lists(st.tuples(st.integers(1, 300), st.sampled_from([1, 2, 50, 999, 1000, 1001, 5000, 16384]), short_text),
                      min_size=1, max_size=12))
def test_wide_and_ragged_xlsx_rows(tmp_path_factory, cells):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row, col, text in cells:
        ws.cell(row, col).value = ILLEGAL_CHARACTERS_RE.sub("", text) or "x"
    path = tmp_path_factory.mktemp("wide") / "wide.xlsx"
    wb.save(path)
    try:
        table = read_tables(path)[0].rows
    except InputError as err:
        assert path.name in err.format()
        event("refused")
        return
    assert _rectangular(table)
    assert not table or (len(table[0]) <= MAX_COLUMNS and len(table) * len(table[0]) <= MAX_CELLS)
    event("read")


@fuzz(quick=50, deep=1500)
@given(widths=st.lists(st.integers(0, 1500), min_size=1, max_size=20), filler=st.sampled_from(["", "x", "区交通局"]))
def test_ragged_csv_rows(tmp_path_factory, widths, filler):
    path = tmp_path_factory.mktemp("ragged") / "ragged.csv"
    path.write_text("序号,工作任务\n" + "\n".join(",".join([filler] * w) for w in widths) + "\n", encoding="utf-8")
    try:
        rows = read_tables(path)[0].rows
    except InputError as err:
        assert path.name in err.format()
        assert max(widths) > MAX_COLUMNS or "编码" in err.format() or "空" in err.format(), err.format()
        return
    assert all(len(r) <= MAX_COLUMNS for r in rows)


# ------------------------------------------------------------------ names that collide after sanitising

CONFUSABLE = ["区", "局", "交通", "张", "三", "/", "\\", ":", "*", "?", '"', "<", ">", "|", "\x00", "\x01", "\x1f", "\x7f",
              ".", "..", " ", "\u3000", "_", "-2", "A", "a", "CON", "nul", "e\u0301", "\u00e9", "Ａ", "\u200b", "\n", "\t"]
names = st.lists(st.lists(st.sampled_from(CONFUSABLE), min_size=0, max_size=8).map("".join)
                 | st.text(max_size=80) | st.just("长" * 120), min_size=1, max_size=25)


@fuzz(quick=300, deep=5000)
@given(names=names, order=st.randoms(use_true_random=False))
def test_every_name_gets_its_own_safe_file(names, order):
    stems = unique_names(names)
    assert set(stems) == set(names)
    lowered = [s.lower() for s in stems.values()]
    assert len(set(lowered)) == len(lowered), stems  # case-insensitive file systems too
    for stem in stems.values():
        assert stem and stem == stem.strip(" ") and not stem.endswith(".")
        assert not re.search(r'[\x00-\x1f\x7f/\\:*?"<>|]', stem), stem
        assert ".." not in stem
        assert len(stem.encode("utf-8")) <= MAX_BYTES + 8  # room for the -N suffix
        assert unicodedata.normalize("NFC", stem) == stem
        assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL"}
    shuffled = list(names)
    order.shuffle(shuffled)
    assert unique_names(shuffled) == stems  # the same names give the same files, whatever the row order


@fuzz(quick=100, deep=1500)
@given(units=names, statuses=st.lists(st.sampled_from(["滞后", "严重滞后", "正常", "待核实"]), min_size=1, max_size=25))
def test_result_file_names_cover_every_lagging_unit(units, statuses):
    tasks = [{"status": s, "lead_units": [u], "leaders": [u]} for u, s in zip(units, statuses * len(units))]
    files = output_file_names({"tasks": tasks})
    lagging = {t["lead_units"][0] for t in tasks if t["status"] in ("滞后", "严重滞后")}
    assert set(files["notices"]) == lagging
    assert len(set(files["notices"].values())) == len(files["notices"])
    assert len(set(files["leaders"].values())) == len({t["leaders"][0] for t in tasks})


# ------------------------------------------------------------------ non-finite numbers in facts

quantities = (st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([math.inf, -math.inf, math.nan, 1e308, -0.0])
              | st.integers(-10**20, 10**20))
yaml_numbers = st.sampled_from([".inf", "-.inf", ".Inf", "+.INF", ".nan", ".NaN", "1e400", "-1e400", "1e308", "6.5", "0x1F",
                                "1_000", "1e-400"])


@fuzz(quick=40, deep=2000)
@given(where=st.sampled_from(["plan", "progress"]), value=quantities | yaml_numbers, index=st.integers(0, 40))
def test_non_finite_quantities_never_reach_the_engine(tmp_path_factory, where, value, index):
    ws = tmp_path_factory.mktemp("nonfinite") / "ws"
    shutil.copytree(BASE, ws)
    path = ws / ("plan.yaml" if where == "plan" else "progress/2023-09.yaml")
    lines = path.read_text(encoding="utf-8").splitlines()
    spots = [i for i, line in enumerate(lines) if re.search(r"quantity: \S+$", line)]
    spot = spots[index % len(spots)]
    literal = value if isinstance(value, str) else (repr(value) if not isinstance(value, float) or math.isfinite(value)
                                                     else {math.inf: ".inf", -math.inf: "-.inf"}.get(value, ".nan"))
    lines[spot] = re.sub(r"quantity: \S+$", f"quantity: {literal}", lines[spot])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        loaded = load_workspace(ws)
    except InputError as err:
        assert f"{path.name}:{spot + 1}:" in err.format(), err.format()
        event("refused at file:line")
        return
    numbers = [r.get("quantity") for item in loaded.plan.items() for r in item.targets] + \
              [m.get("quantity") for e in loaded.progress["2023-09"].entries.values() for m in e.measures]
    assert all(n is None or isinstance(n, str) or math.isfinite(n) for n in numbers)
    event("loaded")


# ------------------------------------------------------------------ periods and dates

period_texts = (st.tuples(st.integers(-50, 12000), st.integers(-1, 14)).map(lambda t: f"{t[0]:04d}-{t[1]:02d}")
                | st.text(alphabet="0123456789０１２３٢-－/ \n\t", max_size=9) | st.text(max_size=10))


@fuzz(quick=300, deep=3000)
@given(text=period_texts)
def test_period_accepted_exactly_when_ascii_year_month(text):
    wanted = re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", text, flags=re.ASCII) is not None
    try:
        year, month = period_months(text)
    except InputError as err:
        assert not wanted and "报告期应写成 YYYY-MM" in err.format()
        return
    assert wanted and f"{year:04d}-{month:02d}" == text


@fuzz(quick=300, deep=3000)
@given(text=st.dates().map(lambda d: d.isoformat()) | st.tuples(st.integers(0, 9999), st.integers(0, 99), st.integers(0, 99))
       .map(lambda t: f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}") | st.text(alphabet="0123456789０２-－ \n", max_size=11))
def test_date_accepted_exactly_when_a_real_ascii_day(text):
    try:
        real = re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is not None and datetime.date.fromisoformat(text) is not None
    except ValueError:
        real = False
    assert valid_date(text) is real
