"""read_targets / read_progress (re-exported by engine/extract/__init__.py): a module of the compiled kernel
(compiled.py), so that the per-text glue — quotes, the dominant period — runs compiled too."""

from __future__ import annotations

from .lexicon import get_lexicon
from .measures import build
from .numbers import normalize
from .stages import find_flags, find_stage
from .targets import build_targets


def _year(period: str | None) -> int | None:
    try:
        return int(str(period).split("-")[0])
    except ValueError:
        return None


def read_targets(text: str) -> list[dict]:
    """Every target of a plan text, in text order (see interfaces.md §2 «Target»)."""
    text = text or ""
    return build_targets(text, normalize(text), get_lexicon())


def read_progress(text: str, period: str | None = None) -> dict:
    """Measures, dominant data period, stage and flags of one progress text."""
    text = text or ""
    lx = get_lexicon()
    norm = normalize(text)
    sc, measures = build(norm, lx, _year(period))
    for m in measures:
        m["quote"] = text[m["span"][0]:m["span"][1]]
    stage = find_stage(sc, measures)
    if stage:
        stage["quote"] = text[stage["span"][0]:stage["span"][1]]
    flags = find_flags(sc)
    for f in flags:
        f["quote"] = text[f["span"][0]:f["span"][1]]
    return {"measures": measures, "data_period": _dominant(sc, measures), "stage": stage,
            "flags": flags}


def _dominant(sc, measures: list[dict]) -> dict | None:
    """The period most actual measures refer to; else the first period stated."""
    counts: dict[str, int] = {}  # a plain dict: Counter costs more than the counting here
    for m in measures:
        if m["data_period"] and not m["forecast"]:
            label = m["data_period"]["label"]
            counts[label] = counts.get(label, 0) + 1
    if counts:
        label = max(counts, key=counts.__getitem__)  # the first of the most frequent, as most_common(1)
        for m in measures:
            if m["data_period"] and m["data_period"]["label"] == label:
                return dict(m["data_period"])
    return sc.periods[0].as_dict() if sc.periods else None
