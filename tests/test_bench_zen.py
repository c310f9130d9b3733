"""The GoRules ZEN peer of `duban bench`: the rule IR compiled into a ZEN decision graph fires the same
rules as the plain evaluator; what ZEN cannot express is listed, never silently dropped.
Timings are not asserted here (they live in `duban bench` and docs/benchmarks.md)."""

from __future__ import annotations

import builtins
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.bench import synth
from engine.bench.partition import derive_all, import_workspace
from engine.bench.pipeline import Options, run
from engine.bench.zen_peer import UNSUPPORTED, ZenPeer, compile_graph, keyword_expr, load_zen
from engine.derive import derive_workspace
from engine.errors import EngineError, InputError
from engine.evaluate.plain import PlainEvaluator
from engine.facts.workspace import load_workspace
from engine.rulebook.ir import All, Any_, Leaf, Not, Rule
from engine.rulebook.load import load_rulebook

from .conftest import RULES, SHIPPED_WS
from .test_differential import cases, records, rulebooks


def rule(rule_id, when, kinds=("task",)):
    return Rule(id=rule_id, title=rule_id, description="", applies_to=kinds, when=when, status=None, severity="info",
                escalation=None, message="")


def same_as_plain(rules, facts):
    peer = ZenPeer(rules)
    keep = set(peer.compared)
    want = [[r for r in row if r in keep] for row in PlainEvaluator(rules).evaluate(facts)]
    got = peer.evaluate(facts)
    for fact, w, g in zip(facts, want, got):
        assert g == w, f"ZEN {g} ≠ plain {w} on {fact}"
    return peer, got


def test_shipped_fuling_records_fire_as_plain():
    book = load_rulebook(RULES)
    derived, _ = derive_workspace(load_workspace(SHIPPED_WS), "2023-09", book.params)
    peer, fired = same_as_plain(book.rules, [d.record for d in derived])
    assert peer.excluded == [] and len(peer.compared) == len(book.rules)  # the shipped rulebook is all expressible
    assert sum(map(len, fired)) > len(derived) // 2
    table = peer.graph["nodes"][1]["content"]
    assert table["hitPolicy"] == "collect" and len(table["rules"]) == len(book.rules)


def test_synthetic_bench_records_fire_as_plain():
    book = load_rulebook(RULES)
    ws = import_workspace(synth.workspace(2023, 5, items=80, indicators=8))
    same_as_plain(book.rules, [d.record for _, items, _ in derive_all(ws, book) for d in items])


def test_hand_written_conditions_missing_fields_and_gaps():  # hand-written
    rules = [rule("R-A", Not(Leaf("ratio", "gt", 0.5))),  # a missing ratio: not(false) → fires
             rule("R-B", All((Leaf("ratio", "between", (0.2, 0.4)), Leaf("stage", "ne", "开工")))),
             rule("R-C", Any_((Leaf("progress", "contains", ("被…约谈", "停滞")), Leaf("lead", "le", -0.1)))),
             rule("R-D", All((Leaf("quantified", "eq", False), Not(Leaf("progress", "exists", True)))), ("task", "indicator")),
             rule("R-E", Leaf("direction", "in", ("左右", '以"上"'))),
             rule("R-F", Leaf("progress", "contains", ("经…核…实", "约谈…约谈")))]  # regex fallback forms
    facts = [{"kind": "task"},
             {"kind": "task", "ratio": 0.3, "stage": "前期", "progress": "上月被区纪委约谈，项目停工"},
             {"kind": "task", "ratio": 0.4000004, "stage": "开工", "lead": -0.1, "progress": "约谈后约谈"},
             {"kind": "indicator", "quantified": False, "direction": '以"上"'},
             {"kind": "task", "progress": "约谈被", "direction": '以"上"', "ratio": 0.51},
             {"kind": "task", "progress": "经区里核查属实", "quantified": True}]
    _, fired = same_as_plain(rules, facts)
    assert fired[0] == ["R-A"] and "R-C" in fired[1] and fired[3] == ["R-D"] and fired[4] == ["R-E"] and fired[5] == ["R-A", "R-F"]
    assert keyword_expr("被…约谈", "p") == "some(split(p, '被')[1:], contains(#, '约谈'))"
    assert keyword_expr("约谈…约谈", "p").startswith("matches(")  # the parts share characters: a regex


def test_unsupported_constructs_are_listed_and_left_out():  # hand-written
    rules = [rule("R-OK", Leaf("ratio", "ge", 1.0)),
             rule("R-TEXT-ORDER", Leaf("stage", "lt", "开工")),
             rule("R-QUOTES", Leaf("progress", "contains", ("'单'\"双\"`反`",))),
             rule("R-HUGE", Leaf("ratio", "gt", 1e30))]
    program = compile_graph(rules)
    assert program["rules"] == ["R-OK"]
    assert program["excluded"] == [("R-TEXT-ORDER", UNSUPPORTED["text_order"]), ("R-QUOTES", UNSUPPORTED["quote"]),
                                   ("R-HUGE", UNSUPPORTED["number"])]
    peer, fired = same_as_plain(rules, [{"kind": "task", "ratio": 2.0, "stage": "前期"}])
    assert fired == [["R-OK"]]


def test_bench_peer_zen_reports_four_engines_and_the_listing(cli):
    # in a fresh process: the workers fork, and a fork must not inherit ZEN's threads (other tests here start them)
    proc = cli("bench", "--facts", "1000", "--workers", "1", "--peer", "zen", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["reference_engine"] == "plain" and report["identical"] is True and report["zen_excluded"] == []
    assert set(report["engines"]) == {"durable_rules", "vectorised", "plain", "zen"}
    assert all(e["identical"] and e["records_per_core_s"] > 0 for e in report["engines"].values())
    proc = cli("bench", "--facts", "500", "--workers", "1", "--peer", "zen")
    assert proc.returncode == 0, proc.stderr
    assert "zen：" in proc.stdout and "ZEN：全部规则都能表达" in proc.stdout and "不一致" not in proc.stdout


def test_missing_zen_is_a_chinese_error(monkeypatch):
    real_import = builtins.__import__

    def no_zen(name, *args, **kwargs):
        if name == "zen":
            raise ImportError("No module named 'zen'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_zen)
    with pytest.raises(InputError) as err:
        load_zen()
    assert "zen-engine" in str(err.value) and "No module" not in str(err.value)


@cases(30, 400)
@given(rules=rulebooks(max_rules=4), facts=st.lists(records(), min_size=1, max_size=12))
def test_zen_equals_plain_on_generated_rules(rules, facts):
    same_as_plain(rules, facts)


def test_graph_is_plain_json():
    program = compile_graph(load_rulebook(RULES).rules)
    assert json.loads(json.dumps(program["graph"], ensure_ascii=False)) == program["graph"]


def test_a_fork_after_zen_started_is_an_error_not_a_hang(tmp_path):
    ZenPeer([rule("R-OK", Leaf("ratio", "ge", 1.0))]).evaluate([{"kind": "task", "ratio": 1.0}])  # threads start here
    with pytest.raises(EngineError, match="分叉出的子进程"):
        run(Options(facts=500, workers=1, primary="vectorised", engines=("vectorised", "plain", "zen"), out=tmp_path))
