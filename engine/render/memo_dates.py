"""The memo's date against the data it quotes: a memo dated 2023年9月30日 (the as-of date by default) that
quotes 截至10月底 is flagged when `duban check` writes it, with the row and the words, so the clerk gives the
real date (`--date`) or moves the figure to the next report. The memo audit (A-MM-07) reads the same rule."""

from __future__ import annotations

from ..audit.checks.dates import later_periods


def date_warnings(result: dict, date: str | None = None) -> list[str]:
    """One line per quoted data period that ends after the memo's date (date, or the as-of date)."""
    date = date or result.get("as_of") or f"{result['period']}-28"
    out = []
    for item in result["tasks"] + result["indicators"]:
        text = item.get("progress_text") or ""
        for start, stop, end in later_periods(text, date, result["year"]):
            out.append(f"报告日期 {date} 早于序号 {item.get('seq') or item['id']} 引用的数据期「{text[start:stop]}」（至 {end}）："
                       "用 --date 写上实际成文日期，或核实该数据")
    return out
