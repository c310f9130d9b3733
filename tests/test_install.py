"""Installing on machines the team does not have: where durable_rules cannot be imported (Python 3.13+,
most Windows PCs) duban still runs with identical findings; a wheel carries the rulebook, templates and
example; the locks pin every dependency with hashes; the Makefile's Python check speaks Chinese."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from engine import resources
from engine.evaluate import FALLBACK_NOTICE, durable_available

from .conftest import ROOT, SHIPPED_WS

BROKEN_DURABLE = "raise ImportError('undefined symbol: PyEval_CallObject')  # as on Python 3.13\n"


def _run(args, tmp_path, block_durable: bool):
    env = dict(os.environ)
    if block_durable:  # a module of the same name earlier on sys.path: importing durable_rules fails, as on 3.13
        shadow = tmp_path / "no_durable"
        shadow.mkdir(exist_ok=True)
        (shadow / "durable_rules_engine.py").write_text(BROKEN_DURABLE, encoding="utf-8")
        env["PYTHONPATH"] = os.pathsep.join([str(shadow), str(ROOT)])
    return subprocess.run([sys.executable, "-m", "engine.cli", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", cwd=ROOT, env=env)


def _result(out: Path) -> dict:
    data = json.loads((out / "result.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k != "engine"}


def test_without_durable_rules_auto_falls_back_with_identical_findings(tmp_path):
    fallback = _run(["check", SHIPPED_WS, "--period", "2023-09", "--out", tmp_path / "fb"], tmp_path, block_durable=True)
    assert fallback.returncode == 0, fallback.stderr
    assert FALLBACK_NOTICE in fallback.stderr and "Traceback" not in fallback.stderr
    assert "引擎 vectorised" in fallback.stdout
    assert json.loads((tmp_path / "fb" / "result.json").read_text(encoding="utf-8"))["engine"] == "vectorised"
    assert "引擎 vectorised" in (tmp_path / "fb" / "memo.md").read_text(encoding="utf-8")
    reference = "durable_rules" if durable_available() else "vectorised"
    ref = _run(["check", SHIPPED_WS, "--period", "2023-09", "--out", tmp_path / "ref", "--engine", reference],
               tmp_path, block_durable=False)
    assert ref.returncode == 0, ref.stderr
    assert FALLBACK_NOTICE not in ref.stderr
    assert _result(tmp_path / "fb") == _result(tmp_path / "ref")


def test_asking_for_durable_rules_where_it_cannot_import_is_a_chinese_input_error(tmp_path):
    proc = _run(["check", SHIPPED_WS, "--period", "2023-09", "--out", tmp_path / "o", "--engine", "durable_rules"],
                tmp_path, block_durable=True)
    assert proc.returncode == 2, proc.stderr
    assert "没有可用的规则引擎 durable_rules" in proc.stderr and "--engine" in proc.stderr
    assert not (tmp_path / "o").exists()


@pytest.mark.skipif(not durable_available(), reason="durable_rules is not importable on this Python: the fallback tests above cover it")
def test_auto_uses_durable_rules_where_it_imports(tmp_path):
    proc = _run(["check", SHIPPED_WS, "--period", "2023-09", "--out", tmp_path / "o"], tmp_path, block_durable=False)
    assert proc.returncode == 0, proc.stderr
    assert "引擎 durable_rules" in proc.stdout and FALLBACK_NOTICE not in proc.stderr


def _tree(path: Path) -> dict:
    return {str(p.relative_to(path)): p.stat().st_mtime_ns for p in path.rglob("*")}


def test_demo_runs_the_shipped_example_without_make(tmp_path):
    before = _tree(SHIPPED_WS)
    proc = _run(["demo", "--out", tmp_path / "demo", "--engine", "vectorised"], tmp_path, block_durable=False)
    assert proc.returncode == 0, proc.stderr
    assert str((tmp_path / "demo").resolve()) in proc.stdout
    assert {"memo.docx", "ledger.xlsx", "dashboard.html", "result.json"} <= {p.name for p in (tmp_path / "demo").iterdir()}
    assert _tree(SHIPPED_WS) == before, "the demo works on a copy: nothing is written into the shipped (or installed) example"


# ---------------------------------------------------------------- a wheel carries what a run needs

def test_wheel_carries_rules_templates_and_example(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("duban-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    data = {n.split(".data/data/share/duban/", 1)[1] for n in names if ".data/data/share/duban/" in n}
    needed = [p for p in (ROOT / "rules").rglob("*.yaml")] + [p for p in (ROOT / "templates").iterdir() if p.suffix in (".j2", ".docx")]
    needed += [p for p in SHIPPED_WS.rglob("*.yaml")]
    missing = sorted(str(p.relative_to(ROOT)) for p in needed if str(p.relative_to(ROOT)) not in data)
    assert not missing, f"pyproject.toml [tool.setuptools.data-files] misses {missing}"
    assert any(n.startswith("engine/") and n.endswith("cli.py") for n in names)


def test_shipped_files_are_found_under_the_install_prefix(tmp_path, monkeypatch):
    share = tmp_path / "share" / "duban"
    (share / "rules").mkdir(parents=True)
    (share / "rules" / "params.yaml").write_text("version: 1\n", encoding="utf-8")
    monkeypatch.setattr(resources, "SOURCE_ROOT", tmp_path / "site-packages")  # no rules/ beside engine/
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    resources.shipped_root.cache_clear()
    try:
        assert resources.shipped("rules", "lexicon") == share / "rules" / "lexicon"
    finally:
        resources.shipped_root.cache_clear()


# ---------------------------------------------------------------- the locks

def _locked(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    entries = re.findall(r"^([A-Za-z0-9._-]+)==([^ ;\\\n]+)([^\n]*)\n((?:    --hash=sha256:[0-9a-f]{64}[ \\]*\n)+)", text, re.M)
    blocks = [line for line in text.splitlines() if line and not line.startswith((" ", "#"))]
    assert len(entries) == len(blocks), "every locked requirement is exact (==) and carries at least one sha256 hash"
    return {re.sub(r"[-_.]+", "-", name).lower(): version for name, version, _, _ in entries}


def test_locks_pin_every_declared_dependency_with_hashes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    locked = _locked(ROOT / "requirements" / "test.lock")
    for requirement in declared:
        name = re.sub(r"[-_.]+", "-", re.match(r"[A-Za-z0-9._-]+", requirement).group(0)).lower()
        assert name in locked, f"{name} is declared in pyproject.toml but not locked"
    assert {"setuptools", "wheel"} <= set(_locked(ROOT / "requirements" / "build.lock"))
    durable = next(line for line in (ROOT / "requirements" / "test.lock").read_text(encoding="utf-8").splitlines()
                   if line.startswith("durable-rules=="))
    assert "python_full_version < '3.13'" in durable and "win32" in durable


def test_make_installs_only_from_the_locks():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = [line.strip() for line in makefile.splitlines() if "$(BIN)/python -m pip install" in line and "uv" not in line]
    assert installs and all("--require-hashes" in line or "--no-deps" in line for line in installs)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


# ---------------------------------------------------------------- the Makefile's Python check

def _check_python():
    import importlib.util

    spec = importlib.util.spec_from_file_location("check_python", ROOT / "tools" / "check_python.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("version, code, words", [((3, 10, 13), 1, "太旧"), ((3, 15, 0), 1, "太新"),
                                                  ((3, 12, 1), 0, ""), ((3, 13, 0), 0, "vectorised")])
def test_python_version_check_says_what_to_do(monkeypatch, capsys, version, code, words):
    module = _check_python()
    monkeypatch.setattr(module.sys, "version_info", version)
    assert module.check_version() == code
    out = capsys.readouterr()
    assert words in out.out + out.err
    if code:
        assert "make PY=python3.12" in out.err and "3.11 到 3.14" in out.err


def test_a_venv_made_by_another_python_or_half_made_is_rebuilt(tmp_path, monkeypatch):
    module = _check_python()
    monkeypatch.setattr(module.sys, "version_info", (3, 11, 7))
    assert module.venv_matches(str(tmp_path / "none")) == 0
    half = tmp_path / "half"
    half.mkdir()
    assert module.venv_matches(str(half)) == 1
    (half / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.12.1\n", encoding="utf-8")
    assert module.venv_matches(str(half)) == 1
    (half / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.11.7\n", encoding="utf-8")
    assert module.venv_matches(str(half)) == 0
