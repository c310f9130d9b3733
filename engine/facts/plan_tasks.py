"""Plan tasks, not progress-table rows: the progress table may list one plan task under several 序号
(Fuling 序号 17 and 71; 升规升限80户 under four). Every count a person reads — the memo, `duban eval`,
the memo audit — counts and lists such a task once; this module is the one definition of that rule.

- rows belong together when `duplicate_of` links them (chains followed to the first listing);
- a plan task's status is its most urgent row's (严重滞后 before 滞后 before 待核实 …), so the statuses
  of the plan tasks always add up to the number of plan tasks."""

from __future__ import annotations

from typing import Callable, Iterable, Sequence, TypeVar

from ..statuses import URGENCY

T = TypeVar("T")



def task_roots(tasks: Iterable[dict]) -> Callable[[str], str]:
    """id → the id of the task's first listing (duplicate_of chains followed), for counts per plan task."""
    parent = {t["id"]: t.get("duplicate_of") for t in tasks}

    def root(item_id: str) -> str:
        seen = set()
        while parent.get(item_id) and item_id not in seen:
            seen.add(item_id)
            item_id = parent[item_id]
        return item_id
    return root


def urgency(status: str | None) -> int:
    return URGENCY.index(status) if status in URGENCY else len(URGENCY)


def group_rows(rows: Sequence[T], ident: Callable[[T], str], duplicate_of: Callable[[T], str | None]) -> list[list[T]]:
    """The rows of each plan task together, plan tasks in the order of their first listing, rows in table order."""
    root = task_roots({"id": ident(r), "duplicate_of": duplicate_of(r)} for r in rows)
    groups: dict[str, list[T]] = {}
    for r in rows:
        groups.setdefault(root(ident(r)), []).append(r)
    return list(groups.values())


def lead_row(rows: Sequence[T], status: Callable[[T], str]) -> T:
    """The row that speaks for a plan task: its most urgent one (the first such in table order)."""
    return min(rows, key=lambda r: urgency(status(r)))


def plan_statuses(items: Sequence[dict]) -> dict[str, str]:
    """result.json items → {id of the plan task's lead row: the plan task's status}."""
    out = {}
    for rows in group_rows(items, lambda i: i["id"], lambda i: i.get("duplicate_of")):
        lead = lead_row(rows, lambda i: i["status"])
        out[lead["id"]] = lead["status"]
    return out
