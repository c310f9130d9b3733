"""Options shared by several commands, declared once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .errors import DubanError
from .evaluate import DEFAULT_ENGINE, ENGINE_CHOICES


ENGINE_HELP = "规则引擎：auto（有 durable_rules 时用它，否则用判定结果相同的 vectorised）、durable_rules 或 vectorised"


def engine_option(default: str = DEFAULT_ENGINE, help: str = ENGINE_HELP):  # noqa: A002  (click's own name)
    """--engine, declared once for every command that judges (check, explain, eval, audit, rules diff, rollup, bench)."""
    return click.option("--engine", type=click.Choice(ENGINE_CHOICES), default=default, show_default=True, help=help)


def fail_with(exc: DubanError) -> None:
    """A DubanError as the Chinese message on stderr and its exit code (2 bad input, 3 internal)."""
    click.echo(f"错误：\n{exc.format()}" if len(exc.problems) > 1 else f"错误：{exc.format()}", err=True)
    sys.exit(exc.exit_code)


def echo_engine_notice(notice: str | None) -> None:
    if notice:
        click.echo(f"注意：{notice}", err=True)


def output_dir(out_dir: str | None, workspace: str, period: str) -> Path:
    """--out, or reports_out/<工作区>/<报告期>/ under the current directory; absolute, so every
    「已写出」 line says where the file really is whichever directory the clerk ran duban from."""
    return (Path(out_dir) if out_dir else Path("reports_out") / workspace / period).resolve()
