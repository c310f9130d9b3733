"""`duban bench --district`: one district through `duban check` as a fresh process, parsed-facts cache cold and warm."""

from __future__ import annotations

from engine.bench.district import child_environment, time_district


def test_district_cold_and_warm_give_the_same_outputs():
    report = time_district(tasks=24, indicators=4, repeat=1)
    assert report["error"] is None
    assert report["same_bytes_warm"] is True  # every output file, byte for byte, with and without the cache
    assert report["cache_files"] == 5  # plan.json, the three periods and lexicon.json: the warm runs read them
    assert report["files"] >= 5 and report["formats"] == ["md", "docx", "xlsx", "html", "json"]
    assert len(report["runs_s"]) == len(report["runs_warm_s"]) == 1
    assert report["check_s"] > 0 and report["check_warm_s"] > 0 and report["cpu_s"] > 0 and report["cpu_warm_s"] > 0
    assert report["bytecode_cached"] is True


def test_the_timed_runs_cache_bytecode_outside_the_installation(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv("DUBAN_FACTS_CACHE", "0")
    env = child_environment(tmp_path, bytecode=True)
    assert "PYTHONDONTWRITEBYTECODE" not in env and env["PYTHONPYCACHEPREFIX"] == str(tmp_path / "pycache")
    assert "DUBAN_FACTS_CACHE" not in env  # the bench times the cache itself, cold and warm
    env = child_environment(tmp_path, bytecode=False)
    assert env["PYTHONDONTWRITEBYTECODE"] == "1" and "PYTHONPYCACHEPREFIX" not in env
