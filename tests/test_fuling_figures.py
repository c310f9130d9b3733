"""The issue's acceptance figures on the real Fuling 2023 Q3 data, with the rules and facts as shipped.

human_status in the CSV is the officials' own judgement (附件3: 7 tasks not on schedule).
"""

import csv
import json

import pytest

from .conftest import FULING, SHIPPED_WS, run_cli

LAGGING = ("滞后", "严重滞后")


def officials():
    return {r["seq"]: r["human_status"] for r in csv.DictReader(open(FULING / "fuling_2023q3_tasks.csv", encoding="utf-8"))}


def figures(result):
    human = officials()
    reported = [t for t in result["tasks"] if t["seq"] in human and t["progress_text"] is not None]
    official_lagging = [t for t in reported if human[t["seq"]] == "滞后"]
    official_normal = [t for t in reported if human[t["seq"]] != "滞后"]
    false_lagging = [t for t in official_normal if t["status"] in LAGGING]
    unclear = [t for t in result["tasks"] if t["status"] == "待核实"]
    return official_lagging, official_normal, false_lagging, unclear


def check(ws, out):
    proc = run_cli("check", ws, "--period", "2023-09", "--out", out, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads((out / "result.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("source", ["xlsx_import", "shipped"])
def test_fuling_acceptance(source, fuling_ws, tmp_path):
    result = check(fuling_ws if source == "xlsx_import" else SHIPPED_WS, tmp_path)
    lagging, normal, false_lagging, unclear = figures(result)
    assert len(lagging) == 7
    assert all(t["status"] in LAGGING for t in lagging), [(t["seq"], t["status"]) for t in lagging]
    assert len(false_lagging) <= 0.10 * len(normal)
    assert all(any(f["evidence"].get("quote") for f in t["findings"] if f["status"] in LAGGING) for t in false_lagging)
    assert len(unclear) <= 0.15 * len(result["tasks"])
    assert len(result["indicators"]) == 13
