"""The audit's outputs: the Chinese checklist on the terminal, and audit.json / audit.junit.xml /
audit.sarif (each rendered in memory first, then written atomically)."""

from __future__ import annotations

from functools import partial
from pathlib import Path

from .. import outputs
from ..outputs.json import audit_json
from ..outputs.junit import audit_junit
from ..outputs.sarif import audit_sarif
from ..store.yamlio import atomic_write_bytes
from .model import SEVERITIES, SEVERITY_ZH

FORMATS = ("json", "junit", "sarif")
FILE_NAMES = {"json": "audit.json", "junit": "audit.junit.xml", "sarif": "audit.sarif"}


parse_formats = partial(outputs.parse_formats, formats=FORMATS, default="json")


def checklist(report, show_info: bool = True) -> list[str]:
    """The terminal checklist, grouped by severity; each line:
    目标(id/序号) · 检查 id · 消息 · 「引文」 · 建议."""
    lines = [f"审核 {report.workspace} {report.period}"
             + (f"（含报告 {report.memo}）" if report.memo else "")
             + "：" + "，".join(f"{SEVERITY_ZH[s]} {report.count(s)}" for s in SEVERITIES)]
    for severity in SEVERITIES:
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        lines.append("")
        lines.append(f"【{SEVERITY_ZH[severity]}】{len(group)} 项")
        if severity == "info" and not show_info:
            lines.append("  （提示项未列出；加 --show-info 显示）")
            continue
        for f in group:
            lines.append(f"  {f.label()} · {f.check} · {f.message} · 「{_one_line(f.quote)}」 · 建议：{f.suggestion}")
    if not report.findings:
        lines.append("未发现问题。")
    return lines


def _one_line(text: str, limit: int = 60) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


RENDER = {"json": audit_json, "junit": audit_junit, "sarif": audit_sarif}


def write_outputs(report, out_dir: Path, formats: list[str]) -> list[Path]:
    rendered = {FILE_NAMES[f]: RENDER[f](report) for f in formats}  # render all before writing any
    written = []
    for name, data in rendered.items():
        atomic_write_bytes(out_dir / name, data)
        written.append(out_dir / name)
    return written
