"""The growth-curve plot for docs/benchmarks.md: per-fact CPU µs of each stage against the number of
facts (log scale), drawn as SVG by hand (no plotting library) and turned into PNG by headless Chromium.

    duban bench --sweep 1e3,1e4,1e5,1e6 --json > sweep.json
    python -m engine.bench.plot sweep.json docs/benchmarks-sweep.png
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path

from ..errors import InputError
from .sweep import STAGE_ZH, STAGES

W, H, LEFT, RIGHT, TOP, BOTTOM = 900, 520, 70, 190, 50, 60
COLOURS = {"generate": "#9e9e9e", "import_extract": "#d62728", "derive": "#1f77b4", "evaluate": "#2ca02c",
           "classify": "#9467bd", "write": "#ff7f0e", "total": "#000000"}


def _ticks(top: float) -> list[float]:
    step = 10 ** math.floor(math.log10(max(top, 1e-9)))
    for factor in (1, 2, 5, 10):
        if top / (step * factor) <= 6:
            step *= factor
            break
    return [step * k for k in range(int(top / step) + 2) if step * k <= top * 1.0001]


def svg(result: dict) -> str:
    """The sweep as an SVG line chart: one line per stage and the total, x = facts (log10)."""
    points = result["points"]
    if len(points) < 2:
        raise InputError("画增长曲线至少需要两个规模", field="--sweep", hint="例如 --sweep 1e3,1e4,1e5")
    xs = [math.log10(p["facts"]) for p in points]
    top = max(p["us_cpu_per_fact"]["total"] for p in points) * 1.1
    x0, x1 = min(xs), max(xs)
    px = lambda x: LEFT + (x - x0) / ((x1 - x0) or 1) * (W - LEFT - RIGHT)  # noqa: E731
    py = lambda y: H - BOTTOM - y / top * (H - TOP - BOTTOM)  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           'font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif" font-size="13">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{LEFT}" y="28" font-size="16">每条事实各阶段的 CPU 耗时（微秒）随事实条数的变化'
           f'（{escape(result["primary_engine"])}，{result["workers"]} 个工作进程）</text>']
    for y in _ticks(top):
        out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{py(y):.1f}" y2="{py(y):.1f}" stroke="#e0e0e0"/>')
        out.append(f'<text x="{LEFT - 8}" y="{py(y) + 4:.1f}" text-anchor="end">{y:g}</text>')
    for p, x in zip(points, xs):
        out.append(f'<line x1="{px(x):.1f}" x2="{px(x):.1f}" y1="{TOP}" y2="{H - BOTTOM}" stroke="#f0f0f0"/>')
        out.append(f'<text x="{px(x):.1f}" y="{H - BOTTOM + 20}" text-anchor="middle">{p["facts"]:,}</text>')
    out.append(f'<text x="{(LEFT + W - RIGHT) / 2:.0f}" y="{H - 15}" text-anchor="middle">事实条数（对数刻度）</text>')
    out.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{H - BOTTOM}" stroke="black"/>')
    out.append(f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{H - BOTTOM}" y2="{H - BOTTOM}" stroke="black"/>')
    for k, stage in enumerate((*STAGES, "total")):
        colour = COLOURS[stage]
        coords = " ".join(f"{px(x):.1f},{py(p['us_cpu_per_fact'][stage]):.1f}" for p, x in zip(points, xs))
        width = 3 if stage == "total" else 2
        out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{width}"/>')
        for p, x in zip(points, xs):
            out.append(f'<circle cx="{px(x):.1f}" cy="{py(p["us_cpu_per_fact"][stage]):.1f}" r="3" fill="{colour}"/>')
        label = STAGE_ZH.get(stage, "合计")
        out.append(f'<rect x="{W - RIGHT + 20}" y="{TOP + 22 * k}" width="14" height="4" fill="{colour}"/>')
        out.append(f'<text x="{W - RIGHT + 40}" y="{TOP + 22 * k + 6}">{escape(label)}</text>')
    rss = "；".join(f"{p['facts']:,}: {p['peak_rss_mb']:.0f} MB" for p in points)
    out.append(f'<text x="{LEFT}" y="{TOP - 6}" font-size="11" fill="#555">峰值内存（父进程+工作进程）：{escape(rss)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def to_png(svg_text: str, png: Path) -> None:
    browser = chromium()
    if browser is None:
        raise InputError("没有找到 Chromium，无法把 SVG 转成 PNG", hint="请安装 chromium（Debian 包 chromium）")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "sweep.html"
        page.write_text(f'<!doctype html><meta charset="utf-8"><body style="margin:0">{svg_text}</body>', encoding="utf-8")
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--user-data-dir={tmp}/profile",
               f"--screenshot={png.resolve()}", f"--window-size={W},{H}", page.as_uri()]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0 or not png.exists():
        raise InputError(f"Chromium 没有生成 {png}（退出码 {proc.returncode}）")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("用法：python -m engine.bench.plot sweep.json 输出.png", file=sys.stderr)
        return 2
    source, png = Path(argv[0]), Path(argv[1])
    try:
        result = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"无法读取 {source}：{exc.__class__.__name__}", file=sys.stderr)
        return 2
    text = svg(result)
    png.with_suffix(".svg").write_text(text, encoding="utf-8")
    to_png(text, png)
    print(f"已写出 {png} 和 {png.with_suffix('.svg')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
