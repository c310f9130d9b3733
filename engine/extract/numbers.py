"""Numbers with their units: Arabic (separators, decimals, full width), Chinese (cn2an),
百分之…, signs, and the qualifiers written around them (以上, 约, 不低于 …)."""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import Lexicon, Unit

# One-to-one character mapping keeps offsets valid: spans computed on the normalised text
# are spans of the original text.
_TRANSLATE = str.maketrans({
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    "％": "%", "．": ".", "—": "-", "–": "-", "－": "-", "−": "-", "～": "~", "〜": "~",
    "　": " ", "＋": "+", "﹪": "%",
})
# A common typo in reports (己完成 for 已完成); same length, so offsets stay valid.
_TYPO = re.compile(r"己(?=完成|经|建成|开工|实现|达|拆除|投用|完工|签订|通过)")


_NEEDS = re.compile("[" + "".join(re.escape(k if isinstance(k, str) else chr(k)) for k in _TRANSLATE) + "]")


def normalize(text: str) -> str:
    out = text.translate(_TRANSLATE) if _NEEDS.search(text) else text
    if "己" in out:
        out = _TYPO.sub("已", out)
    return out


class Quantity:
    """A number with its unit. A plain class, not a dataclass: numbers.pxd makes it a C struct when compiled."""

    __slots__ = ("start", "end", "num_start", "value", "unit", "qualifier", "direction")

    def __init__(self, start: int, end: int, num_start: int, value: float, unit: Unit, qualifier: str | None,
                 direction: str | None):
        self.start = start  # span of the whole expression (qualifiers included)
        self.end = end
        self.num_start = num_start  # where the number itself starts
        self.value = value
        self.unit = unit
        self.qualifier = qualifier  # as written (以上, 约, 超过 …)
        self.direction = direction  # canonical 以上 / 以内 / 左右


_CN_DIGITS = "零一二两三四五六七八九十"
_NO_BEFORE = set("第#№.") | set("0123456789") | set("abcdefghijklmnopqrstuvwxyz")
_QUOTES = set("“\"「『‘'《")
_DIGITS_CLOSE = set("0123456789)）")


@lru_cache(maxsize=4096)
def cn_value(s: str) -> float | None:
    """Chinese numeral to float with cn2an (cached: cn2an costs ~20 µs a call). Imported here, not at the
    top: the import takes ~0.25 s, and `duban check` / `audit` never read a Chinese numeral."""
    import cn2an

    try:
        return float(cn2an.cn2an(s, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):  # cn2an raises ValueError mostly
        return None


@lru_cache(maxsize=8)
def number_regex(lx_id: int, unit_alt: str, atomic: bool = False) -> re.Pattern:
    # no optional group up front: a leading character class lets re skip to candidates fast
    num = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    if atomic:  # same matches, without retrying every shorter digit run before the tail (see _atomic_ok)
        num = f"(?>{num})"
    cn = rf"(?P<cn>[{_CN_DIGITS}][{_CN_DIGITS}百千点]*)"
    tail = rf" ?(?P<a1>余|多)?(?P<pre>[万亿])?(?P<a2>余|多)?(?P<unit>{unit_alt})"
    pct = rf"百分之(?P<pct>\d+(?:\.\d+)?|[{_CN_DIGITS}百点]+)"
    # the leading lookahead gives re a first-character set to skip non-candidates quickly
    return re.compile(rf"(?=[\d{_CN_DIGITS}百])(?:(?:{num}|{cn}){tail}|{pct})")


# Numeral runs longer than any real figure. number_regex retries such a run from each of its
# characters, consuming the rest of the run each time (quadratic: 20,000 digits took minutes), so
# they are blanked out before the search and never read as quantities. Below these lengths the
# search sees the text unchanged. The thousands-separated form (1,234,…) is limited by its groups:
# each is short, but the regex chains them; 8 groups make more than MAX_RUN characters too.
MAX_RUN = 30
_LONG_RUN = re.compile(rf"(?=[\d{_CN_DIGITS}])"  # a first-character set, for speed
                       rf"(?:\d{{{MAX_RUN + 1},}}|[{_CN_DIGITS}][{_CN_DIGITS}百千点]{{{MAX_RUN},}}|\d{{1,3}}(?:,\d{{3}}){{8,}})")


# Every over-long run has at least MAX_RUN characters of this class in a row (\d{31,}; a numeral and 30 more;
# 1 + 8 groups of 4): a cheaper test first, as a run of one character class is quick to look for.
_LONG_RUN_HINT = re.compile(rf"[\d,{_CN_DIGITS}百千点]{{{MAX_RUN},}}")


def _blank_long_runs(norm: str) -> str:
    """norm with every over-long numeral run replaced by NULs (same length: offsets stay valid)."""
    if len(norm) <= MAX_RUN or not _LONG_RUN_HINT.search(norm) or not _LONG_RUN.search(norm):
        return norm
    return _LONG_RUN.sub(lambda m: "\0" * len(m.group()), norm)


_ATOMIC: dict[int, tuple] = {}  # id(lexicon) -> (units dict, whether number_regex may be atomic)


def _atomic_ok(lx: Lexicon) -> bool:
    """Whether the Arabic figure of number_regex can be an atomic group: when nothing that may follow it (a blank,
    余/多, 万/亿, a unit word) starts with a digit, '.' or ',', a shorter digit run is followed by a character no tail
    can start with, so backtracking into the figure never finds a match the greedy figure did not."""
    got = _ATOMIC.get(id(lx))
    if got is None or got[0] is not lx.units:
        ok = not any(w[0].isdecimal() or w[0] in ".," for w in lx.units)
        if len(_ATOMIC) > 8:
            _ATOMIC.clear()
        got = _ATOMIC[id(lx)] = (lx.units, ok)
    return got[1]


def scan(norm: str, lx: Lexicon) -> list[Quantity]:
    """Every number that carries a known unit, in text order."""
    rx = number_regex(id(lx), lx.unit_alt, _atomic_ok(lx))
    q_after, q_before = lx.qualifier_after_re, lx.qualifier_before_re
    after_dir, before_dir = lx.markers["qualifier_after"], lx.markers["qualifier_before"]
    after_firsts, before_lasts, q_max = lx.qualifier_after_firsts, lx.qualifier_before_lasts, lx.qualifier_before_max
    units, unit_names = lx.units, lx.unit_names
    size = len(norm)
    out: list[Quantity] = []
    # the match's groups are text of norm (a match never spans a blanked run); the checks on the
    # characters around it read norm itself
    for m in rx.finditer(_blank_long_runs(norm)):
        s = m.start()
        if s and norm[s - 1] in _NO_BEFORE:
            continue
        if s > 1 and norm[s - 1] == "-" and norm[s - 2] in _DIGITS_CLOSE:
            continue  # the 9 of 1-9月 / 2022-2023
        pct, num, cn, word, pre, a1, a2 = m.group("pct", "num", "cn", "unit", "pre", "a1", "a2")  # one call
        if pct is not None:
            value = float(pct) if pct[0].isdigit() else cn_value(pct)
            unit = unit_names["%"]
            ns = s
        else:
            unit = units[word]
            if pre:
                unit = unit_names.get(pre + unit.name)
                if unit is None:  # e.g. 万% — not a unit we know
                    continue
            ns = m.start("num") if num else m.start("cn")
            if cn:
                if not unit.cn_ok or (s and norm[s - 1] in _QUOTES):
                    continue  # “六个跃升”, 一组 … are names, not quantities
                if cn == "一":
                    continue  # 一次性, 一件事, 新一轮, 一户一档: 一 alone is rarely a quantity
                value = cn_value(cn)
            else:
                value = float(num.replace(",", ""))
                if s and norm[s - 1] == "-" and (s < 2 or norm[s - 2] not in _DIGITS_CLOSE):
                    value = -value  # 增长-6.8%, but not the 9 of 1-9月
                    ns -= 1
        if value is None:  # 百分之点, 百分之五十百: not a numeral cn2an reads
            continue
        end = m.end()
        qualifier = direction = None
        if a1 or a2:
            qualifier, direction = "以上", "以上"  # 90余场, 12370万余元
        # the regexes run only where the character next to the figure can start / end a qualifier
        qa = q_after.match(norm, end) if end < size and norm[end] in after_firsts else None
        start = ns
        if qa:  # 控制在3‰以内: 以内 wins over a word before
            qualifier = qa.group()
            direction = after_dir[qualifier]
            end = qa.end()
        elif ns and q_max and norm[ns - 1] in before_lasts:
            qb = q_before.search(norm, ns - min(q_max, ns), ns)  # the leftmost hit is the longest word
            if qb:
                qualifier = qb.group()
                direction, start = before_dir[qualifier], qb.start()
        out.append(Quantity(start, end, ns, value, unit, qualifier, direction))
    return out
