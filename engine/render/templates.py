"""The Jinja environment: workspace templates first, then the shipped ones (also as "default:NAME"
so a workspace template can `{% extends "default:memo.md.j2" %}`). Sandboxed, StrictUndefined:
a missing variable is an error, never a blank, and task text is data, never template code."""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined
from jinja2.exceptions import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ..errors import InputError

SHIPPED = Path(__file__).resolve().parent.parent.parent / "templates"


def pct(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


def join_units(units) -> str:
    return "、".join(units or []) or "—"


def make_environment(workspace_dir: Path | None = None, autoescape: bool = False) -> SandboxedEnvironment:
    loaders = []
    if workspace_dir is not None and (workspace_dir / "templates").is_dir():
        loaders.append(FileSystemLoader(str(workspace_dir / "templates")))
    shipped = FileSystemLoader(str(SHIPPED))
    loaders.append(PrefixLoader({"default": shipped}, delimiter=":"))
    loaders.append(shipped)
    env = SandboxedEnvironment(loader=ChoiceLoader(loaders), undefined=StrictUndefined, autoescape=autoescape,
                               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["pct"] = pct
    env.filters["units"] = join_units
    return env


def render_template(env: SandboxedEnvironment, name: str, context: dict) -> str:
    try:
        return env.get_template(name).render(**context)
    except TemplateError as exc:
        file = getattr(exc, "filename", None) or name
        line = getattr(exc, "lineno", None)
        raise InputError(f"模板出错：{exc.message if hasattr(exc, 'message') else exc}", file=file, line=line) from None
