"""What a re-import says it changes: the differing part of long texts, numbering changes in one line."""

from __future__ import annotations

import yaml

from engine.importing.diff import plan_changes, progress_changes, show_change

from .conftest import FULING

T133 = "发挥战略支点作用，推动与中心城区交通基础设施同城化、产业功能互补、公共服务共享、生态环境共治"  # Fuling plan


def test_long_texts_that_share_a_prefix_show_where_they_differ():
    old, new = show_change(T133 + "。", T133 + "，打造同城化发展先行区。")
    assert old != new and "先行区" in new and old.startswith("…")


def test_quote_style_change_near_the_start_is_visible():
    old, new = show_change("把市委“一号工程”成渝地区双城经济圈建设作为工作总抓手总牵引，全面融入",
                           "把市委‘一号工程’成渝地区双城经济圈建设作为工作总抓手总牵引，全面融入")
    assert "“" in old and "‘" in new


def test_short_values_are_shown_whole():  # hand-written
    assert show_change(["区物流办"], ["物流办"]) == ("区物流办", "物流办")


def _plan(tasks):
    return yaml.safe_dump({"tasks": tasks}, allow_unicode=True)


def test_renumbering_is_one_line_not_one_per_task():  # hand-written: a report whose 序号 all moved by one
    old = _plan([{"id": f"T{i:03d}", "seq": str(i), "text": f"任务{i}"} for i in range(1, 201)])
    new = _plan([{"id": f"T{i:03d}", "seq": str(i + 1), "text": f"任务{i}"} for i in range(1, 200)]
                + [{"id": "T200", "seq": "201", "text": "任务200改"}])
    lines = plan_changes(old, new)
    assert lines == ["修改 T200 text：「任务200」→「任务200改」", "序号变化 200 处（T001、T002、T003等）"]


def test_progress_source_seq_changes_are_summarised():  # hand-written
    old = yaml.safe_dump({"entries": {"T001": {"text": "已完成", "source_seq": ""}, "T002": {"text": "推进中", "source_seq": ""}}}, allow_unicode=True)
    new = yaml.safe_dump({"entries": {"T001": {"text": "已完成", "source_seq": "1"}, "T002": {"text": "推进中", "source_seq": "2"}}}, allow_unicode=True)
    assert progress_changes(old, new) == ["进展表序号变化 2 处（T001、T002）"]


def test_reimporting_an_unchanged_report_is_short(shipped_copy, cli):
    proc = cli("import", FULING / "fuling_2023q3_report.docx", "--into", shipped_copy, "--period", "2023-09")
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.splitlines()) <= 10, proc.stdout


def test_import_counts_are_worded_in_chinese():
    from engine.importing.workspace import ImportReport, stat_label

    assert stat_label("tasks_matched_序号") == "任务按序号对应" and stat_label("indicators_new") == "新增指标"
    report = ImportReport(stats={"tasks_duplicate": 2, "progress_entries": 9})
    assert report.stats_text() == "进展条目 9，任务重复列示 2"
