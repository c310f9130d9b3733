"""Merge imported rows into the workspace's plan and progress (ruamel round-trip nodes).

Every field the importer owns goes through `put`, which asks ImportState whether a value there was
edited by hand; empty incoming values never erase what is there.
"""

from __future__ import annotations

import re

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .. import extract
from .rows import RowRecord
from ..progress import track
from .join import Candidate, join_key, join_rows

_UNIT_IN_NAME = re.compile(r"[（(]([^）)]{1,6})[）)]\s*$")
# a bare figure with its bound around it: 5.5以内 / 不超过5.5 / 3以下 under 城镇调查失业率（%） — the unit goes after the figure
_BOUNDED_NUMBER = re.compile(r"^(?P<pre>(?:控制在|不超过|不高于|不低于|低于|高于|[≥≤><约])?\s*[-+]?\d+(?:\.\d+)?)"
                             r"(?P<post>\s*(?:以内|以下|之内|以上|左右))?$")
READING_KEYS = ("measures", "data_period", "stage", "flags")


def indicator_target_text(name: str, annual: str | None) -> str:
    """'地区生产总值增长（%）' + '6.5' → '地区生产总值增长6.5%' — what the target reader understands."""
    name = re.sub(r"[*＊]+\s*$", "", name.strip())  # "森林覆盖率（%）*": the * marks a binding indicator
    unit_match = _UNIT_IN_NAME.search(name)
    stem = _UNIT_IN_NAME.sub("", name).strip()
    if not annual or annual.strip() in ("/", "／", "—", "-", "无"):
        return stem
    annual = annual.strip()
    bounded = _BOUNDED_NUMBER.match(annual)
    if bounded:
        post = bounded.group("post") or ""
        if _is_ceiling(stem) and post.strip() in ("", "左右") and not re.match(r"^[≥≤><]|^(不低于|高于|不超过|不高于|低于|控制在)", annual):
            post = "以内"  # 城镇调查失业率｜5.5, 居民消费价格涨幅｜3左右: the figure is a ceiling
        annual = bounded.group("pre") + (unit_match.group(1) if unit_match else "") + post
    return annual if annual.startswith(stem[:4]) else f"{stem}{annual}"


def _is_ceiling(name: str) -> bool:
    """An indicator the lower the better (rules/lexicon/markers.yaml 上限指标), not a reduction (能耗下降3%)."""
    if re.search(r"下降|降低|减少|削减|压减|降幅", name):
        return False
    return any(word in name for word in extract.get_lexicon().markers["ceiling_name"])


def task_targets(text: str, annual: str | None) -> list[dict]:
    """A task's targets from its text; when the table states them in a separate 全年目标 column
    ("推进农村公路建设" | "新改建农村公路120公里"), from that column, which then holds the figures."""
    if annual and annual.strip() not in ("/", "／", "—", "-", "无"):
        stated = extract.read_targets(annual)
        if any(t.get("quantity") is not None or t.get("kind") == "milestone" for t in stated):
            return stated  # figures, or a milestone (建成区文化馆新馆) the text column does not name
    return extract.read_targets(text)


_BARE_ACTUAL = re.compile(r"^(?P<pre>[预计约近≥≤><]*)\s*(?P<num>[-+]?\d+(?:\.\d+)?)\s*(?P<unit>%|％)?\s*(?P<post>以上|左右|以内|以下)?$")


def read_entry(item, text: str, period: str | None) -> dict:
    """A progress reading. An indicator's actual given as a bare figure ("2.6" under 2022年完成情况, the
    unit in the name 地区生产总值增速（%）) is read as the name says ("地区生产总值增速2.6%"); each measure
    then quotes the whole cell, so quote == text[span] still holds."""
    bare = _BARE_ACTUAL.match(text.strip()) if item.get("name") else None
    if not bare:
        return extract.read_progress(text, period)
    composed = indicator_target_text(str(item["name"]), bare.group("num") + (bare.group("unit") or ""))
    composed = composed.replace(bare.group("num"), f"{bare.group('pre')}{bare.group('num')}", 1) if bare.group("pre") else composed
    reading = extract.read_progress(composed + (bare.group("post") or ""), period)
    start = len(text) - len(text.lstrip())
    for measure in reading["measures"]:
        measure["span"], measure["quote"] = [start, start + len(text.strip())], text.strip()
    reading["stage"], reading["flags"] = None, []  # a figure alone states neither
    return reading


def compact(value):
    """Readings as a clerk wants to read them: no null keys, short number lists on one line ([6, 12])."""
    if isinstance(value, dict):
        node = CommentedMap()
        for key, inner in value.items():
            if inner is not None and inner != []:
                node[key] = compact(inner)
        return node
    if isinstance(value, list):
        seq = CommentedSeq(compact(v) for v in value)
        if len(value) <= 4 and all(isinstance(v, (int, float, str)) for v in value):
            seq.fa.set_flow_style()
        return seq
    return value


def child(node: CommentedMap, key: str, empty=CommentedSeq):
    """node[key], to add to: a group a hand-written file leaves out (or writes as `tasks:` with nothing after it)
    starts empty; one written inline (`tasks: [{id: T001, …}]`) goes on in block style, one item per line."""
    if node.get(key) is None:
        node[key] = empty()
    node[key].fa.set_block_style()
    return node[key]


class Merger:
    def __init__(self, plan, progress, period, report, state):
        self.plan, self.progress, self.period, self.report, self.state = plan, progress, period, report, state
        self.progress_scope = f"progress/{period}"
        self.used_ids = {str(item.get("id")) for group in ("indicators", "tasks") for item in plan.get(group) or []}

    def next_id(self, items, prefix: str, width: int) -> str:
        n = len(items) + 1
        while f"{prefix}{n:0{width}d}" in self.used_ids:
            n += 1
        self.used_ids.add(f"{prefix}{n:0{width}d}")
        return f"{prefix}{n:0{width}d}"

    def put(self, node, scope: str, key: str, value, *, allow_empty: bool = False) -> None:
        if value in (None, "", []) and not allow_empty:
            return
        if isinstance(value, list) and not isinstance(value, CommentedSeq):
            value = CommentedSeq(value)
        item_id = node.get("id") or node.get("_id")
        current = node.get(key)
        if self.state.may_write(scope, item_id, key, current, value):
            if value is None:
                node.pop(key, None)
            else:
                node[key] = value
            self.state.record(scope, item_id, key, value)

    def merge(self, records: list[RowRecord], kind: str, source: str, status: str | None, has_progress: bool) -> None:
        items = child(self.plan, kind)
        progress = self.progress if has_progress else None
        candidates = [Candidate(i, str(it.get("seq")) if it.get("seq") is not None else None,
                                str(it.get("name") or it.get("text") or "")) for i, it in enumerate(items)]
        joined = join_rows(candidates, [(r.seq, r.name or r.text) for r in records], use_seq=status is None)
        prefix, width = ("I", 2) if kind == "indicators" else ("T", 3)
        by_key = {}
        for item in items:
            by_key.setdefault(join_key(str(item.get("name") or item.get("text") or "")), item)
        for record, join in track(list(zip(records, joined)), f"导入 {len(records)} 行"):
            if (join.target is not None and status is not None and progress is not None
                    and items[join.target]["id"] in (progress.get("entries") or {})):
                # a status annex repeating tasks already reported: only note what the source said
                self._entry_put(items[join.target]["id"], "reported_status", status)
                self.report.add_stat("reported_status")
                continue
            if join.target is None:
                node = self._new_item(items, record, prefix, width, by_key, join, candidates, progress, kind)
            else:
                node = items[join.target]
                self.report.add_stat(f"{kind}_matched_{join.how[:2]}")
            self.update_item(node, record, kind)
            if progress is not None and record.progress:  # a blank progress cell is no report (check refuses an entry without text)
                self.update_entry(node, record, source)
                if status is not None:
                    self._entry_put(node["id"], "reported_status", status)
                self.report.add_stat("progress_entries")

    def _new_item(self, items, record, prefix, width, by_key, join, candidates, progress, kind):
        # a report may list one plan task twice (under two leaders): a task of its own, linked
        original = by_key.get(join_key(record.name or record.text))
        node = CommentedMap()
        node["id"] = self.next_id(items, prefix, width)
        items.append(node)
        if original is not None:
            self.put(node, "plan", "duplicate_of", original["id"])
            for key in ("category", "leaders", "lead_units", "coop_units"):
                value = original.get(key)
                # a copy: a shared list would be written as a YAML anchor/alias pair
                self.put(node, "plan", key, list(value) if isinstance(value, list) else value)
        self.report.add_stat(f"{kind}_duplicate" if original is not None else f"{kind}_new")
        if candidates and join.how == "歧义":
            self.report.warnings.append(f"{record.ref}「{record.text[:20]}…」{join.detail}，已作为新条目导入，请人工核对")
        elif candidates and original is None and progress is not None:
            self.report.unmatched.append(f"{record.ref}「{record.text[:30]}」")
        return node

    def update_item(self, node: CommentedMap, record: RowRecord, kind: str) -> None:
        if not node.get("seq"):  # the plan's numbering stays; a report's 序号 is kept on its progress entry
            self.put(node, "plan", "seq", record.seq)
        self.put(node, "plan", "category", record.category)
        if kind == "indicators":
            self.put(node, "plan", "name", record.name)
            self.put(node, "plan", "text", record.name)
            self.put(node, "plan", "annual_target_text", record.annual_target)
        else:
            self.put(node, "plan", "text", record.text)
            self.put(node, "plan", "annual_target_text", record.annual_target)  # a separate 全年目标 column
        self.put(node, "plan", "deadline", record.deadline)
        for key in ("leaders", "lead_units", "coop_units"):
            self.put(node, "plan", key, getattr(record, key))
        if not node.get("reviewed"):
            if kind == "indicators":
                targets = extract.read_targets(indicator_target_text(record.name or record.text, node.get("annual_target_text")))
            else:
                targets = task_targets(node["text"], node.get("annual_target_text"))
            self.put(node, "plan", "targets", compact(targets), allow_empty=True)
        for key in ("leaders", "lead_units", "coop_units", "targets"):
            node.setdefault(key, CommentedSeq())

    def _entry(self, item_id: str) -> CommentedMap:
        entries = child(self.progress, "entries", CommentedMap)
        if item_id not in entries:
            entries[item_id] = CommentedMap()
        entry = entries[item_id]
        if isinstance(entry, str):  # the shorthand "T001: 进展" written by hand
            entry = entries[item_id] = CommentedMap([("text", entry)])
        return entry

    def _entry_put(self, item_id: str, key: str, value) -> None:
        entry = self._entry(item_id)
        entry["_id"] = item_id
        try:
            self.put(entry, self.progress_scope, key, value)
        finally:
            del entry["_id"]

    def update_entry(self, item: CommentedMap, record: RowRecord, source: str) -> None:
        item_id = item["id"]
        entry = self._entry(item_id)
        self._entry_put(item_id, "text", record.progress)
        self._entry_put(item_id, "source_seq", record.seq)
        if record.text != item.get("text") and record.text != item.get("name"):
            self._entry_put(item_id, "source_text", record.text)
        if source.rsplit("/", 1)[-1] not in [str(s) for s in self.progress.get("source") or []]:
            child(self.progress, "source").append(source.rsplit("/", 1)[-1])
        if not entry.get("reviewed"):
            reading = read_entry(item, record.progress or "", self.period)
            for key in READING_KEYS:
                value = compact(reading[key]) if reading.get(key) else None
                if value is not None or key in entry:
                    entry["_id"] = item_id
                    try:
                        self.put(entry, self.progress_scope, key, value, allow_empty=True)
                    finally:
                        del entry["_id"]
