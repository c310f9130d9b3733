"""findings.sarif (SARIF 2.1.0) and findings.junit.xml for portals and CI."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.render.context import build_context
from engine.render.machine import junit_xml, sarif

from .fuzz_settings import fuzz
from .test_render_context import fuling_result  # noqa: F401  (shared fixture)

LEVEL = {"error": "error", "warn": "warning", "info": "note"}


@pytest.fixture(scope="module")
def outputs(fuling_result):
    ctx = build_context(fuling_result)
    return fuling_result, json.loads(sarif(ctx)), ET.fromstring(junit_xml(ctx))


def test_sarif_shape(outputs):
    result, doc, _ = outputs
    assert doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r["id"] for r in result["rules"]]
    assert all(r["shortDescription"]["text"] for r in rules)
    for key in ("workspace", "period", "as_of", "rules_digest", "data_digest"):
        assert run["properties"][key] == result[key]


def test_sarif_results_follow_the_findings(outputs):
    result, doc, _ = outputs
    run = doc["runs"][0]
    findings = [(item, f) for item in result["tasks"] + result["indicators"] for f in item["findings"]]
    assert len(run["results"]) == len(findings) > 0
    rules = run["tool"]["driver"]["rules"]
    levels = set()
    for (item, f), res in zip(findings, run["results"]):
        assert res["ruleId"] == f["rule"]
        if "ruleIndex" in res:
            assert rules[res["ruleIndex"]]["id"] == f["rule"]
        assert res["level"] == LEVEL[f["severity"]]
        levels.add(res["level"])
        assert res["message"]["text"] == f["message"]
        logical = res["locations"][0]["logicalLocations"][0]
        assert logical["name"] == item["id"] and item["id"] in logical["fullyQualifiedName"]
        assert res["properties"]["seq"] == item["seq"]
        assert res["properties"]["quote"] == (f.get("evidence") or {}).get("quote")
    assert levels == {"error", "warning", "note"}


def test_junit_counts(outputs):
    result, _, root = outputs
    t, i = result["summary"]["tasks"], result["summary"]["indicators"]
    assert root.tag == "testsuites"
    assert int(root.get("tests")) == len(result["tasks"]) + len(result["indicators"])
    assert int(root.get("failures")) == t["滞后"] + t["严重滞后"] + i["不达预期"]
    assert int(root.get("skipped")) == t["待核实"] + i["待核实"]
    cases = root.findall(".//testcase")
    assert len(cases) == int(root.get("tests"))
    failing = next(item for item in result["tasks"] if item["status"] == "严重滞后")
    case = next(c for c in cases if c.get("name").startswith(f"{failing['id']} "))
    assert failing["status_reason"] in case.find("failure").get("message")
    props = {p.get("name"): p.get("value") for p in root.find("testsuite/properties")}
    assert props["rules_digest"] == result["rules_digest"] and props["data_digest"] == result["data_digest"]
    assert "timestamp" not in junit_xml(build_context(result)).decode()


# ---------------------------------------------------------------- result.json through orjson: the same bytes

def _stdlib_json(obj) -> bytes:
    """What result.json was before orjson: the reference every case below is compared with."""
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def _compact_json(obj) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def test_result_json_bytes_identical_on_fuling(fuling_result):
    from engine.outputs.jsonio import _orjson_safe
    from engine.render.machine import result_json

    assert _orjson_safe(fuling_result)  # the fast path is the one taken on the real example
    assert result_json(fuling_result) == _stdlib_json(fuling_result)
    ctx = build_context(fuling_result)
    assert json.loads(sarif(ctx)) and sarif(ctx).endswith(b"}\n")


def test_result_json_bytes_identical_on_bench_partitions():
    from engine.bench import synth
    from engine.bench.partition import build_result, derive_all, import_workspace, result_bytes
    from engine.judge.classify import classify
    from engine.evaluate import make_evaluator
    from engine.rulebook.load import default_rules_dir, load_rulebook

    book = load_rulebook(default_rules_dir())
    evaluator = make_evaluator("vectorised", book.rules)
    ws = import_workspace(synth.workspace(2023, 3, 120))
    history = []
    for period, derived, tp in derive_all(ws, book):
        judgements = classify(derived, evaluator.evaluate([d.record for d in derived]), book)
        result = build_result(ws, period, tp, judgements, history, book, "vectorised")
        assert result_bytes(result, pretty=True) == _stdlib_json(result)
        assert result_bytes(result) == _compact_json(result)  # the national run's compact form: the same bytes too
        history.append((period, {j.derived.item.id: j.status for j in judgements}))
    assert len(history) == 4


# hand-written: the values where orjson and json.dumps write differently, each checked on the dispatching function
EDGE_VALUES = [1e-05, -3.5e-07, 2.2876222127045265e-05, 9.999999999999999e-05, 1e-10, 1e-11, 5e-324, 1e16, 1e22,
               -0.0, 0.0, 1.5e300, 0.30000000000000004, float("nan"), float("inf"), float("-inf"), 2**63, 2**64, -2**63 - 1,
               "\x00\x01\x08\x0b\x0c\x1f\x7f\u2028\u2029\U0001F600\"\\/", "涪陵区\t榨菜\n", "", True, None, [], {}, [[]], {"a": {}},
               (1, 2.5), {"k": (1e-05,)}]


@pytest.mark.parametrize("value", EDGE_VALUES, ids=repr)
def test_pretty_json_edge_values(value):
    from engine.outputs.jsonio import compact_json_bytes, pretty_json_bytes

    for doc in (value, [value], {"键": value, "b": [1, {"c": value}]}):
        assert pretty_json_bytes(doc) == _stdlib_json(doc)
        assert compact_json_bytes(doc) == _compact_json(doc)


def test_pretty_json_refusals_match_the_standard_library():
    from engine.outputs.jsonio import pretty_json_bytes

    class Text(str):
        pass

    for doc in ({1: "a", 2.5: "b", True: "c", None: "d"}, {"n": Text("子类")}, {"big": 10**30}):
        assert pretty_json_bytes(doc) == _stdlib_json(doc)  # orjson refuses these; the standard encoder writes them
    import datetime

    with pytest.raises(TypeError):  # json.dumps refuses a date (orjson would write it): still refused
        pretty_json_bytes({"d": datetime.date(2023, 9, 30)})
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate, as before
        pretty_json_bytes({"t": "\ud800"})


_json_scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                          st.floats(allow_nan=True, allow_infinity=True), st.floats(min_value=-1e-3, max_value=1e-3),
                          st.text(st.characters(codec="utf-8"), max_size=12))
_json_values = st.recursive(_json_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=6), inner, max_size=4)),
    max_leaves=25)


@given(_json_values)
@fuzz(300, 5000)
def test_pretty_json_bytes_identical_property(value):
    from engine.outputs.jsonio import compact_json_bytes, pretty_json_bytes

    assert pretty_json_bytes(value) == _stdlib_json(value)
    assert compact_json_bytes(value) == _compact_json(value)


def test_outputs_written_by_threads_keep_mode_and_bytes(fuling_result, tmp_path):
    """write_outputs overlaps the fsyncs in threads: every file arrives whole, with the umask's mode (the umask is
    read under a lock — reading it sets it to 0 for a moment)."""
    import os

    from engine.render import render_outputs, write_outputs

    old = os.umask(0o027)
    try:
        written = write_outputs(fuling_result, tmp_path / "out", ["md", "json", "junit"])
    finally:
        os.umask(old)
    expected = render_outputs(fuling_result, ["md", "json", "junit"])
    assert [p.relative_to(tmp_path / "out").as_posix() for p in written] == list(expected)
    assert {p.relative_to(tmp_path / "out").as_posix(): p.read_bytes() for p in written} == expected
    assert {p.stat().st_mode & 0o777 for p in written} == {0o640} and len(written) > 10


def test_a_worker_started_early_renders_the_same_bytes(fuling_result):
    """`duban check` starts the Word/Excel render process before reading the facts (engine/render/worker.py)."""
    from engine.render import DEFAULT_FORMATS, render_outputs
    from engine.render.worker import RenderWorker

    here = render_outputs(fuling_result, list(DEFAULT_FORMATS))
    worker = RenderWorker()
    try:
        sent = render_outputs(fuling_result, list(DEFAULT_FORMATS), worker=worker)
    finally:
        worker.close()
    assert list(sent) == list(here) and sent == here
    assert "ledger.xlsx" in sent and "memo.docx" in sent
