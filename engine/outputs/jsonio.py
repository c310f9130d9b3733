"""JSON out, byte for byte as `json.dumps(obj, ensure_ascii=False, indent=2) + "\\n"` (UTF-8), through orjson.

The standard library's indented encoder is pure Python (~80 µs for one result.json item); orjson writes the same
bytes ~10× faster except in these cases, which go to the standard library instead (same bytes, same errors):

- a float with 1e-10 < |x| < 1e-4 (orjson writes 0.00001 / 1e-7 where Python writes 1e-05 / 1e-07);
- a non-finite float (orjson writes null where Python writes NaN / Infinity);
- anything orjson refuses: a non-str dict key, an int outside 64 bits, a subclass of str/int/dict/list, a float
  subclass (numpy), a date or dataclass (Python raises TypeError for the last two, and so does this function),
  a lone surrogate (UnicodeEncodeError, as before).

Floats are found by one walk over the containers (the only values orjson can write differently); the walk costs
less than a tenth of the standard encoder. A caller that has already walked every part of the document that can
hold such a float (engine/result.py does, where it places the values: result_floats_safe) passes
floats_checked=True and the walk is skipped. Tested byte for byte in tests/test_render_machine.py.
"""

from __future__ import annotations

import json

import orjson

_COMPACT = (orjson.OPT_APPEND_NEWLINE | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATETIME
            | orjson.OPT_PASSTHROUGH_DATACLASS)
_OPTIONS = _COMPACT | orjson.OPT_INDENT_2
_SMALL = 1e-4  # below this Python writes an exponent (1e-05) that orjson writes differently
_TINY = 1e-10  # at and below it both write the same exponent (1e-10, 5e-324)


def _orjson_safe(obj) -> bool:
    """False when a float in obj would come out of orjson differently from Python's repr."""
    stack = [obj]
    pop, extend = stack.pop, stack.extend
    while stack:
        value = pop()
        kind = type(value)
        if kind is dict:
            extend(value.values())
        elif kind is list or kind is tuple:
            extend(value)
        elif kind is float:
            if value - value != 0.0:  # inf - inf and nan - nan are nan
                return False
            size = value if value > 0.0 else -value
            if _TINY < size < _SMALL:
                return False
    return True


floats_safe = _orjson_safe  # the public name: True when orjson writes every float in obj as Python's repr does


def values_floats_safe(values) -> bool:
    """floats_safe(list(values)) for a flat iterable of values (dict.values(), a tuple): the scalars tested in one
    loop, a container walked by floats_safe."""
    for value in values:
        kind = type(value)
        if kind is str or kind is int or value is None or kind is bool:
            continue
        if kind is float:
            if value - value != 0.0:
                return False
            size = value if value > 0.0 else -value
            if _TINY < size < _SMALL:
                return False
        elif (kind is dict or kind is list or kind is tuple) and value and not _orjson_safe(value):  # (an empty one holds none)
            return False
    return True


def _stdlib(obj, compact: bool = False) -> bytes:
    if compact:
        return (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def pretty_json_bytes(obj, floats_checked: bool = False) -> bytes:
    """`json.dumps(obj, ensure_ascii=False, indent=2) + "\\n"` encoded as UTF-8, faster. floats_checked: the caller
    has found floats_safe(obj) true (the walk is not repeated)."""
    return _dumps(obj, False, floats_checked)


def compact_json_bytes(obj, floats_checked: bool = False) -> bytes:
    """`json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\\n"` encoded as UTF-8, faster."""
    return _dumps(obj, True, floats_checked)


def _dumps(obj, compact: bool, floats_checked: bool = False) -> bytes:
    if not floats_checked and not _orjson_safe(obj):
        return _stdlib(obj, compact)
    try:
        return orjson.dumps(obj, option=_COMPACT if compact else _OPTIONS)
    except TypeError:  # orjson.JSONEncodeError: see the module docstring; the standard encoder decides
        return _stdlib(obj, compact)
