"""`duban bench --sweep 1e3,1e4,1e5,1e6`: the growth curve — per-fact CPU cost of each stage, and peak
RSS, at each size. Linear total cost means flat per-fact lines (docs/benchmarks.md carries the table
and the plot, engine/bench/plot.py)."""

from __future__ import annotations

import os
from dataclasses import replace

import click

from ..errors import InputError

STAGES = ("generate", "import_extract", "derive", "evaluate", "classify", "write")
STAGE_ZH = {"generate": "生成", "import_extract": "导入+抽取", "derive": "推导", "evaluate": "判定", "classify": "分类",
            "write": "写 result.json"}
MAX_FACTS = 10_000_000


def parse_sizes(text: str) -> list[int]:
    """"1e3,1e4,1e5" → [1000, 10000, 100000] (a Chinese error on anything else)."""
    sizes = []
    for part in text.replace("，", ",").split(","):
        part = part.strip().replace("_", "")
        try:
            value = float(part)
        except ValueError:
            raise InputError(f"--sweep 的规模「{part}」不是数字", field="--sweep", hint="例如 --sweep 1e3,1e4,1e5") from None
        if not (1 <= value <= MAX_FACTS) or value != int(value):
            raise InputError(f"--sweep 的规模「{part}」应是 1 到 {MAX_FACTS:,} 之间的整数", field="--sweep")
        sizes.append(int(value))
    if not sizes:
        raise InputError("--sweep 没有给出规模", field="--sweep", hint="例如 --sweep 1e3,1e4,1e5")
    return sorted(set(sizes))


def per_fact(result: dict) -> dict:
    """µs of CPU per fact for each stage (evaluate: the primary engine's), and the total."""
    facts, cpu = result["facts"], result["stages_cpu_s"]
    out = {}
    for stage in STAGES:
        key = f"evaluate:{result['primary_engine']}" if stage == "evaluate" else stage
        out[stage] = round(cpu.get(key, 0.0) / facts * 1e6, 2)
    out["total"] = round(sum(out.values()), 2)
    return out


def run_sweep(opts, sizes: list[int], repeat: int = 1) -> dict:
    from .command import median_run
    from .pipeline import run

    points = []
    for n in sizes:
        runs = []
        for k in range(repeat):
            click.echo(f"规模 {n:,} 条事实（第 {k + 1}/{repeat} 次）…", err=True)
            runs.append(run(replace(opts, facts=n)))
        result = median_run(runs) if repeat > 1 else runs[0]
        points.append({"facts": result["facts"], "us_cpu_per_fact": per_fact(result), "total_s": result["total_s"],
                       "cpu_share": result["cpu_share"], "peak_rss_mb": result["peak_rss_mb"],
                       "peak_rss_worker_mb": result["peak_rss_worker_mb"], "identical": result["identical"],
                       "load_average": result["load_average"]})
    return {"sweep": sizes, "primary_engine": opts.primary, "workers": opts.workers, "repeat": repeat,
            "cpus": os.cpu_count(), "points": points}


def sweep_table(result: dict) -> str:
    head = ["事实条数", *(STAGE_ZH[s] for s in STAGES), "合计", "总耗时 秒", "CPU 占用", "峰值内存 MB", "每进程 MB", "结果一致"]
    lines = [f"各阶段每条事实的 CPU 耗时（微秒；判定为 {result['primary_engine']}，{result['workers']} 个工作进程）",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for p in result["points"]:
        us = p["us_cpu_per_fact"]
        row = [f"{p['facts']:,}", *(f"{us[s]:.1f}" for s in STAGES), f"{us['total']:.1f}", f"{p['total_s']:.1f}",
               f"{p['cpu_share']}", f"{p['peak_rss_mb']:.0f}", f"{p['peak_rss_worker_mb']:.0f}", "是" if p["identical"] else "否"]
        lines.append("| " + " | ".join(row) + " |")
    loads = "; ".join(f"{p['facts']:,}: {' '.join(map(str, p['load_average']))}" for p in result["points"])
    lines.append(f"负载（1/5/15 分钟平均，运行结束时）：{loads}")
    return "\n".join(lines)
