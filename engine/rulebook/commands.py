"""`duban rules export-params` / `duban rules import-params`: click commands registered by engine/cli.py
under the `rules` group. Errors are raised as RuleError; the top-level group turns them into exit 2."""

from __future__ import annotations

from pathlib import Path

import click

from .hints import show


def _rules_dir(rules_dir) -> Path:
    from .load import default_rules_dir

    return Path(rules_dir) if rules_dir else default_rules_dir()


@click.command("export-params")
@click.argument("rules_dir", required=False)
@click.option("--out", "out", default="params.xlsx", show_default=True, help="写出的表格（.xlsx）")
def export_params_cmd(rules_dir, out):
    """把 params.yaml 中督查室可调的参数导出为表格：每行一个参数（名称、值、说明）。"""
    from .params_xlsx import export_params

    rows, skipped = export_params(_rules_dir(rules_dir), out)
    click.echo(f"已导出 {len(rows)} 个参数到 {out}")
    if skipped:
        click.echo(f"以下参数结构较复杂，未放入表格，请直接在 params.yaml 中修改：{'、'.join(skipped)}")


@click.command("import-params")
@click.argument("xlsx")
@click.argument("rules_dir", required=False)
@click.option("--dry-run", is_flag=True, help="只显示会改什么，不写文件")
def import_params_cmd(xlsx, rules_dir, dry_run):
    """把改好的参数表格写回 params.yaml（保留注释）；任何一行有误都不写入。"""
    from .params_xlsx import import_params

    directory = _rules_dir(rules_dir)
    changes, missing = import_params(xlsx, directory, dry_run=dry_run)
    for name, old, new in changes:
        click.echo(f"{name}：{show(old)} → {show(new)}")
    if missing:
        click.echo(f"表中没有的参数保持不变：{'、'.join(missing)}")
    if not changes:
        click.echo("参数没有变化，params.yaml 未改动")
    elif dry_run:
        click.echo(f"（试运行）将修改 {len(changes)} 个参数，params.yaml 未改动")
    else:
        click.echo(f"已修改 {len(changes)} 个参数：{directory / 'params.yaml'}")


@click.command("export-table")
@click.argument("table")
@click.argument("rules_dir", required=False)
@click.option("--out", "out", help="写出的表格（.xlsx，默认为 <表名>.xlsx）")
def export_table_cmd(table, rules_dir, out):
    """把一张决策表（rules/tables/<表名>.yaml）导出为表格：每行一档，状态、严重程度等列有下拉列表。"""
    from .table_xlsx import export_table

    out = out or f"{table}.xlsx"
    count = export_table(_rules_dir(rules_dir), table, out)
    click.echo(f"已导出决策表「{table}」的 {count} 行到 {Path(out).resolve()}")


@click.command("import-table")
@click.argument("xlsx")
@click.argument("rules_dir", required=False)
@click.option("--table", "table", help="决策表名（默认为表格第一个工作表的名字）")
@click.option("--dry-run", is_flag=True, help="只显示会改什么，不写文件")
def import_table_cmd(xlsx, rules_dir, table, dry_run):
    """把改好的决策表表格写回 rules/tables/<表名>.yaml（保留示例和注释）；有空档、重叠或任何一格有误都不写入。"""
    from .table_xlsx import import_table

    directory = _rules_dir(rules_dir)
    name, changes = import_table(xlsx, directory, table, dry_run=dry_run)
    for rid, column, old, new in changes:
        click.echo(f"{rid} {column}" + ("" if old is None and new is None else f"：{show(old) if old is not None else '（空）'} → {show(new) if new is not None else '（空）'}"))
    if not changes:
        click.echo(f"决策表「{name}」没有变化，未改动")
    elif dry_run:
        click.echo(f"（试运行）将修改 {len(changes)} 处，决策表「{name}」未改动")
    else:
        click.echo(f"已修改 {len(changes)} 处：{directory / 'tables' / (name + '.yaml')}")
