"""The durable_rules adapter against the plain evaluator, and each known engine hazard pinned."""

import random

import pytest

from engine.errors import EngineError
from engine.evaluate.durable_adapter import MAX_LEAVES, DurableEvaluator, compile_rules
from engine.evaluate.plain import PlainEvaluator
from engine.rulebook.ir import All, Any_, Leaf, Not, Rule


def rule(rid, when, kinds=("task",)):
    return Rule(id=rid, title=rid, description="", applies_to=kinds, when=when, status=None, severity="info",
                escalation=None, message="")


def both(rules, records):
    durable = DurableEvaluator(rules).evaluate(records)
    plain = PlainEvaluator(rules).evaluate(records)
    assert durable == plain
    return durable


def test_keyword_list_is_not_a_regex_alternation():
    # `.*(暂缓|暂停).*` silently misses in durable_rules; the compiler emits one pattern per keyword
    rules = [rule("stall", Leaf("progress", "contains", ("暂缓", "暂停", "被…通报")))]
    records = [{"kind": "task", "progress": t} for t in ("项目暂缓实施", "暂停施工", "被市政府办公厅通报", "正常推进", "通报被")]
    assert both(rules, records) == [["stall"], ["stall"], ["stall"], [], []]
    shard = compile_rules(rules)["shards"][0]
    assert "|" not in str(shard)


def test_missing_field_comparison_is_false_and_its_negation_true():
    rules = [rule("lt", Leaf("ratio", "lt", 0.5)), rule("not_lt", Not(Leaf("ratio", "lt", 0.5)))]
    records = [{"kind": "task", "ratio": 0.2}, {"kind": "task", "ratio": 0.9}, {"kind": "task"}]
    assert both(rules, records) == [["lt"], ["not_lt"], ["not_lt"]]


def test_exists_never_uses_ex_or_nex():
    rules = [rule("has", Leaf("ratio", "exists", True)), rule("hasnt", Leaf("ratio", "exists", False))]
    program = compile_rules(rules)
    assert "$nex" not in str(program) and "$ex" not in str(program)
    assert both(rules, [{"kind": "task", "ratio": 1.0}, {"kind": "task"}]) == [["has"], ["hasnt"]]


def test_negated_keyword_is_computed_not_emitted():
    rules = [rule("no_stall", Not(Leaf("progress", "contains", ("暂停",))))]
    program = compile_rules(rules)
    assert "$mt" not in str(program["shards"])
    assert both(rules, [{"kind": "task", "progress": "暂停施工"}, {"kind": "task", "progress": "正常"}, {"kind": "task"}]) == [[], ["no_stall"], ["no_stall"]]


def test_tiny_floats_and_kinds():
    rules = [rule("pos", Leaf("ratio", "gt", 0.0), kinds=("indicator",))]
    records = [{"kind": "indicator", "ratio": 1e-7}, {"kind": "indicator", "ratio": 0.5}, {"kind": "task", "ratio": 0.5}]
    assert both(rules, records) == [[], ["pos"], []]


def test_many_rules_are_sharded_below_the_sibling_limit():
    rules = [rule(f"r{i}", Leaf("progress_len", "ge", float(i))) for i in range(150)]
    program = compile_rules(rules)
    assert len(program["shards"]) > 1
    for shard in program["shards"]:
        assert sum(str(cond).count("'$gte'") + str(cond).count("'_h_") for cond in shard.values()) <= 2 * MAX_LEAVES
    fired = both(rules, [{"kind": "task", "progress_len": 10.0}])
    assert fired == [[f"r{i}" for i in range(11)]]


def test_a_rule_too_large_for_the_engine_is_refused():
    big = All(tuple(Leaf("progress_len", "ne", float(i)) for i in range(60)))
    with pytest.raises(EngineError, match="超过"):
        compile_rules([rule("big", big)])


def test_large_any_rule_is_split_not_refused():
    big = Any_(tuple(Leaf("progress_len", "eq", float(i)) for i in range(120)))
    assert both([rule("big", big)], [{"kind": "task", "progress_len": 77.0}, {"kind": "task", "progress_len": 500.0}]) == [["big"], []]


def test_distinct_facts_are_never_merged_across_chunks():
    # ids are "0".."999" per session; 5,000 facts span several sessions and both workers
    rules = [rule("all", Leaf("kind", "eq", "task"))]
    records = [{"kind": "task", "progress_len": float(i)} for i in range(5000)]
    fired = both(rules, records)
    assert sum(1 for f in fired if f == ["all"]) == 5000


FIELDS_NUM = ("ratio", "shortfall", "growth_shortfall", "progress_len")
WORDS = ("暂缓", "暂停", "通报", "完成", "推进")


def random_leaf(rnd):
    kind = rnd.random()
    if kind < 0.6:
        field = rnd.choice(FIELDS_NUM)
        op = rnd.choice(["lt", "le", "gt", "ge", "eq", "ne", "between", "exists", "in"])
        if op == "between":
            a = round(rnd.uniform(-1, 1), 2)
            return Leaf(field, op, (a, round(a + rnd.uniform(0, 1), 2)))
        if op == "exists":
            return Leaf(field, op, rnd.random() < 0.5)
        if op == "in":
            return Leaf(field, op, tuple(round(rnd.choice([0.0, 0.5, 1.0, -0.25]), 6) for _ in range(2)))
        return Leaf(field, op, round(rnd.choice([0.0, 0.5, 1.0, -0.25, rnd.uniform(-1, 1)]), 6))
    if kind < 0.85:
        return Leaf("progress", "contains", tuple(rnd.sample(WORDS, rnd.randint(1, 3))))
    return Leaf("stage", rnd.choice(["eq", "ne"]), rnd.choice(["开工", "前期", "投用"]))


def random_cond(rnd, depth=0):
    if depth > 2 or rnd.random() < 0.4:
        return random_leaf(rnd)
    pick = rnd.random()
    if pick < 0.4:
        return All(tuple(random_cond(rnd, depth + 1) for _ in range(rnd.randint(1, 3))))
    if pick < 0.8:
        return Any_(tuple(random_cond(rnd, depth + 1) for _ in range(rnd.randint(1, 3))))
    return Not(random_cond(rnd, depth + 1))


def random_record(rnd):
    rec = {"kind": rnd.choice(["task", "indicator"])}
    for field in FIELDS_NUM:
        if rnd.random() < 0.7:
            rec[field] = round(rnd.choice([0.0, 0.5, 1.0, -0.25, rnd.uniform(-1, 1)]), 6)
    if rnd.random() < 0.8:
        rec["progress"] = "".join(rnd.choice(WORDS + ("，", "项目", "。")) for _ in range(rnd.randint(0, 6)))
    if rnd.random() < 0.5:
        rec["stage"] = rnd.choice(["开工", "前期", "投用"])
    return rec


def test_random_rules_and_facts_agree():
    rnd = random.Random(20231)
    rules = [rule(f"q{i}", random_cond(rnd), kinds=rnd.choice([("task",), ("indicator",), ("task", "indicator")])) for i in range(40)]
    records = [random_record(rnd) for _ in range(600)]
    both(rules, records)


# ------------------------------------------------------------------ hazards found while making it fast

def test_numbers_python_writes_in_exponent_notation_are_not_dropped():
    # json writes 5e-05 / 1e-06 / 1e+16; the engine silently drops such a fact (and rejects such a
    # constant with error 204), so numbers are written in fixed notation
    rules = [rule("pos", Leaf("ratio", "gt", 0.0)), rule("tiny", Leaf("ratio", "eq", 0.00005)),
             rule("big", Leaf("ratio", "ge", 1e16))]
    records = [{"kind": "task", "ratio": v} for v in (0.00005, 0.000001, 1e16, 2.5e-06, -0.0, 1e-7)]
    assert both(rules, records) == [["pos", "tiny"], ["pos"], ["pos", "big"], ["pos"], [], []]


def test_a_fact_the_engine_drops_is_an_error_not_a_silent_miss(monkeypatch):
    from engine.evaluate import durable_compile

    monkeypatch.setattr(durable_compile, "number_text", lambda value: repr(value))  # the old, unsafe encoding
    rules = [rule("pos", Leaf("ratio", "gt", 0.0))]
    with pytest.raises(EngineError, match="静默丢弃"):
        DurableEvaluator(rules).evaluate([{"kind": "task", "ratio": 0.5}, {"kind": "task", "ratio": 0.00005}])


def test_texts_never_reach_the_engine_and_facts_carry_only_what_rules_read():
    from engine.evaluate.durable_compile import fact_encoder

    rules = [rule("stall", Leaf("progress", "contains", ("暂缓",))), rule("low", Leaf("ratio", "lt", 0.5)),
             rule("ind", Leaf("shortfall", "exists", True), kinds=("indicator",))]
    program = compile_rules(rules)
    assert set(program["kinds"]) == {"task", "indicator"}
    assert "$mt" not in str(program["shards"]) and "progress" not in str(program["shards"])
    task = program["kinds"]["task"]
    fact = fact_encoder(task, program["keywords"])({"kind": "task", "progress": "项目暂缓实施", "ratio": 0.25, "text": "长文本"}, 7, "c0")
    ratio = task["names"]["ratio"]  # record fields go to the engine under short names (f0, f1 …)
    assert fact == f'{{"sid":"c0","id":"7","_seen":1,"{ratio}":0.25,"_kw0":1}}' and ratio != "ratio"
    assert "ratio" not in str(program["shards"]) and f"'{ratio}'" in str(program["shards"])
    hit, miss = rule("many", Leaf("progress", "contains", ("暂缓", "被…通报"))), rule("few", Leaf("progress", "contains", ("停工",)))
    two = compile_rules([hit, miss])  # two lists on one field: one search for all their keywords first
    encode = fact_encoder(two["kinds"]["task"], two["keywords"])
    assert encode({"kind": "task", "progress": "被区政府通报"}, 0, "c0").endswith('"_kw0":1,"_kw1":0}')
    assert encode({"kind": "task", "progress": "正常推进"}, 0, "c0").endswith('"_kw0":0,"_kw1":0}')
    assert encode({"kind": "task"}, 0, "c0").endswith('"_kw0":0,"_kw1":0}')
    assert all(rs["cap"] >= 1000 for shard in program["shards"] for rs in shard.values())


def test_rules_of_one_kind_never_see_the_other_kind():
    rules = [rule("t", Leaf("ratio", "lt", 0.5)), rule("i", Leaf("ratio", "lt", 0.5), kinds=("indicator",)),
             rule("both", Leaf("ratio", "exists", False), kinds=("task", "indicator"))]
    records = [{"kind": "task", "ratio": 0.1}, {"kind": "indicator", "ratio": 0.1}, {"kind": "other"}, {"ratio": 0.1}]
    assert both(rules, records) == [["t"], ["i"], [], []]


def test_isolated_runs_leave_no_engine_state_in_the_parent():
    from engine.evaluate import durable_adapter

    rules = [rule("low", Leaf("ratio", "lt", 0.5))]
    evaluator = DurableEvaluator(rules, isolate=True)
    assert evaluator.evaluate([{"kind": "task", "ratio": 0.2}] * 3) == [["low"]] * 3
    assert not durable_adapter._HANDLES  # isolated runs create their rulesets in the worker only


def test_nested_and_groups_are_flattened_error_113():
    # found by the differential fuzz: this nesting fails create_ruleset with error 113; written flat it compiles
    negs = All((Not(Leaf("has_progress", "eq", False)), Not(Leaf("ratio", "in", (0.0,)))))
    when = All((negs, negs, All((All((Leaf("ratio", "between", (0.0, 0.0)), Leaf("stage", "in", ("开工",)))),
                                 All((Leaf("ratio", "eq", 0.0), Leaf("ratio", "between", (0.0, 0.0))))))))
    shard = compile_rules([rule("nested", when)])["kinds"]["task"]["texts"][0]
    assert shard.count('"$and"') == 1
    records = [{"kind": "task", "ratio": 0.0, "stage": "开工", "has_progress": True}, {"kind": "task"}]
    assert both([rule("nested", when)], records) == [[], []]
