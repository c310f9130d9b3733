"""memo.html (the report, printable) and dashboard.html (counts, charts, sortable rows, filters, explanations).
Both are single self-contained files: inline CSS and JS, no network. The dashboard's Content-Security-Policy lets only its own
script run (by SHA-256), so even a template mistake cannot make task text executable."""

from __future__ import annotations

import base64
import hashlib

from jinja2.sandbox import SandboxedEnvironment

from .context import RenderContext
from .dashboard import dashboard_extras
from .templates import render_template


def memo_html(env: SandboxedEnvironment, ctx: RenderContext) -> bytes:
    return render_template(env, "memo.html.j2", ctx.as_dict()).encode("utf-8")


def dashboard_html(env: SandboxedEnvironment, ctx: RenderContext) -> bytes:
    extras = {**ctx.as_dict(), **dashboard_extras(ctx)}
    script = render_template(env, "dashboard.js.j2", extras)
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    context = {**extras, "script": script, "script_hash": f"sha256-{digest}"}
    return render_template(env, "dashboard.html.j2", context).encode("utf-8")
