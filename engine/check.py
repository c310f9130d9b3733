"""`duban check`: load → derive → evaluate → classify → result (the JSON contract) → render.

Earlier periods in the workspace are judged too (same rules), so escalation can follow a streak.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .judge.classify import Judgement, classify
from .derive import derive_workspace
from .errors import InputError
from .evaluate import DEFAULT_ENGINE, make_evaluator, resolve_engine
from .facts.workspace import Workspace, load_workspace
from .facts_cache import prime_lexicon
from .periods import default_as_of, period_label  # noqa: F401  (period_label re-exported)
from .progress import track
from .render.names import output_file_names
from .result import METRIC_FIELDS, RESULT_SCHEMA, build_result, item_result, rule_entry  # noqa: F401  (re-exported)
from .rulebook.ir import Rulebook
from .rulebook.load import default_rules_dir, load_rulebook
from .facts.waivers import active_waivers, load_waivers, waiver_report


@dataclass
class CheckRun:
    result: dict
    judgements: list[Judgement]
    rulebook: Rulebook
    workspace: Workspace
    engine_notice: str | None = None  # set when `auto` fell back to the vectorised evaluator


def data_digest(ws_path: Path, period: str) -> str:
    digest = hashlib.sha256()
    for path in [ws_path / "plan.yaml", ws_path / "progress" / f"{period}.yaml", ws_path / "waivers.yaml"]:
        if path.is_file():  # not exists(): a FIFO would block read_bytes(); the loaders refuse it by name
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return "sha256:" + digest.hexdigest()[:16]


def judge_period(ws: Workspace, period: str, book: Rulebook, evaluator, waived: dict | None = None) -> tuple[list[Judgement], float]:
    return judge_periods(ws, [period], book, evaluator, waived)[0]


def judge_periods(ws: Workspace, periods: list[str], book: Rulebook, evaluator, waived: dict | None = None) -> list[tuple]:
    """judge_period for each period, with one evaluator call for all of them (durable_rules starts its worker and
    builds its rulesets once, not once per period); a record's firings do not depend on the others in the batch."""
    derived = [derive_workspace(ws, period, book.params) for period in periods]
    fired = evaluator.evaluate([d.record for items, _ in derived for d in items])
    out, pos = [], 0
    for items, tp in derived:
        out.append((classify(items, fired[pos:pos + len(items)], book, waived), tp))
        pos += len(items)
    return out


def load_inputs(workspace, period: str, rules_dir) -> tuple[Rulebook, Workspace]:
    book = load_rulebook(rules_dir or default_rules_dir())
    ws = load_workspace(workspace)
    if period not in ws.progress:
        have = "、".join(sorted(ws.progress)) or "无"
        raise InputError(f"工作区没有 {period} 的进展文件", file=str(Path(workspace) / "progress" / f"{period}.yaml"),
                         hint=f"已有报告期：{have}")
    return book, ws


def run_check(workspace: str | Path, period: str, rules_dir: str | Path | None = None, engine: str = DEFAULT_ENGINE) -> CheckRun:
    engine, notice = resolve_engine(engine)
    prime_lexicon(Path(workspace))  # the lexicon's documents from the workspace's cache, its finders compiled if used
    book, ws = load_inputs(workspace, period, rules_dir)
    evaluator = make_evaluator(engine, book.rules)
    waivers = load_waivers(ws.path, set(ws.plan.by_id()), {r.id for r in book.rules})
    return check_loaded(ws, period, book, evaluator, waivers, notice)


def check_loaded(ws: Workspace, period: str, book: Rulebook, evaluator, waivers: list, notice: str | None = None,
                 memo: dict | None = None) -> CheckRun:
    """run_check on inputs already loaded. `memo` ({} shared across periods of one workspace, as duban rollup
    does) keeps each period's judgement under the same active waivers, so it is not judged again."""
    progress = ws.progress[period]
    as_of = progress.as_of or default_as_of(period)
    active = {key: w.to_dict() for key, w in active_waivers(waivers, as_of).items()}
    memo = {} if memo is None else memo
    waived_key = repr(sorted(active.items()))

    def judged(p: str):
        if (p, waived_key) not in memo:
            memo[(p, waived_key)] = judge_period(ws, p, book, evaluator, active)
        return memo[(p, waived_key)]

    history = []
    earlier_periods = sorted(p for p in ws.progress if p < period)
    todo = [p for p in earlier_periods + [period] if (p, waived_key) not in memo]
    for p, judgement in zip(todo, judge_periods(ws, todo, book, evaluator, active) if todo else []):
        memo[(p, waived_key)] = judgement
    for earlier in track(earlier_periods, f"判定此前 {len(earlier_periods)} 个报告期"):
        history.append((earlier, {j.derived.item.id: j.status for j in judged(earlier)[0]}))
    judgements, tp = judged(period)
    used = {(j.derived.item.id, f.rule) for j in judgements for f in j.findings if f.waived}
    items = [item_result(j, period, history, book.params) for j in judgements]
    result = build_result(workspace=ws.name, region=ws.plan.region, year=ws.plan.year, period=period,
                          as_of=progress.as_of, time_progress=tp, book=book, engine=evaluator.name,
                          data_digest=data_digest(ws.path, period), judgements=judgements, items=items,
                          history=history, waivers=waiver_report(waivers, used, as_of))
    result["file_names"] = output_file_names(result)  # one notice / leader file per name, even when names clean alike
    return CheckRun(result=result, judgements=judgements, rulebook=book, workspace=ws, engine_notice=notice)
