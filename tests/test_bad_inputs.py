"""The bad-input corpus: tests/fixtures/bad/, one file per failure mode, indexed by cases.yaml.

Each case runs through the real CLI (conftest.run_cli, a subprocess) and must end with the expected exit
code (2: bad input), a Chinese message containing the expected fragment, no traceback, and nothing
written: a new workspace is not created, an existing one and the output folder are byte-for-byte as before
(the workspace lock file, .duban.lock, is the one file a run may leave).

cases.yaml fields: file · command (import | check | rules) · target (where the file goes: a path inside the
base workspace for `check`, inside a copy of rules/ for `rules`; for `import`, `base` imports into a copy
of the base workspace instead of a new one) · args (extra CLI arguments) · exit · message · xfail (optional:
the known bug, file and line, that keeps the case from passing yet; strict, so a fix is noticed).
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from .conftest import RULES, run_cli

BAD = Path(__file__).resolve().parent / "fixtures" / "bad"
BASE = BAD / "base"
CASES = yaml.safe_load((BAD / "cases.yaml").read_text(encoding="utf-8"))
PWNED = Path("/tmp/duban_pwned")  # what the !!python payloads in the corpus would create if executed


def _snapshot(folder: Path) -> dict:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != ".duban.lock"}


def _prepare(case: dict, tmp_path: Path) -> tuple[list, list[Path]]:
    """The CLI arguments, and the folders that must be unchanged afterwards."""
    source, command, target = BAD / case["file"], case["command"], case.get("target")
    extra = [str(a) for a in case.get("args", [])]
    if command == "import":
        ws = tmp_path / "ws"
        if target == "base":
            shutil.copytree(BASE, ws)
        else:
            extra = extra or ["--region", "测试区", "--year", "2023"]
        return ["import", source, "--into", ws, *extra], [ws]
    if command == "check":
        ws, out = tmp_path / "ws", tmp_path / "out"
        shutil.copytree(BASE, ws)
        if target.startswith("progress/") and target != "progress/2023-09.yaml":
            (ws / "progress" / "2023-09.yaml").unlink()  # the file replaces the period's progress under another name
        (ws / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, ws / target)
        return ["check", ws, "--period", "2023-09", "--out", out, *extra], [ws, out]
    if command == "rules":
        rules = tmp_path / "rules"
        shutil.copytree(RULES, rules)
        shutil.copy(source, rules / target)
        return ["rules", "test", rules, *extra], [rules]
    raise AssertionError(f"unknown command {command!r} in cases.yaml")


def _param(case: dict):
    # a case with `xfail: <the bug>` documents wanted behaviour that another module's owner still has to fix
    marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
    return pytest.param(case, id=case["file"], marks=marks)


def _run(case: dict, tmp_path: Path) -> dict:
    args, folders = _prepare(case, tmp_path)
    before = {folder: (folder.exists(), _snapshot(folder)) for folder in folders}
    proc = run_cli(*args)
    return {"proc": proc, "changed": [str(f) for f in folders if before[f] != (f.exists(), _snapshot(f))]}


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """Every case through the CLI, four at a time: each run is a fresh interpreter (~1 s of imports), and
    76 of them one after another would add two minutes to `make test`."""
    PWNED.unlink(missing_ok=True)
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {case["file"]: pool.submit(_run, case, tmp_path_factory.mktemp("bad")) for case in CASES}
        results = {name: future.result() for name, future in futures.items()}
    results["pwned"] = PWNED.exists()
    return results


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_bad_input(case, outcomes):
    proc = outcomes[case["file"]]["proc"]
    assert proc.returncode == case["exit"], (proc.returncode, proc.stdout[-500:], proc.stderr[-1500:])
    assert "Traceback" not in proc.stderr and "内部错误" not in proc.stderr, proc.stderr[-1500:]
    assert proc.stderr.startswith("错误："), proc.stderr[-500:]
    assert case["message"] in proc.stderr, proc.stderr[-1500:]
    assert not outcomes[case["file"]]["changed"], f"written on bad input: {outcomes[case['file']]['changed']}"
    assert not outcomes["pwned"], "a YAML tag was executed"


def test_corpus_is_complete_and_large_enough():
    files = {p.name for p in BAD.iterdir() if p.is_file() and p.name != "cases.yaml"}
    indexed = {case["file"] for case in CASES}
    assert files == indexed, (files - indexed, indexed - files)
    assert len(files) >= 50
    assert all(case["message"] and case["exit"] == 2 for case in CASES)


def test_base_workspace_is_valid(tmp_path):
    # every `check` case is this workspace with one file replaced: it must pass as it is
    shutil.copytree(BASE, tmp_path / "ws")
    proc = run_cli("check", tmp_path / "ws", "--period", "2023-09", "--format", "json", "--out", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr


# names the corpus messages spell in ASCII on purpose: YAML values, and the Python type a template touched
CORPUS_NAMES = {"true", "false", "type"}


def test_no_english_reaches_the_user(outcomes):
    """Issue 15: no message in the corpus carries a library's English (ASCII words of 4+ letters outside
    file paths, option names, YAML keys and quoted input)."""
    from .english import english_words

    found = {}
    for case in CASES:
        proc = outcomes[case["file"]]["proc"]
        words = english_words(proc.stderr + proc.stdout, CORPUS_NAMES | _field_names(proc.stderr))
        if words:
            found[case["file"]] = (words, proc.stderr[-300:].split("\n")[0][-160:])
    assert not found, "\n".join(f"{name}: {words} in {line}" for name, (words, line) in found.items())


def _field_names(text: str) -> set[str]:
    """The file format's identifiers, not sentences: the field a message is about, and YAML keys and
    values it quotes as YAML (kind: growth, columns: {…})."""
    import re

    names = set(re.findall(r"字段「([^」]*)」", text))  # the key the message is about, named again in its text
    for key, value in re.findall(r"(?<![A-Za-z])([a-z_]{2,}): ?([a-z_]*)", text):
        names.update({key, value} - {""})
    return names
