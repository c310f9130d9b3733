"""The memo's words, written once: every sentence of memo.md, memo.html and memo.docx comes from here, and
the memo audit (engine/audit/checks/memo.py) reads counts with the same phrases.

- `reason()`: why a task lags, the way an office writes it (规上工业战略性新兴产业产值增速5.7%，低于年度目标
  9.3个百分点) — from the figures that decided, never repeating a figure in quotes; the quoted evidence stays
  in the annex (完成情况) and in `duban explain`.
- `MemoProse`: the cover's sentences, the lagging / indicator / 待核实 items, the 说明 on tasks listed
  under several 序号, the 附件 list. Templates place them; they do not re-word them."""

from __future__ import annotations

import re
from dataclasses import dataclass

# the phrase the memo prints after each count, the statuses it counts (None: all plan tasks); the audit's
# count reader (engine/audit/checks/memo.py TASK_KEYS) takes these phrases as its first keywords
TASK_PHRASES = (
    ("total", "项重点工作任务中", None),
    ("normal", "项正常推进", ("正常", "超时序", "已完成")),
    ("lagging", "项推进较为滞后", ("滞后", "严重滞后")),
    ("unclear", "项需进一步核实", ("待核实",)),
    ("adjusted", "项经批准调整", ("已调整",)),
    ("done", "已完成", ("已完成",)),
    ("ahead", "超时序推进", ("超时序",)),
    ("serious", "严重滞后", ("严重滞后",)),
)
INDICATOR_PHRASES = (
    ("total", "项主要指标中", None),
    ("met", "项符合预期", ("符合预期",)),
    ("missed", "项不达预期", ("不达预期",)),
    ("on_schedule", "项符合时间节点要求", ("符合时间节点要求",)),
    ("unclear", "项需进一步核实", ("待核实",)),
)
SENTENCE_END = "。！？；.!?;"
NOTE_TASKS = 12  # the 说明 names at most this many merged tasks
_PREFIXES = re.compile(r"^(?:存在问题|主要问题|问题|困难|备注)[：:]\s*")
_QUOTED_ASIDE = re.compile(r"（「[^」]*」[^（）]*）")  # （「同比增长0.2%」） / （「建设2万亩」；目标「…」）
_SUBTARGETS = re.compile(r"[；;]\s*各子目标[：:].*$")
_RULE_PREFIX = re.compile(r"^[A-Z]+-[A-Z]+-\d+[：:]\s*")
_LEAD_WORDS = re.compile(r"^(?:力争|确保|推动|实现|全年|年内|完成|其中)+")
_TAIL_WORDS = re.compile(r"(?:均|都|要|力争|同比|分别|年均|累计)+$")
_UNIT_SUFFIX = re.compile(r"[（(][^）)]*[）)]\s*$")
_GROWTH_WORD = re.compile(r"(?:增长|增速|增幅|增加)$")


def num(value: float, digits: int = 2) -> str:
    """5.7 → 5.7, 10.0 → 10, 9.299999 → 9.3: figures as a person writes them."""
    text = f"{round(float(value), digits):.{digits}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def sentence(text: str) -> str:
    text = (text or "").rstrip()
    return text if not text or text[-1] in SENTENCE_END else text + "。"


def _subject(raw: dict, target_quote: str | None) -> str:
    """What grows: the words before the target in the task text (…，战略性新兴产业产值增长15% → 战略性新兴产业产值),
    or the indicator's name without its unit (进出口总额增速（%） → 进出口总额)."""
    if raw.get("kind") == "indicator":
        return _GROWTH_WORD.sub("", _UNIT_SUFFIX.sub("", raw.get("name") or "").strip())
    text = raw.get("text") or ""
    at = text.find(target_quote) if target_quote else -1
    if at <= 0:
        return ""
    head = re.split(r"[，,。；;：:、]", text[:at])[-1]
    return _TAIL_WORDS.sub("", _LEAD_WORDS.sub("", head.strip()))


def _growth(raw: dict, f) -> str | None:
    m = raw.get("metrics") or {}
    actual, target = m.get("growth_actual"), m.get("growth_target")
    if actual is None or target is None or "growth_shortfall" not in f.values:
        return None
    subject = _subject(raw, f.target_quote)
    gap = num(target - actual)
    said = f"同比下降{num(-actual)}%" if actual < 0 else f"增速{num(actual)}%"
    goal = "目标" if raw.get("kind") == "indicator" and raw.get("annual_target_text") else "年度目标"  # 全年目标10%，…
    return f"{subject}{said}，低于{goal}{gap}个百分点"


def _ratio(raw: dict, f) -> str | None:
    m = raw.get("metrics") or {}
    ratio, tp = m.get("ratio"), m.get("time_progress")
    if ratio is None or tp is None or "shortfall" not in f.values:
        return None
    done = (f"完成{num(ratio * 100, 0)}%，已到完成时限，未完成目标" if tp >= 1  # the deadline, or the year's end
            else f"完成{num(ratio * 100, 0)}%，低于时序进度{num((tp - ratio) * 100, 0)}个百分点")
    if f.quote and f.target_quote:
        target = _LEAD_WORDS.sub("", f.target_quote)
        return f"年度目标{target}，目前{_PREFIXES.sub('', f.quote)}，{done}"
    return done


def _evidence(f) -> str | None:
    """A stall / escalation / risk finding: the reported clause holding the decisive words, as prose
    (项目暂缓实施, 无法按原计划投产，被市政府办公厅通报), without the clauses around it."""
    matched, quote = getattr(f, "matched", None), f.quote
    if not quote:
        return None
    clauses = [c.strip() for c in re.split(r"[，,；;。]", _PREFIXES.sub("", quote)) if c.strip()]
    if not clauses:
        return None
    at = next((k for k, c in enumerate(clauses) if matched and matched in c), len(clauses) - 1)
    picked = clauses[max(0, at - 1):at + 1]
    return _PREFIXES.sub("", "，".join(picked))


def _plain(message: str) -> str:
    """A rule's message without its quoted evidence and sub-target bookkeeping."""
    text = _SUBTARGETS.sub("", _RULE_PREFIX.sub("", message or ""))
    text = _QUOTED_ASIDE.sub("", text)
    text = re.sub(r"^[^：:「」，。]{2,12}[：:]\s*「([^」]*)」", r"\1", text)  # 已被上级点名：「被…通报」 → 被…通报
    text = re.sub(r"[：:]\s*「([^」]*)」", r"：\1", text)
    return text.replace("「", "").replace("」", "").rstrip("。；; ")


def reason(raw: dict, issues) -> str:
    """One or two clauses on what lags, from the findings that decided (most severe first), ending with 。"""
    parts: list[str] = []
    quotes = set()
    for f in issues:
        if f.quote and f.quote in quotes:
            continue  # two rules on the same reported words: one sentence
        quotes.add(f.quote)
        # a stage short of the target at the deadline (R-DL-01) is said by the rule: its quote is only the stage word
        staged = (_plain(re.sub(r"[：:]\s*「[^」]*」\s*$", "", f.message))
                  if "stage_gap" in f.values and "time_progress" in f.values else None)
        text = _growth(raw, f) or _ratio(raw, f) or staged or _evidence(f) or _plain(f.message)
        text = text.rstrip("。；; ")
        if text and not any(text in p or p in text for p in parts):
            parts.append(text)
        if len(parts) == 2:
            break
    if not parts and raw.get("status_reason"):
        parts = [_plain(raw["status_reason"])]
    return sentence("；".join(p for p in parts if p)) if any(parts) else ""


def unclear_reason(status_reason: str) -> str:
    """Why a task is 待核实, without the rule number (R-EV-02：本期未报送有效进展 → 本期未报送有效进展)."""
    return sentence(_plain(status_reason))


@dataclass(frozen=True)
class Item:
    """A numbered memo paragraph: a bold lead-in (1.任务文字。) and the sentence after it."""
    id: str
    lead: str
    body: str

    @property
    def text(self) -> str:
        return self.lead + self.body


@dataclass(frozen=True)
class ProseGroup:
    title: str
    items: tuple


@dataclass(frozen=True)
class MemoProse:
    intro: str
    tasks_overview: str
    indicators_overview: str
    note: str
    lagging_groups: tuple
    no_lagging: str
    indicator_items: tuple
    no_missed: str
    unclear_intro: str
    attachments: tuple


def tasks_overview(c, adjusted) -> str:
    head = f"{c.tasks_total}项重点工作任务中，{c.tasks_normal}项正常推进，{c.tasks_lagging}项推进较为滞后"
    head += f"，{c.tasks_unclear}项需进一步核实" if c.tasks_unclear else ""
    head += f"，{c.tasks_adjusted}项经批准调整（暂缓、取消或调整目标）" if c.tasks_adjusted else ""
    text = head + f"。正常推进的任务中，已完成{c.tasks_done}项、超时序推进{c.tasks_ahead}项"
    if c.tasks_lagging:
        text += f"；推进较为滞后的任务中，严重滞后{c.tasks_serious}项"
    text += "。"
    if adjusted:
        text += "经批准调整的任务是：" + "；".join(f"{t.text.rstrip('。')}（序号{t.seqs_text}）" for t in adjusted) + "。"
    return text


def indicators_overview(c) -> str:
    if not c.indicators_total:
        return ""
    text = (f"{c.indicators_total}项主要指标中，{c.indicators_met}项符合预期，{c.indicators_missed}项不达预期，"
            f"{c.indicators_on_schedule}项符合时间节点要求")
    text += f"，{c.indicators_unclear}项需进一步核实" if c.indicators_unclear else ""
    return text + "（详见附件1）。"


def duplicate_note(rows_total: int, merged: list) -> str:
    """说明 on the counting rule, with the tasks it applies to (merged: plan-task views with also_seqs)."""
    if not merged:
        return ""
    extra = sum(len(t.also_seqs) for t in merged)
    pairs = "，".join(_and(t.seqs_text.split("、")) for t in merged[:NOTE_TASKS])
    pairs += f"等{len(merged)}项任务" if len(merged) > NOTE_TASKS else ""
    return (f"说明：进展表共{rows_total}行，其中{extra}行与另一行是同一计划任务（序号{pairs}）。"
            "本报告按计划任务计数，每项任务只列一次，附件的序号栏并列该任务的全部序号。")


def _and(names: list[str]) -> str:
    """17和71 / 51、97、136和202"""
    return names[0] if len(names) == 1 else "、".join(names[:-1]) + "和" + names[-1]


def task_item(n: int, t) -> Item:
    return Item(t.id, f"{n}.{sentence(t.text)}", f"{t.lag_text}（责任单位：{t.lead_units_text or '—'}）")


def indicator_item(n: int, i) -> Item:
    target = f"全年目标{i.annual_target_text}，" if i.annual_target_text else ""
    return Item(i.id, f"{n}.{i.name}。", f"{target}{i.lag_text}（责任单位：{i.lead_units_text or '—'}）")


def unclear_intro(unclear) -> str:
    """The 待核实 tasks are listed, with what is to be checked, in 附件4."""
    if not unclear:
        return "本期没有需进一步核实的任务。"
    return f"{len(unclear)}项任务本期进展无法判定，需责任单位补报可比的进展数据，具体任务和需核实的内容见附件4。"
