"""The input gate (engine/store/input_gate.py): special files are refused from stat() alone — a FIFO never blocks,
/dev/zero behind a symlink is never read — and size limits apply before any parsing (issue 15)."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from engine.errors import InputError
from engine.store.input_gate import MAX_RULE_BYTES, check_input_file
from engine.importing.csv_xlsx import read_tables

from .conftest import RULES, run_cli
from .fuzz_settings import run_limited


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "进展表.csv"
    os.mkfifo(fifo)
    proc = run_limited("import", fifo, "--into", tmp_path / "ws", "--region", "测试区", "--year", "2023", timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == f"错误：{fifo}: 这是命名管道，不是普通文件，拒绝读取（请给出保存在磁盘上的表格文件）\n"
    assert not (tmp_path / "ws").exists()


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_device_behind_a_symlink_is_refused(tmp_path, device):
    link = tmp_path / "任务表.xlsx"
    link.symlink_to(device)
    proc = run_limited("import", link, "--into", tmp_path / "ws", "--region", "测试区", "--year", "2023", timeout=30, memory_mb=1024)
    assert proc.returncode == 2, proc.stderr
    assert f"{link}: 这是设备文件，不是普通文件，拒绝读取" in proc.stderr


def test_fifo_as_plan_yaml_is_refused(tmp_path):
    # hand-written: the gate also guards the facts a check reads
    ws = tmp_path / "ws"
    ws.mkdir()
    os.mkfifo(ws / "plan.yaml")
    proc = run_limited("check", ws, "--period", "2023-09", "--out", tmp_path / "out", timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert "plan.yaml: 这是命名管道，不是普通文件，拒绝读取" in proc.stderr


def test_oversized_sparse_table_is_refused_by_size_alone(tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:  # sparse: 300 MB declared, nothing written
        fh.truncate(300 * 1024 * 1024)
    start = time.monotonic()
    with pytest.raises(InputError) as err:
        read_tables(big)
    assert time.monotonic() - start < 1
    assert err.value.format() == f"{big}: 文件过大（300.0 MB），超过 200.0 MB 上限，拒绝读取（请确认文件来源，或拆分后再读取）"


def test_symlink_to_a_regular_file_is_read(tmp_path):
    # hand-written: a link is fine as long as it ends at an ordinary file
    real = tmp_path / "real.csv"
    real.write_text("序号,工作任务\n1,新建道路3公里\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    assert read_tables(link)[0].rows == [["序号", "工作任务"], ["1", "新建道路3公里"]]


def test_check_input_file_names_what_was_expected(tmp_path):
    with pytest.raises(InputError) as err:
        check_input_file(tmp_path, 10, "规则文件")
    assert err.value.format() == f"{tmp_path}: 这是一个目录，不是规则文件"
    with pytest.raises(InputError) as err:
        check_input_file(tmp_path / "无.yaml", 10)
    assert err.value.format() == f"{tmp_path / '无.yaml'}: 文件不存在"


def test_fifty_megabyte_rule_file_is_refused_quickly(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    with open(rules / "R-ZZ-99.yaml", "w", encoding="utf-8") as fh:
        line = "# " + "规则说明" * 20 + "\n"
        fh.write(line * (50 * 1024 * 1024 // len(line.encode("utf-8"))))
    start = time.monotonic()
    proc = run_cli("rules", "test", rules)
    assert time.monotonic() - start < 15
    assert proc.returncode == 2, proc.stderr
    assert f"R-ZZ-99.yaml: 文件过大（50.0 MB），超过 {MAX_RULE_BYTES // 1024 // 1024:.1f} MB 上限" in proc.stderr


def test_huge_shared_strings_are_refused_before_openpyxl_loads_them(tmp_path):
    # hand-written: 70 MB of shared strings in a 300 KB file (openpyxl keeps all of them in memory, read-only or not)
    import io
    import zipfile

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["序号", "工作任务"])
    wb.active.append(["1", "新建道路3公里"])
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "strings.xlsx"
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():  # openpyxl writes inline strings: add the part Excel would write
            dst.writestr(info.filename, src.read(info))
        strings = (b"<si><t>" + b"x" * 1000 + b"</t></si>") * 70_000
        dst.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                     + strings + b"</sst>")
    start = time.monotonic()
    with pytest.raises(InputError) as err:
        read_tables(path)
    assert time.monotonic() - start < 5
    assert "Excel 文件中的文字总量过大（解压后 68 MB，上限 64 MB），拒绝读取" in err.value.format()
