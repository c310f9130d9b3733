"""The lexicon cache (engine/facts_cache.py prime_lexicon, <workspace>/.duban/cache/lexicon.json): the lexicon's
parsed documents as JSON — no code, no compiled regex — used only for the very same lexicon files and code; then
the stage, flag and period finders are compiled when first used. The same lexicon, the same outputs, with and
without it; any edit invalidates it; a damaged cache file is ignored; errors are never hidden by it."""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
import pytest

from engine import facts_cache
from engine.extract import lexicon as L

ROOT = Path(__file__).resolve().parent.parent
FULING = ROOT / "facts" / "fuling-2023"
REGEX_FIELDS = ("verb_re", "marker_re", "progress_re", "project_re", "stopword_re", "qualifier_after_re", "qualifier_before_re")


@pytest.fixture
def own_default(monkeypatch, tmp_path):
    """A private copy of the lexicon files as the default lexicon; the process's default is put back afterwards."""
    saved = list(L._DEFAULT)
    directory = tmp_path / "lexicon"
    shutil.copytree(L.LEXICON_DIR, directory)
    monkeypatch.setattr(L, "LEXICON_DIR", directory)
    monkeypatch.delenv("DUBAN_FACTS_CACHE", raising=False)
    L._forget_default()
    yield directory
    L._DEFAULT[:] = saved


def _entries(entries):
    return [(e.name, [r.pattern for r in e.regexes], e.exclude and e.exclude.pattern, e.rank, e.label, e.end_month,
             e.negatable, e.point, e.trigger, e.firsts) for e in entries]


def _comparable(lx: L.Lexicon) -> dict:
    out = {}
    for name in L.Lexicon.__dataclass_fields__:
        value = getattr(lx, name)  # a deferred finder is compiled here
        if name in REGEX_FIELDS:
            value = value.pattern
        elif name in ("stage_words", "flag_words", "period_words"):
            value = (value[0].pattern, value[1])
        elif name in ("stages", "flags", "periods"):
            value = _entries(value)
        elif name == "steps":
            value = repr(value)
        out[name] = value
    return out


def _prime_and_write(ws: Path) -> None:
    L._forget_default()
    with facts_cache.writing():
        facts_cache.prime_lexicon(ws)


def _primed(ws: Path) -> L.Lexicon:
    L._forget_default()
    facts_cache.prime_lexicon(ws)
    return L.get_lexicon()


def test_the_cached_lexicon_is_the_same_lexicon_and_compiles_its_finders_only_when_used(own_default, tmp_path):
    eager = L.load_lexicon()
    _prime_and_write(tmp_path)
    cache = tmp_path / ".duban" / "cache" / "lexicon.json"
    assert cache.is_file() and b"re.compile" not in cache.read_bytes()
    doc = orjson.loads(cache.read_bytes())
    assert doc["schema"] == facts_cache.LEXICON_SCHEMA and sorted(doc["documents"]) == sorted(L.FILES)
    primed = _primed(tmp_path)
    assert "_deferred" in primed.__dict__ and "stages" not in primed.__dict__
    assert primed.verbs == eager.verbs and primed.unit_names == eager.unit_names and primed.verb_rungs == eager.verb_rungs
    assert "_deferred" in primed.__dict__  # the tables matching uses did not compile the finders
    assert _comparable(primed) == _comparable(eager)
    assert "_deferred" not in primed.__dict__ and "stages" in primed.__dict__


def test_nothing_is_written_outside_a_check_and_the_switch_turns_it_off(own_default, tmp_path, monkeypatch):
    facts_cache.prime_lexicon(tmp_path)  # not inside writing(): explain, eval, rollup only read
    assert not (tmp_path / ".duban").exists() and L.default_loaded()
    monkeypatch.setenv("DUBAN_FACTS_CACHE", "0")
    L._forget_default()
    _prime_and_write(tmp_path)
    assert not (tmp_path / ".duban").exists()


def test_an_edited_lexicon_file_is_read_again(own_default, tmp_path):
    _prime_and_write(tmp_path)
    verbs = own_default / "verbs.yaml"
    text = verbs.read_text(encoding="utf-8")
    assert "督办测试词" not in L.load_lexicon().verbs and "words: [新建," in text
    verbs.write_text(text.replace("words: [新建,", "words: [督办测试词, 新建,", 1), encoding="utf-8")
    edited = L.load_lexicon()
    assert "督办测试词" in edited.verbs
    primed = _primed(tmp_path)
    assert "_deferred" not in primed.__dict__ and "督办测试词" in primed.verbs  # loaded from the files, not the cache
    _prime_and_write(tmp_path)  # rewritten for the new files
    again = _primed(tmp_path)
    assert "_deferred" in again.__dict__ and "督办测试词" in again.verbs


def test_an_edit_that_breaks_the_lexicon_is_reported_not_hidden_by_the_cache(own_default, tmp_path):
    _prime_and_write(tmp_path)
    flags = own_default / "flags.yaml"
    text = flags.read_text(encoding="utf-8")
    assert "patterns: [" in text
    flags.write_text(text.replace("patterns: [", "patterns: ['(未闭合', ", 1), encoding="utf-8")
    L._forget_default()
    with pytest.raises(L.LexiconError, match="正则"):
        facts_cache.prime_lexicon(tmp_path)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "not_json_object", "wrong_schema", "wrong_key",
                                    "entries_not_list", "entry_without_name", "negators_bad", "stem_missing"])
def test_a_damaged_cache_file_is_ignored_and_rewritten(own_default, tmp_path, damage):
    _prime_and_write(tmp_path)
    cache = tmp_path / ".duban" / "cache" / "lexicon.json"
    good = cache.read_bytes()
    doc = orjson.loads(good)
    if damage == "garbage":
        data = b"\x00\xff not json"
    elif damage == "truncated":
        data = good[: len(good) // 2]
    elif damage == "not_json_object":
        data = b"[1, 2, 3]"
    else:
        if damage == "wrong_schema":
            doc["schema"] = "duban/lexicon-cache@0"
        elif damage == "wrong_key":
            doc["key"] = "0" * 64
        elif damage == "entries_not_list":
            doc["documents"]["verbs"]["entries"] = {"a": 1}
        elif damage == "entry_without_name":
            doc["documents"]["units"]["entries"][0].pop("name")
        elif damage == "negators_bad":
            doc["documents"]["stages"]["negators"] = [1, None]
        elif damage == "stem_missing":
            doc["documents"].pop("periods")
        data = orjson.dumps(doc)
    cache.write_bytes(data)
    primed = _primed(tmp_path)  # no crash: loaded from the YAML files
    assert "_deferred" not in primed.__dict__
    assert _comparable(primed) == _comparable(L.load_lexicon())
    _prime_and_write(tmp_path)
    assert cache.read_bytes() == good


def test_check_writes_the_same_files_with_and_without_the_lexicon_cache(own_default, tmp_path):
    from engine.check import run_check
    from engine.render import DEFAULT_FORMATS, render_outputs

    ws = tmp_path / "fuling-2023"
    shutil.copytree(FULING, ws, ignore=shutil.ignore_patterns(".duban", ".duban.lock"))

    def outputs():
        with facts_cache.writing():
            result = run_check(ws, "2023-09").result
        return render_outputs(result, list(DEFAULT_FORMATS), ws)

    L._forget_default()
    without = outputs()  # the lexicon loaded from its files (and the cache written)
    assert (ws / ".duban" / "cache" / "lexicon.json").is_file()
    L._forget_default()
    with_cache = outputs()
    # (Fuling's derive reads a few texts again — enumerated sub-projects — so its finders were compiled on the way)
    assert list(with_cache) == list(without) and with_cache == without
