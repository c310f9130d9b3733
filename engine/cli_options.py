"""Options shared by several commands, declared once."""

from __future__ import annotations

from pathlib import Path

import click

from .evaluate import DEFAULT_ENGINE, ENGINE_CHOICES


def engine_option(default: str = DEFAULT_ENGINE):
    return click.option("--engine", type=click.Choice(ENGINE_CHOICES), default=default, show_default=True,
                        help="规则引擎：auto（有 durable_rules 时用它，否则用判定结果相同的 vectorised）、durable_rules 或 vectorised")


def echo_engine_notice(notice: str | None) -> None:
    if notice:
        click.echo(f"注意：{notice}", err=True)


def output_dir(out_dir: str | None, workspace: str, period: str) -> Path:
    """--out, or reports_out/<工作区>/<报告期>/ under the current directory; absolute, so every
    「已写出」 line says where the file really is whichever directory the clerk ran duban from."""
    return (Path(out_dir) if out_dir else Path("reports_out") / workspace / period).resolve()
