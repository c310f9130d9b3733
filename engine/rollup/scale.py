"""Writes the bench's national set (engine/bench/synth.py: ~250 items per county, four quarters) as workspace
folders, for timing `duban rollup` at scale (docs/benchmarks.md §7):

    python -m engine.rollup.scale --counties 1000 --out /tmp/national --jobs 2
    /usr/bin/time -v duban rollup --glob '/tmp/national/*' --out /tmp/national-rollup --engine vectorised --executor dask

Each county is made from its own seed, so the counties can be written by several processes, in any order,
with the same bytes."""

from __future__ import annotations

import argparse
import multiprocessing
from pathlib import Path

from ..bench import synth
from ..bench.district import write_workspace


def write_county(out: Path, index: int, seed: int = 2023, items: int = 250) -> Path:
    sw = synth.workspace(seed, index, items=items)
    return write_workspace(sw, out / sw.name, synth.PERIODS)


def _write(args: tuple) -> Path:
    return write_county(*args)


def write_national(out: Path, counties: int, seed: int = 2023, items: int = 250, jobs: int = 1) -> list[Path]:
    tasks = [(out, index, seed, items) for index in range(counties)]
    if jobs <= 1:
        return [_write(t) for t in tasks]
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        return pool.map(_write, tasks, chunksize=8)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="写出合成的全国工作区集（每县约 250 项、四个季度）")
    parser.add_argument("--counties", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument("--jobs", type=int, default=1, help="同时写出的进程数")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    print(len(write_national(args.out, args.counties, args.seed, jobs=args.jobs)), "个工作区已写出到", args.out)
