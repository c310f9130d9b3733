"""The closed list of fact fields a rule may test. A rule naming any other field is an error.

Each field: type (num / str / bool), Chinese alias usable in rules, and what it means.
The derive step (engine/derive.py) fills exactly these, the same for both evaluators.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # "num" | "str" | "bool"
    alias: str  # Chinese name, accepted in rules
    meaning: str


FIELDS: dict[str, FieldSpec] = {f.name: f for f in (
    FieldSpec("kind", "str", "对象", "task（任务）或 indicator（指标）"),
    FieldSpec("text", "str", "任务原文", "任务或指标的原文"),
    FieldSpec("progress", "str", "进展原文", "本期进展/完成情况原文"),
    FieldSpec("has_progress", "bool", "有进展", "本期报送了非空的进展文字"),
    FieldSpec("placeholder", "bool", "占位进展", "进展只是占位文字（/、暂无、同上、无）"),
    FieldSpec("progress_len", "num", "进展字数", "进展文字的字数"),
    FieldSpec("target_kind", "str", "目标类型", "主要目标类型：growth 增速 / amount 数量 / count 个数 / ratio 比率 / milestone 节点 / qualitative 定性"),
    FieldSpec("quantified", "bool", "量化目标", "至少有一个带数字的目标"),
    FieldSpec("direction", "str", "目标方向", "以上 / 左右 / 以内（上限）"),
    FieldSpec("ratio", "num", "完成率", "实际数 ÷ 目标数（几个子目标取最低者）"),
    FieldSpec("time_progress", "num", "时序进度", "按报告期应达到的进度（默认 已过月数 ÷ 12；有完成时限的任务为 已过月数 ÷ 时限月，到期为 1）"),
    FieldSpec("shortfall", "num", "落后时序", "时序进度 − 完成率；正数表示落后于时序（个数类目标按整个计：2 个的目标 9 月应完成 1 个）"),
    FieldSpec("lead", "num", "领先时序", "完成率 − 时序进度；正数表示快于时序"),
    FieldSpec("growth_actual", "num", "实际增速", "报告的累计增速（%）"),
    FieldSpec("growth_target", "num", "目标增速", "全年目标增速（%）"),
    FieldSpec("growth_shortfall", "num", "增速差距", "目标增速 − 实际增速（百分点）；正数表示低于目标"),
    FieldSpec("limit_excess", "num", "超出上限", "实际值 − 上限（以内类目标）；正数表示超限"),
    FieldSpec("stage", "str", "项目阶段", "未启动 / 前期 / 开工 / 主体施工 / 完工 / 投用"),
    FieldSpec("stage_rank", "num", "阶段序号", "0 未启动 … 5 投用"),
    FieldSpec("aims", "num", "子目标数", "任务中带数字的目标个数（复合任务有多个，逐个判断）"),
    FieldSpec("aims_unread", "num", "未读子目标数", "其中进展里没有找到可比数字的个数"),
    FieldSpec("target_stage_rank", "num", "目标阶段序号", "节点目标要求达到的阶段：2 开工 / 4 建成 / 5 投用（1 表示目标就是前期工作）"),
    FieldSpec("stage_gap", "num", "阶段差", "目标阶段序号 − 阶段序号；0 或负数表示已达到目标要求的阶段"),
    FieldSpec("done_stated", "bool", "写明完成", "进展写明已完成（已竣工、已全部完工、已建成投用等），且无未完成或预计说法"),
    FieldSpec("ahead_stated", "bool", "写明不落后时序", "进展写明超序时进度、按时序推进，但没有给出数字"),
    FieldSpec("flags", "str", "进展标记", "从进展中识别出的标记，以、分隔，如 、暂缓、被通报、"),
    FieldSpec("data_end_month", "num", "数据截止月", "进展数据截止的月份"),
    FieldSpec("data_lag_months", "num", "数据滞后月数", "报告期月份 − 数据截止月份；正数表示数据偏旧"),
    FieldSpec("month", "num", "报告月份", "报告期的月份（2023-09 → 9）"),
    FieldSpec("due_month", "num", "完成时限月", "任务要求在年底前完成的月份（完成时限 6月底前 → 6；上一年的时限 → 0）；没有或年底为时限时缺失，时序进度按此计算"),
    FieldSpec("forecast_only", "bool", "仅预计数", "只有预计/计划数，没有实际数"),
)}

ALIASES: dict[str, str] = {spec.alias: name for name, spec in FIELDS.items()}

TYPE_ZH = {"num": "数字", "str": "文字", "bool": "是/否"}


def resolve_field(name: str) -> str | None:
    if name in FIELDS:
        return name
    return ALIASES.get(name)


def fields_markdown() -> str:
    """The field table in docs/rules.md (tests check the doc carries exactly this).
    Regenerate with: python -m engine.rulebook.fields"""
    rows = ["| 字段 | 中文名（规则中可用） | 类型 | 含义 |", "|---|---|---|---|"]
    rows += [f"| `{f.name}` | {f.alias} | {TYPE_ZH[f.type]} | {f.meaning} |" for f in FIELDS.values()]
    return "\n".join(rows)


if __name__ == "__main__":
    print(fields_markdown())
