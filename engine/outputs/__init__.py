"""Machine outputs, one module per format, each writing both result shapes: `duban check`'s (a render context
of judged items) and `duban audit`'s (an audit report of findings).

- json.py   result.json, audit.json, and the JSON bytes every other writer uses
- junit.py  findings.junit.xml (one testcase per item) and audit.junit.xml (one per finding / check)
- sarif.py  findings.sarif and audit.sarif (SARIF 2.1.0: one run, rules, results)

parse_formats reads a --format option for either command.
"""

from __future__ import annotations

from ..errors import InputError


def parse_formats(text: str | None, formats: tuple[str, ...], default: str | None = None) -> list[str]:
    """`md, DOCX,md` → ["md", "docx"]: lower-cased, de-duplicated, each one of `formats`; empty → `default`."""
    if not text and default is not None:
        text = default
    chosen = [f.strip().lower() for f in (text or "").split(",") if f.strip()]
    unknown = [f for f in chosen if f not in formats]
    if unknown or not chosen:
        raise InputError(f"未知的输出格式「{'、'.join(unknown) or text}」", field="--format", hint=f"可用：{','.join(formats)}")
    return list(dict.fromkeys(chosen))


def provenance(ctx) -> dict:
    """What a check output was judged from (a render context): the properties of the JUnit suites and SARIF run."""
    return {"workspace": ctx.workspace, "region": ctx.region, "period": ctx.period, "as_of": ctx.as_of,
            "time_progress": ctx.time_progress, "engine": ctx.engine, "rules_digest": ctx.rules_digest,
            "data_digest": ctx.data_digest}
