"""click's help layout for Chinese text: headings in Chinese, columns measured in terminal cells
(a Chinese character takes two), and help text wrapped between characters rather than at spaces."""

from __future__ import annotations

import unicodedata

import click

HEADINGS = {"Options": "选项", "Commands": "命令", "Positional arguments": "参数", "Arguments": "参数"}


def display_width(text: str) -> int:
    """Columns on a terminal: a Chinese character takes two (click counts one, which misaligns the help)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_display(text: str, width: int) -> list[str]:
    """Lines of at most `width` columns; Chinese text may break between any two characters, a run of
    ASCII (an option name, a path) is kept whole."""
    lines = []
    for paragraph in text.splitlines() or [""]:
        line, used = "", 0
        for token in _tokens(paragraph):
            size = display_width(token)
            if used + size > width and line.strip() and token not in _NO_LINE_START:
                lines.append(line.rstrip())
                line, used = token.lstrip(), display_width(token.lstrip())
            else:
                line, used = line + token, used + size
        lines.append(line.rstrip())
    return lines


_NO_LINE_START = set("）」』，。；：、！？]")  # punctuation that stays at the end of the line before


def _tokens(text: str) -> list[str]:
    out, ascii_run = [], ""
    for ch in text:
        if ord(ch) < 0x2E80 and not ch.isspace():
            ascii_run += ch
            continue
        if ascii_run:
            out.append(ascii_run)
            ascii_run = ""
        if ch.isspace() and out and out[-1].isspace():
            continue
        out.append(ch)
    if ascii_run:
        out.append(ascii_run)
    return out


class ZhFormatter(click.HelpFormatter):
    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(first, second or "") for first, second in rows]
        first_col = min(max((display_width(first) for first, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in rows:
            self.write(f"{indent}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_display(second, max(self.width - first_col - self.current_indent, 20))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{indent}{' ' * first_col}{line}\n")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{HEADINGS.get(heading, heading)}：\n")
