"""Guard for the extraction speed-up (issue 18 item 2): read_progress / read_targets give the recorded outputs,
compiled (engine/extract/compiled.py) and pure Python alike.

The digests below were recorded by running this file as a script (first on a checkout of 3198dea, before the
speed-up; re-recorded where readings changed on purpose, as noted). They cover the
extraction corpus (tests/fixtures/extraction), every Fuling plan and progress text (facts/fuling-2023) and the
synthetic texts of the first workspaces of engine/bench/synth.py (seed 2023; 10 workspaces = 12,420 texts, or 52
= 64,510 texts with DUBAN_GUARD_FULL=1). A digest is sha256 over repr() of every reading in order, so key order,
int/float and list/tuple all count. If the corpus, the example or synth.py change on purpose, re-record at the
commit that changes them (`python tests/test_extract_speed_guard.py`) and say so in the commit.

    python tests/test_extract_speed_guard.py [--full]   # prints the digests of the tree it runs in
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

QUICK_WORKSPACES, FULL_WORKSPACES = 10, 52
EXPECTED = {  # re-recorded after the merge of accuracy-5 (3965e09), which changes readings on purpose: 6月底前建成X and
    # 推动X投用 read as milestones, 治理完成 reports on 治理 (also_families), flags 已印发 and 年底认定; compiled and pure
    # gave the same digests there. (At 3198dea: corpus ff93bb93…, fuling 6fbdbc3a…, synth10 3a480838…, synth52 a4cd6d4e….)
    "corpus": "502:40d5b0148d67a7c1aea1e0a8f249fdc0a7d12132e8443d65ff47d9e002ad2b57",
    "fuling": "439:141b62485661b307af24ed4f3edaccf809c5b77d76be75af548fde5b18659abc",
    "synth10": "12420:2d3c9edbe540693da8d42f4905cd47effa80966dc906de2676098cd2273108d0",
    "synth52": "64510:36ce754fd256e2f8be77b321befa0156dd802056aba1d433040bf68bfc7450a3",
}


def _workspaces() -> int:
    return FULL_WORKSPACES if os.environ.get("DUBAN_GUARD_FULL", "") not in ("", "0") else QUICK_WORKSPACES


def text_sets(workspaces: int, root: Path = ROOT) -> dict[str, list[tuple[str, str, str | None]]]:
    """(reader, text, period) per set; reader "t" = read_targets, "p" = read_progress."""
    from engine.bench.synth import workspace
    from engine.importing.merge import indicator_target_text

    corpus = []
    for f in sorted((root / "tests" / "fixtures" / "extraction").glob("*.yaml")):
        for case in yaml.safe_load(f.read_text(encoding="utf-8")):
            corpus.append(("t", case.get("task") or "", None))
            corpus.append(("p", case.get("progress") or "", case.get("period")))
    fuling = []
    plan = yaml.safe_load((root / "facts" / "fuling-2023" / "plan.yaml").read_text(encoding="utf-8"))
    for it in plan["indicators"]:
        fuling.append(("t", indicator_target_text(it.get("name") or it["text"], it.get("annual_target_text")), None))
    fuling += [("t", it["text"], None) for it in plan["tasks"]]
    for f in sorted((root / "facts" / "fuling-2023" / "progress").glob("*.yaml")):
        progress = yaml.safe_load(f.read_text(encoding="utf-8"))
        fuling += [("p", e["text"], str(progress["period"])) for e in progress["entries"].values()]
    synth = []
    for i in range(workspaces):
        sw = workspace(2023, i)
        for it in sw.items:
            synth.append(("t", indicator_target_text(it.name, it.annual_target_text) if it.kind == "indicator" else it.text, None))
        for period, texts in sw.progress.items():
            synth += [("p", t, period) for t in texts.values()]
    return {"corpus": corpus, "fuling": fuling, f"synth{workspaces}": synth}


def digests(sets) -> dict[str, str]:
    from engine.extract import read_progress, read_targets

    out = {}
    for name, items in sets.items():
        h = hashlib.sha256()
        for reader, text, period in items:
            reading = read_targets(text) if reader == "t" else read_progress(text, period)
            h.update(repr(reading).encode("utf-8") + b"\0")
        out[name] = f"{len(items)}:{h.hexdigest()}"
    return out


def _in_child(pure: bool) -> dict:
    """Digests and compiled status computed in a fresh interpreter (DUBAN_PURE_PYTHON as asked)."""
    env = dict(os.environ, DUBAN_PURE_PYTHON="1" if pure else "0")
    code = ("import json, sys; sys.path.insert(0, %r); import tests.test_extract_speed_guard as g; "
            "from engine.extract import compiled; d = g.digests(g.text_sets(g._workspaces())); "
            "print(json.dumps({'digests': d, 'in_use': compiled.in_use()}))") % str(ROOT)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _expected(name: str) -> str:
    return EXPECTED[name]


def test_readings_equal_3198dea():
    """This process: compiled when the kernel is built and fresh, else pure Python."""
    got = digests(text_sets(_workspaces()))
    assert got == {k: _expected(k) for k in got}


def test_pure_python_path_equals_3198dea():
    child = _in_child(pure=True)
    assert not any(child["in_use"].values()), child["in_use"]  # the switch really runs the .py sources
    assert child["digests"] == {k: _expected(k) for k in child["digests"]}


def test_compiled_kernel_status_is_reported_and_used_where_built():
    """in_use() tells which modules run compiled; it agrees with the files found. In CI (CI=true, a fresh
    `make install` with Cython and gcc) or with DUBAN_EXPECT_COMPILED=1, every module must run compiled."""
    from engine.extract import compiled

    child = _in_child(pure=False)
    wanted = compiled.wanted()
    assert set(child["in_use"]) == set(compiled.MODULES)
    assert child["in_use"] == wanted, (child["in_use"], wanted)
    print("compiled extraction kernel in use:", child["in_use"])
    if os.environ.get("CI") == "true" or os.environ.get("DUBAN_EXPECT_COMPILED", "") not in ("", "0"):
        assert all(child["in_use"].values()), f"the extraction kernel is not compiled: {child['in_use']}"


if __name__ == "__main__":
    for n in (QUICK_WORKSPACES, FULL_WORKSPACES) if "--full" in sys.argv else (QUICK_WORKSPACES,):
        for k, v in digests(text_sets(n)).items():
            print(f'    "{k}": "{v}",')
