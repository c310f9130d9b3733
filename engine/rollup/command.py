"""`duban rollup` and `duban query`, registered in engine/cli.py."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import click

from ..cli_format import display_width
from ..cli_options import echo_engine_notice, engine_option
from ..errors import InputError, printable
from ..library_messages import sql_problem
from ..progress import quiet_option


@click.command("rollup")
@click.argument("workspaces", nargs=-1)
@click.option("--glob", "patterns", multiple=True, metavar="模式", help="按模式找工作区（含 plan.yaml 的目录），可重复，例如 --glob 'facts/*'")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False), help="输出目录：rollup.duckdb、parquet/、rollup.xlsx、rollup.html")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="汇总数据库路径（默认 <输出目录>/rollup.duckdb）")
@click.option("--rules", "rules_dir", help="规则目录（默认为随附的 rules/）")
@engine_option()
@click.option("--executor", type=click.Choice(["serial", "dask"]), default="serial", show_default=True,
              help="在哪里判定：serial 本进程逐个判定；dask 交给 Dask 集群（默认在本机起一个集群；需另装 Dask，见 docs/rollup.md）")
@click.option("--scheduler", metavar="地址", help="Dask 调度器地址，例如 tcp://10.0.0.5:8786（各节点须能按同一路径读到工作区）")
@click.option("--workers", type=click.IntRange(min=1), help="在本机起集群时的工作进程数（默认 2）")
@quiet_option
def rollup_cmd(workspaces, patterns, out_dir, db_path, rules_dir, engine, executor, scheduler, workers):
    """汇总多个区县、多个报告期：判定（或沿用未变化的）每个工作区的每个报告期，写入数据库和汇总台账、看板。"""
    from .run import rollup

    out = Path(out_dir)
    report = rollup(list(workspaces), list(patterns), out, Path(db_path) if db_path else None, rules_dir, engine,
                    log=lambda line: click.echo(printable(line)), executor=executor, scheduler=scheduler, workers=workers)
    for notice in report.notices:
        echo_engine_notice(notice)
    click.echo(f"本次判定 {len(report.judged)} 个工作区-报告期，未变化 {len(report.unchanged)} 个"
               + (f"，移除 {len(report.removed)} 个" if report.removed else ""))
    for path in report.written:
        click.echo(f"已写出 {path}")


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and not isinstance(value, (str, bytes))):
        items = value.tolist() if hasattr(value, "tolist") else value
        return "、".join(_cell(v) for v in items) if isinstance(items, list) else str(items)
    if isinstance(value, float):
        return f"{value:.4g}"
    return printable(str(value), one_line=True)


def _table(columns: list[str], rows: list[tuple]) -> str:
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([display_width(c)] + [display_width(r[i]) for r in cells]) for i, c in enumerate(columns)]

    def line(values):
        return "  ".join(v + " " * (w - display_width(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(columns), line(["-" * w for w in widths])] + [line(r) for r in cells]
    return "\n".join(out + [f"（{len(rows)} 行）"])


def _csv_cell(value) -> str:
    """A text starting like a formula gets a leading ' so Excel shows it, never runs it (CSV injection);
    numbers are left as they are."""
    text = _cell(value)
    return "'" + text if isinstance(value, str) and text.startswith(("=", "+", "-", "@")) else text


def _plain(value):
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


@click.command("query")
@click.argument("database", type=click.Path(dir_okay=False))
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True, help="输出格式")
def query_cmd(database, sql, fmt):
    """在汇总数据库上运行一条 SQL 查询（只读打开，不会改动数据库）。表结构见 docs/rollup.md。"""
    import duckdb

    from .store import connect_read_only

    con = connect_read_only(Path(database), sandbox=True)
    try:
        cursor = con.execute(sql)
        if cursor.description is None:
            raise InputError("这条 SQL 没有返回结果", field="SQL", hint="用 SELECT 查询；数据库以只读方式打开")
        columns = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    except duckdb.Error as exc:
        raise InputError(f"SQL 出错：{sql_problem(exc)}", file=database, field="SQL",
                         hint="表和字段见 docs/rollup.md；数据库只读，不能修改") from None
    finally:
        con.close()
    if fmt == "json":
        click.echo(json.dumps([{c: _plain(v) for c, v in zip(columns, row)} for row in rows], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_csv_cell(v) for v in row] for row in rows])
        click.echo(buf.getvalue(), nl=False)
    else:
        click.echo(_table(columns, rows))
