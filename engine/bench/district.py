"""One district, as a user runs it: a synthetic 300-task workspace written as facts files, then
`duban check` (a fresh process, default output formats) timed end to end."""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from . import synth
from .partition import import_workspace

try:  # the C dumper is much faster; fall back when libyaml is absent
    _Dumper = yaml.CSafeDumper
except AttributeError:  # pragma: no cover
    _Dumper = yaml.SafeDumper

ROOT = Path(__file__).resolve().parents[2]


def clean_readings(value):
    """Readings as duban import stores them: no null keys, no empty lists."""
    if isinstance(value, dict):
        return {k: clean_readings(v) for k, v in value.items() if v is not None and v != []}
    if isinstance(value, list):
        return [clean_readings(v) for v in value]
    return value


def write_workspace(sw: synth.SynthWorkspace, root: Path, periods: tuple[str, ...]) -> Path:
    ws = import_workspace(sw)
    items = {"indicators": ws.plan.indicators, "tasks": ws.plan.tasks}
    plan = {"schema": "duban/plan@1", "region": sw.region, "year": sw.year, "source": ["synthetic.xlsx"]}
    for group, rows in items.items():
        plan[group] = [clean_readings({"id": it.id, "seq": it.seq, "category": it.category, "name": it.name, "text": it.text,
                               "annual_target_text": it.annual_target_text, "leaders": it.leaders, "lead_units": it.lead_units,
                               "coop_units": it.coop_units, "targets": it.targets}) for it in rows]
    (root / "progress").mkdir(parents=True, exist_ok=True)
    (root / "plan.yaml").write_text(yaml.dump(plan, Dumper=_Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for period in periods:
        entries = {k: clean_readings({"text": e.text, "measures": e.measures, "data_period": e.data_period, "stage": e.stage,
                              "flags": e.flags}) for k, e in ws.progress[period].entries.items()}
        doc = {"schema": "duban/progress@1", "period": period, "source": ["synthetic.xlsx"], "entries": entries}
        (root / "progress" / f"{period}.yaml").write_text(yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False),
                                                          encoding="utf-8")
    return root


def _timed(command: list[str], env: dict) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds and CPU seconds (the process and its forks: the Word renderer, durable_rules' worker)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc


def child_environment(tmp: Path, bytecode: bool) -> dict:
    """The environment of the timed `duban check`. bytecode: Python's compiled modules are cached (in `tmp`, so
    nothing is written into the installation), as they are for every installed duban — pip compiles them at install
    time, and a checkout writes __pycache__ on first use — even where PYTHONDONTWRITEBYTECODE is set for this
    process (then every module of every run would be compiled from source: ~0.1–0.15 CPU s per run here)."""
    env = {k: v for k, v in os.environ.items() if k != "DUBAN_FACTS_CACHE"}
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    else:
        env.pop("PYTHONPYCACHEPREFIX", None)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def time_district(seed: int = 2023, tasks: int = 300, indicators: int = 15, rules_dir: Path | None = None, repeat: int = 3,
                  bytecode: bool = True) -> dict:
    """`duban check` on one district as a fresh process, `repeat` times with the parsed-facts cache cold (removed
    before each run: a workspace checked for the first time, or just edited) and `repeat` times warm (a re-run).
    With `bytecode` (child_environment) one untimed run first compiles the modules; without it none is written."""
    from ..facts_cache import CACHE_DIR
    from ..render import DEFAULT_FORMATS

    periods = synth.PERIODS[:3]  # judged at 2023-09, with two earlier quarters of history
    with tempfile.TemporaryDirectory(prefix="duban-district-") as tmp:
        sw = synth.workspace(seed, 0, items=tasks + indicators, indicators=indicators)
        sw.progress = {p: sw.progress[p] for p in periods}
        ws = write_workspace(sw, Path(tmp) / "district", periods)
        out = Path(tmp) / "out"
        command = [sys.executable, "-m", "engine.cli", "check", str(ws), "--period", periods[-1], "--out", str(out)]
        if rules_dir:
            command += ["--rules", str(rules_dir)]
        env = child_environment(Path(tmp), bytecode)
        runs: dict[str, list] = {"cold": [], "warm": []}
        error, outputs = None, {}
        if bytecode:
            _timed(command, env)  # untimed: compiles every module a run imports (the facts cache it writes is removed below)
        for mode in ("cold", "warm"):
            for _ in range(repeat):
                if mode == "cold":
                    shutil.rmtree(ws / CACHE_DIR, ignore_errors=True)
                wall, cpu, proc = _timed(command, env)
                if proc.returncode not in (0, 1):
                    error = (proc.stderr or proc.stdout).strip()[-600:]
                    break
                runs[mode].append((wall, cpu))
            outputs[mode] = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
            if error:
                break
        files = sorted(outputs.get("cold", {}))
        cached = len(list((ws / CACHE_DIR).glob("*.json")))  # plan, one per period, lexicon once a run has succeeded
    medians = {mode: (round(statistics.median(w for w, _ in r), 3), round(statistics.median(c for _, c in r), 3))
               if r else (None, None) for mode, r in runs.items()}
    return {"tasks": tasks, "indicators": indicators, "periods": list(periods), "formats": list(DEFAULT_FORMATS),
            "check_s": medians["cold"][0], "check_warm_s": medians["warm"][0],
            "cpu_s": medians["cold"][1], "cpu_warm_s": medians["warm"][1],
            "runs_s": [round(w, 3) for w, _ in runs["cold"]], "runs_warm_s": [round(w, 3) for w, _ in runs["warm"]],
            "same_bytes_warm": outputs.get("cold") == outputs.get("warm") if not error else None,
            "files": len(files), "cache_files": cached, "bytecode_cached": bytecode,
            "load_average": [round(x, 2) for x in os.getloadavg()], "error": error}
