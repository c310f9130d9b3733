"""Which workspace-periods a rollup covers, the key that says whether one must be judged again, and the
flattening of a result.json into the rows of the rollup tables (docs/rollup.md)."""

from __future__ import annotations

import glob as globmod
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..check import METRIC_FIELDS, data_digest
from ..errors import InputError
from ..statuses import LAGGING, status_class

NUMERIC_METRICS = [m for m in METRIC_FIELDS if m not in ("stage", "target_kind", "direction")]


@dataclass(frozen=True)
class Job:
    """One period of one workspace. `key` covers the duban version, the rules and every input file the judgement
    reads: the plan, waivers and this and each earlier period's progress (earlier periods decide escalation).
    `files`: those files' names in the workspace and SHA-256 prefixes, for the provenance table."""
    path: Path
    workspace: str
    period: str
    key: str
    data_digest: str
    files: tuple[tuple[str, str], ...]


def discover(paths: list[str], patterns: list[str]) -> list[Path]:
    found = [Path(p) for p in paths]
    for pattern in patterns:
        matched = sorted(Path(p) for p in globmod.glob(pattern) if (Path(p) / "plan.yaml").is_file())
        if not matched:
            raise InputError(f"--glob {pattern} 没有匹配到任何工作区（含 plan.yaml 的目录）", field="--glob")
        found += matched
    if not found:
        raise InputError("没有给出工作区", hint="例如 duban rollup facts/fuling-2023 --out rollup_out，或 --glob 'facts/*'")
    seen: dict[str, Path] = {}
    unique = []
    for path in found:
        if not (path / "plan.yaml").is_file():
            raise InputError("不是工作区：缺少 plan.yaml", file=str(path / "plan.yaml"))
        resolved = path.resolve()
        if path.name in seen and seen[path.name] != resolved:  # the name keys every table row
            raise InputError(f"两个工作区同名「{path.name}」，汇总表无法区分", file=str(path),
                             hint=f"另一个在 {seen[path.name]}；请改名其中一个目录")
        if path.name not in seen:
            seen[path.name] = resolved
            unique.append(path)
    return unique


def periods_of(path: Path) -> list[str]:
    periods = sorted(p.stem for p in (path / "progress").glob("*.yaml") if p.is_file())
    if not periods:
        raise InputError("工作区没有进展文件", file=str(path / "progress"), hint="先用 duban import 导入进展表")
    return periods


def jobs_for(paths: list[Path], rules_digest: str) -> list[Job]:
    """Each input file is read and hashed once per workspace: period k's key is the running hash of the files
    of period k-1 plus its own progress file (the same bytes in the same order as hashing them anew)."""
    jobs = []
    for path in paths:
        periods = periods_of(path)
        # the duban version too: a new release may judge or flatten differently, so it judges again
        digest = hashlib.sha256(f"{__version__}\0{rules_digest}".encode())
        files: list[tuple[str, str]] = []

        def add(f: Path) -> None:
            data = f.read_bytes()
            digest.update(f.name.encode() + b"\0" + data)
            files.append((f.relative_to(path).as_posix(), "sha256:" + hashlib.sha256(data).hexdigest()[:16]))

        for f in (path / "plan.yaml", path / "waivers.yaml"):
            if f.is_file():
                add(f)
        for period in periods:
            progress = path / "progress" / f"{period}.yaml"
            if progress.is_file():
                add(progress)
            jobs.append(Job(path, path.name, period, "sha256:" + digest.copy().hexdigest()[:16], data_digest(path, period),
                            tuple(files)))
    return jobs


def _dumps(value) -> str | None:
    return None if value in (None, {}, []) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _number(value):
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def rows_of(result: dict, job: Job) -> dict[str, list[dict]]:
    """result.json → rows of runs, items, findings, figures, escalations, provenance."""
    ws, period = result["workspace"], result["period"]
    base = {"workspace": ws, "period": period}
    items, findings, figures, escalations = [], [], [], []
    for item in result["tasks"] + result["indicators"]:
        key = {**base, "item_id": item["id"]}
        metrics = item.get("metrics") or {}
        esc = item.get("escalation") or {}
        items.append({**key, "region": result["region"], "seq": item.get("seq"), "kind": item["kind"],
                      "category": item.get("category"), "name": item.get("name"), "text": item.get("text"),
                      "leaders": list(item.get("leaders") or []), "lead_units": list(item.get("lead_units") or []),
                      "coop_units": list(item.get("coop_units") or []), "status": item["status"],
                      "status_class": status_class(item["status"]), "lagging": item["status"] in LAGGING,
                      "status_reason": item.get("status_reason"), "reported_status": item.get("reported_status"),
                      "escalation_step": esc.get("step"), "progress_text": item.get("progress_text"),
                      **{m: _number(metrics.get(m)) for m in NUMERIC_METRICS},
                      "stage": metrics.get("stage"), "metrics_json": _dumps(metrics)})
        if esc.get("step"):
            escalations.append({**key, "step": esc["step"], "periods": list(esc.get("periods") or []),
                                "streak": len(esc.get("periods") or [])})
        for n, f in enumerate(item.get("findings") or []):
            ev = f.get("evidence") or {}
            findings.append({**key, "finding_no": n + 1, "rule": f["rule"], "rule_version": f.get("rule_version"),
                             "title": f.get("title"), "severity": f.get("severity"), "status": f.get("status"),
                             "escalation": f.get("escalation"), "message": f.get("message"), "quote": ev.get("quote"),
                             "target_quote": ev.get("target_quote"), "source": ev.get("source"),
                             "waived": bool(f.get("waived")), "values_json": _dumps(ev.get("values")),
                             "thresholds_json": _dumps(ev.get("thresholds"))})
            for kind in ("values", "thresholds"):  # the figures, one row each, so SQL can filter on them
                for name, value in sorted((ev.get(kind) or {}).items()):
                    figures.append({**key, "finding_no": n + 1, "rule": f["rule"], "kind": kind[:-1], "name": name,
                                    "value": _number(value), "text": None if _number(value) is not None else str(value)})
    summary = result["summary"]
    run = {**base, "region": result["region"], "year": result["year"], "period_label": result["period_label"],
           "as_of": result.get("as_of"), "time_progress": result.get("time_progress"), "engine": result["engine"],
           "rules_digest": result["rules_digest"], "data_digest": result["data_digest"], "input_key": job.key,
           "tasks": len(result["tasks"]), "indicators": len(result["indicators"]),
           "lagging_tasks": sum(summary["tasks"].get(s, 0) for s in LAGGING),
           "summary_json": _dumps({"tasks": summary["tasks"], "indicators": summary["indicators"]})}
    provenance = [{**base, "source": "file", "name": name, "version": version} for name, version in job.files]
    provenance += [{**base, "source": "rule", "name": r["id"], "version": str(r["version"])} for r in result.get("rules", [])]
    return {"runs": [run], "items": items, "findings": findings, "figures": figures, "escalations": escalations,
            "provenance": provenance}
