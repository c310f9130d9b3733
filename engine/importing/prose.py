"""A report written as numbered paragraphs instead of a table, read as the table it would have been.

Some offices send the quarter's progress as prose:

    一、扎实推进产业发展
    1.新建5G基站300个。（牵头单位：区经信委；责任领导：王副区长）
    进展情况：截至9月底，已建成5G基站240个。
    存在问题：……            ← joins the progress, as a 存在问题 column does
    下步打算：……            ← left out, as a 下步打算 column is

Each numbered item becomes one row (序号 | 分类 | 目标任务 | 责任领导 | 牵头单位 | 配合单位 | 进展情况), so header
recognition, joining and extraction downstream are the same as for a table. Only used for a document with no table.
"""

from __future__ import annotations

import re

from .tables import SourceTable

HEADER = ["序号", "分类", "目标任务", "责任领导", "牵头单位", "配合单位", "进展情况"]
_CATEGORY = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])\s*\S")
_ITEM = re.compile(r"^(?:(\d{1,3})[.．、](?!\d)|[（(](\d{1,3})[）)])\s*(\S.*)$")
_PROGRESS = re.compile(r"(?:进展情况|推进情况|完成情况|工作进展|落实情况|进展)\s*[:：]")
_PROBLEMS = re.compile(r"^(?:存在的?问题|问题和困难|困难和问题|存在困难)\s*[:：]\s*")
_NEXT = re.compile(r"^(?:下一?步(?:工作)?(?:打算|计划|措施|安排)?|下阶段工作)\s*[:：]")
_DUTY = re.compile(r"[（(]([^（）()]*(?:单位|领导|部门|责任人)[^（）()]*)[）)]\s*[。；;]?\s*$")
_ROLE = {"配合": 5, "协办": 5, "领导": 3, "责任人": 3}  # else 牵头单位 (column 4)
MIN_ITEMS = 2


def _duties(task: str) -> tuple[str, dict[int, str]]:
    """The task without its trailing （牵头单位：X；责任领导：Y）, and the named people and units by column."""
    m = _DUTY.search(task)
    if not m:
        return task, {}
    found: dict[int, str] = {}
    for part in re.split(r"[；;]", m.group(1)):
        if "：" not in part and ":" not in part:
            continue
        role, names = re.split(r"[:：]", part, maxsplit=1)
        col = next((c for word, c in _ROLE.items() if word in role), 4)
        found[col] = "、".join(filter(None, (found.get(col), names.strip())))
    return (task[:m.start()].rstrip() if found else task), found


def prose_table(paragraphs: list[str], source: str) -> SourceTable | None:
    """The numbered items of a report without tables, as a SourceTable; None when it has too few to be one."""
    rows: list[list[str]] = [HEADER]
    refs, title, category = ["正文表头"], None, ""
    current: list[str] | None = None
    progress: list[str] = []

    def close():
        if current is not None:
            current[6] = "".join(p if p.endswith(("。", "；", ";")) else f"{p}。" for p in progress[:-1]) + (progress[-1] if progress else "")

    skipping = False  # inside a 下步打算 paragraph run
    for n, text in enumerate(paragraphs, start=1):
        text = text.strip()
        item = _ITEM.match(text)
        if item:
            close()
            seq, body = item.group(1) or item.group(2), item.group(3)
            inline = _PROGRESS.search(body)
            task, said = (body[:inline.start()].rstrip(), body[inline.end():].strip()) if inline else (body, "")
            task, duties = _duties(task)
            current = [seq, category, task, "", "", "", ""]
            for col, names in duties.items():
                current[col] = names
            rows.append(current)
            refs.append(f"正文第{n}段")
            progress, skipping = ([said] if said else []), False
        elif _CATEGORY.match(text):
            close()
            current, progress, category = None, [], text
        elif current is None:
            title = title or text
        elif _NEXT.match(text):
            skipping = True
        elif _PROGRESS.match(text):
            progress.append(_PROGRESS.sub("", text, count=1).strip())
            skipping = False
        elif _PROBLEMS.match(text):
            progress.append("存在问题：" + _PROBLEMS.sub("", text, count=1))
            skipping = False
        elif not skipping:
            progress.append(text)  # the report's next paragraph without a label
    close()
    items = rows[1:]
    if len(items) < MIN_ITEMS or not any(r[6] for r in items):
        return None
    note = f"正文：文档中没有表格，按编号段落读出 {len(items)} 项（「进展情况：」之后为进展，「下步打算」不导入）"
    return SourceTable(source, "正文", rows, title, refs, warnings=[note])
