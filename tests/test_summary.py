"""build_summary: frames built inline -> the summary's facts and its JSON shape."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from xltrack.findings import Finding, Location
from xltrack.frames import CampaignFrames, empty_campaign, frame_from_records
from xltrack.spec import Spec
from xltrack.styles import STATUS_COLOURS
from xltrack.summary import (
    SOURCE_EVALUATION,
    SOURCE_GOALS_DAILY,
    SOURCE_NONE,
    TASK_STATUSES,
    build_summary,
)
from xltrack.summary_sheet import LIST_LIMIT, layout_summary


def campaign(spec: Spec, **tables: list[dict[str, Any]]) -> CampaignFrames:
    frames = empty_campaign(spec, "c.xlsx")
    frames.info = {
        "name": "2024年夏季新品促销",
        "owner": "*经理",
        "start_date": dt.date(2024, 6, 1),
        "end_date": dt.date(2024, 6, 30),
    }
    for key, records in tables.items():
        frames.tables[key].data = frame_from_records(spec.table(key), records)
    return frames


TASKS = [
    {
        "task_id": "T001",
        "task_name": "预热海报设计",
        "start_date": "2024-06-01",
        "end_date": "2024-06-05",
        "status": "done",
        "row": 5,
    },
    {
        "task_id": "T002",
        "task_name": "KOL内容对接",
        "start_date": "2024-06-03",
        "end_date": "2024-06-08",
        "status": "delayed",
        "row": 6,
    },
    {
        "task_id": "T003",
        "task_name": "线下物料准备",
        "start_date": "2024-06-10",
        "end_date": "2024-06-20",
        "status": "in_progress",
        "row": 7,
    },
]
ISSUES = [
    {
        "issue_id": "Q001",
        "description": "到场率低",
        "severity": "medium",
        "resolution": "in_progress",
        "found_date": "2024-06-12",
        "row": 5,
    },
    {
        "issue_id": "Q002",
        "description": "核销率15%",
        "severity": "high",
        "resolution": "resolved",
        "found_date": "2024-06-13",
        "row": 6,
    },
    {
        "issue_id": "Q003",
        "description": "库存不足",
        "severity": "high",
        "resolution": "open",
        "found_date": "2024-06-14",
        "row": 7,
    },
    {"issue_id": "Q004", "description": "未填进度", "severity": "high", "row": 8},
]
EVALUATION = [
    {"metric": "销售额", "target": 300000, "actual": 350000, "row": 5},
    {"metric": "新增会员", "target": 3000, "actual": 2800, "row": 6},
    {"metric": "转化率", "target": 100, "actual": 75, "row": 7},
    {"metric": "社交曝光", "target": 1000000, "row": 8},
]


ENDED = dt.date(2024, 7, 1)  # the day after the campaign: table 5 is final


def test_summary_matches_the_issue_json_shape(spec: Spec, as_of: dt.date) -> None:
    frames = campaign(spec, tasks=TASKS, issues=ISSUES, evaluation=EVALUATION)
    data = build_summary(frames, [], as_of).to_dict()
    assert data["campaign"] == "2024年夏季新品促销"
    assert data["as_of"] == "2024-06-15"
    assert data["metrics"][0] == {
        "name": "销售额",
        "target": 300000,
        # Mid-campaign (6.15 of 6.1-6.30) with no daily tracking: half the target is
        # due by now, but there is no actual to date, so no achievement, pace or
        # health; table 5, written before the end, is kept but not the result yet.
        "actual": None,
        "rate": None,
        "light": None,
        "actual_to_date": None,
        "expected": 150000,
        "pace": None,
        "forecast": None,
        "health": None,
        "escalate_to": None,
        "core": True,
        "final": False,
        "evaluation_actual": 350000,
    }
    assert data["health"] is None
    assert data["tasks"]["total"] == 3
    assert data["tasks"]["done"] == 1
    assert data["tasks"]["overdue"] == ["T002"]
    assert data["issues"]["high_unresolved"] == ["Q003", "Q004"]
    assert json.loads(json.dumps(data)) == data
    assert '"target": 300000,' in json.dumps(data)


def test_summary_lights_follow_the_source_thresholds(spec: Spec) -> None:
    frames = campaign(spec, evaluation=EVALUATION)
    summary = build_summary(frames, [], ENDED)
    assert summary.metrics_source == SOURCE_EVALUATION
    assert [(m.name, m.light) for m in summary.metrics] == [
        ("销售额", "green"),
        ("新增会员", "green"),
        ("转化率", "red"),
        ("社交曝光", None),
    ]
    assert summary.metrics[1].rate == pytest.approx(2800 / 3000)
    assert summary.metrics[3].rate is None and summary.metrics[3].actual is None


def test_summary_falls_back_to_goals_and_daily_sums(spec: Spec, as_of: dt.date) -> None:
    goals = [
        {"metric": "销售额", "target": 100000, "row": 10},
        {"metric": "新增会员", "target": 3000, "row": 11},
        {"metric": "曝光", "target": 10, "row": 12},
    ]
    daily = [
        {"date": "2024-06-10", "metric": "销售额", "target": 50000, "actual": 38000, "row": 5},
        {"date": "2024-06-11", "metric": "销售额 ", "target": 50000, "actual": 42000, "row": 6},
        {"date": "2024-06-11", "metric": "新增会员", "target": 100, "actual": 2500, "row": 7},
    ]
    summary = build_summary(campaign(spec, goals=goals, daily=daily), [], as_of)
    assert summary.metrics_source == SOURCE_GOALS_DAILY
    flat = [(m.name, m.target, m.actual, m.light) for m in summary.metrics]
    # Lights on pace: 80,000 of the 100,000 due; 2,500 members against 100 due.
    assert flat == [
        ("销售额", 100000, 80000, "yellow"),
        ("新增会员", 3000, 2500, "green"),
        ("曝光", 10, None, None),
    ]
    assert [(p.date.day, p.metric, p.actual) for p in summary.daily] == [
        (10, "销售额", 38000),
        (11, "销售额", 42000),
        (11, "新增会员", 2500),
    ]


def test_summary_without_metrics_says_so(spec: Spec, as_of: dt.date) -> None:
    summary = build_summary(campaign(spec), [], as_of)
    assert summary.metrics == [] and summary.metrics_source == SOURCE_NONE
    assert summary.to_dict()["tasks"] == {
        "total": 0,
        "done": 0,
        "overdue": [],
        "by_status": {"not_started": 0, "in_progress": 0, "done": 0, "delayed": 0},
    }


def test_summary_counts_tasks_by_status_and_findings(spec: Spec, as_of: dt.date) -> None:
    tasks = TASKS + [{"task_id": None, "task_name": "无编号", "end_date": "2024-06-01", "row": 9}]
    findings = [
        Finding("task-overdue", Location(sheet="Tasks", row=6, record_id="T002")),
        Finding("task-owner-missing", Location(sheet="Tasks", row=6)),
        Finding("task-owner-missing", Location(sheet="Tasks", row=7)),
    ]
    summary = build_summary(campaign(spec, tasks=tasks), findings, as_of)
    assert summary.task_counts == {
        "not_started": 0,
        "in_progress": 1,
        "done": 1,
        "delayed": 1,
        "unknown": 1,
    }
    assert [(t.task_id, t.days_late) for t in summary.overdue] == [("T002", 7), ("row 9", 14)]
    assert summary.findings_by_severity == {"error": 1, "warning": 2, "info": 0}


def test_summary_daily_sums_duplicate_dates(spec: Spec, as_of: dt.date) -> None:
    daily: list[dict[str, Any]] = [
        {"date": "2024-06-10", "metric": "A", "target": 1, "actual": 2, "row": 5},
        {"date": "2024-06-10", "metric": "A", "target": 3, "actual": None, "row": 6},
        {"date": None, "metric": "A", "target": 9, "actual": 9, "row": 7},
    ]
    points = build_summary(campaign(spec, daily=daily), [], as_of).daily
    assert [(p.target, p.actual) for p in points] == [(4, 2)]


def _cells(layout: Any) -> dict[tuple[int, int], Any]:
    return {(c.row, c.col): c for c in layout.cells}


def test_summary_sheet_layout_in_both_languages(spec: Spec) -> None:
    tasks = TASKS + [
        {
            "task_id": "T009",
            "task_name": '=HYPERLINK("http://x","y")',
            "end_date": "2024-06-01",
            "status": "not_started",
            "row": 9,
        }
    ]
    frames = campaign(spec, tasks=tasks, issues=ISSUES, evaluation=EVALUATION)
    summary = build_summary(frames, [], ENDED)
    en, zh = layout_summary(summary, "en", spec), layout_summary(summary, "zh", spec)
    assert (en.name, zh.name) == ("Achievement summary", "达成总结")
    lights = ("green", "yellow", "red")
    assert [c.value for c in en.cells if c.col == 4 and c.style in lights] == [
        "● Green",
        "● Green",
        "■ Red",
    ]
    assert [c.value for c in zh.cells if c.col == 4 and c.style in lights] == [
        "● 绿",
        "● 绿",
        "■ 红",
    ]
    names = [c.value for c in en.cells if isinstance(c.value, str) and c.value.startswith("=")]
    assert names == ['=HYPERLINK("http://x","y")']
    cells = _cells(en)
    achievement = next(ch for ch in en.charts if ch.kind == "column")
    first, col, last, _ = achievement.series[0][1]
    assert [cells[(r, col)].value for r in range(first, last + 1)] == [
        m.rate for m in summary.metrics
    ]
    assert achievement.colours[:3] == ("#70AD47", "#70AD47", "#C00000")  # bars in their lights
    assert achievement.line is not None  # the 100 % line
    first, col, last, _ = achievement.line[1]
    assert {cells[(r, col)].value for r in range(first, last + 1)} == {1.0}
    # ... written where nobody sees it: an empty number format, header included
    styles = {cells[(r, col)].style for r in range(first - 1, last + 1)}
    assert {en.styles[s].get("num_format") for s in styles} == {";;;"}
    status = next(ch for ch in en.charts if ch.kind == "bar")
    first, col, last, _ = status.series[0][1]
    assert sum(cells[(r, col)].value for r in range(first, last + 1)) == summary.tasks_total
    assert status.colours[:4] == tuple(STATUS_COLOURS[k] for k in TASK_STATUSES)


def test_summary_sheet_says_where_metrics_came_from(spec: Spec, as_of: dt.date) -> None:
    goals = [{"metric": "销售额", "target": 100, "row": 10}]
    layout = layout_summary(build_summary(campaign(spec, goals=goals), [], as_of), "en", spec)
    notes = [c.value for c in layout.cells if c.style == "note"]
    assert any("table 5" in str(n) for n in notes)
    empty = layout_summary(build_summary(campaign(spec), [], as_of), "zh", spec)
    assert "未找到指标" in [c.value for c in empty.cells]
    assert [ch.kind for ch in empty.charts] == []


def test_summary_sheet_lists_the_worst_overdue_first_and_cuts_long_lists(
    spec: Spec, as_of: dt.date
) -> None:
    tasks = [
        {
            "task_id": f"T{i:03d}",
            "end_date": f"2024-05-{1 + i % 28:02d}",
            "status": "delayed",
            "row": i + 5,
        }
        for i in range(LIST_LIMIT + 20)
    ]
    summary = build_summary(campaign(spec, tasks=tasks), [], as_of)
    assert len(summary.to_dict()["tasks"]["overdue"]) == LIST_LIMIT + 20
    cells = layout_summary(summary, "en", spec).cells
    late: list[Any] = [c.value for c in cells if c.col == 3 and c.style == "integer"]
    assert len(late) == LIST_LIMIT and late == sorted(late, reverse=True) and late[0] == 45
    assert any(c.value == f"… and 20 more (the {LIST_LIMIT} listed first)" for c in cells)


def test_summary_sheet_shows_budget_lines_and_channels(spec: Spec) -> None:
    from pathlib import Path

    from xltrack.analyze import analyze_workbook

    example = Path(__file__).resolve().parent.parent / "samples" / "example-en.xlsx"
    summary = analyze_workbook(example, dt.date(2024, 6, 15), spec).summary
    cells = {(c.row, c.col): c for c in layout_summary(summary, "en", spec).cells}
    where = next(pos for pos, c in cells.items() if c.value == "Budget and spend")
    totals = [cells[(where[0] + 1, col)].value for col in (1, 3, 5, 6)]
    assert totals == [500000.0, 306000.0, 194000.0, 0.612]
    lines = [
        (c.value, c.style)
        for (r, col), c in sorted(cells.items())
        if col == 3 and r > where[0] + 3 and isinstance(c.value, float) and c.value < 0
    ]
    assert [round(v, 2) for v, _ in lines] == [-0.3, -0.36, -1.0]
    assert any(c.value == "Douyin" for c in cells.values())
