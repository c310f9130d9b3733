"""Text: the curated 公文 typo list (rules/audit/typos.yaml), duplicated words, doubled punctuation,
unbalanced brackets and quotes, and unit names that nearly match one in the plan."""

from __future__ import annotations

import difflib
import re

from ..model import Context, Finding, Hit, check, text_check

DUP_WORD = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
DUP_PUNCT = re.compile(r"([，。、；：！？,;])\1+|[，、；：][。，]|。[，、；]")
PAIRS = {"（": "）", "(": ")", "【": "】", "《": "》", "〈": "〉", "〔": "〕", "“": "”", "‘": "’", "「": "」"}
CLOSERS = {v: k for k, v in PAIRS.items()}
_SAME = {"（": "(", "(": "（"}  # （…) is a width slip, not an unclosed bracket


@text_check("A-TX-01", "错别字与易混词")
def typos(ctx: Context, text: str):
    """The curated list in rules/audit/typos.yaml: 己完成 for 已完成, 综合运动 for 综合运用, …; each entry
    says which longer words it must not fire inside (己二酸, 自己完成)."""
    quick = ctx.cache.get("typo_any")
    if quick is None and ctx.patterns:  # one pass over the text decides whether any entry can fire
        quick = ctx.cache["typo_any"] = re.compile("|".join(f"(?:{p.regex.pattern})" for p in ctx.patterns))
    if quick is None or not quick.search(text):
        return
    for pattern in ctx.patterns:
        for start, end in pattern.finditer(text):
            fix = f"改为「{pattern.replace}」" if pattern.replace else "核对用字"
            yield Hit(start, end, pattern.severity, f"{pattern.message}（{pattern.id}）", fix)


@text_check("A-TX-02", "词语重复")
def duplicated_words(ctx: Context, text: str):
    """A word written twice in a row (工作工作, 推进推进): a copy-and-paste slip."""
    for m in DUP_WORD.finditer(text):
        if m.group(0) in ctx.terms["duplicate_word_except"] or len(set(m.group(1))) == 1:
            continue
        yield Hit(m.start(), m.end(), "warn", f"「{m.group(1)}」重复", f"删去一个「{m.group(1)}」")


@text_check("A-TX-03", "重复标点")
def doubled_punctuation(ctx: Context, text: str):
    """Two sentence marks in a row (。。 ，， ，。); ellipsis …… and dash —— are not checked."""
    for m in DUP_PUNCT.finditer(text):
        yield Hit(m.start(), m.end(), "warn", f"标点「{m.group(0)}」重复", "只保留一个标点")


@text_check("A-TX-04", "括号引号不配对")
def unbalanced(ctx: Context, text: str):
    """Brackets and quotes that are opened and not closed, or closed without being opened."""
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in PAIRS and not (ch in CLOSERS and stack and stack[-1][0] == CLOSERS[ch]):
            stack.append((ch, i))
        elif ch in CLOSERS:
            opener = CLOSERS[ch]
            depth = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0] in (opener, _SAME.get(opener))), None)
            if depth is None:
                yield Hit(i, i + 1, "warn", f"「{ch}」没有对应的「{opener}」", f"补上「{opener}」或删去多余的「{ch}」")
                continue
            for other, at in stack[depth + 1:]:
                yield Hit(at, at + 1, "warn", f"「{other}」没有闭合", f"补上「{PAIRS[other]}」")
            del stack[depth:]
    for ch, at in stack:
        yield Hit(at, at + 1, "warn", f"「{ch}」没有闭合", f"补上「{PAIRS[ch]}」")
    if text.count('"') % 2:
        at = text.rfind('"')
        yield Hit(at, at + 1, "warn", "英文双引号「\"」个数为奇数", "改用中文引号“”并成对使用")


# ------------------------------------------------------------------ unit names

def _core(name: str) -> str:
    return re.sub(r"^(重庆市|涪陵区|区|市|县)", "", name)


def _plan_units(ctx: Context) -> dict:
    """core name (without 区/市/县) → (a full name used in the plan, how often), computed once."""
    cache = ctx.cache.get("plan_units")
    if cache is None:
        cache = {}
        for u in ctx.units:
            for name in u.item.lead_units + u.item.coop_units:
                full, count = cache.get(_core(name), (name, 0))
                cache[_core(name)] = (full, count + 1)
        ctx.cache["plan_units"] = cache
    return cache


def _near(ctx: Context, a: str, b: str) -> bool:
    """a and b differ by one or two characters (生态环保局 / 生态环境局, 规划自然局 / 规划自然资源局)."""
    if a == b or min(len(a), len(b)) < 4 or a[-1] != b[-1]:
        return False
    generic = ctx.terms["unit_generic_prefixes"]
    if any(a.startswith(g) or b.startswith(g) for g in generic):
        return False
    for x, y in ctx.terms["unit_distinct"]:
        if {_core(x), _core(y)} == {a, b}:
            return False
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    edits = sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in sm.get_opcodes() if op != "equal")
    return edits <= 2 and sm.ratio() >= 0.8


def _nearest(ctx: Context, core: str) -> str | None:
    memo = ctx.cache.setdefault("near", {})
    if core not in memo:
        plan = _plan_units(ctx)
        hits = [name for name in plan if _near(ctx, core, name)]
        memo[core] = max(hits, key=lambda n: plan[n][1]) if hits else None
    return memo[core]


def _mention_re(ctx: Context) -> re.Pattern:
    regex = ctx.cache.get("mention_re")
    if regex is None:
        suffixes = "|".join(sorted(ctx.terms["unit_suffixes"], key=len, reverse=True))
        regex = ctx.cache["mention_re"] = re.compile(rf"[区市县][\u4e00-\u9fff]{{2,9}}?(?:{suffixes})")
    return regex


@text_check("A-TX-05", "单位名称与计划不一致")
def unit_names(ctx: Context, text: str):
    """A unit named in a text that is one or two characters off a unit of the plan (市规划自然局 for
    规划自然资源局): the memo must use the official name."""
    regex, plan, ends = _mention_re(ctx), _plan_units(ctx), set()
    for start in (i for i, ch in enumerate(text) if ch in "区市县"):
        m = regex.match(text, start)
        if not m or m.end() in ends:
            continue
        core = _core(m.group(0))
        if core in plan:
            ends.add(m.end())
            continue
        near = _nearest(ctx, core)
        if near:
            ends.add(m.end())
            right = m.group(0)[:len(m.group(0)) - len(core)] + near
            yield Hit(m.start(), m.end(), "warn", f"单位名称「{m.group(0)}」与计划中的「{plan[near][0]}」只差一两个字",
                      f"核对后改为规范名称（如「{right}」）")


@check("A-TX-06", "责任单位名称近似重复")
def unit_lists(ctx: Context):
    """A lead or cooperating unit used once in the plan that is a near-miss of one used more often:
    two spellings of one unit split its tasks in every per-unit count."""
    plan = _plan_units(ctx)
    for u in ctx.units:
        for name in u.item.lead_units + u.item.coop_units:
            core = _core(name)
            if plan[core][1] > 1:
                continue
            near = _nearest(ctx, core)
            if near and plan[near][1] > 1:
                yield Finding("A-TX-06", "warn", u.target(field="units"), name,
                              f"责任单位「{name}」与计划中多次出现的「{plan[near][0]}」只差一两个字",
                              f"核对后统一写作「{plan[near][0]}」")
