"""Targets of a plan text: quantified aims, milestones (开工X, 建成投用Y), or one qualitative aim."""

from __future__ import annotations

import re
from bisect import bisect_left

from .lexicon import Lexicon, alternation
from .measures import build, clean
from .scan import CLAUSE_BREAK

# Words that may precede a milestone verb at the start of a clause (力争开工X, 加快建成Y).
# A deadline may come first too (6月底前建成X, 上半年建成投用Y): extract/deadlines.py reads it as the due month.
_MODAL = re.compile(r"(?:力争|争取|确保|加快|全面|年内|年底前|尽快|积极|有序|大力|全力|启动并|于"
                    r"|(?:20\d\d年)?(?:1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月(?:底|末)?(?:前|之前)"
                    r"|[上下]半年(?:内|前)?|(?:第)?[一二三四]季度(?:末)?(?:前|内)?)*")
_TRIM = "，。；;,.、 \n"


_FINAL: list = []  # (lexicon, pattern): the last lexicon's verb-final milestone pattern


def _verb_final(lx: Lexicon) -> re.Pattern:
    """推动X投用 / 推进Y建成投用 / 确保Z开工建设: a project verb, the object, then a milestone word."""
    if not _FINAL or _FINAL[0][0] is not lx:
        words = [w for w, v in lx.verbs.items() if v.milestone]
        _FINAL[:] = [(lx, re.compile("(?P<pv>" + alternation(lx.markers["project_verb"]) + r")?(?P<obj>\D+?)(?P<verb>"
                                     + alternation(words) + ")$"))]
    return _FINAL[0][1]


def _target_from_measure(m: dict) -> dict:
    kind = m["kind"]
    if kind == "progress_pct":
        kind = "ratio"
    direction = m.pop("_direction", None)
    return {
        "quantity": m["quantity"],
        "unit": m["unit"],
        "verb": m["verb"],
        "verb_family": m["verb_family"],
        "object": m["object"],
        "direction": direction,
        "kind": kind,
        "quote": None,
        "span": m["span"],
        "context": m["context"],
        "item": m["item"],
    }


_UNIT_NOTE = re.compile(r"[（(]([^（）()]{1,6})[)）]")


def _hide_unit_notes(norm: str, lx: Lexicon) -> str:
    """地区生产总值增长（%） 6.5%: a unit note in an indicator name is not a clause break.
    Replaced by spaces of the same length, so offsets stay valid."""
    def sub(m):
        inner = m.group(1).strip()
        return " " * len(m.group()) if inner in lx.units or inner in lx.unit_names else m.group()
    return _UNIT_NOTE.sub(sub, norm) if "（" in norm or "(" in norm else norm


_SHARED_BREAK = re.compile(r"[，。；;,]")
_SHARED_SEP = re.compile(r"[、和及与]")


def _shared_word_start(norm: str, s: int) -> int | None:
    """Where the run of 分别 / 均 / 都 just before `s` (blanks skipped) starts, or None.
    Same answer as re.search(r"(?:分别|均|都)+$", norm[:s].rstrip()).start(), but it walks back
    from `s` only as far as the run goes, instead of scanning (and copying) the whole prefix
    for every target, which was quadratic on long texts."""
    e = s
    while e and norm[e - 1].isspace():  # str.rstrip() strips exactly the isspace() characters
        e -= 1
    i = e
    while i:  # the last character decides the word: 别 ← 分别, 均, 都
        c = norm[i - 1]
        if c == "均" or c == "都":
            i -= 1
        elif c == "别" and i >= 2 and norm[i - 2] == "分":
            i -= 2
        else:
            break
    return i if i < e else None


def _split_shared(norm: str, lx: Lexicon, targets: list[dict]) -> list[dict]:
    """基础设施投资、民间投资均增长12%: one target per listed subject."""
    out = []
    breaks: list[int] | None = None  # clause breaks, found once and only if a target needs them
    prev_end = 0
    for t in targets:
        ws = _shared_word_start(norm, t["span"][0])
        floor, prev_end = prev_end, t["span"][1]
        if ws is None:
            out.append(t)
            continue
        if breaks is None:
            breaks = [b.start() for b in _SHARED_BREAK.finditer(norm)]
        i = bisect_left(breaks, ws)  # the last break before ws, as max(norm.rfind(c, 0, ws) …)
        # the subjects are listed after the clause start and after the previous target
        # (甲增长8%、乙和丙均增长10%): without that floor a long text without punctuation gave
        # every target all the earlier text as subjects, quadratic in time and in output
        cs = max(breaks[i - 1] + 1 if i else 0, floor if floor <= ws else 0)
        subjects = [clean(lx, x) for x in _SHARED_SEP.split(norm[cs:ws])]
        subjects = [x for x in subjects if x]
        if len(subjects) < 2:
            out.append(t)
            continue
        for name in subjects:
            out.append(dict(t, object=name, context=name))
    return out


_PROGRAMME_UNITS = ("个", "条", "项", "大")
_QUOTES = "“”\"'‘’「」《》 "


def _programme_name(norm: str, lx: Lexicon, q, m: dict) -> bool:
    """三个专项, 13条政策, 五大行动: a number naming a set of measures, not an aim to count.
    Only in the order number-unit-noun; 出台支持政策5项 (noun first) is a count to deliver."""
    if m["kind"] != "count" or m["unit"] not in _PROGRAMME_UNITS:
        return False
    i = q.end
    while i < len(norm) and norm[i] in _QUOTES:
        i += 1
    return any(norm.startswith(w, i) for w in lx.markers.get("programme_noun", ()))


def build_targets(text: str, norm: str, lx: Lexicon) -> list[dict]:
    norm = _hide_unit_notes(norm, lx)
    sc, measures = build(norm, lx)
    for q, m in zip(sc.quantities, measures):
        m["_direction"] = q.direction
    named = {id(m) for q, m in zip(sc.quantities, measures) if _programme_name(norm, lx, q, m)}
    targets = _split_shared(norm, lx, [_target_from_measure(m) for m in measures if id(m) not in named])
    if targets:  # convention: a task with numbers lists only its quantified aims
        return _finish(text, targets)
    # else one target: the first milestone clause (开工X, 建成投用Y), or the whole text as qualitative
    pos = 0
    for br in [m.start() for m in CLAUSE_BREAK.finditer(norm)] + [len(norm)]:
        cs, ce = pos, br
        pos = br + 1
        if ce <= cs:
            continue
        lead = len(norm[cs:ce]) - len(norm[cs:ce].lstrip())
        head = _MODAL.match(norm, cs + lead)
        vm = lx.verb_re.match(norm, head.end())
        obj_end = ce
        if vm and lx.verbs[vm.group()].milestone:
            verb, family, obj_start = vm.group(), lx.verbs[vm.group()].family, vm.end()
            start = obj_start - len(verb)
        else:
            # 加快建设X馆, 推进Y工程: a project named by its noun
            body = norm[cs + lead:ce].rstrip(_TRIM)
            pm = lx.project_re.match(body)
            # 推动X投用, 确保Y开工建设: the stage named last, after a project verb or a modal (确保, 力争 …)
            fm = None if pm else _verb_final(lx).match(norm[:ce].rstrip(_TRIM), head.end() if head.end() > cs + lead else cs + lead)
            if fm and (fm.group("pv") or head.end() > cs + lead):
                verb, family = fm.group("verb"), lx.verbs[fm.group("verb")].family
                obj_start, obj_end = fm.start("obj"), fm.end("obj")
                start = fm.start("pv") if fm.group("pv") else obj_start
            elif not pm:
                continue
            else:
                verb = pm.group()[:pm.start("obj")]
                v = lx.verbs.get(verb)
                family = v.family if v and v.family else "建设"
                obj_start = cs + lead + pm.start("obj")
                start = obj_start - len(verb)
        obj = text[obj_start:obj_end].strip(_TRIM) or None
        targets.append({
            "quantity": None, "unit": None, "verb": verb, "verb_family": family,
            "object": obj, "direction": None, "kind": "milestone", "quote": None,
            "span": [start, ce], "context": obj or "", "item": sc.item_at(cs),
        })
        return _finish(text, targets)
    if norm.strip(_TRIM):
        s = len(norm) - len(norm.lstrip(_TRIM))
        e = len(norm.rstrip(_TRIM))
        vm = lx.verb_re.search(norm, s, e)
        v = lx.verbs[vm.group()] if vm else None
        targets.append({
            "quantity": None, "unit": None, "verb": vm.group() if v and v.family else None,
            "verb_family": v.family if v else None, "object": None, "direction": None,
            "kind": "qualitative", "quote": None, "span": [s, e], "context": "", "item": None,
        })
    return _finish(text, targets)


def _finish(text: str, targets: list[dict]) -> list[dict]:
    targets.sort(key=lambda t: t["span"][0])  # stable: split targets keep their order
    for t in targets:
        t["quote"] = text[t["span"][0]:t["span"][1]]
    return targets
