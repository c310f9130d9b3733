"""Unit compatibility and conversion (18591人 against 2万人 is 1.8591 万人)."""

from __future__ import annotations

from .lexicon import Lexicon, Unit


def unit_of(lx: Lexicon, name: str | None) -> Unit | None:
    return lx.unit_names.get(name) if name else None


def convert(lx: Lexicon, value: float, from_name: str, to_name: str) -> float | None:
    """`value` in `from_name` expressed in `to_name`; None when the dimensions differ."""
    a, b = unit_of(lx, from_name), unit_of(lx, to_name)
    if a is None or b is None or a.dimension != b.dimension:
        return None
    return value * a.scale / b.scale
