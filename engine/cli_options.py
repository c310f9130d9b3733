"""Options shared by several commands, declared once."""

from __future__ import annotations

import click

from .evaluate import DEFAULT_ENGINE, ENGINE_CHOICES


def engine_option(default: str = DEFAULT_ENGINE):
    return click.option("--engine", type=click.Choice(ENGINE_CHOICES), default=default, show_default=True,
                        help="规则引擎：auto（有 durable_rules 时用它，否则用判定结果相同的 vectorised）、durable_rules 或 vectorised")


def echo_engine_notice(notice: str | None) -> None:
    if notice:
        click.echo(f"注意：{notice}", err=True)
