"""Workbooks from other teams: header words, vocabularies and structure xltrack has not seen.

Each test builds a small hand-made workbook inline and asserts that the reader, the
checks and the summary agree, and that what could not be read is said, never guessed.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xltrack.analyze import analyze_workbook
from xltrack.messages import finding_message
from xltrack.spec import Spec

AS_OF = dt.date(2024, 3, 20)


def _book(path: Path, sheets: dict[str, list[tuple[Any, ...]]]) -> Path:
    wb = openpyxl.Workbook()
    first = True
    for title, rows in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        first = False
        ws.title = title
        for row in rows:
            ws.append(list(row))
    wb.save(path)
    return path


CAMPAIGN = [
    ("Campaign name", "Spring push"),
    ("Owner", "Ann"),
    ("Start date", dt.date(2024, 3, 1)),
    ("End date", dt.date(2024, 3, 31)),
    ("Total budget", 100000),
]
TASKS = [
    ("Task ID", "Task", "Owner", "Start", "Due", "Status"),
    ("T1", "Poster", "Bo", dt.date(2024, 3, 1), dt.date(2024, 3, 5), "Done"),
]


def _codes(analysis: Any, code: str) -> list[tuple[str | None, str | None]]:
    return [(f.location.cell, f.location.record_id) for f in analysis.findings if f.code == code]


def test_unseen_english_issue_log_headers_by_meaning(tmp_path: Path, spec: Spec) -> None:
    path = _book(
        tmp_path / "en.xlsx",
        {
            "Campaign": CAMPAIGN,
            "Tasks": TASKS,
            "Issues": [
                ("Issue #", "Description", "Found On", "Owner", "Severity", "Resolution Status"),
                ("Q1", "Low turnout", dt.date(2024, 3, 5), "Ann", "High", "Closed"),
                ("Q2", "Coupons", dt.date(2024, 3, 6), "Bo", "High", "Open"),
            ],
        },
    )
    analysis = analyze_workbook(path, AS_OF, spec)
    issues = analysis.frames.issues
    assert issues.columns["found_date"] == "C" and issues.columns["resolution"] == "F"
    # check and summary agree: only the open one is unresolved
    assert _codes(analysis, "issue-high-unresolved") == [("F3", "Q2")]
    assert analysis.summary.to_dict()["issues"]["high_unresolved"] == ["Q2"]
    # the guesses are said, with the cell
    assert sorted(_codes(analysis, "header-guessed")) == [("C1", None), ("F1", None)]
    report = {h.cell: (h.column, h.sureness) for h in analysis.frames.headers}
    assert report["A1"] == ("issue_id", 0.9) and report["B1"] == ("description", 1.0)
    assert report["C1"][0] == "found_date" and report["C1"][1] < 0.9


def test_unseen_traditional_and_unknown_resolutions(tmp_path: Path, spec: Spec) -> None:
    path = _book(
        tmp_path / "hant.xlsx",
        {
            "活動": [
                ("活動名稱", "春季活動"),
                ("負責人", "王"),
                ("開始日期", dt.date(2024, 3, 1)),
                ("結束日期", dt.date(2024, 3, 31)),
            ],
            "任務": [
                ("任務ID", "任務名稱", "負責人", "結束日期", "進度狀態"),
                ("T1", "海報", "甲", dt.date(2024, 3, 5), "已完成"),
            ],
            "問題": [
                ("問題編號", "問題描述", "發現時間", "嚴重程度", "解決進度"),
                ("Q1", "到場率低", dt.date(2024, 3, 5), "高", "已結案"),
                ("Q2", "庫存不足", dt.date(2024, 3, 6), "高", "見備註"),
                ("Q3", "核銷率低", dt.date(2024, 3, 7), "高", "處理中"),
            ],
        },
    )
    analysis = analyze_workbook(path, AS_OF, spec)
    summary = analysis.summary.to_dict()
    assert summary["issues"]["high_unresolved"] == ["Q3"]  # Q1 closed, Q2 unknown: not open
    assert summary["issues"]["unknown_values"] == {"resolution": 1}
    assert _codes(analysis, "cell-not-in-list") == [("E3", "Q2")]
    assert _codes(analysis, "issue-high-unresolved") == [("E4", "Q3")]


def test_unseen_missing_column_is_unknown_not_zero(tmp_path: Path, spec: Spec) -> None:
    path = _book(
        tmp_path / "nores.xlsx",
        {
            "Campaign": CAMPAIGN,
            "Tasks": TASKS,
            "Issues": [
                ("Issue ID", "Description", "Found", "Severity"),
                ("Q1", "Low turnout", dt.date(2024, 3, 5), "High"),
            ],
        },
    )
    analysis = analyze_workbook(path, AS_OF, spec)
    missing = [f.params["column"] for f in analysis.findings if f.code == "column-missing"]
    assert missing == ["resolution"]
    data = analysis.summary.to_dict()["issues"]
    assert data["high_unresolved"] is None and data["open"] is None
    assert not _codes(analysis, "issue-high-unresolved")
    message = next(
        finding_message(f, "en", spec) for f in analysis.findings if f.code == "column-missing"
    )
    assert "no resolution column" in message and "cannot be computed" in message


def test_unseen_section_rows_label_tasks_and_fill_phase(tmp_path: Path, spec: Spec) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "任务"
    for row in [
        ("任务ID", "任务名称", "负责人", "开始日期", "结束日期", "进度状态"),
        ("一、预热期（2项）",),
        ("T001", "海报", "甲", dt.date(2024, 3, 1), dt.date(2024, 3, 5), "已完成"),
        ("T002", "KOL", "乙", dt.date(2024, 3, 3), dt.date(2024, 3, 8), "滞后1天"),
        ("Launch activities",),
        ("T003", "物料", "丙", dt.date(2024, 3, 10), dt.date(2024, 3, 20), "进行中"),
        ("Phase 3 – Wrap-up",),
        ("T004", "复盘", "丁", dt.date(2024, 3, 28), dt.date(2024, 3, 31), "未开始"),
        ("注：状态每周五更新",),
    ]:
        ws.append(list(row))
    ws.merge_cells("A5:F5")  # a group row merged across the table, without numbering
    wb.save(tmp_path / "sections.xlsx")
    analysis = analyze_workbook(tmp_path / "sections.xlsx", AS_OF, spec)
    tasks = analysis.frames.tasks.data
    assert tasks["task_id"].tolist() == ["T001", "T002", "T003", "T004"]
    assert tasks["phase"].tolist() == ["warm_up", "warm_up", "execution", "wrap_up"]
    assert not _codes(analysis, "task-owner-missing")


def test_unseen_units_scale_to_base_units(tmp_path: Path, spec: Spec) -> None:
    path = _book(
        tmp_path / "units.xlsx",
        {
            "活动": [
                ("活动名称", "夏促"),
                ("负责人", "王"),
                ("起止时间", "2024.3.1-3.31"),
                (),
                ("指标", "目标值", "单位"),
                ("销售额", 30, "万元"),
                ("新增会员", 3000, "人"),
            ],
            "评估": [
                ("核心指标", "目标值", "实际值"),
                ("销售额(万元)", 30, 35.6),
                ("曝光", 100, 120),
            ],
            "每日": [
                ("单位：万元",),
                ("日期", "核心指标", "目标", "实际"),
                (dt.date(2024, 3, 10), "销售额", 5, 3.8),
            ],
            "任务": TASKS,
        },
    )
    frames = analyze_workbook(path, AS_OF, spec).frames
    goals = frames.goals.data
    assert goals["target"].tolist() == [300000.0, 3000.0] and goals["unit"].tolist() == ["元", "人"]
    evaluation = frames.evaluation.data
    assert evaluation["metric"].tolist() == ["销售额", "曝光"]
    assert evaluation["actual"].tolist() == [356000.0, 120.0]  # only the row that says 万元
    assert frames.daily.data[["target", "actual"]].values.tolist() == [[50000.0, 38000.0]]
    said = sorted(
        (f.location.sheet, f.params["unit"])
        for f in frames.load_findings
        if f.code == "unit-scaled"
    )
    assert said == [("每日", "万元"), ("活动", "万元"), ("评估", "万元")]


def test_unseen_yearless_dates_across_new_year(tmp_path: Path, spec: Spec) -> None:
    path = _book(
        tmp_path / "newyear.xlsx",
        {
            "活动": [("活动名称", "跨年"), ("负责人", "王"), ("起止时间", "2024.12.20-2025.1.10")],
            "任务": [
                ("任务ID", "任务名称", "负责人", "起止时间", "进度状态"),
                ("T1", "a", "b", "12.28-1.3", "进行中"),
                ("T2", "c", "d", "1.5", "未开始"),
                ("T3", "e", "f", "12.21-12.24", "已完成"),
            ],
        },
    )
    analysis = analyze_workbook(path, dt.date(2024, 12, 30), spec)
    tasks = analysis.frames.tasks.data
    ends = [d.date().isoformat() for d in tasks["end_date"]]
    assert ends == ["2025-01-03", "2025-01-05", "2024-12-24"]
    assert not _codes(analysis, "task-overdue") and not _codes(analysis, "task-outside-campaign")


def test_unseen_ordinary_lists_are_not_campaigns(tmp_path: Path, spec: Spec) -> None:
    import pytest

    from xltrack.errors import UnrecognizedWorkbookError

    lists: dict[str, list[tuple[Any, ...]]] = {
        "interviews": [
            ("Name", "City", "Status"),
            ("Ann", "Oslo", "Hired"),
            ("Bo", "Rome", "Open"),
        ],
        "sales": [
            ("Region", "Product", "Date", "Sales", "Target"),
            ("N", "A", dt.date(2024, 1, 1), 10, 12),
        ],
        "kpis": [("Metric", "Target", "Actual"), ("Visits", 100, 90)],
    }
    for name, rows in lists.items():
        path = _book(tmp_path / f"{name}.xlsx", {"Sheet1": rows})
        with pytest.raises(UnrecognizedWorkbookError, match="none of the five campaign tables"):
            analyze_workbook(path, AS_OF, spec)
    # the task table with its key columns is evidence enough on its own
    path = _book(tmp_path / "tasks.xlsx", {"Sheet1": TASKS})
    assert analyze_workbook(path, AS_OF, spec).frames.tasks.data["task_id"].tolist() == ["T1"]


# Header spellings a team may use for the same column: labels, aliases and phrases
# matched only by their words. Any of them, in any order, must read the same frames.
SYNONYMS: dict[str, dict[str, list[str]]] = {
    "tasks": {
        "task_id": ["Task ID", "任務編號", "Task #", "No.", "Ref number"],
        "task_name": ["Task", "任务名称", "Work item", "工作事项"],
        "owner": ["Owner", "負責人", "Task owner", "Assigned to", "任务负责人"],
        "end_date": ["End", "Due date", "Deadline", "计划完成日期", "Finish by"],
        "status": ["Status", "進度狀態", "Progress", "Current state", "完成情况"],
    },
    "issues": {
        "issue_id": ["Issue ID", "问题编号", "Risk ID", "Ref", "Issue #"],
        "description": ["Description", "問題描述", "Problem summary", "风险内容"],
        "found_date": ["Found", "Found On", "Date raised", "登記日期", "Reported on"],
        "severity": ["Severity", "嚴重程度", "Risk level", "Impact", "优先级"],
        "resolution": ["Resolution", "Resolution Status", "處理情況", "State", "进展"],
    },
}
RECORDS = {
    "tasks": [
        {
            "task_id": "T1",
            "task_name": "Poster",
            "owner": "Bo",
            "end_date": dt.date(2024, 3, 5),
            "status": "Done",
        },
        {
            "task_id": "T2",
            "task_name": "KOL",
            "owner": "Cy",
            "end_date": dt.date(2024, 3, 8),
            "status": "WIP",
        },
    ],
    "issues": [
        {
            "issue_id": "Q1",
            "description": "Turnout",
            "found_date": dt.date(2024, 3, 5),
            "severity": "High",
            "resolution": "Closed",
        },
        {
            "issue_id": "Q2",
            "description": "Coupons",
            "found_date": dt.date(2024, 3, 6),
            "severity": "High",
            "resolution": "Open",
        },
    ],
}


@st.composite
def _renamed(draw: st.DrawFn) -> dict[str, list[tuple[str, str]]]:
    out = {}
    for table, columns in SYNONYMS.items():
        keys = draw(st.permutations(list(columns)))
        out[table] = [(key, draw(st.sampled_from(columns[key]))) for key in keys]
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(renamed=_renamed())
def test_unseen_property_synonym_headers_in_any_order_read_the_same(
    renamed: dict[str, list[tuple[str, str]]],
) -> None:
    from xltrack.spec import load_spec

    spec = load_spec()
    with tempfile.TemporaryDirectory() as tmp:
        sheets: dict[str, list[tuple[Any, ...]]] = {"Campaign": CAMPAIGN}
        for table, columns in renamed.items():
            rows: list[tuple[Any, ...]] = [tuple(header for _, header in columns)]
            rows += [tuple(rec[key] for key, _ in columns) for rec in RECORDS[table]]
            sheets[table.title()] = rows
        frames = analyze_workbook(_book(Path(tmp) / "r.xlsx", sheets), AS_OF, spec).frames
    tasks, issues = frames.tasks.data, frames.issues.data
    assert tasks["task_id"].tolist() == ["T1", "T2"] and tasks["owner"].tolist() == ["Bo", "Cy"]
    assert tasks["status"].tolist() == ["done", "in_progress"]
    assert [d.day for d in tasks["end_date"]] == [5, 8]
    assert issues["issue_id"].tolist() == ["Q1", "Q2"]
    assert issues["resolution"].tolist() == ["resolved", "open"]
    assert issues["severity"].tolist() == ["high", "high"]
    assert [d.day for d in issues["found_date"]] == [5, 6]


def test_unseen_metric_spellings_are_one_metric(tmp_path: Path, spec: Spec) -> None:
    from xltrack.labels import metric_key
    from xltrack.spec import load_spec

    path = _book(
        tmp_path / "metrics.xlsx",
        {
            "活动": [
                ("活动名称", "夏促"),
                ("负责人", "王"),
                ("起止时间", "2024.3.1-3.31"),
                (),
                ("指标", "目标值"),
                ("销售额", 100000),
                ("Leads", 50),
            ],
            "每日": [
                ("日期", "核心指标", "目标", "实际"),
                (dt.date(2024, 3, 10), "銷售額", 5000, 3800),
                (dt.date(2024, 3, 11), "销售额(万元)", 0.5, 0.42),
                (dt.date(2024, 3, 11), "Sales", 1, 1),
            ],
            "任务": TASKS,
        },
    )
    metrics = {m.name: m.actual for m in analyze_workbook(path, AS_OF, spec).summary.metrics}
    # 3,800 + 4,200; "Sales" is not 销售额 here: a metric of its own, tracked daily.
    assert metrics == {"销售额": 8000.0, "Leads": None, "Sales": 1.0}
    team = tmp_path / "team.yaml"
    team.write_text("extends: builtin\nmetrics: {销售额: [Sales, Revenue]}\n", encoding="utf-8")
    team_spec = load_spec(team)
    assert (
        metric_key("Sales", team_spec)
        == metric_key("銷售額", team_spec)
        != metric_key("Sales", spec)
    )
    metrics = {m.name: m.actual for m in analyze_workbook(path, AS_OF, team_spec).summary.metrics}
    assert metrics["销售额"] == 8001.0 and "Sales" not in metrics


def test_unseen_money_headers_in_both_languages(tmp_path: Path, spec: Spec) -> None:
    zh = _book(
        tmp_path / "zh-money.xlsx",
        {
            "活动": [
                ("活动名称", "夏促"),
                ("负责人", "王"),
                ("起止时间", "2024.3.1-3.31"),
                ("预算总额", "10万"),
                (),
                ("预算项", "占比", "计划金额", "实际支出"),
                ("推广", 0.6, 60000, 70000),
                ("物料", 0.4, 40000, 30000),
            ],
            "每日": [
                ("日期", "核心指标", "目标", "实际", "投放渠道", "投放金额"),
                (dt.date(2024, 3, 10), "销售额", 5000, 3000, "小红书", 4000),
                (dt.date(2024, 3, 10), "销售额", 5000, 9000, "抖音", 2000),
            ],
            "任务": TASKS,
        },
    )
    en = _book(
        tmp_path / "en-money.xlsx",
        {
            "Campaign": CAMPAIGN
            + [
                (),
                ("Category", "Share", "Planned", "Actual spend"),
                ("Ads", 0.6, 60000, 70000),
                ("Print", 0.4, 40000, 30000),
            ],
            "Daily": [
                ("Date", "Metric", "Target", "Actual", "Channel", "Cost"),
                (dt.date(2024, 3, 10), "Sales", 5000, 3000, "Search", 4000),
                (dt.date(2024, 3, 10), "Sales", 5000, 9000, "Social", 2000),
            ],
            "Tasks": TASKS,
        },
    )
    for path in (zh, en):
        analysis = analyze_workbook(path, AS_OF, spec)
        budget = analysis.summary.to_dict()["budget"]
        assert (budget["total"], budget["spent"]) == (100000, 100000), path.name
        assert [line["variance"] for line in budget["lines"]] == [0.1667, -0.25]
        roi = {c["name"]: c["roi"] for c in analysis.summary.to_dict()["channels"]}
        assert sorted(roi.values()) == [0.75, 4.5]
        codes = sorted(
            f.code for f in analysis.findings if f.code.startswith(("budget", "channel"))
        )
        assert codes == [
            "budget-line-over",
            "budget-near-cap",
            "channel-roi-high",
            "channel-roi-low",
        ]


def test_unseen_a_header_row_named_only_by_words(tmp_path: Path, spec: Spec) -> None:
    # Found by the property above: every header a phrase the template has no name for.
    path = _book(
        tmp_path / "words.xlsx",
        {
            "Campaign": CAMPAIGN,
            "Plan": [
                ("Ref number", "Work item", "Task owner", "计划完成日期", "Current state"),
                ("T1", "Poster", "Bo", dt.date(2024, 3, 5), "Done"),
            ],
        },
    )
    tasks = analyze_workbook(path, AS_OF, spec).frames.tasks
    assert tasks.sheet == "Plan" and tasks.data["owner"].tolist() == ["Bo"]


def test_unseen_targets_typed_ahead_do_not_drag_the_pace(tmp_path: Path, spec: Spec) -> None:
    # Teams type every day's target in advance; today's actual is blank until entered.
    daily: list[tuple[Any, ...]] = [("Date", "Metric", "Target", "Actual")]
    daily += [
        (dt.date(2024, 3, d), "Sales", 5000, a) for d, a in ((10, 5500), (11, 5200), (12, 5100))
    ]
    daily += [(dt.date(2024, 3, d), "Sales", 5000, None) for d in range(13, 31)]
    path = _book(
        tmp_path / "ahead.xlsx",
        {
            "Campaign": CAMPAIGN + [(), ("Metric", "Target"), ("Sales", 100000)],
            "Daily": daily,
            "Tasks": TASKS,
        },
    )
    (sales,) = analyze_workbook(path, dt.date(2024, 3, 13), spec).summary.to_dict()["metrics"]
    assert (sales["expected"], sales["health"]) == (15000, "on_track")


def test_unseen_unit_in_a_form_label_scales_the_budget(tmp_path: Path, spec: Spec) -> None:
    zh = _book(
        tmp_path / "wan.xlsx",
        {
            "活动信息": [
                ("活动名称", "T"),
                ("负责人", "王"),
                ("活動期間", "2025.1.1-1.31"),
                ("预算总额(万元)", 30),
                (),
                ("费用类别", "占比", "已花费(万元)"),
                ("投放费用", "60%", 12),
                ("物料费用", "40%", 5.5),
            ],
            "任务分解": [
                ("编号", "任务名称", "负责人", "结束日期", "进度状态"),
                ("T1", "x", "a", "1.5", "已完成"),
            ],
        },
    )
    analysis = analyze_workbook(zh, dt.date(2025, 1, 3), spec)
    budget = analysis.summary.to_dict()["budget"]
    assert (budget["total"], budget["spent"]) == (300000, 175000)
    assert analysis.frames.start_date == dt.date(2025, 1, 1)  # 活動期間 is the campaign period
    assert not [f for f in analysis.findings if f.code.startswith("budget-")]
    en = _book(
        tmp_path / "k.xlsx", {"Campaign": CAMPAIGN[:4] + [("Budget (k)", 120)], "Tasks": TASKS}
    )
    assert analyze_workbook(en, AS_OF, spec).frames.info["budget"] == 120000


def test_unseen_a_small_table_headed_only_by_words(tmp_path: Path, spec: Spec) -> None:
    path = _book(
        tmp_path / "lines.xlsx",
        {
            "Campaign": CAMPAIGN
            + [
                (),
                ("Line item", "Allocation", "Spent to date"),
                ("Ads", 40000, 45000),
                ("Print", 60000, 20000),
            ],
            "Tasks": TASKS,
        },
    )
    budget = analyze_workbook(path, AS_OF, spec).summary.to_dict()["budget"]
    assert [(line["category"], line["spent"]) for line in budget["lines"]] == [
        ("Ads", 45000),
        ("Print", 20000),
    ]


def test_unseen_planned_amounts_typed_without_shares_are_kept(tmp_path: Path, spec: Spec) -> None:
    path = _book(
        tmp_path / "planned.xlsx",
        {
            "Campaign": CAMPAIGN
            + [
                (),
                ("Line item", "Planned", "Actual spend"),
                ("Ads", 40000, 47000),
                ("Print", 60000, 20000),
            ],
            "Tasks": TASKS,
        },
    )
    analysis = analyze_workbook(path, AS_OF, spec)
    lines = analysis.summary.to_dict()["budget"]["lines"]
    assert [(line["planned"], line["variance"]) for line in lines] == [
        (40000, 0.175),
        (60000, -0.6667),
    ]
    assert [
        f.location.record_id or f.params["category"]
        for f in analysis.findings
        if f.code == "budget-line-over"
    ] == ["Ads"]


def test_unseen_a_renamed_summary_sheet_is_not_read_as_data(tmp_path: Path, spec: Spec) -> None:
    from xltrack.reader import read_workbook
    from xltrack.summary_sheet import write_summary

    example = Path(__file__).resolve().parent.parent / "samples" / "example-en.xlsx"
    book = openpyxl.load_workbook(example)
    book.create_sheet("Achievement summary")["A1"] = "my notes"
    book.save(tmp_path / "mine.xlsx")
    before = read_workbook(tmp_path / "mine.xlsx", spec)
    analysis = analyze_workbook(tmp_path / "mine.xlsx", dt.date(2024, 6, 15), spec)
    out = write_summary(tmp_path / "mine.xlsx", analysis.summary, out=tmp_path / "out.xlsx")
    assert "Achievement summary (2)" in openpyxl.load_workbook(out).sheetnames
    after = read_workbook(out, spec)
    for key in ("goals", "tasks", "daily", "issues", "evaluation"):
        assert after.tables[key].sheet == before.tables[key].sheet, key
        assert after.tables[key].data["row"].tolist() == before.tables[key].data["row"].tolist(), (
            key
        )


def test_unseen_issue_times_of_day_count_for_the_24_hour_rule(tmp_path: Path) -> None:
    # Found in the evening, answered the next evening: 25 hours, late; the same dates
    # with the reply the next morning: 14 hours, in time. Whole days would call both 24.
    issues = [
        ("Issue ID", "Description", "Found", "Severity", "Status", "First response"),
        ("Q1", "Coupon bug", dt.datetime(2024, 3, 12, 20, 0), "High", "Open", "2024-03-13 21:00"),
        ("Q2", "Late stock", "2024.3.12 20:00", "Low", "Open", dt.datetime(2024, 3, 13, 10, 0)),
        ("Q3", "Venue", "3月12日 下午8点", "Low", "Open", "3/13/2024 9:30 pm"),
        ("Q4", "Print", "2024-03-12 8pm?", "Low", "Open", "2024-03-13"),
    ]
    path = _book(tmp_path / "times.xlsx", {"Campaign": CAMPAIGN, "Tasks": TASKS, "Issues": issues})
    analysis = analyze_workbook(path, as_of=AS_OF)
    late = {
        f.location.record_id: f.params["hours"]
        for f in analysis.findings
        if f.code == "issue-response-late"
    }
    assert late == {"Q1": 25.0, "Q3": 25.5}
    # A time that cannot be read is said, never turned into a silent midnight.
    unread = [f for f in analysis.findings if f.location.record_id == "Q4"]
    assert any(f.code == "cell-unparsed" and f.location.cell == "C5" for f in unread)
    issues_frame = analysis.frames.issues.data
    assert issues_frame["found_date"].dt.hour.tolist()[:3] == [20, 20, 20]
    assert issues_frame["age_days"].tolist()[:3] == [8.0, 8.0, 8.0]  # whole days to 3-20


def test_unseen_a_hidden_copy_of_a_table_gives_way_to_the_visible_one(
    tmp_path: Path, spec: Spec
) -> None:
    # An old copy of the task sheet, hidden, with more rows: the longer table used to win
    # and the campaign was judged on the draft (issue: unseen corpus, en-xlsm-hidden-filtered).
    old = [TASKS[0]] + [
        (f"T{i}", "Draft", "Bo", dt.date(2024, 3, 1), dt.date(2024, 3, 2), "Not started")
        for i in range(1, 6)
    ]
    path = _book(tmp_path / "hidden.xlsx", {"Campaign": CAMPAIGN, "Old": old, "Tasks": TASKS})
    wb = openpyxl.load_workbook(path)
    wb["Old"].sheet_state = "hidden"
    wb.save(path)
    analysis = analyze_workbook(path, AS_OF, spec)
    assert analysis.frames.tables["tasks"].sheet == "Tasks"
    assert analysis.summary.to_dict()["tasks"]["total"] == 1
    assert not _codes(analysis, "task-overdue")
    # A table that is only on a hidden sheet is still read.
    wb = openpyxl.load_workbook(path)
    del wb["Tasks"]
    wb.save(path)
    analysis = analyze_workbook(path, AS_OF, spec)
    assert analysis.frames.tables["tasks"].sheet == "Old"
    assert analysis.summary.to_dict()["tasks"]["total"] == 5


def test_unseen_a_numbered_title_ends_the_table_above(tmp_path: Path, spec: Spec) -> None:
    # Below the task table, after a blank row, "表3 …" titles a block xltrack does not
    # read; its rows used to become tasks ("指标" overdue, "GMV目标" without dates).
    path = _book(
        tmp_path / "stacked.xlsx",
        {
            "Campaign": CAMPAIGN
            + [
                (),
                *TASKS,
                ("T2", "Flyer", "Cy", dt.date(2024, 3, 2), dt.date(2024, 3, 9), "In progress"),
                (),
                ("表3 执行进度每日跟踪表",),
                ("渠道", "线上", "线下", "合作方", "备注"),
                ("负责人", "甲", "乙", "丙", "无"),
            ]
        },
    )
    analysis = analyze_workbook(path, AS_OF, spec)
    tasks = analysis.frames.tables["tasks"]
    assert tasks.data["task_id"].tolist() == ["T1", "T2"]
    assert analysis.summary.to_dict()["tasks"]["total"] == 2


def test_unseen_a_daily_table_laid_out_wide_is_said_not_read(tmp_path: Path, spec: Spec) -> None:
    wide = [
        ("Metric", "Mar 4", "Mar 5", "Mar 6", "Mar 7"),
        ("Sales target", 10000, 10000, 10000, 10000),
        ("Sales actual", 9000, 12000, 7000, None),
    ]
    path = _book(tmp_path / "wide.xlsx", {"Campaign": CAMPAIGN, "Tasks": TASKS, "Daily": wide})
    analysis = analyze_workbook(path, AS_OF, spec)
    assert analysis.frames.tables["daily"].data.empty
    assert _codes(analysis, "table-unread") == [("A1", None)]
    (unread,) = [f for f in analysis.findings if f.code == "table-unread"]
    assert unread.location.sheet == "Daily" and unread.params == {"table": "daily"}
    assert "one column per date" in finding_message(unread, "en", spec)
    assert not [
        f for f in analysis.findings if f.code == "sheet-missing" and f.params["table"] == "daily"
    ]
    # A Gantt's date scale has no figures under it: the daily table is simply not there.
    gantt = [("Week", *(dt.date(2024, 3, d) for d in range(4, 9))), ("T1", "■", "■", None, None)]
    path = _book(tmp_path / "gantt.xlsx", {"Campaign": CAMPAIGN, "Tasks": TASKS, "Plan": gantt})
    analysis = analyze_workbook(path, AS_OF, spec)
    assert not _codes(analysis, "table-unread")
    assert {"table": "daily"} in [f.params for f in analysis.findings if f.code == "sheet-missing"]


def test_unseen_day_first_workbook_reads_every_slashed_date_day_first(tmp_path: Path) -> None:
    # A UK tracker: its campaign dates are text, and only "30/06/2024" tells the order.
    # Read alone, "01/06/2024" would be 6 January and the campaign five months long.
    campaign = [
        ("Campaign name", "Summer push"),
        ("Owner", "Ann"),
        ("Start date", "01/06/2024"),
        ("End date", "30/06/2024"),
    ]
    tasks = [
        ("Task ID", "Task", "Owner", "Start", "Due", "Status"),
        ("T1", "Poster", "Bo", "03/06/2024", "07/06/2024", "In progress"),
        ("T2", "Flyers", "Cy", "10/06/2024", "12/06/2024", "Not started"),
    ]
    path = _book(tmp_path / "uk.xlsx", {"Campaign": campaign, "Tasks": tasks})
    analysis = analyze_workbook(path, as_of=dt.date(2024, 6, 11))
    frames = analysis.frames
    assert (frames.start_date, frames.end_date) == (dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    ends = frames.tasks.data["end_date"].dt.date.tolist()
    assert ends == [dt.date(2024, 6, 7), dt.date(2024, 6, 12)]
    assert [f.location.record_id for f in analysis.findings if f.code == "task-overdue"] == ["T1"]
    # Each ambiguous cell says how it was read.
    said = [f.params.get("assumption") for f in analysis.findings if f.code == "cell-guessed"]
    assert "day/month/year order, as elsewhere in the workbook" in " ".join(map(str, said))


def test_unseen_us_workbook_keeps_month_first(tmp_path: Path) -> None:
    campaign = [
        ("Campaign name", "Summer push"),
        ("Start date", "06/01/2024"),
        ("End date", "06/30/2024"),
        ("Owner", "Ann"),
    ]
    tasks = [
        ("Task ID", "Task", "Owner", "Start", "Due", "Status"),
        ("T1", "Poster", "Bo", "06/03/2024", "06/07/2024", "In progress"),
    ]
    path = _book(tmp_path / "us.xlsx", {"Campaign": campaign, "Tasks": tasks})
    frames = analyze_workbook(path, as_of=dt.date(2024, 6, 11)).frames
    assert (frames.start_date, frames.end_date) == (dt.date(2024, 6, 1), dt.date(2024, 6, 30))
    assert frames.tasks.data["end_date"].dt.date.tolist() == [dt.date(2024, 6, 7)]


def test_unseen_task_counts_add_up_with_a_status_not_in_the_list(tmp_path: Path) -> None:
    from xltrack.render import summary_to_text

    tasks = [
        *TASKS,
        ("T2", "Flyer", "Bo", dt.date(2024, 3, 1), dt.date(2024, 3, 5), "in progres"),
        ("T3", "Video", "Bo", dt.date(2024, 3, 1), dt.date(2024, 3, 5), None),
    ]
    path = _book(tmp_path / "s.xlsx", {"Campaign": CAMPAIGN, "Tasks": tasks})
    analysis = analyze_workbook(path, AS_OF)
    assert analysis.summary.task_counts["unknown"] == 2
    line = next(s for s in summary_to_text(analysis.summary, "en").splitlines() if "Tasks:" in s)
    assert line.endswith(
        "Tasks: 3 (Not started 0, In progress 0, Done 1, Delayed 0, (empty or not in the list) 2)"
    )
