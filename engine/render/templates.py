"""The Jinja environment: workspace templates first, then the shipped ones (also as "default:NAME"
so a workspace template can `{% extends "default:memo.md.j2" %}`). Sandboxed, StrictUndefined:
a missing variable is an error, never a blank, and task text is data, never template code.
HTML templates (*.html.j2) are autoescaped; the DOCX environment escapes everything (XML)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined
from jinja2.exceptions import TemplateError
from jinja2.sandbox import SandboxedEnvironment

from .. import resources
from ..values import evidence_value as value_text
from ..errors import InputError
from ..library_messages import template_problem
from .context import cn_number

SHIPPED = resources.shipped("templates")


def pct(value, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{digits}f}%"


def join_units(units) -> str:
    return "、".join(units or []) or "—"


def sentence(text) -> str:
    """Ends a clause with 。 unless it already ends with punctuation, so "text + reason" reads as prose."""
    text = (text or "").rstrip()
    return text if not text or text[-1] in "。！？；.!?;" else text + "。"


def _autoescape(name: str | None) -> bool:
    return bool(name) and name.endswith((".html.j2", ".html", ".htm", ".xml"))


def template_dirs(workspace_dir: Path | None) -> list[Path]:
    dirs = []
    if workspace_dir is not None and (Path(workspace_dir) / "templates").is_dir():
        dirs.append(Path(workspace_dir) / "templates")
    return dirs + [SHIPPED]


class CachingSandbox(SandboxedEnvironment):
    """The sandbox, with templates compiled from a string memoised: the Word renderer compiles the document,
    header and footer XML of notice.docx again for every notice, the same source each time (~40 ms each)."""

    def __init__(self, **options):
        super().__init__(**options)
        self._from_string: dict[str, object] = {}

    def from_string(self, source, globals=None, template_class=None):
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._from_string:
            self._from_string[source] = super().from_string(source)
        return self._from_string[source]


def make_environment(workspace_dir: Path | None = None, autoescape=None) -> SandboxedEnvironment:
    dirs = template_dirs(workspace_dir)
    shipped = FileSystemLoader(str(SHIPPED))
    loaders = [FileSystemLoader(str(d)) for d in dirs[:-1]]
    loaders += [PrefixLoader({"default": shipped}, delimiter=":"), shipped]
    env = CachingSandbox(loader=ChoiceLoader(loaders), undefined=StrictUndefined,
                               autoescape=_autoescape if autoescape is None else autoescape,
                               trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["pct"] = pct
    env.filters["units"] = join_units
    env.filters["cn"] = cn_number
    env.filters["sentence"] = sentence
    env.filters["val"] = value_text
    return env


def find_file(name: str, workspace_dir: Path | None) -> Path:
    """A binary template (memo.docx): the workspace's copy if present, else the shipped one."""
    for d in template_dirs(workspace_dir):
        if (d / name).is_file():
            return d / name
    raise InputError(f"找不到模板 {name}", file=str(SHIPPED / name), hint="运行 python -m engine.render.docx_build 重新生成")


def template_error(exc: TemplateError, name: str) -> InputError:
    file = getattr(exc, "filename", None) or name
    line = getattr(exc, "lineno", None)
    message = template_problem(getattr(exc, "message", None) or str(exc))
    return InputError(f"模板出错：{message}", file=file, line=line, hint="模板中用到的变量见 docs/templates.md")


def render_template(env: SandboxedEnvironment, name: str, context: dict) -> str:
    try:
        return env.get_template(name).render(**context)
    except TemplateError as exc:
        raise template_error(exc, name) from None
