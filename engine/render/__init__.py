"""render: result → the files a run writes. Every output is rendered in memory first and only then
written (each atomically), so a failed run leaves the previous outputs untouched."""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from ..yamlio import atomic_write_bytes
from .templates import make_environment, render_template

FORMATS = ("md", "json")
DEFAULT_FORMATS = ("md", "json")
FILE_NAMES = {"md": "memo.md", "json": "result.json"}


def result_json(result: dict) -> bytes:
    return (json.dumps(result, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode("utf-8")


def render_memo_md(result: dict, workspace_dir: Path | None) -> bytes:
    env = make_environment(workspace_dir)
    return render_template(env, "memo.md.j2", memo_context(result)).encode("utf-8")


def memo_context(result: dict) -> dict:
    lagging = [t for t in result["tasks"] if t["status"] in ("滞后", "严重滞后")]
    return {"result": result, "tasks": result["tasks"], "indicators": result["indicators"], "lagging": lagging,
            "summary": result["summary"]}


def parse_formats(text: str) -> list[str]:
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise InputError(f"未知的输出格式「{'、'.join(unknown) or text}」", field="--format", hint=f"可用：{','.join(FORMATS)}")
    return list(dict.fromkeys(formats))


def write_outputs(result: dict, out_dir: Path, formats: list[str], workspace_dir: Path | None = None) -> list[Path]:
    rendered: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "json":
            rendered[FILE_NAMES[fmt]] = result_json(result)
        elif fmt == "md":
            rendered[FILE_NAMES[fmt]] = render_memo_md(result, workspace_dir)
    written = []
    for name, data in rendered.items():
        atomic_write_bytes(out_dir / name, data)
        written.append(out_dir / name)
    return written
