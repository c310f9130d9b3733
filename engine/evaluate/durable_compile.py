"""Compiling the rule IR into durable_rules rulesets, and facts into the engine's JSON.

Only forms verified safe are emitted; durable_adapter's docstring lists each engine hazard and the
guard here that avoids it. The program is plain data (dicts, tuples, JSON text) so that it crosses a
fork unchanged and can be inspected by the tests.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from functools import lru_cache
from itertools import compress, repeat
from operator import is_, is_not

from ..errors import EngineError
from ..rulebook.ir import All, Any_, Leaf, Not, Rule
from .keywords import keyword_matcher
from .walk import ConditionVisitor

MAX_LEAVES = 48  # leaf conditions in one durable rule (one alternative of a rule); wide `any`s are split at half of it
MAX_STACK = 64  # durable_rules' MAX_STACK_SIZE (events.c handleAlpha): alpha nodes one fact may have pending at once
MAX_BETA_LINKS = 255  # rules ending on one alpha node: its beta list has 256 slots and needs a 0 after the last (256 segfault)
MAX_RULES = 4096  # rete.c MAX_ACTIONS: rules in one ruleset, the catch-all included
CATCH_ALL = "__seen"
MAX_OR_COMPOUND = 12  # durable_rules rejects an $or with ≥ 15 compound children (error 113)
MAX_ALTERNATIVES = 64  # distributing `all` over wide `any`s must not blow up
CAP = 4096  # frames handed to one action: one action per rule and chunk instead of one per firing

_NEGATE = {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt", "eq": "ne", "ne": "eq"}
_DR_OP = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte", "ne": "$neq"}
_OPERATORS = {"$and", "$or", *_DR_OP.values()}
_KW = "_kw"


class _Compiler:
    def __init__(self):
        self.keywords: dict[tuple[str, tuple[str, ...]], int] = {}  # (field, keywords) → _kw<i>

    def keyword_field(self, leaf: Leaf) -> str:
        key = (leaf.field, tuple(leaf.value))
        return f"{_KW}{self.keywords.setdefault(key, len(self.keywords))}"

    def push_not(self, cond, negate=False):
        """Negation normal form over the IR, with the missing-field semantics made explicit."""
        return _PushNot(self).visit(cond, negate)

    def emit(self, cond) -> dict:
        return _EMIT.visit(cond)


class _PushNot(ConditionVisitor):
    def __init__(self, compiler: _Compiler):
        self.compiler = compiler

    def not_(self, cond: Not, negate: bool):
        return self.visit(cond.item, not negate)

    def all_(self, cond: All, negate: bool):
        items = tuple(self.visit(c, negate) for c in cond.items)
        return Any_(items) if negate else All(items)

    def any_(self, cond: Any_, negate: bool):
        items = tuple(self.visit(c, negate) for c in cond.items)
        return All(items) if negate else Any_(items)

    def leaf(self, leaf: Leaf, negate: bool):
        if leaf.op == "contains":  # computed in Python; 0 when the field is missing or not text
            return Leaf(self.compiler.keyword_field(leaf), "eq", 0 if negate else 1)
        if not negate:
            return leaf
        if leaf.op == "exists":
            return Leaf(leaf.field, "exists", not leaf.value)
        missing = Leaf(leaf.field, "exists", False)
        if leaf.op in _NEGATE:
            return Any_((missing, Leaf(leaf.field, _NEGATE[leaf.op], leaf.value)))
        if leaf.op == "between":
            lo, hi = leaf.value
            return Any_((missing, Leaf(leaf.field, "lt", lo), Leaf(leaf.field, "gt", hi)))
        if leaf.op == "in":
            return Any_((missing, All(tuple(Leaf(leaf.field, "ne", v) for v in leaf.value))))
        raise ValueError(f"cannot negate {leaf.op}")


class _Emit(ConditionVisitor[dict]):
    """A condition in negation normal form (no Not left) as a durable_rules pattern."""

    def all_(self, cond: All) -> dict:
        return _flat("$and", [self.visit(c) for c in cond.items])

    def any_(self, cond: Any_) -> dict:
        return _flat("$or", [self.visit(c) for c in cond.items])

    def leaf(self, cond: Leaf) -> dict:
        return emit_leaf(cond)

    def not_(self, cond: Not) -> dict:
        raise ValueError("negation left after push_not")


_EMIT = _Emit()


def _flat(op: str, children: list[dict]) -> dict:
    """An $and inside an $and (an $or inside an $or) merged into its parent, a single child unwrapped:
    nested $and groups over $or's with compound children fail with error 113 where the same
    condition written flat compiles (found by the differential fuzz)."""
    out = []
    for child in children:
        out.extend(child[op] if set(child) == {op} else [child])
    return out[0] if len(out) == 1 else {op: out}


def emit_leaf(leaf: Leaf) -> dict:
    # A comparison on a missing left-hand field is false in durable_rules, as in the IR (pinned by
    # tests); only `exists` needs the explicit presence field.
    field, op, value = leaf.field, leaf.op, leaf.value
    if op == "exists":
        return {f"_h_{field}": 1 if value else 0}
    if op == "eq":
        return {field: _const(value)}
    if op in _DR_OP:
        return {_DR_OP[op]: {field: _const(value)}}
    if op == "between":
        return {"$and": [{"$gte": {field: _const(value[0])}}, {"$lte": {field: _const(value[1])}}]}
    if op == "in":
        return _flat("$or", [{field: _const(v)} for v in value])
    raise ValueError(f"unknown operator {op}")


def _const(value):
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, (int, float)):
        return round(float(value), 6)
    return value


def _count_leaves(node) -> int:
    if isinstance(node, dict):
        if set(node) & {"$and", "$or"}:
            return sum(_count_leaves(c) for c in next(iter(node.values())))
        return 1
    return 0


def _fact_fields(node, out: set) -> set:
    """The fact fields an emitted condition reads."""
    for key, value in node.items():
        if key in ("$and", "$or"):
            for child in value:
                _fact_fields(child, out)
        elif key in _OPERATORS:
            _fact_fields(value, out)
        else:
            out.add(key)
    return out


def _flat_any(cond) -> list:
    items = []
    for child in cond.items:
        items.extend(_flat_any(child) if isinstance(child, Any_) else [child])
    return items


def _alternatives(cond, rule_id: str) -> list:
    """Top-level disjuncts such that no inner `any` has more than MAX_OR_COMPOUND compound children."""
    return _ALTERNATIVES.visit(cond, rule_id)


class _Alternatives(ConditionVisitor[list]):
    """Over a condition in negation normal form."""

    def leaf(self, cond: Leaf, rule_id: str) -> list:
        return [cond]

    def not_(self, cond: Not, rule_id: str) -> list:
        raise ValueError("negation left after push_not")

    def any_(self, cond: Any_, rule_id: str) -> list:
        items = _flat_any(cond)
        compound = [c for c in items if not isinstance(c, Leaf) or c.op in ("between", "in")]
        leaves = [c for c in items if isinstance(c, Leaf) and c.op not in ("between", "in")]
        if len(compound) <= MAX_OR_COMPOUND and len(items) <= MAX_LEAVES // 2:
            return [Any_(tuple(items))]
        step = MAX_LEAVES // 2
        out = [Any_(tuple(leaves[i:i + step])) for i in range(0, len(leaves), step)]
        for child in compound:
            out.extend(self.visit(child, rule_id))
        return out

    def all_(self, cond: All, rule_id: str) -> list:
        combos = [()]  # the product of its children's alternatives
        for child in cond.items:
            options = self.visit(child, rule_id)
            combos = [combo + (option,) for combo in combos for option in options]
            if len(combos) > MAX_ALTERNATIVES:
                raise EngineError(f"规则「{rule_id}」的条件组合过多，durable_rules 引擎无法可靠处理", hint="请把规则拆成几条，或用 --engine vectorised 运行")
        return [All(combo) for combo in combos]


_ALTERNATIVES = _Alternatives()


class AlphaNet:
    """The alpha network durable_rules 2.0.28 builds for one ruleset (rete.c createAlpha / findAlpha / linkAlpha),
    and the most entries one fact can put on handleAlpha's stack of MAX_STACK_SIZE (events.c).

    How the engine builds it, from a rule's pattern and a parent node (the root for the rule's `m`):
    a leaf is the parent's child with the same property, operator and value if there is one (findAlpha:
    shared across rules), else a new child; an `$and` chains its items, each item's node the next one's
    parent; an `$or` makes a new forward node (never shared) that each item's last node links to, and that
    is the parent of whatever follows the `$or`. The rule's beta node hangs off the last node (a beta list,
    never on the stack).

    How a fact walks it (handleAlpha): the root is pushed; a popped node pushes each child whose test the
    fact passes (its forward links always), and a push onto a full stack fails the fact with error 303
    (ERR_MAX_STACK_SIZE; the test pins the engine at exactly this bound). With s entries below a popped
    node v and its m ≤ k(v) children pushed, the child processed j-th from the top runs with m − j entries
    above s, so the stack never holds more than s + H(v), where

        H(v) = 1 if v has no children, else k(v) − 1 + max over children c of H(c),

    whatever the fact and the order children are pushed in. H(root) ≤ MAX_STACK is therefore safe for every
    fact. (Properties are matched by their 32-bit FNV-1a hashes; compile_rules checks the names it uses
    have distinct ones, so a node has one child per distinct (name, operator, value) as modelled here.)

    The fixed-size lists a node keeps are then within bounds too: H(root) ≥ H(v) ≥ k(v) for every node, so
    no node has more than 64 children (its hash set has 512 slots, its forward list 128). Its beta list, the
    rules ending on it, is not bounded by H: `betas` counts them (≤ MAX_BETA_LINKS).
    """

    def __init__(self):
        self.children: list[list[int]] = [[]]  # node 0 is the root
        self.keys: list = [None]
        self.betas: list[int] = [0]  # per node, the rules whose pattern ends on it
        self.rules = 0

    def add(self, cond: dict) -> None:
        """A rule's emitted pattern, added as create_ruleset adds it."""
        self.betas[self._alpha(cond, 0)] += 1
        self.rules += 1

    def fits(self) -> bool:
        return self.stack_bound() <= MAX_STACK and max(self.betas) <= MAX_BETA_LINKS and self.rules <= MAX_RULES

    def _new(self, key) -> int:
        self.children.append([])
        self.keys.append(key)
        self.betas.append(0)
        return len(self.keys) - 1

    def _alpha(self, cond: dict, parent: int) -> int:
        (name, value), = cond.items()
        if name == "$and":
            for item in value:
                parent = self._alpha(item, parent)
            return parent
        if name == "$or":
            forward = self._new(None)
            for item in value:
                self.children[self._alpha(item, parent)].append(forward)
            return forward
        if name in _OPERATORS:  # {"$gte": {field: constant}}
            (field, constant), = value.items()
            key = (field, name, _value_key(constant))
        else:  # {field: constant}: equality
            key = (name, "$eq", _value_key(value))
        for child in self.children[parent]:
            if self.keys[child] == key:
                return child
        child = self._new(key)
        self.children[parent].append(child)
        return child

    def stack_bound(self) -> int:
        """H(root), each node's H computed after its children's (a forward node is made before the nodes that
        link to it, so creation order is no topological order; the network is acyclic)."""
        bound: dict[int, int] = {}
        todo = [0]
        while todo:
            v = todo[-1]
            waiting = [c for c in self.children[v] if c not in bound]
            if waiting:
                todo.extend(waiting)
                continue
            todo.pop()
            if v not in bound:
                kids = self.children[v]
                bound[v] = len(kids) - 1 + max(bound[c] for c in kids) if kids else 1
        return bound[0]


def _value_key(value):
    """A constant as the engine compares two of them (compareValue: same JSON type, equal value)."""
    if isinstance(value, bool) or isinstance(value, int):
        return ("int", int(value))
    if isinstance(value, float):
        return ("double", float(number_text(value)))
    return ("string", value)


def alpha_net(conds) -> AlphaNet:
    net = AlphaNet()
    for cond in conds:
        net.add(cond)
    return net


def stack_bound(conds) -> int:
    return alpha_net(conds).stack_bound()


def fnv1a_32(name: str) -> int:
    """durable_rules' property hash (state.c fnv1Hash32)."""
    h = 0x811C9DC5
    for byte in name.encode():
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def _check_hashes(names) -> None:
    """The engine tells properties apart by hash alone: the names a program uses must have distinct ones."""
    seen: dict[int, str] = {}
    for name in ("sid", "id", "$forward", "$s", *names):
        other = seen.setdefault(fnv1a_32(name), name)
        if other != name:
            raise EngineError(f"字段名「{other}」与「{name}」在 durable_rules 中的散列值相同，引擎无法区分",
                              hint="请用 --engine vectorised 运行，并报告此问题")


CATCH_ALL_RULE = {"all": [{"m": {"_seen": 1}}], "cap": CAP}


def compile_rules(rules: list[Rule]) -> dict:
    """IR → {"kinds": {kind: {"shards", "texts", "fields", "exists", "keywords"}}, "keywords", "shards"}.

    Rules are compiled per kind (a task fact never meets indicator rules, and no kind test is
    needed); each kind's rules are packed, in rulebook order, into as few rulesets (shards) as keep each
    one's network within the engine's bounds (AlphaNet.fits), each with the catch-all.
    """
    compiler = _Compiler()
    units: dict[str, list] = {}
    for rule in rules:
        for k, branch in enumerate(_alternatives(compiler.push_not(rule.when), rule.id)):
            emitted = compiler.emit(branch)
            n = _count_leaves(emitted)
            if n + 1 > MAX_LEAVES:
                raise EngineError(f"规则「{rule.id}」的一组“全部满足”条件有 {n} 个，超过 durable_rules 可靠处理的上限 {MAX_LEAVES - 1}",
                                  file=rule.file, hint="请把规则拆成几条，或用 --engine vectorised 运行")
            depth = stack_bound([CATCH_ALL_RULE["all"][0]["m"], emitted])
            if depth > MAX_STACK:
                raise EngineError(f"规则「{rule.id}」的条件在 durable_rules 中一条事实最多要同时检查 {depth} 个条件节点，"
                                  f"超过引擎的上限 {MAX_STACK}", file=rule.file, hint="请把规则拆成几条，或用 --engine vectorised 运行")
            for kind in rule.applies_to:
                units.setdefault(kind, []).append((f"{rule.id}#{k}", emitted))
    kinds = {}
    for kind, todo in units.items():
        shards, shard, fields = [], {CATCH_ALL: CATCH_ALL_RULE}, set()
        for name, cond in todo:
            conds = [body["all"][0]["m"] for body in shard.values()]
            if len(shard) > 1 and not alpha_net([*conds, cond]).fits():
                shards.append(shard)
                shard = {CATCH_ALL: CATCH_ALL_RULE}
            shard[name] = {"all": [{"m": cond}], "cap": CAP}
            _fact_fields(cond, fields)
        shards.append(shard)
        reads = [set().union(*(_fact_fields(body["all"][0]["m"], set()) for name, body in shard.items() if name != CATCH_ALL))
                 for shard in shards]
        kinds[kind] = {
            "shards": shards,
            # per shard, what its rules read: a fact is sent to each shard with only those fields
            "reads": [tuple(sorted(r)) for r in reads],
            "fields": tuple(sorted(f for f in fields if not f.startswith(("_h_", _KW)))),
            "exists": tuple(sorted(f[3:] for f in fields if f.startswith("_h_"))),
            "keywords": tuple(sorted(int(f[len(_KW):]) for f in fields if f.startswith(_KW))),
        }
    # Record fields are named f0, f1 … in the engine: its per-fact cost grows with the JSON it parses,
    # hashes and hands back (names included), and no record field can clash with sid / id / _seen.
    real = sorted({f for spec in kinds.values() for f in spec["fields"] + spec["exists"]})
    names = {f: f"f{i}" for i, f in enumerate(real)}
    _check_hashes(["_seen", *names.values(), *(f"_h_{n}" for n in names.values()), *(f"{_KW}{i}" for i in range(len(compiler.keywords)))])
    for spec in kinds.values():
        spec["shards"] = [{rule: _renamed(body, names) for rule, body in shard.items()} for shard in spec["shards"]]
        spec["texts"] = [ruleset_json(shard) for shard in spec["shards"]]
        spec["names"] = {f: names[f] for f in spec["fields"] + spec["exists"]}
    keywords = [key for key, _ in sorted(compiler.keywords.items(), key=lambda kv: kv[1])]
    digest = hashlib.sha1(repr((sorted((k, v["texts"]) for k, v in kinds.items()), keywords)).encode()).hexdigest()[:16]
    return {"kinds": kinds, "keywords": keywords, "shards": [s for k in kinds.values() for s in k["shards"]], "digest": digest}


def _renamed(node, names: dict):
    """A ruleset condition with record fields under their engine names."""
    if isinstance(node, list):
        return [_renamed(child, names) for child in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key in ("all", "m", "cap", "$and", "$or") or key in _OPERATORS:
            out[key] = _renamed(value, names)
        elif key.startswith("_h_"):
            out["_h_" + names[key[3:]]] = value
        elif key.startswith(_KW) or key == "_seen":
            out[key] = value
        else:
            out[names[key]] = value
    return out


# ------------------------------------------------------------------ JSON for the engine

def number_text(value: float) -> str:
    """Fixed notation, rounded to 6 decimals: the engine silently drops a fact (and rejects a ruleset)
    holding 5e-05 or 1e+16, which is how Python writes such floats."""
    text = format(value, ".6f").rstrip("0")
    return text + "0" if text.endswith(".") else text


@lru_cache(maxsize=4096)
def string_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def to_json(node) -> str:
    if isinstance(node, dict):
        return "{" + ",".join(f"{string_text(k)}:{to_json(v)}" for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ",".join(to_json(v) for v in node) + "]"
    if isinstance(node, bool) or isinstance(node, int):
        return str(int(node))
    if isinstance(node, float):
        return number_text(node)
    return string_text(node)


def ruleset_json(shard: dict) -> str:
    return to_json(shard)


_NUMBERS: dict[float, str] = {}  # values repeat (months, ratios, lengths): format each once


def value_text(field: str, value) -> str:
    """A record value as engine JSON (bool → 0/1, number → 6 decimals, text → JSON string)."""
    kind = type(value)
    if kind is float or kind is int:
        text = _NUMBERS.get(value)
        if text is None:
            value = float(value)
            if not math.isfinite(value):
                raise EngineError(f"字段「{field}」的值不是有限数字：{value}")
            text = number_text(value)
            if len(_NUMBERS) < 500_000:
                _NUMBERS[value] = text
        return text
    if kind is bool:
        return "1" if value else "0"
    if isinstance(value, (int, float)):  # subclasses
        return value_text(field, bool(value) if isinstance(value, bool) else float(value))
    return string_text(str(value))


def fact_encoder(spec: dict, keywords: list):
    """record, id, sid → the fact's JSON text, holding only what this kind's rules read."""
    names = spec["names"]
    keys = [(f, f'"{names[f]}":') for f in spec["fields"]]
    exists = [(f, f',"_h_{names[f]}":') for f in spec["exists"]]
    by_field: dict[str, list] = {}
    for i in spec["keywords"]:
        by_field.setdefault(keywords[i][0], []).append((f',"{_KW}{i}":', keywords[i][1]))
    # per text field: (field, one alternation of all its lists' keywords, [(key, matcher)], all-zero text).
    # A text without any of the keywords matches no list (exact); most texts hold none.
    texts = [(field, keyword_matcher(tuple(sorted({k for _, kws in lists for k in kws}))) if len(lists) > 1 else None,
              [(key, keyword_matcher(kws)) for key, kws in lists], "".join(key + "0" for key, _ in lists))
             for field, lists in by_field.items()]

    def encode(record: dict, fid: int, sid: str) -> str:
        get = record.get
        out = f'{{"sid":"{sid}","id":"{fid}","_seen":1'
        for field, key in keys:
            value = get(field)
            if value is not None:
                out += "," + key + value_text(field, value)
        for field, key in exists:
            out += key + ("0" if get(field) is None else "1")
        for field, union, matchers, zeros in texts:
            value = get(field)
            if type(value) is not str or (union is not None and not union(value)):
                out += zeros
            else:
                for key, match in matchers:
                    out += key + ("1" if match(value) else "0")
        return out + "}"

    return encode


class _Pieces(dict):
    """value → its piece of fact JSON for one field (`,"f3":0.25`; '' for a missing value), made on first sight.

    Used only for a column whose values are all int/float, all bool or all str (besides None), where equal
    values have equal text (1 and 1.0 are both written 1.0; 0.0 and -0.0 are one key, written as the first
    seen, and equal to the engine, which compares doubles)."""

    def __init__(self, key: str, field: str):
        super().__init__({None: ""})
        self.key, self.field = key, field

    def __missing__(self, value) -> str:
        text = self.key + value_text(self.field, value)
        if len(self) < 200_000:
            self[value] = text
        return text


_PIECES: dict[tuple[str, str], _Pieces] = {}  # (engine key, field) → its pieces, kept like _NUMBERS: values repeat


def _pieces(key: str, field: str) -> _Pieces:
    cache = _PIECES.get((key, field))
    if cache is None:
        cache = _PIECES[key, field] = _Pieces(key, field)
    return cache


_NONE = type(None)
_ONE_TEXT = ({int, float}, {float}, {int}, {bool}, {str})  # value sets where equal values have equal text
_HEADS: dict[int, list[str]] = {}  # chunk start → the facts' heads ({"sid":"c<start>","id":"<k>","_seen":1)


def _heads(start: int, count: int) -> list[str]:
    heads = _HEADS.get(start)
    if heads is None or len(heads) < count:
        heads = [f'{{"sid":"c{start}","id":"{k}","_seen":1' for k in range(count)]
        if start < 1_000_000:
            _HEADS[start] = heads
    return heads[:count]


def fact_texts(spec: dict, keywords: list, records: list[dict], chunk: int) -> list[list[str]]:
    """For each shard of this kind, each record's fact JSON holding only what that shard's rules read.

    The text of a fact is fact_encoder's with the fields no rule of the shard reads left out (tested equal).
    Built a field at a time over all records (C loops: map, zip, str.join) instead of a record at a time:
    each field's values are read with map(dict.get), each distinct value written once (_Pieces), and a
    fact is one str.join of its pieces. Ids restart at 0 every `chunk` records, whose session is c<start>."""
    n = len(records)
    names = spec["names"]
    pieces: dict[str, list[str]] = {}
    read: dict[str, list] = {}  # field → its values, read once for its value and its presence
    for field in spec["fields"]:
        values = read[field] = list(map(dict.get, records, repeat(field)))
        types = set(map(type, values))
        types.discard(_NONE)
        key = f',"{names[field]}":'
        if not types or types in _ONE_TEXT:
            pieces[field] = list(map(_pieces(key, field).__getitem__, values))
        else:  # mixed types (True and 1 are equal keys but not equal text): value by value
            pieces[field] = ["" if v is None else key + value_text(field, v) for v in values]
    for field in spec["exists"]:
        pair = (f',"_h_{names[field]}":0', f',"_h_{names[field]}":1')
        values = read[field] if field in read else map(dict.get, records, repeat(field))
        pieces["_h_" + field] = list(map(pair.__getitem__, map(is_not, values, repeat(None))))
    by_field: dict[str, list] = {}
    for i in spec["keywords"]:
        by_field.setdefault(keywords[i][0], []).append(i)
    for field, lists in by_field.items():
        texts = list(map(dict.get, records, repeat(field)))
        rows = list(compress(range(n), map(is_, map(type, texts), repeat(str))))  # a keyword test reads texts only
        if len(lists) > 1 and rows:  # most texts hold none of the keywords: one search for all of them first
            union = keyword_matcher(tuple(sorted({k for i in lists for k in keywords[i][1]})))
            rows = list(compress(rows, map(union, map(texts.__getitem__, rows))))
        hits = list(map(texts.__getitem__, rows))
        for i in lists:
            column = [f',"{_KW}{i}":0'] * n
            one = f',"{_KW}{i}":1'
            for row in compress(rows, map(keyword_matcher(keywords[i][1]), hits)):
                column[row] = one
            pieces[f"{_KW}{i}"] = column
    heads = [h for start in range(0, n, chunk) for h in _heads(start, min(chunk, n - start))]
    order = [*spec["fields"], *("_h_" + f for f in spec["exists"]),
             *(f"{_KW}{i}" for lists in by_field.values() for i in lists)]  # fact_encoder's key order
    out = []
    for reads in spec["reads"]:
        wanted = set(reads)
        columns = [pieces[k] for k in order if k in wanted]
        out.append(list(map("".join, zip(heads, *columns, repeat("}", n)))))
    return out


FIRED_ID = re.compile(r'"id": ?"(\d+)"')
