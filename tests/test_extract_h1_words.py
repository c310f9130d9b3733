"""words.py: the one-pass word finder gives, per list, exactly what the list's trie regex (lexicon.alternation)
finds with finditer — on the shipped lexicon over real and random texts, and on random word lists — and the
readings built from it are those of the regex passes (hits with and without spans)."""

from __future__ import annotations

import random
import re

from engine.extract import get_lexicon, read_progress
from engine.extract import words as W
from engine.extract.finders import hits
from engine.extract.lexicon import alternation
from engine.extract.numbers import normalize


def _regex_spans(regexes, text):
    return [[m.span() for m in r.finditer(text)] for r in regexes]


def _texts(n: int, seed: int) -> list[str]:
    from engine.bench.synth import workspace

    sw = workspace(seed, 0, 60)
    out = [normalize(t) for texts in sw.progress.values() for t in texts.values()]
    rng = random.Random(seed)
    lx = get_lexicon()
    vocab = [w for lst in W._lists(lx) for w in lst] + list("，。；、0123456789万亿元个已完成开工截至月底 ")
    for _ in range(n):  # words glued together and cut: overlaps, prefixes, words inside longer words
        s = "".join(rng.choice(vocab) for _ in range(rng.randint(0, 25)))
        a = rng.randint(0, len(s))
        out.append(s[a:] + s[:a])
    return out


def test_shipped_lexicon_matches_the_regexes():
    lx = get_lexicon()
    wp = W.WordPass(W._lists(lx))
    regexes = W._regexes(lx)
    texts = _texts(3000, 7)
    assert sum(map(len, (w for s in texts for w in W.find(lx, s)[0]))) > 0  # verbs were found at all
    for t in texts:
        want = _regex_spans(regexes, t)
        assert wp.find(t) == want, t
        assert W.find(lx, t) == want, t


def test_random_word_lists_match_their_trie_regexes():
    rng = random.Random(11)
    alphabet = "abcde甲乙丙"
    for _ in range(300):
        lists = [[("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 4)))) for _ in range(rng.randint(0, 8))]
                 for _ in range(rng.randint(1, 6))]
        regexes = [re.compile(alternation(dict.fromkeys(lst))) for lst in lists]
        wp = W.WordPass(lists)
        for _ in range(20):
            t = "".join(rng.choice(alphabet + "，x") for _ in range(rng.randint(0, 30)))
            assert wp.find(t) == _regex_spans(regexes, t), (lists, t)


def test_beyond_the_bmp_keeps_the_regexes():
    try:
        W.WordPass([["a\U0001F600"]])
    except ValueError:
        pass
    else:
        raise AssertionError("a word beyond the BMP must be refused")
    wp = W.WordPass([["ab"]])
    assert wp.find("\U0001F600ab\U0001F600") == [[(1, 3)]]


def test_hits_with_spans_are_the_regex_hits():
    lx = get_lexicon()
    for t in _texts(500, 3):
        spans = W.find(lx, t)
        for k, (words, entries, step) in enumerate(((lx.period_words, lx.periods, "periods"),
                                                   (lx.stage_words, lx.stages, "stages"),
                                                   (lx.flag_words, lx.flags, "flags"))):
            a = [(i, m.start(), m.end(), m.group(), m.groupdict()) for i, m in hits(words, entries, t, lx.steps[step])]
            b = [(i, m.start(), m.end(), m.group(), m.groupdict())
                 for i, m in hits(words, entries, t, lx.steps[step], None, spans[2 + k])]
            assert a == b, t


def test_a_replaced_regex_rebuilds_the_pass():
    lx = get_lexicon()
    wp = W.word_pass(lx)
    assert W.word_pass(lx) is wp
    text = "已开工建设"
    assert read_progress(text)["stage"] == read_progress(text)["stage"]
    saved = lx.verb_re
    try:
        lx.verb_re = re.compile("(?:" + saved.pattern + ")|(?!)")  # a new object (same words): rebuilt, not trusted
        assert W.word_pass(lx) is not wp
    finally:
        lx.verb_re = saved
