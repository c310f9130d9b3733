"""The Word renderer writes its zip once (render/docx.py saved) and memoises docxtpl's tag clean-up; the bytes are
the same as docxtpl's save followed by repro.normalise_zip (the two-pass path it replaces), for the memo, every
notice, and a workspace template whose footer and properties carry tags."""

from __future__ import annotations

import io
import shutil
import zipfile

import docx
import pytest
from docxtpl import DocxTemplate

from engine.render import docx as render_docx_module
from engine.render.context import build_context
from engine.render.repro import as_of_time, normalise_zip
from engine.render.templates import SHIPPED

from .test_render_context import fuling_result  # noqa: F401  (shared fixture)


def _render_stamped(tpl, context, ctx, env):
    """Render and set the core properties both paths set; the as-of time they are stamped with."""
    tpl.render(context, jinja_env=env, autoescape=True)
    props = tpl.docx.core_properties
    when = as_of_time(ctx.as_of)
    props.title = "t"
    props.author = props.last_modified_by = "duban"
    props.created = props.modified = props.last_printed = when
    props.revision = 1
    return when


def two_pass(path, context, ctx, env) -> bytes:
    """docxtpl's own DocxTemplate (no memo), saved, then normalised: what render_docx returned before."""
    tpl = DocxTemplate(str(path))
    when = _render_stamped(tpl, context, ctx, env)
    buf = io.BytesIO()
    tpl.save(buf)
    return normalise_zip(buf.getvalue(), when)


def one_pass(path, context, ctx, env) -> bytes:
    tpl = render_docx_module._Template(str(path))
    return render_docx_module.saved(tpl, _render_stamped(tpl, context, ctx, env))


@pytest.fixture(scope="module")
def ctx(fuling_result):
    return build_context(fuling_result, None)


def test_memo_and_every_notice_same_bytes(ctx):
    env = render_docx_module.docx_environment(None)
    base = ctx.as_dict()
    memo = two_pass(SHIPPED / "memo.docx", base, ctx, env)
    assert one_pass(SHIPPED / "memo.docx", base, ctx, env) == memo
    assert len(ctx.notices) > 3
    for n in ctx.notices:
        context = {**base, "notice": n}
        assert one_pass(SHIPPED / "notice.docx", context, ctx, env) == two_pass(SHIPPED / "notice.docx", context, ctx, env)
    with zipfile.ZipFile(io.BytesIO(memo)) as z:  # normalised: every entry stamped with the as-of date
        assert {i.date_time[:3] for i in z.infolist()} == {as_of_time(ctx.as_of).timetuple()[:3]}


def test_rendered_outputs_unchanged_by_the_memo(ctx, tmp_path):
    """render_docx called twice on one template gives the same bytes, and a second notice differs from the first
    (the memo caches the clean-up of the template text, not anything of a notice)."""
    notices = render_docx_module.notices_docx(ctx, None)
    again = render_docx_module.notices_docx(ctx, None)
    assert notices == again
    assert len(set(notices.values())) == len(notices)


def test_template_with_tags_in_footer_and_properties(ctx, tmp_path):
    """A staff-edited notice.docx: a tag in the footer and in the subject property, so those parts change per notice."""
    path = tmp_path / "notice.docx"
    shutil.copy(SHIPPED / "notice.docx", path)
    doc = docx.Document(str(path))
    doc.sections[0].footer.paragraphs[0].add_run("{{ notice.unit }}")
    doc.core_properties.subject = "{{ notice.unit }}"
    doc.save(str(path))
    env = render_docx_module.docx_environment(None)
    base = ctx.as_dict()
    seen = set()
    for n in ctx.notices[:4]:
        context = {**base, "notice": n}
        data = one_pass(path, context, ctx, env)
        assert data == two_pass(path, context, ctx, env)
        footer = docx.Document(io.BytesIO(data)).sections[0].footer.paragraphs[0].text
        assert n.unit in footer
        seen.add(data)
    assert len(seen) == 4
