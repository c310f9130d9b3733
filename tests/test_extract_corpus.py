"""Score the extractor against the hand-labelled corpus (tests/fixtures/extraction/*.yaml).

Precision and recall per field, per corpus file and overall; the floors below are set a little
under the measured figures so that regressions fail. Run as a script to print the table:

    .venv/bin/python tests/test_extract_corpus.py [-v]
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.extract import match_targets, read_progress, read_targets  # noqa: E402
from engine.extract.matching import mark_copies  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "extraction"
FIELDS = ("targets", "actual", "ratio", "growth", "stage", "flags", "period")
TOL = 0.005

# Floors (precision, recall) per field over the whole corpus: measured minus a small margin.
FLOORS = {
    "targets": (0.96, 0.96),
    "actual": (0.93, 0.87),
    "ratio": (0.93, 0.85),
    "growth": (0.95, 0.95),
    "stage": (0.50, 0.80),  # stage is read from the progress alone; the labels null it for non-projects
    "flags": (0.90, 0.97),
    "period": (0.95, 0.97),
}


def _close(a, b) -> bool:
    if a is None or b is None:
        return False
    return abs(float(a) - float(b)) <= max(TOL, TOL * abs(float(b)) if abs(float(b)) > 10 else TOL)


def _same_target(p: dict, g: dict) -> bool:
    if p.get("kind") != g.get("kind") or p.get("unit") != g.get("unit"):
        return False
    if g.get("quantity") is None:
        return p.get("quantity") is None
    return _close(p.get("quantity"), g.get("quantity"))


class Tally:
    """Counts of true positives, predictions made and gold labels, per field."""

    def __init__(self):
        self.tp, self.pred, self.gold = defaultdict(int), defaultdict(int), defaultdict(int)
        self.misses = defaultdict(list)

    def add(self, field, tp, pred, gold, case_id=None, detail=None):
        self.tp[field] += tp
        self.pred[field] += pred
        self.gold[field] += gold
        if case_id and (tp < pred or tp < gold):
            self.misses[field].append((case_id, detail))

    def pr(self, field):
        p = self.tp[field] / self.pred[field] if self.pred[field] else 1.0
        r = self.tp[field] / self.gold[field] if self.gold[field] else 1.0
        return p, r


def _align(pred: list[dict], gold: list[dict]) -> list[tuple[int, int]]:
    """Pairs (pred index, gold index) in order: a greedy monotone alignment on equal targets."""
    pairs, j0 = [], 0
    for i, p in enumerate(pred):
        for j in range(j0, len(gold)):
            if _same_target(p, gold[j]):
                pairs.append((i, j))
                j0 = j + 1
                break
    return pairs


def _score_value(tally, field, case_id, pred_vals, gold_vals, pairs):
    """pred_vals/gold_vals: values per target index; a prediction counts only when aligned."""
    aligned = dict(pairs)
    tp = sum(1 for i, j in aligned.items() if pred_vals[i] is not None and _close(pred_vals[i], gold_vals[j]))
    n_pred = sum(1 for v in pred_vals if v is not None)
    n_gold = sum(1 for v in gold_vals if v is not None)
    tally.add(field, tp, n_pred, n_gold, case_id, (pred_vals, gold_vals))


def score_case(case: dict, tally: Tally) -> None:
    exp, cid, period = case["expect"], case["id"], case.get("period", "2023-09")
    targets = read_targets(case["task"])
    reading = read_progress(case["progress"], period)
    reading["measures"] = mark_copies(targets, reading["measures"], case["progress"])  # as derive does
    matches = match_targets(targets, reading, period)
    gold_t = exp.get("targets") or []
    pairs = _align(targets, gold_t)
    tally.add("targets", len(pairs), len(targets), len(gold_t), cid,
              ([(t["quantity"], t["unit"], t["kind"]) for t in targets],
               [(g.get("quantity"), g.get("unit"), g.get("kind")) for g in gold_t]))
    gold_m = exp.get("matches") or [{} for _ in gold_t]
    for field in ("actual", "ratio", "growth"):
        _score_value(tally, field, cid, [m[field] for m in matches], [g.get(field) for g in gold_m], pairs)
    st = reading["stage"]["name"] if reading["stage"] else None
    gs = exp.get("stage")
    tally.add("stage", int(st is not None and st == gs), int(st is not None), int(gs is not None), cid, (st, gs))
    pf = {f["name"] for f in reading["flags"]}
    gf = set(exp.get("flags") or [])
    tally.add("flags", len(pf & gf), len(pf), len(gf), cid, (sorted(pf), sorted(gf)))
    pm = reading["data_period"]["end_month"] if reading["data_period"] else None
    gm = exp.get("data_period_end_month")
    tally.add("period", int(pm is not None and pm == gm), int(pm is not None), int(gm is not None), cid, (pm, gm))


def load_corpus() -> dict[str, list[dict]]:
    return {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) or [] for p in sorted(CORPUS.glob("*.yaml"))}


def score_all():
    per_file, total = {}, Tally()
    for name, cases in load_corpus().items():
        t = Tally()
        for case in cases:
            score_case(case, t)
            score_case(case, total)
        per_file[name] = t
    return per_file, total


def table(per_file, total) -> str:
    lines = ["| field | " + " | ".join(f"{n} P / R" for n in per_file) + " | all P / R |",
             "|---|" + "---|" * (len(per_file) + 1)]
    for f in FIELDS:
        cells = []
        for t in list(per_file.values()) + [total]:
            p, r = t.pr(f)
            cells.append(f"{p:.3f} / {r:.3f} ({t.tp[f]}/{t.pred[f]}/{t.gold[f]})")
        lines.append(f"| {f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


pytestmark = pytest.mark.skipif(not CORPUS.exists() or not any(CORPUS.glob("*.yaml")),
                                reason="extraction corpus not present")


def test_corpus_floors():
    per_file, total = score_all()
    print("\n" + table(per_file, total))
    failed = []
    for f, (pmin, rmin) in FLOORS.items():
        p, r = total.pr(f)
        if p < pmin or r < rmin:
            failed.append(f"{f}: P={p:.3f} (floor {pmin}) R={r:.3f} (floor {rmin})")
    assert not failed, "抽取质量低于下限：" + "；".join(failed)


def test_corpus_ids_unique():
    ids = [c["id"] for cases in load_corpus().values() for c in cases]
    assert len(ids) == len(set(ids))


if __name__ == "__main__":
    pf, tot = score_all()
    print(table(pf, tot))
    if "-v" in sys.argv:
        want = [a for a in sys.argv[1:] if a != "-v"]
        for f in FIELDS:
            if want and f not in want:
                continue
            for cid, detail in tot.misses[f]:
                print(f"[{f}] {cid}: pred={detail[0]} gold={detail[1]}")
