"""Writes the bench's national set (engine/bench/synth.py: ~250 items per county, four quarters) as workspace
folders, for timing `duban rollup` at scale (docs/benchmarks.md):

    python -m engine.rollup.scale --counties 1000 --out /tmp/national
    /usr/bin/time -v duban rollup --glob '/tmp/national/*' --out /tmp/national-rollup --engine vectorised
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..bench import synth
from ..bench.district import write_workspace


def write_national(out: Path, counties: int, seed: int = 2023, items: int = 250) -> list[Path]:
    return [write_workspace(sw, out / sw.name, synth.PERIODS)
            for sw in (synth.workspace(seed, index, items=items) for index in range(counties))]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="写出合成的全国工作区集（每县约 250 项、四个季度）")
    parser.add_argument("--counties", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(len(write_national(args.out, args.counties, args.seed)), "个工作区已写出到", args.out)
