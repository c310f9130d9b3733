"""JSON outputs: result.json (the contract) and audit.json, UTF-8, indent 2, one trailing newline."""

from __future__ import annotations

import json


def json_bytes(doc) -> bytes:
    """json.dumps(doc, ensure_ascii=False, indent=2) + newline, as UTF-8: the bytes of every JSON file duban writes."""
    return (json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def compact_json_bytes(doc) -> bytes:
    """The same content without indentation (the bench's national run: json's C encoder, ~4× faster)."""
    return (json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def result_json(result: dict) -> bytes:
    return json_bytes(result)


def audit_json(report) -> bytes:
    return json_bytes(report.to_dict())
