"""Text outputs from Jinja templates: memo.md, notices/<unit>.md, leaders/<name>.md."""

from __future__ import annotations

from jinja2.sandbox import SandboxedEnvironment

from .context import RenderContext
from .templates import render_template


def memo_md(env: SandboxedEnvironment, ctx: RenderContext) -> bytes:
    return render_template(env, "memo.md.j2", ctx.as_dict()).encode("utf-8")


def notices_md(env: SandboxedEnvironment, ctx: RenderContext) -> dict[str, bytes]:
    base = ctx.as_dict()
    return {f"notices/{n.file_stem}.md": render_template(env, "notice.md.j2", {**base, "notice": n}).encode("utf-8")
            for n in ctx.notices}


def leaders_md(env: SandboxedEnvironment, ctx: RenderContext) -> dict[str, bytes]:
    base = ctx.as_dict()
    return {f"leaders/{p.file_stem}.md": render_template(env, "leader.md.j2", {**base, "leader": p}).encode("utf-8")
            for p in ctx.leaders}
