"""CSV from old Excel (CR-only) and hand-merged files (CR, CRLF and LF mixed) read as the same table;
any remaining csv.Error is a Chinese message with the line."""

from __future__ import annotations

import pytest

from engine.errors import InputError
from engine.importing.csv_xlsx import read_tables

from .conftest import FULING, run_cli
from .english import english_words

REAL = sorted(FULING.glob("*.csv"))


def _with_endings(tmp_path, source, endings: str):
    raw = source.read_bytes().replace(b"\r\n", b"\n")
    lines = raw.split(b"\n")
    if endings == "cr":
        raw = b"\r".join(lines)
    elif endings == "mixed":  # every third line CR, every third CRLF, the rest LF
        seps = [b"\r", b"\r\n", b"\n"]
        raw = b"".join(line + (seps[i % 3] if i < len(lines) - 1 else b"") for i, line in enumerate(lines))
    path = tmp_path / f"{endings}_{source.name}"
    path.write_bytes(raw)
    return path


@pytest.mark.parametrize("source", REAL, ids=[p.name for p in REAL])
@pytest.mark.parametrize("endings", ["cr", "mixed"])
def test_real_fuling_csv_reads_the_same_with_any_line_endings(tmp_path, source, endings):
    expected = read_tables(source)[0].rows
    got = read_tables(_with_endings(tmp_path, source, endings))[0].rows
    assert got == expected
    assert len(got) > 5


def test_hand_written_cr_only_with_a_multiline_quoted_cell(tmp_path):
    # hand-written: a Mac Excel 2011 export, a cell with a line break inside quotes
    path = tmp_path / "进展表.csv"
    path.write_bytes("序号,重点任务,牵头单位\r1,新建道路3公里,区交通局\r2,\"改造老旧小区\r10个\",区住建委\r".encode("gb18030"))
    rows = read_tables(path)[0].rows
    assert rows == [["序号", "重点任务", "牵头单位"], ["1", "新建道路3公里", "区交通局"], ["2", "改造老旧小区\n10个", "区住建委"]]


def test_cr_only_csv_imports_through_the_cli(tmp_path):
    source = FULING / "fuling_2023_plan_tasks.csv"
    lf = run_cli("import", source, "--into", tmp_path / "lf", "--region", "涪陵区", "--year", "2023")
    cr = run_cli("import", _with_endings(tmp_path, source, "cr"), "--into", tmp_path / "cr", "--region", "涪陵区", "--year", "2023")
    assert lf.returncode == 0 and cr.returncode == 0, cr.stderr
    plan = lambda ws: (ws / "plan.yaml").read_text(encoding="utf-8").replace("cr_fuling", "fuling")  # noqa: E731
    assert plan(tmp_path / "cr") == plan(tmp_path / "lf")


def test_a_field_over_the_limit_is_a_chinese_error_with_its_line(tmp_path):
    path = tmp_path / "超长.csv"
    path.write_text("序号,重点任务\n1,新建道路\n2,\"" + "很" * (17 * 1024 * 1024) + "\"\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_tables(path)
    shown = info.value.format()
    assert shown.startswith(f"{path}:3: CSV 格式错误："), shown[:300]
    assert english_words(shown) == [], shown[:300]


@pytest.mark.parametrize("source", REAL, ids=[p.name for p in REAL])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_excel_unicode_text_export_reads_as_the_same_table(tmp_path, source, encoding):
    """Excel's 另存为 → "Unicode 文本 (*.txt)": UTF-16 with a BOM, tab-separated; the Fuling tables read the same."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path = tmp_path / f"{source.stem}.txt"
    path.write_bytes((b"\xfe\xff" + data) if encoding == "utf-16-be" else data)
    assert [t.rows for t in read_tables(path)] == [t.rows for t in read_tables(source)]


def test_broken_utf16_is_a_chinese_error(tmp_path):  # hand-written
    path = tmp_path / "坏.txt"
    path.write_bytes(b"\xff\xfe" + "序号\t任务\n".encode("utf-16-le") + b"\x00\xd8")  # a lone surrogate
    with pytest.raises(InputError) as err:
        read_tables(path)
    assert "UTF-16" in err.value.format() and not english_words(err.value.format().replace("UTF-16", "").replace("UTF-8", "").replace("CSV", ""))
