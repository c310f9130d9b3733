"""Guard for the derive speed-up (issue 18, helper H2): derive gives the recorded outputs, with matching and
comparisons compiled (engine/extract/compiled.py) and in pure Python alike.

A digest is sha256 over repr() of (period, item id, record, evidence, matches) of every derived fact in order, so
key order, int/float and list/tuple all count. The sets: every period of the shipped example (facts/fuling-2023) and
the first synthetic workspaces of engine/bench/synth.py (seed 2023), imported as the bench imports them. The digests
were recorded on a checkout of 6906c18 (before the speed-up). If derive, the example, the extraction or synth.py
change outputs on purpose, re-record at the commit that changes them (`python tests/test_derive_h2_guard.py`) and
say so in the commit.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SYNTH_WORKSPACES = 3
EXPECTED = {  # recorded at 6906c18 (pure Python matching/comparisons, before this speed-up)
    "fuling": "220:c28d3a3d66c7abb6e91972e94354e53febf565506cc6877e059b9ea471adfb5e",
    "synth3": "3000:aba5b59dc6eb6618707f75c2399dedb1e57afa39fe90df326d70123a5c236f0a",
}


def _digest(derived: list[tuple[str, list]]) -> str:
    h, n = hashlib.sha256(), 0
    for period, items in derived:
        for d in items:
            h.update(repr((period, d.item.id, d.record, d.evidence, d.matches)).encode("utf-8") + b"\0")
            n += 1
    return f"{n}:{h.hexdigest()}"


def digests(root: Path = ROOT) -> dict[str, str]:
    from engine.bench import synth
    from engine.bench.partition import import_workspace
    from engine.derive import derive_workspace
    from engine.facts.workspace import load_workspace
    from engine.rulebook.load import default_rules_dir, load_rulebook

    params = load_rulebook(default_rules_dir()).params
    ws = load_workspace(root / "facts" / "fuling-2023")
    fuling = [(p, derive_workspace(ws, p, params)[0]) for p in sorted(ws.progress)]
    synthetic = []
    for i in range(SYNTH_WORKSPACES):
        sws = import_workspace(synth.workspace(2023, i))
        synthetic += [(p, derive_workspace(sws, p, params)[0]) for p in sorted(sws.progress)]
    return {"fuling": _digest(fuling), f"synth{SYNTH_WORKSPACES}": _digest(synthetic)}


def _in_child(pure: bool) -> dict:
    """Digests and the modules running compiled, from a fresh interpreter (DUBAN_PURE_PYTHON as asked; the facts
    cache off, so nothing is written into the example's workspace)."""
    env = dict(os.environ, DUBAN_PURE_PYTHON="1" if pure else "0", DUBAN_FACTS_CACHE="0")
    code = ("import json, sys; sys.path.insert(0, %r); import tests.test_derive_h2_guard as g; "
            "from engine.extract import compiled; d = g.digests(); "
            "print(json.dumps({'digests': d, 'in_use': compiled.in_use()}))") % str(ROOT)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_derive_compiled_and_pure_equal_recorded():
    """Both paths in fresh interpreters: the default one (compiled where built and fresh) and pure Python."""
    from engine.extract import compiled

    default, pure = _in_child(pure=False), _in_child(pure=True)
    assert not any(pure["in_use"].values()), pure["in_use"]  # the switch really runs the .py sources
    assert default["in_use"] == {m: use for m, use in compiled.wanted().items() if m in default["in_use"]}
    assert {"matching", "comparisons"} <= set(default["in_use"])  # derive's hot modules were imported and checked
    assert pure["digests"] == EXPECTED
    assert default["digests"] == EXPECTED


if __name__ == "__main__":
    os.environ.setdefault("DUBAN_FACTS_CACHE", "0")
    for k, v in digests().items():
        print(f'    "{k}": "{v}",')
