"""The notices read notice.docx once (engine/render/docx.py read_template) and build each document from what was
read: the same bytes as each notice opened from the file alone, and a broken template says what it always said."""

from __future__ import annotations

import pytest

from engine.errors import InputError
from engine.render import docx as word
from engine.render.context import build_context
from engine.render.templates import find_file

from .test_render_context import fuling_result  # noqa: F401  (shared fixture)


def test_notices_from_one_read_of_the_template_are_those_opened_from_the_file(fuling_result, monkeypatch):
    ctx = build_context(fuling_result)
    assert len(ctx.notices) >= 3
    path, env, base = find_file("notice.docx", None), word.docx_environment(None), ctx.as_dict()
    alone = {f"notices/{n.file_stem}.docx": word.render_docx(path, {**base, "notice": n}, ctx, env, f"督办通知单（{n.unit}）")
             for n in ctx.notices}
    reads = []
    real = word.read_template
    monkeypatch.setattr(word, "read_template", lambda p: reads.append(p) or real(p))
    shared = word.notices_docx(ctx, None)
    assert reads == [path]  # once for all the notices
    assert list(shared) == list(alone) and shared == alone
    assert word.notices_docx(ctx, None, slice(1, 3)) == dict(list(alone.items())[1:3])


def test_each_document_built_from_the_reader_is_its_own(fuling_result):
    ctx = build_context(fuling_result)
    reader = word.read_template(find_file("notice.docx", None))
    path = str(find_file("notice.docx", None))
    one, two = word._document(reader, path), word._document(reader, path)
    assert one.element is not two.element
    one.add_paragraph("只在第一份")
    assert "只在第一份" not in "".join(p.text for p in two.paragraphs)
    assert len(word.notices_docx(ctx, None)) == len(ctx.notices)


@pytest.mark.parametrize("content", [b"not a zip", b"PK\x03\x04broken"])
def test_a_broken_notice_template_is_reported_as_before(fuling_result, tmp_path, content):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "notice.docx").write_bytes(content)
    ctx = build_context(fuling_result)
    with pytest.raises(InputError) as shared:
        word.notices_docx(ctx, tmp_path)
    with pytest.raises(InputError) as alone:
        word.render_docx(tmp_path / "templates" / "notice.docx", {**ctx.as_dict(), "notice": ctx.notices[0]}, ctx,
                         word.docx_environment(tmp_path), "督办通知单")
    assert "Word 模板无法打开" in str(shared.value) and str(shared.value) == str(alone.value)
