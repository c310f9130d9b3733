"""JSON outputs: result.json (the contract) and audit.json, UTF-8, indent 2, one trailing newline. The bytes are
`json.dumps(doc, ensure_ascii=False, indent=2) + "\\n"`, written through orjson (engine/outputs/jsonio.py)."""

from __future__ import annotations

from .jsonio import compact_json_bytes as _compact
from .jsonio import pretty_json_bytes


def json_bytes(doc, floats_checked: bool = False) -> bytes:
    """json.dumps(doc, ensure_ascii=False, indent=2) + newline, as UTF-8: the bytes of every JSON file duban writes.
    floats_checked: the caller found engine/result.result_floats_safe true for doc (its floats are not walked again)."""
    return pretty_json_bytes(doc, floats_checked)


def compact_json_bytes(doc, floats_checked: bool = False) -> bytes:
    """The same content without indentation (the bench's national run): json.dumps(separators=(",", ":")), byte for byte."""
    return _compact(doc, floats_checked)


def result_json(result: dict) -> bytes:
    """json.dumps(result, ensure_ascii=False, indent=2) + newline, byte for byte (through orjson: engine/outputs/jsonio.py)."""
    return json_bytes(result)


def audit_json(report) -> bytes:
    return json_bytes(report.to_dict())
