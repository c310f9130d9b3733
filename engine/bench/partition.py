"""One workspace through the pipeline, in memory: import+extract → derive → (evaluate) → classify →
result.json per period. The same steps as `duban import` and `duban check`, minus the YAML files.

The result dict is built by the same engine/result.build_result as `duban check` (same keys, same item_result), with the
history of earlier periods carried forward instead of re-judged, so each period is judged once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..derive import derive_workspace
from ..extract import read_progress, read_targets
from ..facts.workspace import Entry, Item, Plan, Progress, Workspace
from ..importing.merge import indicator_target_text
from ..outputs.json import compact_json_bytes, json_bytes
from ..periods import default_as_of
from .. import result as contract
from ..rulebook.ir import Rulebook
from ..facts.waivers import waiver_report
from .synth import SynthWorkspace


def import_workspace(sw: SynthWorkspace) -> Workspace:
    """What `duban import` stores: targets read from each plan text, readings from each progress text."""
    tasks, indicators = [], []
    for n, it in enumerate(sw.items, 1):
        text = indicator_target_text(it.name, it.annual_target_text) if it.kind == "indicator" else it.text
        item = Item(id=it.id, kind=it.kind, text=it.text, seq=str(n), category=it.category, name=it.name,
                    annual_target_text=it.annual_target_text, leaders=it.leaders, lead_units=it.lead_units,
                    coop_units=it.coop_units, targets=read_targets(text))
        (indicators if it.kind == "indicator" else tasks).append(item)
    progress = {}
    for period, texts in sw.progress.items():
        entries = {}
        for item_id, text in texts.items():
            reading = read_progress(text, period)
            entries[item_id] = Entry(id=item_id, text=text, measures=reading["measures"], data_period=reading["data_period"],
                                     stage=reading["stage"], flags=reading["flags"])
        progress[period] = Progress(path=f"{sw.name}/progress/{period}.yaml", period=period, as_of=None, entries=entries)
    plan = Plan(path=f"{sw.name}/plan.yaml", region=sw.region, year=sw.year, source=["synthetic"], tasks=tasks, indicators=indicators)
    return Workspace(path=Path(sw.name), plan=plan, progress=progress)


def derive_all(ws: Workspace, book: Rulebook) -> list[tuple[str, list, float]]:
    """(period, derived, time progress) for each period, oldest first."""
    return [(period, *derive_workspace(ws, period, book.params)) for period in sorted(ws.progress)]


def data_digest(ws: Workspace, period: str) -> str:
    digest = hashlib.sha256(ws.plan.region.encode())  # then each entry's id and text, NUL-terminated, in one update
    digest.update("".join([f"{item_id}\0{entry.text}\0" for item_id, entry in ws.progress[period].entries.items()]).encode())
    return "sha256:" + digest.hexdigest()[:16]


def build_result(ws: Workspace, period: str, tp: float, judgements: list, history: list, book: Rulebook, engine: str) -> dict:
    """result.json of one partition; history: earlier periods, oldest first, each (period, {item id: status})."""
    return _build(ws, period, tp, judgements, history, book, engine)[0]


def partition_bytes(ws: Workspace, period: str, tp: float, judgements: list, history: list, book: Rulebook, engine: str,
                    pretty: bool = False) -> bytes:
    """result_bytes(build_result(…), pretty): the same bytes, the floats checked where the values are placed
    (engine/result.result_floats_safe) instead of by a walk over the whole document."""
    result, rows = _build(ws, period, tp, judgements, history, book, engine)
    checked = contract.result_floats_safe(result, judgements, rows)
    return json_bytes(result, checked) if pretty else compact_json_bytes(result, checked)


def _build(ws: Workspace, period: str, tp: float, judgements: list, history: list, book: Rulebook, engine: str):
    rows = [contract.item_result(j, period, history, book.params) for j in judgements]
    return contract.build_result(workspace=ws.name, region=ws.plan.region, year=ws.plan.year, period=period, as_of=None,
                                 time_progress=tp, book=book, engine=engine, data_digest=data_digest(ws, period),
                                 judgements=judgements, items=rows, history=history,
                                 waivers=waiver_report([], set(), default_as_of(period)), history_statuses=False), rows


def result_bytes(result: dict, pretty: bool = False) -> bytes:
    """result.json bytes. pretty: exactly what `duban check` writes (the same function, engine/outputs/json.py);
    otherwise the same content compact, through json's C encoder."""
    return json_bytes(result) if pretty else compact_json_bytes(result)
