"""The extraction kernel's exact speed-ups (issue 18 item 2): each must find the same matches as the plain form."""

from __future__ import annotations

import random
from types import SimpleNamespace

from engine.extract import numbers as N
from engine.extract.lexicon import get_lexicon


def test_atomic_figure_finds_the_same_numbers():
    lx = get_lexicon()
    assert N._atomic_ok(lx)  # no shipped unit starts with a digit, '.' or ','
    plain, atomic = N.number_regex(id(lx), lx.unit_alt, False), N.number_regex(id(lx), lx.unit_alt, True)
    assert plain.pattern != atomic.pattern
    rnd = random.Random(18)
    pieces = ["12", "3.5", "1,234", "1,23", "2023", "0.", ".5", ",", "万", "亿", "余", "多", " ", "年", "五", "十", "百分之",
              "-", "第"] + sorted(lx.units)[:80]
    for _ in range(30000):
        s = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 8)))
        assert [(m.span(), m.groupdict()) for m in plain.finditer(s)] == \
            [(m.span(), m.groupdict()) for m in atomic.finditer(s)], s


def test_no_atomic_figure_when_a_unit_starts_with_a_digit():
    assert not N._atomic_ok(SimpleNamespace(units={"5G基站": None, "个": None}))
    assert not N._atomic_ok(SimpleNamespace(units={".份": None}))
    assert N._atomic_ok(SimpleNamespace(units={"个": None, "万元": None}))
