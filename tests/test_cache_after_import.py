"""`duban import` leaves the parsed facts and the lexicon in .duban/cache/, so the first `duban check` after it reads
them instead of parsing the YAML it was just given; the outputs are the same bytes as with the cache off."""

from __future__ import annotations

import os

from tests.conftest import ROOT, run_cli

FULING = ROOT / "tests" / "fixtures" / "fuling"


def _outputs(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in (".json", ".md")}


def test_the_first_check_after_an_import_reads_the_cache(tmp_path, monkeypatch):
    ws = tmp_path / "涪陵区-2023"
    assert run_cli("import", FULING / "fuling_2023_plan.docx", "--into", ws, "--region", "涪陵区", "--year", "2023").returncode == 0
    assert run_cli("import", FULING / "fuling_2023q3_report.docx", "--into", ws, "--period", "2023-09").returncode == 0
    cache = ws / ".duban" / "cache"
    written = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in cache.glob("*.json")}
    assert set(written) == {"plan.json", "progress-2023-09.json", "lexicon.json"}
    checked = run_cli("check", ws, "--period", "2023-09", "--out", tmp_path / "warm", "--format", "json,md")
    assert checked.returncode == 0, checked.stderr
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in cache.glob("*.json")} == written  # read, not rebuilt
    monkeypatch.setenv("DUBAN_FACTS_CACHE", "0")
    assert run_cli("check", ws, "--period", "2023-09", "--out", tmp_path / "off", "--format", "json,md").returncode == 0
    assert _outputs(tmp_path / "warm") == _outputs(tmp_path / "off")


def test_a_dry_run_writes_no_cache(tmp_path):
    ws = tmp_path / "ws"
    assert run_cli("import", FULING / "fuling_2023_plan.docx", "--into", ws, "--region", "涪陵区", "--year", "2023",
                   "--dry-run").returncode == 0
    assert not (ws / ".duban" / "cache").exists()
