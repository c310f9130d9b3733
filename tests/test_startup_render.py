"""`duban check`'s render process (engine/render/worker.py) renders the ledger and a share of the Word notices while
this process renders the rest: whatever the share, the files and their order are those of rendering everything here."""

from __future__ import annotations

import pytest

from engine.render import DEFAULT_FORMATS, build_context, render_outputs
from engine.render import worker as render_worker

from .test_render_context import fuling_result  # noqa: F401  (shared fixture)


@pytest.fixture(scope="module")
def here(fuling_result):
    return render_outputs(fuling_result, list(DEFAULT_FORMATS))


@pytest.mark.parametrize("share", ["none", "some", "all"])
def test_any_share_of_the_notices_gives_the_same_files_in_the_same_order(fuling_result, here, monkeypatch, share):
    notices = len(build_context(fuling_result).notices)
    assert notices >= 3
    count = {"none": 0, "some": notices // 2, "all": notices}[share]
    monkeypatch.setattr(render_worker, "worker_notices", lambda ctx, formats: count)
    worker = render_worker.RenderWorker()
    try:
        sent = render_outputs(fuling_result, list(DEFAULT_FORMATS), worker=worker)
    finally:
        worker.close()
    assert list(sent) == list(here) and sent == here


def test_only_word_documents_asked_for(fuling_result, monkeypatch):
    formats = ["docx"]
    expected = render_outputs(fuling_result, formats)
    monkeypatch.setattr(render_worker, "worker_notices", lambda ctx, formats: 2)
    worker = render_worker.RenderWorker()
    try:
        sent = render_outputs(fuling_result, formats, worker=worker)
    finally:
        worker.close()
    assert list(sent) == list(expected) and sent == expected and "memo.docx" in sent


def test_the_share_balances_both_sides(fuling_result):
    ctx = build_context(fuling_result)
    everything = render_worker.worker_notices(ctx, list(DEFAULT_FORMATS))
    assert 0 <= everything <= len(ctx.notices)
    # without the ledger the worker has less to do, so it takes at least as many notices; with only the Word
    # documents asked for, this process renders the memo and the worker takes a share of the notices
    assert render_worker.worker_notices(ctx, ["md", "docx", "html", "json"]) >= everything
    assert 0 < render_worker.worker_notices(ctx, ["docx"]) < len(ctx.notices)


def _rendered_with_worker(result, ws, formats, before_render=None):
    worker = render_worker.RenderWorker(ws)
    try:
        worker.submit(result, None, [], None).result()  # the warm-up has run: the worker answers in order
        if before_render:
            before_render()
        return render_outputs(result, formats, ws, worker=worker)
    finally:
        worker.close()


def test_workspace_templates_compiled_during_the_warm_up_are_the_ones_used(fuling_result, tmp_path):
    from engine.resources import shipped

    (tmp_path / "templates").mkdir()
    memo = (shipped("templates") / "memo.html.j2").read_text(encoding="utf-8")
    (tmp_path / "templates" / "memo.html.j2").write_text(memo.replace("<title>", "<title>本区版式 "), encoding="utf-8")
    formats = ["html", "xlsx"]
    expected = render_outputs(fuling_result, formats, tmp_path)
    assert "本区版式".encode() in expected["memo.html"]
    assert _rendered_with_worker(fuling_result, tmp_path, formats) == expected


def test_a_template_edited_or_added_after_the_warm_up_is_used(fuling_result, tmp_path):
    from engine.resources import shipped

    formats = ["html", "xlsx"]
    memo = (shipped("templates") / "memo.html.j2").read_text(encoding="utf-8")
    custom = tmp_path / "templates" / "memo.html.j2"

    def add():
        custom.parent.mkdir(exist_ok=True)
        custom.write_text(memo.replace("<title>", "<title>新加的 "), encoding="utf-8")

    added = _rendered_with_worker(fuling_result, tmp_path, formats, add)  # no templates folder at the warm-up
    assert "新加的".encode() in added["memo.html"] and added == render_outputs(fuling_result, formats, tmp_path)

    def edit():
        import os

        custom.write_text(memo.replace("<title>", "<title>改过的 "), encoding="utf-8")
        os.utime(custom, (1_900_000_000, 1_900_000_000))  # a different mtime, however fast the test runs

    edited = _rendered_with_worker(fuling_result, tmp_path, formats, edit)
    assert "改过的".encode() in edited["memo.html"] and edited == render_outputs(fuling_result, formats, tmp_path)
