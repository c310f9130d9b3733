"""Loading, validation and compilation of the extraction lexicons (rules/lexicon/*.yaml).

The lexicons are data that office staff extend; every error names the file and the entry in
Chinese. Everything is compiled once and cached: extraction runs on millions of texts.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import RuleError
from ..library_messages import regex_problem, yaml_problem
from ..resources import shipped
from ..store.yamlio import safe_load_as

from .finders import first_chars, hits, plan  # noqa: F401 - hits is re-exported

try:  # the C loader is ~10x faster; fall back silently when libyaml is absent
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

LEXICON_DIR = shipped("rules", "lexicon")
FILES = ("units", "verbs", "markers", "stages", "flags", "periods")

STAGE_RANKS = {"未启动": 0, "前期": 1, "开工": 2, "主体施工": 3, "完工": 4, "投用": 5}
FLAG_NAMES = ("未启动", "暂缓", "暂停", "无进展", "无法按期", "被通报", "一票否决", "未通过",
              "完成难度大", "预计完成", "超过目标", "已完成", "未实现时序", "仍在前期", "自评滞后", "经批准调整",
              "已印发", "年底认定")
MARKER_ROLES = ("forecast", "not_forecast", "cumulative", "progress", "qualifier_before",
                "qualifier_after", "not_verb", "stopword", "this_year", "project_noun", "project_verb", "per_capita",
                "programme_noun", "ceiling_name")
DIRECTIONS = ("以上", "以内", "左右")
PREFIXES = {"万": 1e4, "亿": 1e8}


class LexiconError(RuleError, ValueError):
    """A lexicon file is malformed; the message (Chinese) names the file and the entry. A RuleError, so the CLI
    reports it as the clerk's mistake (exit 2), not as duban's internal error."""


@dataclass(frozen=True)
class Unit:
    name: str
    dimension: str
    scale: float
    kind: str  # amount / count / percent / points
    cn_ok: bool = True  # may follow a Chinese numeral


@dataclass(frozen=True)
class Verb:
    word: str
    family: str | None  # None: a not-verb blocker such as 增加值
    sign: int = 1
    generic: bool = False
    milestone: bool = False
    also: tuple[str, ...] = ()  # other families a compound verb may be compared with


@dataclass
class Entry:
    """A stage / flag / period entry: a compiled finder plus its exclusions."""
    name: str
    regexes: list[re.Pattern]  # the entry's own patterns; its words are in the file's word trie
    exclude: re.Pattern | None = None
    rank: int = 0
    label: str | None = None
    end_month: int | None = None
    negatable: bool = True
    point: bool = False  # a period that is a point in time (截至9月底), not a this-year range
    trigger: str | None = None  # the patterns can only match texts containing this (speed)
    firsts: list = field(default_factory=list)  # per pattern: its possible first characters or None


@dataclass
class Lexicon:
    units: dict[str, Unit] = field(default_factory=dict)      # written form -> unit
    unit_names: dict[str, Unit] = field(default_factory=dict)  # canonical name -> unit
    unit_alt: str = ""
    verbs: dict[str, Verb] = field(default_factory=dict)
    verb_re: re.Pattern | None = None
    markers: dict[str, dict[str, str | None]] = field(default_factory=dict)  # role -> word -> dir
    marker_re: re.Pattern | None = None
    marker_role: dict[str, str] = field(default_factory=dict)  # word -> role (forecast etc.)
    progress_re: re.Pattern | None = None
    project_re: re.Pattern | None = None  # 加快建设X馆 / 推进Y工程: a project milestone
    stopword_re: re.Pattern | None = None
    stages: list[Entry] = field(default_factory=list)
    stage_words: tuple = (None, {})  # (trie regex, word -> entry index), one pass per text
    stage_negators: tuple[str, ...] = ()
    flags: list[Entry] = field(default_factory=list)
    flag_words: tuple = (None, {})
    periods: list[Entry] = field(default_factory=list)
    period_words: tuple = (None, {})
    steps: dict[str, list] = field(default_factory=dict)  # file → finders.plan of its patterns
    raw: dict[str, list[dict]] = field(default_factory=dict)  # file -> entries (for tests)
    # derived tables, computed once at load (finish()): matching and number reading look them up per text
    prefixable: frozenset = frozenset()  # unit names that take 万/亿
    generic_families: frozenset = frozenset()  # families of generic verbs (实现, 达到, 新增 …)
    verb_rungs: dict[str, int] = field(default_factory=dict)  # stage word → rank (开工 2 … 投用 5)
    qualifier_after_re: re.Pattern | None = None  # 以上, 以内, 左右 … right after a figure
    qualifier_before_re: re.Pattern | None = None  # 不低于, 约, 突破 … ending right before a figure
    qualifier_after_firsts: frozenset = frozenset()  # first characters of the words after (a cheap test first)
    qualifier_before_lasts: frozenset = frozenset()  # last characters of the words before
    qualifier_before_max: int = 0  # the longest word before
    clean_cache: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # measures.clean

    def __getattr__(self, name):
        """Only reached for an attribute the instance lacks: the finders of a lexicon built with defer=True
        (from_documents), compiled on first use — after that they are plain attributes, no cost per access."""
        deferred = self.__dict__.get("_deferred")
        if name in FINDER_FIELDS and deferred is not None:
            with _DEFER_LOCK:
                if self.__dict__.get("_deferred") is not None:
                    _load_finders(self, self.__dict__["_deferred"])
                    del self.__dict__["_deferred"]
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


# the stage, flag and period finders: ~80 % of a lexicon's load time (their regexes), not needed to judge readings
# already extracted (`duban check` matches targets with the units, verbs and stage words only)
FINDER_FIELDS = ("stages", "stage_words", "stage_negators", "flags", "flag_words", "periods", "period_words", "steps")
_DEFER_LOCK = threading.Lock()
for _name in FINDER_FIELDS:  # a deferred instance must not find the dataclass defaults on the class
    if _name in Lexicon.__dict__:
        delattr(Lexicon, _name)


def alternation(words) -> str:
    """A regex alternation of literal words as a trie, so the longest word wins at a position
    and the matcher does not retry every word at every character."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node) -> str:
        alts = [re.escape(ch) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:  # a word ends here: the longer continuation is optional (greedy)
            body = (body if len(alts) > 1 or len(alts[0]) == 1 else "(?:" + body + ")") + "?"
        return body

    return emit(trie) or "(?!)"


def _err(file: str, index: int | None, name, message: str) -> LexiconError:
    where = f"词库文件 {file}.yaml"
    if index is not None:
        where += f" 第{index + 1}条" + (f"（{name}）" if name else "")
    return LexiconError(f"{where}：{message}")


def _read(path: Path, stem: str) -> dict:
    try:
        data = safe_load_as(path.read_text(encoding="utf-8"), _Loader)
    except FileNotFoundError:
        raise LexiconError(f"词库文件 {stem}.yaml 不存在（应在 {path.parent}）") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"（第 {mark.line + 1} 行第 {mark.column + 1} 列）" if mark else ""
        raise LexiconError(f"词库文件 {stem}.yaml 不是合法的 YAML{at}：{yaml_problem(getattr(exc, 'problem', None) or str(exc))}") from None
    return check_document(data, stem)


def check_document(data, stem: str) -> dict:
    """A lexicon file's document has the shape the loader needs (also what engine/facts_cache.py reads back)."""
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise _err(stem, None, None, "顶层必须是含 entries 列表的映射")
    entries = data["entries"]
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not isinstance(e.get("name"), str) or not e["name"].strip():
            raise _err(stem, i, None, "每条必须是映射，且有非空的 name")
        words = e.get("words", [])
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise _err(stem, i, e["name"], "words 必须是非空字符串的列表")
        for key in ("patterns", "exclude"):
            pats = e.get(key, [])
            if not isinstance(pats, list) or not all(isinstance(p, str) for p in pats):
                raise _err(stem, i, e["name"], f"{key} 必须是字符串（正则）的列表")
        if not words and not e.get("patterns"):
            raise _err(stem, i, e["name"], "至少要有 words 或 patterns 之一")
        ex = e.get("examples", [])
        if not isinstance(ex, list) or not all(isinstance(x, dict) and isinstance(x.get("text"), str)
                                               and isinstance(x.get("expect"), dict) for x in ex):
            raise _err(stem, i, e["name"], "examples 每项须有 text（字符串）和 expect（映射）")
    return data


def _compile(stem: str, i: int, name: str, pattern: str, what: str) -> re.Pattern:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise _err(stem, i, name, f"{what} 不是合法的正则表达式「{pattern}」：{regex_problem(exc)}") from None


def _finder(stem: str, i: int, e: dict) -> tuple[list[re.Pattern], re.Pattern | None]:
    regexes = []
    for p in e.get("patterns", []):
        regexes.append(_compile(stem, i, e["name"], p, "patterns 中的"))
    exc = e.get("exclude", [])
    for p in exc:
        _compile(stem, i, e["name"], p, "exclude 中的")
    exclude = re.compile("|".join(f"(?:{p})" for p in exc)) if exc else None
    return regexes, exclude


def _load_units(lx: Lexicon, entries: list[dict]) -> None:
    base: dict[str, Unit] = {}
    prefixable: list[Unit] = []
    for i, e in enumerate(entries):
        try:
            u = Unit(e["name"], str(e["dimension"]), float(e["scale"]), str(e["kind"]),
                     bool(e.get("chinese_numerals", True)))
        except (KeyError, TypeError, ValueError):
            raise _err("units", i, e["name"], "须有 dimension、scale（数字）和 kind") from None
        if u.kind not in ("amount", "count", "percent", "points"):
            raise _err("units", i, e["name"], f"kind「{u.kind}」不在 amount/count/percent/points 中")
        lx.unit_names[u.name] = u
        for w in e.get("words", []):
            base[w] = u
        if e.get("prefixable"):
            prefixable.append(u)
    # 万/亿 prefixes are generated so that staff list 人 once, not 人/万人/亿人
    for u in prefixable:
        for p, mult in PREFIXES.items():
            lx.unit_names.setdefault(p + u.name, Unit(p + u.name, u.dimension, u.scale * mult,
                                                       u.kind, u.cn_ok))
    lx.units = base
    lx.unit_alt = alternation(base)
    lx.prefixable = frozenset(u.name for u in prefixable)


def _load_verbs(lx: Lexicon, entries: list[dict]) -> None:
    for i, e in enumerate(entries):
        sign = e.get("sign", 1)
        if sign not in (1, -1):
            raise _err("verbs", i, e["name"], "sign 只能是 1 或 -1")
        ms = e.get("milestone_words", [])
        if ms != "all" and not isinstance(ms, list):
            raise _err("verbs", i, e["name"], "milestone_words 须是列表或 all")
        also = e.get("also", {})
        if not isinstance(also, dict):
            raise _err("verbs", i, e["name"], "also 须是「写法: [族名, …]」的映射")
        for w in e["words"]:
            lx.verbs[w] = Verb(w, e.get("family", e["name"]), sign, bool(e.get("generic")),
                               ms == "all" or w in ms, tuple(also.get(w, ())))


def _load_markers(lx: Lexicon, entries: list[dict]) -> None:
    lx.markers = {r: {} for r in MARKER_ROLES}
    for i, e in enumerate(entries):
        role = e.get("role")
        if role not in MARKER_ROLES:
            raise _err("markers", i, e["name"], f"role「{role}」不在 {'/'.join(MARKER_ROLES)} 中")
        d = e.get("direction")
        if role.startswith("qualifier") and d not in DIRECTIONS:
            raise _err("markers", i, e["name"], f"限定词须有 direction（{'/'.join(DIRECTIONS)}）")
        for w in e["words"]:
            lx.markers[role][w] = d
    for w in lx.markers["not_verb"]:
        lx.verbs.setdefault(w, Verb(w, None))
    for role in ("forecast", "not_forecast", "cumulative"):
        for w in lx.markers[role]:
            lx.marker_role[w] = role
    for role in ("this_year", "per_capita"):
        for w in lx.markers[role]:
            lx.marker_role[w] = role
    lx.marker_re = re.compile(alternation(lx.marker_role))
    lx.project_re = re.compile("(?:" + alternation(lx.markers["project_verb"]) + ")(?P<obj>.*?(?:"
                               + alternation(lx.markers["project_noun"]) + "))等?(?:项目)?$")
    lx.progress_re = re.compile("(?:" + alternation(lx.markers["progress"]) + r")[的为了达已约到是共计 ]{0,3}$")
    # generic words, and anything that is not a CJK character or a Latin letter
    lx.stopword_re = re.compile(alternation(lx.markers["stopword"]) + r"|[^\u4e00-\u9fffA-Za-z]+")


def _load_stages(lx: Lexicon, entries: list[dict], negators) -> None:
    for i, e in enumerate(entries):
        if e["name"] not in STAGE_RANKS:
            raise _err("stages", i, e["name"], f"阶段名须为 {'/'.join(STAGE_RANKS)} 之一")
        if e.get("rank", STAGE_RANKS[e["name"]]) != STAGE_RANKS[e["name"]]:
            raise _err("stages", i, e["name"], f"rank 应为 {STAGE_RANKS[e['name']]}")
        regexes, exclude = _finder("stages", i, e)
        lx.stages.append(Entry(e["name"], regexes, exclude, STAGE_RANKS[e["name"]],
                               negatable=bool(e.get("negatable", True))))
    lx.stage_words = _words(entries)
    if not isinstance(negators, list) or not all(isinstance(n, str) and n for n in negators):
        raise LexiconError("词库文件 stages.yaml：negators 必须是非空字符串的列表")
    lx.stage_negators = tuple(negators)


def _load_flags(lx: Lexicon, entries: list[dict]) -> None:
    for i, e in enumerate(entries):
        if e["name"] not in FLAG_NAMES:
            raise _err("flags", i, e["name"], f"标志名须为规范名之一：{'、'.join(FLAG_NAMES)}")
        regexes, exclude = _finder("flags", i, e)
        lx.flags.append(Entry(e["name"], regexes, exclude, trigger=e.get("trigger")))
    lx.flag_words = _words(entries)


def _load_periods(lx: Lexicon, entries: list[dict]) -> None:
    for i, e in enumerate(entries):
        regexes, exclude = _finder("periods", i, e)
        end = e.get("end_month")
        if end is None and (e.get("words") or not all("end" in r.groupindex for r in regexes)):
            raise _err("periods", i, e["name"], "须有 end_month，或在 patterns 中用命名组 (?P<end>…)")
        if end is not None and not (isinstance(end, int) and 1 <= end <= 12):
            raise _err("periods", i, e["name"], "end_month 须为 1–12 的整数")
        lx.periods.append(Entry(e["name"], regexes, exclude, label=e.get("label", e["name"]),
                                end_month=end, point=bool(e.get("point")), trigger=e.get("trigger")))


def _words(entries: list[dict]) -> tuple:
    """All literal words of a file in one trie regex, with the entry each word belongs to."""
    owner = {}
    for i, e in enumerate(entries):
        for w in e.get("words", []):
            owner.setdefault(w, i)
    return re.compile(alternation(owner)), owner


def read_documents(directory: Path | str | None = None) -> dict[str, dict]:
    """Every lexicon file of `directory` (default rules/lexicon/), parsed and checked: {stem: its document}."""
    d = Path(directory) if directory else LEXICON_DIR
    return {stem: _read(d / f"{stem}.yaml", stem) for stem in FILES}


def load_lexicon(directory: Path | str | None = None) -> Lexicon:
    """Load and compile every lexicon file of `directory` (default rules/lexicon/)."""
    return from_documents(read_documents(directory))


def from_documents(docs: dict[str, dict], defer: bool = False) -> Lexicon:
    """The lexicon of documents as read_documents returns them. defer: the finders (FINDER_FIELDS) are compiled when
    first used — only for documents that compiled without an error before (engine/facts_cache.py checks that: the
    same bytes, the same code), since a deferred error would surface in the middle of a run."""
    lx = Lexicon()
    for stem in FILES:
        check_document(docs[stem], stem)
        lx.raw[stem] = docs[stem]["entries"]
    negators = docs["stages"].get("negators", [])
    _load_units(lx, lx.raw["units"])
    _load_verbs(lx, lx.raw["verbs"])
    _load_markers(lx, lx.raw["markers"])
    lx.verb_re = re.compile(alternation(lx.verbs))
    if defer:
        for name in FINDER_FIELDS:
            del lx.__dict__[name]
        lx.__dict__["_deferred"] = negators
    else:
        _load_finders(lx, negators)
    _derived_tables(lx)
    return lx


def _load_finders(lx: Lexicon, negators) -> None:
    lx.stages, lx.flags, lx.periods = [], [], []
    _load_stages(lx, lx.raw["stages"], negators)
    _load_flags(lx, lx.raw["flags"])
    _load_periods(lx, lx.raw["periods"])
    lx.period_words = _words(lx.raw["periods"])
    for e in lx.stages + lx.flags + lx.periods:
        e.firsts = [first_chars(r.pattern) for r in e.regexes]
    lx.steps = {"stages": plan(lx.stages), "flags": plan(lx.flags), "periods": plan(lx.periods)}


def _derived_tables(lx: Lexicon) -> None:
    lx.generic_families = frozenset(v.family for v in lx.verbs.values() if v.generic and v.family)
    rungs: dict[str, int] = {}
    for e in lx.raw.get("stages", []):
        for w in e.get("words", []) or []:
            rungs.setdefault(w, e.get("rank"))
    lx.verb_rungs = rungs
    lx.qualifier_after_re = re.compile(alternation(lx.markers["qualifier_after"]))
    # searched from a few characters before a figure up to it: the leftmost hit ending there is the longest word
    lx.qualifier_before_re = re.compile("(?:" + alternation(lx.markers["qualifier_before"]) + r")\Z")
    lx.qualifier_after_firsts = frozenset(w[0] for w in lx.markers["qualifier_after"])
    lx.qualifier_before_lasts = frozenset(w[-1] for w in lx.markers["qualifier_before"])
    lx.qualifier_before_max = max(map(len, lx.markers["qualifier_before"]), default=0)


_DEFAULT: list = []  # the default lexicon of this process, once loaded (or given by use_default)


def get_lexicon() -> Lexicon:
    """The default lexicon, loaded once per process."""
    if not _DEFAULT:
        lx = load_lexicon()
        with _DEFER_LOCK:
            if not _DEFAULT:
                _DEFAULT.append(lx)
    return _DEFAULT[0]


def default_loaded() -> bool:
    return bool(_DEFAULT)


def use_default(lx: Lexicon) -> None:
    """Make `lx` (the default lexicon's files, read from the facts cache) what get_lexicon returns from now on."""
    with _DEFER_LOCK:
        _DEFAULT[:] = [lx]


def _forget_default() -> None:
    """Tests: the next get_lexicon() loads again."""
    with _DEFER_LOCK:
        _DEFAULT.clear()
