"""Fuzz: `duban check` end to end on hand-edited workspaces — load → derive → evaluate → classify → render.

A clerk can change any field of plan.yaml or progress/<period>.yaml. Property: run_check and rendering
(in memory, every text format) end in a result or a DubanError naming the file — never another
exception. The same property through the real CLI, under a timeout and a memory limit, closes the file.
"""

from __future__ import annotations

import json
import shutil

import yaml
from hypothesis import given
from hypothesis import strategies as st

from engine.check import run_check
from engine.errors import DubanError
from engine.render import render_outputs

from .fuzz_settings import ROOT, fuzz, is_chinese_error, mutated, run_limited

BASE = ROOT / "tests" / "fixtures" / "bad" / "base"
PLAN = yaml.safe_load((BASE / "plan.yaml").read_text(encoding="utf-8"))
PROGRESS = yaml.safe_load((BASE / "progress" / "2023-09.yaml").read_text(encoding="utf-8"))


def _workspace(folder, plan, progress):
    (folder / "progress").mkdir(parents=True, exist_ok=True)
    (folder / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (folder / "progress" / "2023-09.yaml").write_text(yaml.safe_dump(progress, allow_unicode=True, sort_keys=False),
                                                      encoding="utf-8")
    return folder


@fuzz(quick=40, deep=2000)
@given(edit=st.one_of(mutated(PLAN).map(lambda p: (p, PROGRESS)), mutated(PROGRESS).map(lambda g: (PLAN, g))),
       engine=st.sampled_from(["vectorised", "durable_rules"]))
def test_check_and_render_on_a_hand_edited_workspace(tmp_path_factory, edit, engine):
    ws = _workspace(tmp_path_factory.mktemp("ws"), *edit)
    try:
        run = run_check(ws, "2023-09", None, engine)
        outputs = render_outputs(run.result, ["md", "html", "json", "xlsx"], ws)
    except DubanError as err:
        assert "plan.yaml" in err.format() or "2023-09.yaml" in err.format(), err.format()
        return
    result = json.loads(outputs["result.json"])
    for item in result["tasks"] + result["indicators"]:
        assert item["status"] in ("已完成", "超时序", "正常", "滞后", "严重滞后", "待核实",
                                  "符合预期", "符合时间节点要求", "不达预期")
        for finding in item["findings"]:
            span, source = finding["evidence"].get("span"), finding["evidence"].get("source")
            text = item["progress_text"] if source == "progress" else item["text"]
            if span and text is not None:  # evidence points inside the text it cites
                assert 0 <= span[0] <= span[1], (finding, text)


@fuzz(quick=3, deep=60)
@given(edit=st.one_of(mutated(PLAN).map(lambda p: (p, PROGRESS)), mutated(PROGRESS).map(lambda g: (PLAN, g))))
def test_cli_check_exit_code_is_0_or_2_never_3(tmp_path_factory, edit):
    folder = tmp_path_factory.mktemp("cli")
    ws = _workspace(folder / "ws", *edit)
    out = folder / "out"
    proc = run_limited("check", ws, "--period", "2023-09", "--out", out, "--format", "md,json", timeout=120, memory_mb=2048)
    assert proc.returncode in (0, 2), proc.stderr[-800:]
    assert "Traceback" not in proc.stderr
    if proc.returncode == 2:
        assert is_chinese_error(proc.stderr) and not out.exists()


def test_base_workspace_checks_cleanly(tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(BASE, ws)
    run = run_check(ws, "2023-09", None, "vectorised")
    assert run.result["summary"]["tasks"]["待核实"] < len(run.result["tasks"])
