"""The duban command line. User-facing text is Chinese; exit codes are a contract:
0 ran · 1 ran and found lagging tasks (only with --fail-on-lagging) · 2 bad input · 3 internal error."""

from __future__ import annotations

import gc
import os
import sys
import traceback
from pathlib import Path

import click

from .cli_options import echo_engine_notice, engine_option, fail_with, output_dir
from .cli_report import check_lines, import_lines
from .cli_zh import LazyCommands, ZhGroup
from .errors import EXIT_FOUND, EXIT_INTERNAL, EXIT_OK, DubanError, printable
from .progress import quiet_option


class DubanGroup(ZhGroup):  # ZhGroup: click's help and usage errors in Chinese
    """Turns every error into a Chinese message and the documented exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DubanError as exc:
            fail_with(exc)
        except click.exceptions.Exit:
            raise
        except (click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("已中断；已写出的文件保持原样。", err=True)
            sys.exit(130)
        except BrokenPipeError:  # `duban … | head`: the reader left; the files are written, say nothing more
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_OK)
        except Exception:  # an internal error: say so plainly, keep the traceback for the report
            click.echo("内部错误（这是 duban 的缺陷，请连同以下信息报告）：", err=True)
            click.echo(traceback.format_exc(), err=True)
            sys.exit(EXIT_INTERNAL)


@click.group(cls=DubanGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="duban", message="%(prog)s 版本 %(version)s")
@quiet_option
def main():
    """督办：政府工作报告重点任务推进情况的规则引擎督查工具。"""


@main.command("import")
@click.argument("files", nargs=-1, required=True)
@click.option("--into", "into", required=True, help="工作区目录，例如 facts/fuling-2023")
@click.option("--region", help="地区，例如 涪陵区（新建工作区时必填）")
@click.option("--year", type=int, help="计划年度，例如 2023（新建工作区时必填）")
@click.option("--period", help="报告期 YYYY-MM，例如 2023-09 表示 1-9月（表格含进展时必填）")
@click.option("--as-of", "as_of", help="数据截止日期 YYYY-MM-DD（默认为报告期月末）")
@click.option("--sheet", help="只读取 Excel 中的这个工作表")
@click.option("--dry-run", is_flag=True, help="只显示将要做的更改，不写文件")
@click.option("--force", is_flag=True, help="覆盖手工修改过的内容（先备份原文件到 .duban/backup/）")
@click.option("--map", "column_map", multiple=True, metavar="列名=字段",
              help="指明表头的含义，可重复，例如 --map 2024年预期目标=指标及目标（也可写在工作区 columns.yaml）")
@quiet_option
def import_cmd(files, into, region, year, period, as_of, sheet, dry_run, force, column_map):
    """导入计划表、进展表（.xlsx / .csv / .docx）到工作区。"""
    from .importing.workspace import import_files

    report = import_files(list(files), into, region=region, year=year, period=period, as_of=as_of, sheet=sheet,
                          dry_run=dry_run, force=force, column_map=list(column_map))

    for line in import_lines(report, dry_run):  # cells and file names are the user's text: no escape sequence reaches the terminal
        click.echo(printable(line))


@main.command("check")
@click.argument("workspace")
@click.option("--period", required=True, help="报告期 YYYY-MM，例如 2023-09")
@click.option("--rules", "rules_dir", help="规则目录（默认为随附的 rules/）")
@click.option("--out", "out_dir", help="输出目录（默认 reports_out/<工作区>/<报告期>/）")
@click.option("--format", "formats", default=None, help="输出格式，逗号分隔（默认见 engine/render 的 DEFAULT_FORMATS）")
@engine_option()
@click.option("--fail-on-lagging", is_flag=True, help="有滞后任务时以退出码 1 结束")
@click.option("--date", "memo_date", help="报告的成文日期 YYYY-MM-DD（默认为数据截止日期；只用于报告和通知单的落款）")
@quiet_option
def check_cmd(workspace, period, rules_dir, out_dir, formats, engine, fail_on_lagging, memo_date=None):
    """按规则判定各项任务和指标的推进状态，写出结果和督查报告。"""
    from .periods import period_months
    from .render import DEFAULT_FORMATS, parse_date, parse_formats
    from .render.worker import render_worker

    period_months(period)
    fmts = parse_formats(formats or ",".join(DEFAULT_FORMATS))
    memo_date = parse_date(memo_date) if memo_date else None
    # the Word/Excel render process is forked first: it imports its libraries while this one imports the rest,
    # loads and judges (it touches the workspace only to render, inside the lock taken below)
    with render_worker(fmts, Path(workspace)) as worker:
        from . import facts_cache
        from .check import run_check
        from .cli_report import lagging_tasks
        from .render import write_outputs
        from .render.memo_dates import date_warnings
        from .store.lock import workspace_lock

        with workspace_lock(workspace), facts_cache.writing():  # facts cached once the outputs are written
            run = run_check(workspace, period, rules_dir, engine)
            result = run.result
            # what was loaded and judged lives until the process ends: the collector need not walk it again each
            # time rendering allocates (~15 % of the render's CPU on a 300-task district)
            gc.freeze()
            echo_engine_notice(run.engine_notice)
            target = output_dir(out_dir, result["workspace"], period)
            written = write_outputs(result, target, fmts, Path(workspace), memo_date, worker)
    for line in check_lines(result, written, target):
        click.echo(line)
    for line in date_warnings(result, memo_date) if {"md", "docx", "html"} & set(fmts) else []:
        click.echo(f"注意：{line}")
    if fail_on_lagging and lagging_tasks(result):
        sys.exit(EXIT_FOUND)


@main.command("demo")
@click.option("--out", "out_dir", help="输出目录（默认 reports_out/fuling-2023/2023-09/）")
@engine_option()
@click.pass_context
def demo_cmd(ctx, out_dir, engine):
    """在随附的示例（涪陵区 2023 年前三季度）上运行检查，不需要 make，也不改动安装目录。"""
    import shutil
    import tempfile

    from .resources import shipped

    example = shipped("facts", "fuling-2023")
    target = output_dir(out_dir, "fuling-2023", "2023-09")
    with tempfile.TemporaryDirectory(prefix="duban-demo-") as tmp:
        workspace = Path(tmp) / example.name  # a copy: the workspace lock never writes into the installation
        shutil.copytree(example, workspace)
        ctx.invoke(check_cmd, workspace=str(workspace), period="2023-09", out_dir=str(target), engine=engine)
    click.echo(f"示例的输出在 {target.resolve()}（memo.docx 督查报告、ledger.xlsx 台账、dashboard.html 看板、notices/ 督办通知单、result.json）")


@main.command("explain")
@click.argument("workspace")
@click.argument("item")
@click.option("--period", required=True, help="报告期 YYYY-MM")
@click.option("--rules", "rules_dir", help="规则目录（默认为随附的 rules/）")
@engine_option()
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@click.option("--all", "show_all", is_flag=True, help="也列出未触发的规则及其比较过程")
def explain_cmd(workspace, item, period, rules_dir, engine, as_json, show_all):
    """说明一项任务或指标为何得到当前状态：每条规则是否触发、比较了哪些值、引用哪段原文。ITEM 为编号（T077）或序号。"""
    import json

    from .check import run_check
    from .judge.explain import explain, explain_text

    run = run_check(workspace, period, rules_dir, engine)
    echo_engine_notice(run.engine_notice)
    data = explain(run, item)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2) if as_json else explain_text(data, show_all))


@main.command("eval")
@click.argument("workspace")
@click.option("--period", required=True, help="报告期 YYYY-MM")
@click.option("--key", "key_path", required=True, help="官方判定：CSV（序号,官方判定）或督查室的报告 .docx（附件列出滞后任务）")
@click.option("--rules", "rules_dir", help="规则目录（默认为随附的 rules/）")
@click.option("--out", "out_dir", help="输出目录（默认 reports_out/<工作区>/<报告期>/）")
@engine_option()
@click.option("--suggest", "with_suggest", is_flag=True, help="试算规则参数（±20%、±40%），列出不漏判且一致率更高的设置（只作建议，不改规则）")
def eval_cmd(workspace, period, key_path, rules_dir, out_dir, engine, with_suggest):
    """与官方判定比对：官方滞后的找到几项、官方正常却判为滞后的（附依据）、待核实占比、指标一致率、混淆表。"""
    from .agreement import evaluate_workspace, suggest_lines, summary_lines, write_outputs
    from .facts.workspace import period_months
    from .store.lock import workspace_lock

    period_months(period)
    with workspace_lock(workspace):  # the same guard as check: an import running meanwhile is waited for
        ev = evaluate_workspace(workspace, period, key_path, rules_dir, engine, with_suggest)
    echo_engine_notice(ev["engine_notice"])
    target = output_dir(out_dir, ev["workspace"], period)
    for line in summary_lines(ev) + (suggest_lines(ev["suggest"]) if with_suggest else []):
        click.echo(line)
    for path in write_outputs(ev, target):
        click.echo(f"已写出 {path}")


@main.group("rules")
def rules_group():
    """规则库：测试规则示例等。"""


@rules_group.command("test")
@click.argument("rules_dir", required=False)
def rules_test_cmd(rules_dir):
    """运行规则库中每条规则自带的示例（不需要 pytest）。"""
    from .rulebook.examples import coverage_lines, run_examples
    from .rulebook.load import default_rules_dir, load_rulebook

    book = load_rulebook(rules_dir or default_rules_dir())
    outcomes = run_examples(book)
    failed = [o for o in outcomes if not o.passed]
    for o in outcomes:
        click.echo(o.line())
    click.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    for line in coverage_lines(book, outcomes):
        click.echo(line)
    if failed:
        sys.exit(EXIT_FOUND)


@rules_group.command("diff")
@click.argument("old_dir")
@click.argument("new_dir")
@click.argument("workspace")
@click.option("--period", required=True, help="报告期 YYYY-MM")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@engine_option("vectorised")
def rules_diff_cmd(old_dir, new_dir, workspace, period, as_json, engine):
    """试算规则变更：哪些任务和指标的状态或督办等级会改变，为什么。"""
    import json

    from .rulebook.diff import diff_text, rules_diff

    diff = rules_diff(old_dir, new_dir, workspace, period, engine)
    click.echo(json.dumps(diff, ensure_ascii=False, indent=2) if as_json else diff_text(diff))


def _register_commands() -> None:
    """Commands that live beside their step of the pipeline, imported when they are used (or listed with their
    values): a `duban check` does not import `duban audit`'s checks (~0.04 s of its start-up)."""
    for group, commands in ((main, {"audit": "engine.audit.command:audit_cmd", "bench": "engine.bench.command:bench_cmd",
                                    "rollup": "engine.rollup.command:rollup_cmd", "query": "engine.rollup.command:query_cmd"}),
                            (rules_group, {name: f"engine.rulebook.commands:{attribute}" for name, attribute in (
                                ("export-params", "export_params_cmd"), ("import-params", "import_params_cmd"),
                                ("export-table", "export_table_cmd"), ("import-table", "import_table_cmd"))})):
        group.commands = LazyCommands(group.commands, commands)


_register_commands()


if __name__ == "__main__":
    main()
