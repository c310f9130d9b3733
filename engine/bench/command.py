"""`duban bench`: time the national-scale pipeline on a deterministic synthetic workspace set.

The lead registers it in engine/cli.py with `main.add_command(bench_cmd)`.
"""

from __future__ import annotations

import json
import os
import statistics

import click

from ..cli_options import engine_option
from ..evaluate import ENGINES
from ..progress import bar, quiet_option, stage

STAGE_ZH = {"generate": "生成合成文本", "import_extract": "导入+抽取", "derive": "推导", "evaluate:durable_rules": "判定（durable_rules）",
            "evaluate:vectorised": "判定（vectorised）", "evaluate:plain": "判定（plain，参照）", "evaluate:zen": "判定（GoRules ZEN）",
            "compare": "比对各引擎", "classify": "分类", "write": "写 result.json"}
PEERS = ("zen",)


def median_run(runs: list[dict]) -> dict:
    """The run with the median total time, with every timing replaced by its median over the runs."""
    runs = sorted(runs, key=lambda r: r["total_s"])
    out = dict(runs[len(runs) // 2])
    for key in ("total_s", "check_s", "import_extract_s", "peak_rss_mb", "facts_per_s", "ratio_durable_vs_vectorised"):
        values = [r[key] for r in runs if r.get(key) is not None]
        out[key] = statistics.median(values) if values else None
    for group in ("stages", "stages_cpu_s"):
        out[group] = {k: round(statistics.median(r[group].get(k, 0.0) for r in runs), 3) for k in runs[0][group]}
    for name in out["engines"]:
        out["engines"][name] = {k: all(r["engines"][name][k] for r in runs) if k == "identical"
                                else statistics.median(r["engines"][name][k] for r in runs) for k in out["engines"][name]}
    out["identical"] = all(r["identical"] for r in runs)
    out["runs"] = [{k: r[k] for k in ("total_s", "check_s", "import_extract_s", "peak_rss_mb", "load_average")} for r in runs]
    return out


@click.command("bench")
@click.option("--facts", type=click.IntRange(min=1), default=10_000, show_default=True, help="任务-报告期事实条数（约 250 项 × 4 个季度为一个工作区）")
@engine_option("auto", help="写 result.json 所用的引擎（auto：有 durable_rules 时用它）；可用的引擎都计时并比对")
@click.option("--no-compare", is_flag=True, help="只运行 --engine 指定的引擎（不计时、不比对另一个）")
@click.option("--workers", type=click.IntRange(min=1), default=min(2, os.cpu_count() or 1), show_default=True, help="工作进程数")
@click.option("--items", type=click.IntRange(min=1), default=250, show_default=True, help="每个工作区的任务和指标数")
@click.option("--seed", type=int, default=2023, show_default=True, help="合成数据的随机种子（同一种子，同样的文本）")
@click.option("--repeat", type=click.IntRange(min=1), default=1, show_default=True, help="重复次数，报告中位数")
@click.option("--out", type=click.Path(file_okay=False), help="保留 result.json 的目录（默认写到临时目录后删除）")
@click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=False), help="规则目录（默认随附 rules/）")
@click.option("--pretty-json", is_flag=True, help="result.json 按 duban check 的格式（缩进）写出；默认紧凑格式（内容相同）")
@click.option("--peer", type=click.Choice(PEERS), help="另外计时一个同行规则引擎（zen：ZEN 决策表引擎，仅测试依赖中有），并与参照求值器比对判定结果")
@click.option("--sweep", help="依次运行几个规模（如 1e3,1e4,1e5），输出每条事实各阶段的 CPU 耗时和峰值内存")
@click.option("--district", is_flag=True, help="另外计时：一个 300 项任务的区县，duban check 输出全部默认格式")
@click.option("--json", "as_json", is_flag=True, help="输出 JSON")
@quiet_option
def bench_cmd(facts, engine, no_compare, workers, items, seed, repeat, out, rules_dir, pretty_json, peer, sweep, district, as_json):
    """性能基准：合成全国规模的工作区，计时 导入+抽取、推导、判定、分类、写 result.json，并比对两个引擎。"""
    from pathlib import Path

    from .pipeline import Options, run

    from ..cli_options import echo_engine_notice
    from ..evaluate import durable_available, resolve_engine

    engine, notice = resolve_engine(engine)
    echo_engine_notice(notice)
    others = [e for e in ENGINES if e != engine and (e != "durable_rules" or durable_available())]
    engines = (engine,) if no_compare else (engine, *others)
    if peer:
        engines = (*engines, "plain", peer)  # the peer is compared with the plain reference
    opts = Options(facts=facts, seed=seed, items=items, workers=workers, primary=engine, engines=engines,
                   out=Path(out) if out else None, rules_dir=Path(rules_dir) if rules_dir else None, pretty_json=pretty_json)
    if sweep:
        from .sweep import parse_sizes, run_sweep, sweep_table

        result = run_sweep(opts, parse_sizes(sweep), repeat)
        click.echo(json.dumps(result, ensure_ascii=False, indent=2) if as_json else sweep_table(result))
        if not all(p["identical"] for p in result["points"]):
            raise SystemExit(3)
        return
    runs = []
    for n in range(repeat):
        with bar(facts, f"基准测试{f'（第 {n + 1}/{repeat} 次）' if repeat > 1 else ''}：事实") as progress:
            runs.append(run(opts, progress=progress.set))
    result = median_run(runs) if repeat > 1 else runs[0]
    if district:
        from .district import time_district

        with stage("计时一个区县的 duban check"):
            result["district"] = time_district(seed=seed, rules_dir=opts.rules_dir, repeat=max(3, repeat))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        _echo(result, district)
    if not result["identical"]:
        raise SystemExit(3)  # the engines disagree: a defect, reported like an internal error


def _echo(result: dict, district: bool) -> None:
    click.echo(f"事实 {result['facts']:,} 条（{result['workspaces']} 个工作区，{result['partitions']} 个工作区-报告期分区），"
               f"{result['workers']} 个工作进程，总耗时 {result['total_s']:.1f} 秒，{result['facts_per_s']:,} 条/秒，峰值内存 {result['peak_rss_mb']:.0f} MB")
    for name, seconds in result["stages"].items():
        click.echo(f"  {STAGE_ZH.get(name, name)}：{seconds:.2f} 秒（CPU {result['stages_cpu_s'].get(name, 0.0):.1f} 秒）")
    click.echo(f"  检查（推导+判定+分类+result.json）：{result['check_s']:.1f} 秒；导入+抽取：{result['import_extract_s']:.1f} 秒")
    if len(result["engines"]) > 1:
        click.echo(f"  各引擎每核每秒判定记录数（CPU 时间），与 {result['reference_engine']} 比对：")
        for name, e in result["engines"].items():
            same = "参照" if name == result["reference_engine"] else ("一致" if e["identical"] else "不一致")
            click.echo(f"    {name}：{e['records_per_core_s'] or 0:,} 条/秒/核，{same}")
    for item in result.get("zen_excluded", []):
        click.echo(f"  ZEN 无法表达，未参与比对：{item['rule']}（{item['reason']}）")
    if "zen_excluded" in result and not result["zen_excluded"]:
        click.echo("  ZEN：全部规则都能表达，全部参与比对")
    if result["ratio_durable_vs_vectorised"] is not None:
        click.echo(f"  durable_rules / vectorised 耗时比：{result['ratio_durable_vs_vectorised']}，结果一致：{'是' if result['identical'] else '否'}")
    if not result["identical"]:
        click.echo("  两个引擎结果不一致，首个差异：" + json.dumps(result["differences"][0], ensure_ascii=False))
    if district:
        d = result["district"]
        click.echo(f"  一个区县（{d['tasks']} 项）duban check 全部默认格式：缓存冷 {d['check_s']:.2f} 秒，缓存热 {d['check_warm_s']:.2f} 秒"
                   f"（格式：{','.join(d['formats'])}；冷热输出{'一致' if d['same_bytes_warm'] else '不一致'}）")
