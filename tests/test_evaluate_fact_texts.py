"""durable_rules' facts built a field at a time (durable_compile.fact_texts) against the record-at-a-time
encoder (fact_encoder): for each shard, the same fact JSON with only the fields that shard's rules read,
keys in the same order; and the engine fed that way fires what the plain evaluator fires."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from engine.derive import derive_workspace
from engine.evaluate.durable_adapter import CHUNK, DurableEvaluator
from engine.evaluate.durable_compile import compile_rules, fact_encoder, fact_texts
from engine.evaluate.plain import PlainEvaluator
from engine.facts.workspace import load_workspace
from engine.rulebook.ir import Leaf, Rule
from engine.rulebook.load import load_rulebook

from .conftest import RULES, SHIPPED_WS
from .test_differential import cases, records, rulebooks


def expected(spec: dict, keywords: list, recs: list[dict], chunk: int) -> list[list[str]]:
    """fact_encoder's facts, each shard's copy cut down to the keys the shard reads (order kept)."""
    encode = fact_encoder(spec, keywords)
    full = [json.loads(encode(r, k % chunk, f"c{k - k % chunk}")) for k, r in enumerate(recs)]
    names = spec["names"]
    out = []
    for reads in spec["reads"]:
        keep = {"sid", "id", "_seen"}
        for key in reads:
            keep.add("_h_" + names[key[3:]] if key.startswith("_h_") else key if key.startswith("_kw") else names[key])
        out.append([[(k, v) for k, v in fact.items() if k in keep] for fact in full])
    return out


def check(rules: list[Rule], recs: list[dict], chunk: int = CHUNK) -> None:
    program = compile_rules(rules)
    for kind, spec in program["kinds"].items():
        mine = [r for r in recs if r.get("kind") == kind]
        got = fact_texts(spec, program["keywords"], mine, chunk)
        want = expected(spec, program["keywords"], mine, chunk)
        assert len(got) == len(spec["shards"]) == len(want)
        for shard_got, shard_want in zip(got, want):
            assert [list(json.loads(text).items()) for text in shard_got] == shard_want
            for text in shard_got:
                assert "e-" not in text and "e+" not in text  # fixed notation only (the engine drops 5e-05)


def test_shipped_rulebook_and_example():
    book = load_rulebook(RULES)
    derived, _ = derive_workspace(load_workspace(SHIPPED_WS), "2023-09", book.params)
    recs = [d.record for d in derived]
    check(book.rules, recs)
    check(book.rules, recs, chunk=7)  # ids restart every chunk, in a session of its own
    # the shipped task rules fit one ruleset (tests/test_durable_ha_stack.py); a shard's reads are pinned there
    program = compile_rules(book.rules)
    task = program["kinds"]["task"]
    assert len(task["shards"]) == len(task["reads"]) and all(task["reads"])


def test_equal_values_of_different_types_keep_their_own_text():
    rules = [Rule(id="R-1", title="", description="", applies_to=("task",), when=Leaf("flag", "eq", True), status=None,
                  severity="info", escalation=None, message="")]
    recs = [{"kind": "task", "flag": 1}, {"kind": "task", "flag": True}, {"kind": "task", "flag": 1.0}, {"kind": "task"}]
    program = compile_rules(rules)
    texts = fact_texts(program["kinds"]["task"], program["keywords"], recs, CHUNK)[0]
    name = program["kinds"]["task"]["names"]["flag"]
    assert [json.loads(t).get(name) for t in texts] == [1.0, 1, 1.0, None]
    assert f'"{name}":1.0' in texts[0] and f'"{name}":1,' not in texts[1] and texts[1].endswith(f'"{name}":1}}')
    assert DurableEvaluator(rules).evaluate(recs) == PlainEvaluator(rules).evaluate(recs)


@cases(60, 600)
@given(rules=rulebooks(max_rules=5), facts=st.lists(records(), min_size=1, max_size=30), chunk=st.sampled_from((1, 3, CHUNK)))
def test_generated_rules_and_records(rules, facts, chunk):
    try:
        compile_rules(rules)
    except Exception as exc:  # a rulebook too wide for the engine is refused (tests/test_differential.py)
        assert "durable_rules" in str(exc)
        return
    check(rules, facts, chunk)
