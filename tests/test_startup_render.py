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
