"""explain, rules diff, escalation across periods, and waivers."""

import json
import shutil
import textwrap

import pytest

from .conftest import RULES, SHIPPED_WS, run_cli

PLAN = """\
schema: duban/plan@1
region: 测试区
year: 2023
tasks:
  - id: T001
    seq: "1"
    text: 新建社区健身点100个。
    lead_units: [区体育局]
    targets:
      - {quantity: 100.0, unit: 个, verb: 新建, verb_family: 建设, object: 社区健身点, kind: count, quote: 新建社区健身点100个, span: [0, 10]}
  - id: T002
    seq: "2"
    text: 建成投用某大桥。
    lead_units: [区交通局]
    targets:
      - {kind: milestone, quote: 建成投用某大桥, span: [0, 7]}
"""


def progress(period, t1, t2):
    return textwrap.dedent(f"""\
        schema: duban/progress@1
        period: {period}
        entries:
          T001:
            text: {t1[0]}
            measures:
              - {{quantity: {t1[1]}, unit: 个, verb: 新建, verb_family: 建设, object: 社区健身点, kind: count, quote: 新建社区健身点{int(t1[1])}个, span: [0, 5]}}
          T002: {t2}
        """)


@pytest.fixture
def history_ws(tmp_path):
    ws = tmp_path / "ws"
    (ws / "progress").mkdir(parents=True)
    (ws / "plan.yaml").write_text(PLAN, encoding="utf-8")
    (ws / "progress" / "2023-03.yaml").write_text(progress("2023-03", ("已新建社区健身点5个。", 5), "项目暂缓实施。"), encoding="utf-8")
    (ws / "progress" / "2023-06.yaml").write_text(progress("2023-06", ("已新建社区健身点20个。", 20), "项目仍暂缓实施。"), encoding="utf-8")
    (ws / "progress" / "2023-09.yaml").write_text(progress("2023-09", ("已新建社区健身点72个。", 72), "项目暂停施工，被市政府通报。"), encoding="utf-8")
    return ws


def check(ws, period, tmp_path, *extra):
    out = tmp_path / f"out-{period}"
    proc = run_cli("check", ws, "--period", period, "--out", out, "--format", "json", *extra)
    assert proc.returncode == 0, proc.stderr
    return json.loads((out / "result.json").read_text(encoding="utf-8"))


def test_streak_climbs_the_ladder_and_catching_up_releases(history_ws, tmp_path):
    june = {t["id"]: t for t in check(history_ws, "2023-06", tmp_path)["tasks"]}
    assert june["T001"]["status"] in ("滞后", "严重滞后")
    assert june["T001"]["escalation"]["periods"] == ["2023-03", "2023-06"] and june["T001"]["escalation"]["step"] == "督办"
    sept = {t["id"]: t for t in check(history_ws, "2023-09", tmp_path)["tasks"]}
    assert sept["T001"]["status"] == "正常"  # 72 of 100 against 75%
    assert sept["T001"]["escalation"] == {"step": None, "periods": [], "streak": 0, "released": True, "note": "已赶上进度，解除督办"}
    bridge = sept["T002"]["escalation"]
    assert bridge["periods"] == ["2023-03", "2023-06", "2023-09"] and bridge["streak"] == 3
    assert bridge["step"] == "通报"  # the rule's own step (被…通报) is higher than the streak's 约谈


def test_waiver_exempts_the_rule_but_is_shown(history_ws, tmp_path):
    (history_ws / "waivers.yaml").write_text(textwrap.dedent("""\
        waivers:
          - item: T002
            rule: R-ST-01
            until: 2023-12-31
            reason: 项目经区政府常务会议同意调整建设时序
            approver: 区政府督查室
          - item: T002
            rule: R-ES-01
            until: 2023-07-31
            reason: 已整改
            approver: 区政府督查室
          - item: T001
            rule: R-TP-05
            until: 2023-12-31
            reason: 年底集中验收
            approver: 区政府督查室
        """), encoding="utf-8")
    result = check(history_ws, "2023-09", tmp_path)
    bridge = next(t for t in result["tasks"] if t["id"] == "T002")
    waived = [f for f in bridge["findings"] if f.get("waived")]
    assert [f["rule"] for f in waived] == ["R-ST-01"]
    assert bridge["status"] == "滞后" and bridge["status_reason"].startswith("R-ES-01")  # the expired waiver does not apply
    assert result["summary"]["waived_findings"] == 1
    assert [w["rule"] for w in result["waivers"]["expired"]] == ["R-ES-01"]
    assert [w["rule"] for w in result["waivers"]["unused"]] == ["R-TP-05"]


@pytest.mark.parametrize("bad,message", [
    ("reason: ''", "字段「reason」：必须填写"),
    ("rule: R-ST-99", "规则「R-ST-99」不存在"),
    ("until: 2023/12/31", "截止日期应写成 YYYY-MM-DD"),
])
def test_bad_waiver_is_exit_2(history_ws, tmp_path, bad, message):
    good = {"item": "T002", "rule": "R-ST-01", "until": "2023-12-31", "reason": "调整", "approver": "督查室"}
    key = bad.split(":")[0]
    lines = [f"    {k}: {v}" if k != key else f"    {bad}" for k, v in good.items()]
    (history_ws / "waivers.yaml").write_text("waivers:\n  -\n" + "\n".join(lines) + "\n", encoding="utf-8")
    proc = run_cli("check", history_ws, "--period", "2023-09", "--out", tmp_path / "o")
    assert proc.returncode == 2 and message in proc.stderr and "waivers.yaml:" in proc.stderr


def test_explain_shows_why_and_why_not():
    proc = run_cli("explain", SHIPPED_WS, "177", "--period", "2023-09", "--engine", "vectorised")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert any(line.startswith("判定：滞后") for line in out.splitlines()[:3]), "the verdict comes first"
    assert "[触发] R-ES-01" in out and "出现「被市政府办公厅通报」" in out
    assert out.index("[触发] R-ES-01") < out.index("事实记录：")
    assert "[未触发]" not in out and "条规则未触发（加 --all" in out
    full = run_cli("explain", SHIPPED_WS, "177", "--period", "2023-09", "--engine", "vectorised", "--all").stdout
    assert "[未触发] R-TP-04" in full and "（缺失） → 不成立" in full
    data = json.loads(run_cli("explain", SHIPPED_WS, "T001", "--period", "2023-09", "--json", "--engine", "vectorised").stdout)
    assert data["id"] == "T001" and any(r["fired"] for r in data["rules"]) and data["record"]["time_progress"] == 0.75


def test_explain_unknown_item():
    proc = run_cli("explain", SHIPPED_WS, "T999", "--period", "2023-09")
    assert proc.returncode == 2 and "找不到" in proc.stderr


def test_rules_diff_dry_run(tmp_path):
    new = tmp_path / "rules"
    shutil.copytree(RULES, new)
    params = new / "params.yaml"
    params.write_text(params.read_text(encoding="utf-8").replace("tolerance: 0.15", "tolerance: 0.05"), encoding="utf-8")
    proc = run_cli("rules", "diff", RULES, new, SHIPPED_WS, "--period", "2023-09", "--json")
    assert proc.returncode == 0, proc.stderr
    diff = json.loads(proc.stdout)
    assert diff["summary"]["newly_lagging"] >= 1 and diff["summary"]["released"] == 0
    assert all(c["status"][1] == "滞后" and "R-TP-04" in c["rules_added"] for c in diff["changes"] if c["status"][0] == "正常")
    text = run_cli("rules", "diff", RULES, new, SHIPPED_WS, "--period", "2023-09").stdout
    assert text.startswith("规则变更试算") and f"新增滞后 {diff['summary']['newly_lagging']} 项" in text
