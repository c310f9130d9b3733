"""ledger.xlsx written directly (engine/render/xlsx_write.py) is byte for byte what openpyxl writes for it
(engine/render/xlsx_openpyxl.py, the writer before): on the Fuling example, on hostile text, on every kind of value
and on empty sheets; a value the direct writer does not handle goes to openpyxl, with openpyxl's result or error."""

from __future__ import annotations

import copy
import datetime as dt
import io
import random
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from openpyxl.utils.exceptions import IllegalCharacterError

from engine.render import xlsx, xlsx_parts, xlsx_write
from engine.render.context import build_context
from engine.render.repro import as_of_time
from engine.render.xlsx_openpyxl import ledger_workbook

from .test_render_context import fuling_result  # noqa: F401  (shared fixture)

WHEN = dt.datetime(2023, 9, 28)
PROPS = {"title": "涪陵区前三季度重点任务台账", "subject": "关于……的报告", "keywords": "k; 2023-09", "description": "来源 · 规则",
         "creator": "duban", "lastModifiedBy": "duban"}
HOSTILE = ['=HYPERLINK("http://evil.example/","点我")', "-1+2", "+1", "@SUM(A1:A2)", "  前后有空格 ", "\u3000全角空格",
           "换行\n第二行\r\n第三行\t制表", "a & b < c > d \"引号\" '单引号' ]]>", "😀 表情 𠀀 扩展B", "\u00a0不换行空格",
           "#N/A", "=", "", "长" * 40000, "\ue000私用区\ufffd"]
NUMBERS = [0, -3, 7, 2**53 + 1, 10**20, 0.75, 1 / 3, 1e-7, -2.5e16, 123456789.123, float("inf"), float("nan")]


def both(sheets, props=PROPS, when=WHEN):
    return xlsx_write.workbook(sheets, props, when), ledger_workbook(sheets, props, when)


def test_the_fixed_parts_are_openpyxls():
    from openpyxl.writer.theme import theme_xml

    assert xlsx_parts.OPENPYXL_VERSION == openpyxl.__version__, "openpyxl changed: regenerate xlsx_parts.py"
    assert xlsx_parts.THEME == theme_xml
    assert xlsx_parts.APP.endswith(f"Openpyxl {openpyxl.__version__}</Application><AppVersion>3.1</AppVersion></Properties>")


def test_the_fuling_ledger_is_written_directly_with_openpyxls_bytes(fuling_result):
    ctx = build_context(fuling_result)
    direct, reference = both(xlsx.ledger_sheets(ctx), xlsx.ledger_properties(ctx), as_of_time(ctx.as_of))
    assert direct is not None and direct == reference
    assert xlsx.ledger_xlsx(ctx) == reference


def test_hostile_text_in_every_column(fuling_result):
    hostile = copy.deepcopy(fuling_result)
    texts = HOSTILE * (len(hostile["tasks"]) // len(HOSTILE) + 1)
    for task, text in zip(hostile["tasks"], texts):
        task["text"] = task["progress_text"] = text
        task["status_reason"] = text[::-1]
    for task, text in zip(hostile["tasks"], reversed(texts)):
        task["category"] = text
    hostile["region"] = "涪陵区 & <新区>"
    ctx = build_context(hostile)
    direct, reference = both(xlsx.ledger_sheets(ctx), xlsx.ledger_properties(ctx), as_of_time(ctx.as_of))
    assert direct is not None and direct == reference
    book = openpyxl.load_workbook(io.BytesIO(direct))
    assert book["任务"]["D2"].value == HOSTILE[0] and book["任务"]["D2"].data_type == "s"


def _random_sheets(rng: random.Random) -> list[tuple]:
    kinds_pool = ["normal", "wide", "pct", "status"]
    sheets = []
    for title in ("任务", "指标", "督查发现", "说明"):
        columns = rng.randint(1, 14)
        headers = [rng.choice(["序号", "状态", "x", "完成率 %"]) for _ in range(columns)]
        kinds = [rng.choice(kinds_pool) for _ in range(columns)]
        rows = [[rng.choice([None, rng.choice(HOSTILE)[:300], rng.choice(NUMBERS), "text", 3, 0.5]) for _ in range(columns)]
                for _ in range(rng.randint(0, 30))]
        status = rng.choice([None, rng.randint(1, columns)])
        classes = [rng.choice(["red", "yellow", "green"]) for _ in rows] if status else None
        sheets.append((title, headers, rows, kinds, status, classes))
    return sheets


@pytest.mark.parametrize("seed", range(25))
def test_random_sheets_of_every_kind_of_value(seed):
    direct, reference = both(_random_sheets(random.Random(seed)))
    assert direct is not None and direct == reference


def test_empty_sheets_and_properties_with_markup():
    sheets = [("任务", ["序号", "状态"], [], ["normal", "status"], 2, []), ("说明", ["项目"], [], ["wide"], None, None)]
    props = {**PROPS, "title": "<台账> & \"引号\"", "description": "a]]>b"}
    direct, reference = both(sheets, props)
    assert direct is not None and direct == reference


@pytest.mark.parametrize("value", [True, dt.date(2023, 9, 1), "控制\x01字符", "\ud800", b"bytes"])
def test_values_the_direct_writer_leaves_to_openpyxl(value):
    sheets = [("任务", ["序号", "内容"], [[1, value]], ["normal", "wide"], None, None)]
    assert xlsx_write.workbook(sheets, PROPS, WHEN) is None
    if isinstance(value, str):  # openpyxl refuses these (as the ledger always did), the others it writes
        with pytest.raises((IllegalCharacterError, UnicodeEncodeError, ValueError)):
            ledger_workbook(sheets, PROPS, WHEN)
    else:
        assert zipfile.ZipFile(io.BytesIO(ledger_workbook(sheets, PROPS, WHEN))).testzip() is None


def test_a_property_the_direct_writer_leaves_to_openpyxl():
    sheets = [("任务", ["序号"], [[1]], ["normal"], None, None)]
    assert xlsx_write.workbook(sheets, {**PROPS, "description": "两行\n说明"}, WHEN) is None
    assert xlsx_write.workbook(sheets, {**PROPS, "subject": ""}, WHEN) is None


def test_the_ledger_does_not_import_openpyxl(fuling_result, tmp_path):
    import pickle

    (tmp_path / "result.pkl").write_bytes(pickle.dumps(fuling_result))
    code = ("import pickle, sys; from engine.render.context import build_context; from engine.render.xlsx import ledger_xlsx; "
            f"data = ledger_xlsx(build_context(pickle.load(open({str(tmp_path / 'result.pkl')!r}, 'rb')))); "
            "print(len(data), 'openpyxl' in sys.modules, 'numpy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) > 0 and out[1:] == ["False", "False"]
