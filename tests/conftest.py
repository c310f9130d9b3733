from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
FULING = FIXTURES / "fuling"
RULES = ROOT / "rules"
SHIPPED_WS = ROOT / "facts" / "fuling-2023"


def run_cli(*args, cwd=None):
    """Run the real console entry point in a subprocess: exit codes and output as a user sees them."""
    return subprocess.run([sys.executable, "-m", "engine.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, encoding="utf-8")


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def fuling_ws(tmp_path_factory):
    """A workspace imported from the Q3 tables exactly as the issue's done-when commands do."""
    ws = tmp_path_factory.mktemp("ws") / "fuling"
    result = run_cli("import", FULING / "fuling_2023q3_tasks.xlsx", FULING / "fuling_2023q3_indicators.xlsx",
                     "--into", ws, "--region", "涪陵区", "--year", "2023", "--period", "2023-09")
    assert result.returncode == 0, result.stderr
    return ws


@pytest.fixture
def shipped_copy(tmp_path):
    dest = tmp_path / "fuling-2023"
    shutil.copytree(SHIPPED_WS, dest)
    return dest
