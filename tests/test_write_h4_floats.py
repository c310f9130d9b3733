"""The result's floats are checked where they are placed (engine/result.result_floats_safe, Finding.floats_ok), so the
JSON writer can skip its walk: the same bytes as the walk, and every float orjson would write differently is caught."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from engine import result as contract
from engine.bench import synth
from engine.bench.partition import _build, build_result, derive_all, import_workspace, partition_bytes, result_bytes
from engine.evaluate import make_evaluator
from engine.judge.classify import classify
from engine.outputs.jsonio import floats_safe, values_floats_safe
from engine.rulebook.load import default_rules_dir, load_rulebook


@pytest.fixture(scope="module")
def book():
    return load_rulebook(default_rules_dir())


def _partitions(book, index=0, size=120):
    ws = import_workspace(synth.workspace(2023, index, size))
    evaluator = make_evaluator("vectorised", book.rules)
    history, out = [], []
    for period, items, tp in derive_all(ws, book):
        judgements = classify(items, evaluator.evaluate([d.record for d in items]), book)
        out.append((ws, period, tp, judgements, list(history)))
        history.append((period, {j.derived.item.id: j.status for j in judgements}))
    return out


def _stdlib(doc, pretty):
    if pretty:
        return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode()
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def test_partition_bytes_are_result_bytes_and_the_check_agrees_with_the_walk(book):
    seen = 0
    for index in (0, 3):
        for ws, period, tp, judgements, history in _partitions(book, index):
            res, rows = _build(ws, period, tp, judgements, history, book, "vectorised")
            assert contract.result_floats_safe(res, judgements, rows) is floats_safe(res) is True
            for pretty in (False, True):
                data = partition_bytes(ws, period, tp, judgements, history, book, "vectorised", pretty)
                assert data == result_bytes(build_result(ws, period, tp, judgements, history, book, "vectorised"), pretty)
                assert data == _stdlib(res, pretty)
            seen += 1
    assert seen >= 6
    assert any(f.floats_ok for _, _, _, js, _ in _partitions(book) for j in js for f in j.findings)


@pytest.mark.parametrize("bad", [1e-05, -3.5e-07, 2e-10, math.nan, math.inf, -math.inf])
def test_every_place_a_float_can_be_is_checked(book, bad):
    """A float orjson writes differently (or null), put in each place of an item or the result: caught, and the
    bytes are the standard encoder's (NaN, Infinity, 1e-05)."""
    ws, period, tp, judgements, history = _partitions(book, 1, 60)[1]
    with_finding = next(k for k, j in enumerate(judgements) if j.findings)

    def metric(js):
        js[0].derived.record["ratio"] = bad

    def reported_status(js):  # the per-period part of a row
        next(j for j in js if j.derived.entry is not None).derived.entry.reported_status = bad

    def evidence(js):  # a finding's evidence changed after make_finding: floats_ok no longer vouches for it
        f = js[with_finding].findings[0]
        f.evidence["values"]["x"] = bad
        f.floats_ok = None

    def made_by_hand(js):
        js[0].findings.append(contract.Finding(rule="R-X", severity="info", evidence={"quote": "x", "figure": [1, bad]}))

    def waived(js):
        js[with_finding].findings[0].waived = {"reason": "已批准", "until": bad}

    def target(js):
        item = js[0].derived.item
        item.targets = [*item.targets, {"quote": "x", "quantity": bad, "unit": "个", "kind": "count", "direction": None}]

    for poison in (metric, reported_status, evidence, made_by_hand, waived, target):
        part = _partitions(book, 1, 60)[1]
        ws, period, tp, judgements, history = part
        res, rows = _build(ws, period, tp, judgements, history, book, "vectorised")
        assert contract.result_floats_safe(res, judgements, rows)  # warm the per-item cache before the change
        poison(judgements)
        res, rows = _build(ws, period, tp, judgements, history, book, "vectorised")
        assert not contract.result_floats_safe(res, judgements, rows), poison.__name__
        assert not floats_safe(res)
        for pretty in (False, True):
            assert partition_bytes(ws, period, tp, judgements, history, book, "vectorised", pretty) == _stdlib(res, pretty)


def test_top_level_floats_are_checked(book):
    ws, period, tp, judgements, history = _partitions(book, 2, 40)[0]
    res, rows = _build(ws, period, tp, judgements, history, book, "vectorised")
    res["time_progress"] = 1e-06
    assert not contract.result_floats_safe(res, judgements, rows)
    res["time_progress"] = 0.25
    res["waivers"] = {"x": [math.nan]}
    assert not contract.result_floats_safe(res, judgements, rows)
    res["waivers"] = {}
    assert contract.result_floats_safe(res, judgements, rows)
    assert contract.result_floats_safe(res, judgements, rows[:-1])  # rows not the judgements': the whole result walked
    res["tasks"][0]["metrics"]["ratio"] = 1e-05  # a row changed after item_result is seen only by that walk
    assert not contract.result_floats_safe(res, judgements, rows[:-1])


def test_values_floats_safe_matches_the_walk():
    cases = [(), ("a", 1, None, True, 0.5), (0.0, -0.0, 1e-4, 1e-10, 5e-324, 1e16, 1.5), (1e-05,), (1.5e-10,), (math.nan,),
             ("x", [1, {"y": 2e-5}]), ({"a": (1, 2)}, [0.25]), ([], {}, (), "z"), ([[]], {"a": []}), ([{}, [math.inf]],)]
    for values in cases:
        assert values_floats_safe(values) is floats_safe(list(values)), values


def test_make_finding_fills_findings_fields_by_position():
    """make_finding builds a Finding positionally: the field order it relies on."""
    assert [f.name for f in dataclasses.fields(contract.Finding)] == [
        "rule", "severity", "target", "quote", "message", "suggestion", "core", "title", "version", "status", "escalation",
        "evidence", "waived", "floats_ok"]


def _reference_classify(derived, fired, book, waived):
    """classify before its one-finding and no-finding shortcuts: every item through the general case."""
    from engine.judge.classify import _ranks, _severity, make_finding, missing_reason
    from engine.statuses import APPROVED_CHANGE, UNCLEAR

    by_id, params = {r.id: r for r in book.rules}, book.params
    ladder = _ranks(params.get("escalation_ladder", []))
    out = []
    for item, rule_ids in zip(derived, fired):
        findings = [make_finding(by_id[rid], item, params) for rid in rule_ids]
        for finding in findings:
            finding.waived = waived.get((item.item.id, finding.rule))
        findings.sort(key=_severity)
        deciding = [f for f in findings if not f.waived]
        key = "status_precedence" if item.item.kind == "task" else "indicator_precedence"
        ranks, last = _ranks(params[key]), len(params[key])
        statuses = [f for f in deciding if f.status]
        if statuses:
            chosen = min(statuses, key=lambda f: ranks.get(f.status, last))
            status, reason = chosen.status, f"{chosen.rule}：{chosen.message}"
        else:
            status, reason = UNCLEAR, missing_reason(item)
        steps = [f.escalation for f in deciding if f.escalation in ladder]
        escalation = max(steps, key=ladder.__getitem__) if steps else None
        if status == APPROVED_CHANGE:
            escalation = None
        out.append((status, reason, escalation, [f.to_dict() for f in findings]))
    return out


@pytest.mark.parametrize("every", [0, 2, 3])
def test_classify_shortcuts_match_the_general_case(book, every):
    """Items with no, one and several findings, with waivers on every `every`-th finding (0: none)."""
    ws = import_workspace(synth.workspace(2023, 5, 150))
    evaluator = make_evaluator("vectorised", book.rules)
    counts = set()
    for _, items, _ in derive_all(ws, book):
        fired = evaluator.evaluate([d.record for d in items])
        pairs = [(d.item.id, rid) for d, rids in zip(items, fired) for rid in rids]
        waived = {pair: {"reason": "已批准"} for n, pair in enumerate(pairs) if every and n % every == 0}
        got = [(j.status, j.status_reason, j.escalation, [f.to_dict() for f in j.findings])
               for j in classify(items, fired, book, waived)]
        assert got == _reference_classify(items, fired, book, waived)
        counts |= {min(len(r), 2) for r in fired}
    assert counts == {0, 1, 2}
