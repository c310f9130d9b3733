"""Nothing a clerk did is lost: hand edits need --force (with a backup), runs never interleave,
and a run killed mid-write leaves the previous files intact."""

import os
import signal
import subprocess
import sys
import time

import yaml

from engine.store.lock import workspace_lock

from .conftest import FULING, ROOT, run_cli

ARGS = ["--period", "2023-09"]


def imported(tmp_path):
    ws = tmp_path / "ws"
    proc = run_cli("import", FULING / "fuling_2023q3_indicators.xlsx", "--into", ws, "--region", "涪陵区", "--year", "2023", *ARGS)
    assert proc.returncode == 0, proc.stderr
    return ws


def changed_table(tmp_path):
    import openpyxl

    book = openpyxl.load_workbook(FULING / "fuling_2023q3_indicators.xlsx")
    book.active["E3"] = "区经济信息委、区统计局"
    path = tmp_path / "changed.xlsx"
    book.save(path)
    return path


def test_hand_edit_is_not_overwritten_without_force(tmp_path):
    ws = imported(tmp_path)
    plan = ws / "plan.yaml"
    edited = plan.read_text(encoding="utf-8").replace("      - 区经济信息委\n", "      - 区经济和信息化委员会\n", 1)
    plan.write_text(edited, encoding="utf-8")
    proc = run_cli("import", changed_table(tmp_path), "--into", ws, *ARGS)
    assert proc.returncode == 2
    assert "手工修改过的内容会被覆盖" in proc.stderr and "I02 lead_units" in proc.stderr and "--force" in proc.stderr
    assert plan.read_text(encoding="utf-8") == edited


def test_force_overwrites_and_keeps_a_backup(tmp_path):
    ws = imported(tmp_path)
    plan = ws / "plan.yaml"
    edited = plan.read_text(encoding="utf-8").replace("      - 区经济信息委\n", "      - 区经济和信息化委员会\n", 1)
    plan.write_text(edited, encoding="utf-8")
    proc = run_cli("import", changed_table(tmp_path), "--into", ws, *ARGS, "--force")
    assert proc.returncode == 0, proc.stderr
    assert "已备份原文件到" in proc.stdout
    data = yaml.safe_load(plan.read_text(encoding="utf-8"))
    assert data["indicators"][1]["lead_units"] == ["区经济信息委", "区统计局"]
    backups = list((ws / ".duban" / "backup").glob("plan.*.yaml"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == edited


def test_unedited_fields_update_freely(tmp_path):
    ws = imported(tmp_path)
    proc = run_cli("import", changed_table(tmp_path), "--into", ws, *ARGS)
    assert proc.returncode == 0, proc.stderr
    assert "修改 I02 lead_units" in proc.stdout


def test_second_run_waits_then_says_why(tmp_path):
    ws = imported(tmp_path)
    with workspace_lock(ws):
        env = dict(os.environ, DUBAN_LOCK_WAIT="0.5")
        proc = subprocess.run([sys.executable, "-m", "engine.cli", "check", str(ws), "--period", "2023-09", "--out", str(tmp_path / "o")],
                              capture_output=True, text=True, cwd=ROOT, env=env)
    assert proc.returncode == 2 and "正被另一个 duban 进程使用" in proc.stderr
    assert not (tmp_path / "o").exists()
    # released: the same run now succeeds
    assert run_cli("check", ws, "--period", "2023-09", "--out", tmp_path / "o", "--format", "json").returncode == 0


def test_sigkill_mid_import_leaves_previous_files_intact(tmp_path):
    ws = imported(tmp_path)
    before = {p: p.read_bytes() for p in ws.rglob("*.yaml")}
    big = tmp_path / "big.csv"
    rows = ["序号,指标名称,完成情况,全年目标,牵头责任单位"]
    rows += [f"{i},指标{i}增长（%）,前三季度同比增长{i % 9}.5%,6.5%,区统计局" for i in range(1, 250)]
    big.write_text("\n".join(rows) + "\n", encoding="utf-8")
    command = [sys.executable, "-m", "engine.cli", "import", str(big), "--into", "{ws}", *ARGS]

    # time a whole run on a copy, then kill real runs late in their life, when the files are written
    import shutil

    probe = tmp_path / "probe"
    shutil.copytree(ws, probe)
    start = time.monotonic()
    subprocess.run([c.replace("{ws}", str(probe)) for c in command], cwd=ROOT, capture_output=True, check=True)
    duration = time.monotonic() - start
    for fraction in (0.85, 0.92, 0.96, 0.99):
        proc = subprocess.Popen([c.replace("{ws}", str(ws)) for c in command], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for path in ws.rglob("*.yaml"):
            if ".duban" in path.parts:
                continue
            data = path.read_bytes()
            assert data == before.get(path) or len(yaml.safe_load(data).get("indicators") or yaml.safe_load(data).get("entries")) >= 249
