"""A hand-written district through the README's import and `duban eval`, as both acceptance districts run it."""

from __future__ import annotations

import csv
import json

from tests.conftest import run_cli


def import_and_eval(root, book, calls, *, region: str, year: str, period: str):
    """Import `book` into <root>/<region>, write the official calls (序号 1, 2, … in order) as the eval key, run
    `duban eval`; (import process, eval.json, workspace, eval output folder)."""
    key, ws, out = root / "labels.csv", root / f"{region}-{year}", root / "out"
    with key.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["seq", "official"])
        writer.writerows([n, official] for n, official in enumerate(calls, start=1))
    imported = run_cli("import", book, "--into", ws, "--region", region, "--year", year, "--period", period)
    assert imported.returncode == 0, imported.stderr
    evaluated = run_cli("eval", ws, "--period", period, "--key", key, "--out", out)
    assert evaluated.returncode == 0, evaluated.stderr
    return imported, json.loads((out / "eval.json").read_text(encoding="utf-8")), ws, out


def check_result(ws, period: str, out) -> dict:
    """`duban check` of one period with JSON output; its result.json."""
    checked = run_cli("check", ws, "--period", period, "--out", out, "--format", "json")
    assert checked.returncode == 0, checked.stderr
    return json.loads((out / "result.json").read_text(encoding="utf-8"))
