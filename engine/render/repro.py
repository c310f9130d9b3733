"""Byte-for-byte reproducible Office files: the same inputs give the same bytes. python-docx and openpyxl stamp
zip entries (and openpyxl the core properties) with the wall clock; we rewrite both to a time derived from
the inputs (the data's as-of date)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def as_of_time(as_of: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(as_of), dt.time())


CORE_PART = "docProps/core.xml"


def normalise_zip(data: bytes, when: dt.datetime) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():  # keep the order: [Content_Types].xml must stay first
            normalise_entry(zout, info.filename, zin.read(info.filename), when)
    return out.getvalue()


def normalise_entry(zout: zipfile.ZipFile, name: str, body: bytes, when: dt.datetime) -> None:
    """One entry as normalise_zip writes it: the time from the data, fixed attributes, the core times rewritten."""
    if name == CORE_PART:
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
        body = _CORE_TIMES.sub(lambda m: m.group(1) + stamp + m.group(3), body)
    entry = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.create_system = 3
    entry.external_attr = 0o644 << 16
    zout.writestr(entry, body, compresslevel=6)
