"""`duban audit`: the click command. The CLI registers it with `main.add_command(audit_cmd)`; it also
behaves correctly on its own (bad input → the Chinese message on stderr and exit 2).

Exit codes: 0 no errors · 1 errors found (or warnings, with --fail-on-warn) · 2 could not run."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..cli_options import engine_option, fail_with, output_dir
from ..errors import EXIT_FOUND, EXIT_OK, DubanError
from ..progress import quiet_option, stage



@click.command("audit")
@click.argument("workspace")
@click.option("--period", required=True, help="报告期 YYYY-MM，例如 2023-09")
@click.option("--memo", "memo", help="同时核对这份督查报告（.md 或 .docx）的数字、附件和任务")
@click.option("--out", "out_dir", help="写出审核结果的目录（不写则只在终端显示；只给 --format 时为 reports_out/<工作区>/<报告期>/）")
@click.option("--format", "formats", help="输出格式，逗号分隔：json,junit,sarif（默认 json）")
@click.option("--rules", "rules_dir", help="规则目录（默认为随附的 rules/）")
@click.option("--audit-rules", "audit_dir", help="审核词表目录（默认为 rules/audit/）")
@engine_option()
@click.option("--fail-on-warn", is_flag=True, help="有警告时也以退出码 1 结束")
@click.option("--show-info", is_flag=True, help="终端中也列出“提示”级别的条目（文件中总是全部列出）")
@quiet_option
def audit_cmd(workspace, period, memo, out_dir, formats, rules_dir, audit_dir, engine, fail_on_warn, show_info):
    """审核进展和督查报告：错别字、日期和数据期、单位、重复任务、上报状态、报告数字与附件是否一致。"""
    try:
        code = _run(workspace, period, memo, out_dir, formats, rules_dir, audit_dir, engine, fail_on_warn, show_info)
    except DubanError as exc:
        fail_with(exc)
    sys.exit(code)


def _run(workspace, period, memo, out_dir, formats, rules_dir, audit_dir, engine, fail_on_warn, show_info) -> int:
    from . import run_audit
    from .output import checklist, parse_formats, write_outputs

    from ..store.lock import workspace_lock

    fmts = parse_formats(formats)  # bad options fail before any work
    with workspace_lock(workspace), stage(f"审核 {Path(workspace).name} {period}"):
        report = run_audit(workspace, period, memo=memo, rules_dir=rules_dir, audit_dir=audit_dir, engine=engine)
    for line in checklist(report, show_info=show_info):
        click.echo(line)
    if out_dir or formats:
        target = output_dir(out_dir, report.workspace, period)
        for path in write_outputs(report, target, fmts):
            click.echo(f"已写出 {path}")
    if report.count("error") or (fail_on_warn and report.count("warn")):
        return EXIT_FOUND
    return EXIT_OK
