"""Rule examples written as the report's own words: a task (or indicator) text and its progress text,
run through the whole pipeline — extract → derive → evaluate → classify — as `duban check` would.

    - name: fuling_seq_204
      source: "facts/fuling-2023 进展表序号 204"     # where the words come from (a real report), or 手写
      task: 新建5G基站300个
      progress: 截至9月底，已建成5G基站120个。
      period: 2023-09                               # optional, default 2023-09
      status: 滞后                                  # the status the item must get
      fires: true                                   # optional: this rule fires (default) / false: it does not
      quote: 完成率40%                              # optional: words the finding's message must contain

Unlike a `fact:` example, nothing is precomputed: the example fails when extraction or derive reads the
words differently, which is what it is there to show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .hints import key_hint, show
from .ir import STATUSES_INDICATOR, STATUSES_TASK

TEXT_KEYS = ("name", "source", "task", "progress", "period", "kind", "status", "fires", "quote", "note")
PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
DEFAULT_PERIOD = "2023-09"


@dataclass
class TextExample:
    name: str
    task: str
    progress: str
    period: str
    kind: str
    status: str
    fires: bool = True
    quote: str | None = None
    source: str | None = None
    line: int | None = None


def read_text_example(reader, node, at, kinds, name) -> TextExample | None:
    """Checked like every other key of a rule file: every mistake reported with its line:col (reader.err)."""
    from ..store.yamlio import where

    ok = True
    for key in node:
        if key not in TEXT_KEYS:
            reader.err(f"文字示例中有未知的键「{key}」", where(node, key), hint=key_hint(key, TEXT_KEYS) or "文字示例写 task、progress、status")
            ok = False
    for key in ("task", "progress", "status"):
        value = node.get(key)
        if not isinstance(value, str) or not value.strip():
            reader.err(f"文字示例「{name}」缺少「{key}」（应为文字）" if key not in node else
                       f"文字示例「{name}」的「{key}」应为文字，实为「{show(value)}」", where(node, key) if key in node else at,
                       hint="task 写任务原文，progress 写进展原文，status 写应得的状态")
            ok = False
    period = str(node.get("period", DEFAULT_PERIOD))
    if not PERIOD.fullmatch(period):
        reader.err(f"文字示例「{name}」的 period 应写成 YYYY-MM，实为「{show(node.get('period'))}」", where(node, "period"), hint="如 2023-09")
        ok = False
    kind = {"task": "task", "任务": "task", "indicator": "indicator", "指标": "indicator"}.get(str(node.get("kind", kinds[0] if kinds else "task")))
    if kind is None or (kinds and kind not in kinds):
        reader.err(f"文字示例「{name}」的 kind 应为本规则的适用对象，实为「{show(node.get('kind'))}」", where(node, "kind"))
        ok = False
    status = node.get("status")
    allowed = STATUSES_TASK if kind == "task" else STATUSES_INDICATOR
    if ok and status not in allowed:
        reader.err(f"文字示例「{name}」的状态「{show(status)}」不是{'任务' if kind == 'task' else '指标'}的状态", where(node, "status"),
                   hint=f"可用：{'、'.join(allowed)}")
        ok = False
    fires = node.get("fires", True)
    if not isinstance(fires, bool):
        reader.err(f"文字示例「{name}」的 fires 应为 true 或 false，实为「{show(fires)}」", where(node, "fires"))
        ok = False
    quote = node.get("quote")
    if quote is not None and not isinstance(quote, str):
        reader.err(f"文字示例「{name}」的 quote 应为文字", where(node, "quote"))
        ok = False
    if not ok:
        return None
    return TextExample(name=name, task=node["task"].strip(), progress=node["progress"].strip(), period=period, kind=kind,
                       status=status, fires=fires, quote=quote, source=node.get("source"), line=getattr(node, "line", None))


def judge_text(book, task: str, progress: str, period: str, kind: str = "task", evaluator=None):
    """One item through the pipeline `duban check` runs: the Judgement (status, findings)."""
    from .. import extract
    from ..judge.classify import classify
    from ..derive import derive_item, time_progress
    from ..evaluate.plain import PlainEvaluator
    from ..facts.workspace import Entry, Item

    item = Item(id="T1" if kind == "task" else "I1", kind=kind, text=task, seq="1", targets=extract.read_targets(task))
    reading = extract.read_progress(progress, period)
    entry = Entry(id=item.id, text=progress, measures=reading["measures"], data_period=reading["data_period"],
                  stage=reading["stage"], flags=reading["flags"])
    tp = time_progress(period, None, book.params)
    derived = derive_item(item, entry, period, tp, book.params.get("aim_aggregation", "worst"))
    fired = (evaluator or PlainEvaluator(book.rules)).evaluate([derived.record])
    return classify([derived], fired, book)[0]


def run_text_example(book, rule_id: str, ex: TextExample, evaluator=None) -> tuple[bool, str]:
    """(passed, what happened in Chinese)."""
    judgement = judge_text(book, ex.task, ex.progress, ex.period, ex.kind, evaluator)
    fired = [f for f in judgement.findings if f.rule == rule_id]
    problems = []
    if judgement.status != ex.status:
        problems.append(f"状态应为「{ex.status}」，实为「{judgement.status}」")
    if ex.fires and not fired:
        problems.append(f"{rule_id} 应触发而未触发")
    if not ex.fires and fired:
        problems.append(f"{rule_id} 不应触发却触发了")
    if ex.quote and fired and not any(ex.quote in f.message for f in fired):
        problems.append(f"说明中应有「{ex.quote}」，实为「{fired[0].message}」")
    deciding = [f.rule for f in judgement.findings if f.status == judgement.status]
    got = f"实际「{judgement.status}」（{'、'.join(deciding) or judgement.status_reason}）"
    if problems:
        return False, "；".join(problems) + f"；{got}"
    return True, f"期望「{ex.status}」，{got}"
