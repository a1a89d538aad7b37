"""Build the second reader corpus: workbooks made the way other teams make them.

Run `python samples/build_unseen.py` to (re)write `samples/unseen/*.xlsx`, each with
an `*.expected.json` beside it (what the reader, the checks and the summary must
find, written by hand here, never taken from xltrack), and
`samples/unseen/not-campaigns/*.xlsx`: ordinary spreadsheets xltrack must refuse.

Each campaign workbook exercises what issue 9 saw go silently wrong: header words
outside the template's lists, section rows, units in names and notes, a New-Year
window with yearless dates, Traditional and English vocabularies, values outside
the vocabulary, a column that is not there.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
from build_corpus import _rows, _save

HERE = Path(__file__).resolve().parent
UNSEEN = HERE / "unseen"
NOT_CAMPAIGNS = UNSEEN / "not-campaigns"
AS_OF = "2024-06-15"  # tests/test_unseen_corpus.py analyses every case at this date


def en_issue_log_words(path: Path) -> dict[str, Any]:
    """English headers xltrack has no name for, phase section rows, an unknown resolution."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Campaign"
    _rows(
        ws,
        [
            ("Campaign name", "Summer launch"),
            ("Owner", "Ann Lee"),
            ("Start date", dt.date(2024, 6, 1)),
            ("End date", dt.date(2024, 6, 30)),
            ("Budget", 200000),
        ],
    )
    ws = wb.create_sheet("Plan")
    _rows(
        ws,
        [
            ("Ref number", "Work item", "Assigned to", "Deadline", "Current state", "Why late"),
            ("Phase 1 – Warm-up",),
            ("T1", "Teaser posters", "Bo", dt.date(2024, 6, 5), "Done", None),
            ("T2", "KOL briefs", "Cy", dt.date(2024, 6, 8), "Behind schedule", None),
            ("Phase 2 – Launch",),
            ("T3", "Launch event", "Di", dt.date(2024, 6, 20), "WIP", None),
            ("Note: owners update this sheet on Fridays",),
        ],
    )
    ws = wb.create_sheet("Risks")
    _rows(
        ws,
        [
            (
                "Issue #",
                "Problem summary",
                "Found On",
                "Owner",
                "Risk level",
                "Resolution Status",
                "Action taken",
            ),
            (
                "R1",
                "Low turnout",
                dt.date(2024, 6, 10),
                "Ann",
                "High",
                "Closed",
                "Gift at the door",
            ),
            ("R2", "Stock-out", dt.date(2024, 6, 12), "Bo", "High", "Open", None),
            ("R3", "Printer late", dt.date(2024, 6, 13), "Cy", "High", "Parked", None),
        ],
    )
    _save(wb, path)
    return {
        "info": {
            "name": "Summer launch",
            "owner": "Ann Lee",
            "start_date": "2024-06-01",
            "end_date": "2024-06-30",
            "budget": 200000.0,
        },
        "tables": {
            "tasks": {
                "sheet": "Plan",
                "header_row": 1,
                "rows": [3, 4, 6],
                "records": [
                    {
                        "task_id": "T1",
                        "phase": "warm_up",
                        "owner": "Bo",
                        "end_date": "2024-06-05",
                        "status": "done",
                    },
                    {
                        "task_id": "T2",
                        "phase": "warm_up",
                        "owner": "Cy",
                        "end_date": "2024-06-08",
                        "status": "delayed",
                    },
                    {
                        "task_id": "T3",
                        "phase": "execution",
                        "owner": "Di",
                        "end_date": "2024-06-20",
                        "status": "in_progress",
                    },
                ],
            },
            "issues": {
                "sheet": "Risks",
                "header_row": 1,
                "rows": [2, 3, 4],
                "records": [
                    {
                        "issue_id": "R1",
                        "found_date": "2024-06-10",
                        "severity": "high",
                        "resolution": "resolved",
                    },
                    {
                        "issue_id": "R2",
                        "found_date": "2024-06-12",
                        "severity": "high",
                        "resolution": "open",
                    },
                    {
                        "issue_id": "R3",
                        "found_date": "2024-06-13",
                        "severity": "high",
                        "resolution": "unknown",
                    },
                ],
            },
        },
        "findings": [
            ["header-guessed", "Plan", "A1"],
            ["header-guessed", "Plan", "B1"],
            ["header-guessed", "Plan", "C1"],  # "Deadline" is an alias, D1 is no guess
            ["header-guessed", "Plan", "E1"],
            ["header-guessed", "Plan", "F1"],
            ["header-guessed", "Risks", "B1"],
            ["header-guessed", "Risks", "C1"],
            ["header-guessed", "Risks", "E1"],
            ["header-guessed", "Risks", "F1"],
            ["header-guessed", "Risks", "G1"],
            ["cell-not-in-list", "Risks", "F4"],
            # No daily table; no table 5 yet, which is info before the end date (issue 11).
            ["sheet-missing", None, None],
            ["evaluation-missing", None, None],
            ["task-delay-reason-missing", "Plan", "F4"],
            ["task-overdue", "Plan", "D4"],
            ["issue-high-unresolved", "Risks", "F3"],
            ["issue-solution-late", "Risks", "F3"],
        ],
        "summary": {
            "tasks": {"total": 3, "done": 1, "overdue": ["T2"]},
            "issues": {
                "total": 3,
                "open": 1,
                "high_unresolved": ["R2"],
                "unknown_values": {"resolution": 1},
            },
        },
    }


def zh_sections_units(path: Path) -> dict[str, Any]:
    """Section rows with counts, metric units in names, a 单位 note, goals in 万元."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "活动信息"
    _rows(
        ws,
        [
            ("活动名称", "618大促"),
            ("负责人", "王经理"),
            ("起止时间", "2024.6.1-6.30"),
            ("预算总额", "50万元"),
            (),
            ("指标", "目标值", "单位"),
            ("销售额", 30, "万元"),
            ("新增会员", 3000, "人"),
        ],
    )
    ws = wb.create_sheet("任务分解")
    _rows(
        ws,
        [
            ("任务ID", "任务名称", "负责人", "起止时间", "进度状态", "滞后原因"),
            ("一、预热期（2项）",),
            ("T001", "预热海报设计", "设计", "6.1-6.5", "已完成", None),
            ("T002", "KOL内容对接", "专员", "6.3-6.8", "滞后1天", "KOL档期调整"),
            ("二、执行期（1项）",),
            ("T003", "线下物料准备", "助理", "6.10-6.20", "进行中", None),
            ("合计", None, None, None, None, None),
        ],
    )
    ws = wb.create_sheet("每日跟踪")
    _rows(
        ws,
        [
            ("单位：万元",),
            ("日期", "核心指标", "目标", "实际"),
            ("6.10", "销售额", 5, 3.8),
            ("6.11", "销售额", 5, 4.2),
        ],
    )
    ws = wb.create_sheet("效果评估")
    _rows(
        ws,
        [
            ("核心指标", "目标值", "实际值", "原因分析"),
            ("销售额(万元)", 30, 35.6, "KOL种草"),
            ("新增会员", 3000, 2800, "地推不足"),
        ],
    )
    _save(wb, path)
    return {
        "info": {
            "name": "618大促",
            "owner": "王经理",
            "start_date": "2024-06-01",
            "end_date": "2024-06-30",
            "budget": 500000.0,
        },
        "tables": {
            "goals": {
                "sheet": "活动信息",
                "header_row": 6,
                "rows": [7, 8],
                "records": [
                    {"metric": "销售额", "target": 300000.0, "unit": "元"},
                    {"metric": "新增会员", "target": 3000.0, "unit": "人"},
                ],
            },
            "tasks": {
                "sheet": "任务分解",
                "header_row": 1,
                "rows": [3, 4, 6],
                "records": [
                    {
                        "task_id": "T001",
                        "phase": "warm_up",
                        "end_date": "2024-06-05",
                        "status": "done",
                    },
                    {
                        "task_id": "T002",
                        "phase": "warm_up",
                        "end_date": "2024-06-08",
                        "status": "delayed",
                    },
                    {
                        "task_id": "T003",
                        "phase": "execution",
                        "end_date": "2024-06-20",
                        "status": "in_progress",
                    },
                ],
            },
            "daily": {
                "sheet": "每日跟踪",
                "header_row": 2,
                "rows": [3, 4],
                "records": [
                    {
                        "date": "2024-06-10",
                        "metric": "销售额",
                        "target": 50000.0,
                        "actual": 38000.0,
                    },
                    {
                        "date": "2024-06-11",
                        "metric": "销售额",
                        "target": 50000.0,
                        "actual": 42000.0,
                    },
                ],
            },
            "evaluation": {
                "sheet": "效果评估",
                "header_row": 1,
                "rows": [2, 3],
                "records": [
                    {"metric": "销售额", "target": 300000.0, "actual": 356000.0},
                    {"metric": "新增会员", "target": 3000.0, "actual": 2800.0},
                ],
            },
        },
        "findings": [
            ["unit-scaled", "活动信息", "C7"],
            ["unit-scaled", "每日跟踪", "C2"],
            ["unit-scaled", "效果评估", "A2"],
            ["cell-guessed", "任务分解", "D3"],
            ["cell-guessed", "任务分解", "D4"],
            ["cell-guessed", "任务分解", "D6"],
            ["cell-guessed", "每日跟踪", "A3"],
            ["cell-guessed", "每日跟踪", "A4"],
            ["sheet-missing", None, None],
            ["task-overdue", "任务分解", "D4"],
            ["daily-below-target", "每日跟踪", "D3"],
            ["daily-below-target", "每日跟踪", "D4"],
            # 销售额: 80,000 of the 100,000 its daily targets make due by 6.15, at risk (issue 11).
            ["metric-off-pace", "活动信息", "A7"],
            ["evaluation-below-target", "效果评估", "C3"],
        ],
        "summary": {"tasks": {"total": 3, "done": 1, "overdue": ["T002"]}},
    }


def zh_hant_new_year(path: Path) -> dict[str, Any]:
    """A Traditional-Chinese campaign across New Year: yearless dates, 已結案, an unknown word."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "跨年活動"
    _rows(
        ws,
        [
            ("活動名稱", "跨年會員季"),
            ("負責人", "陳經理"),
            ("起止時間", "2024.12.20-2025.1.10"),
            ("預算總額", "20萬"),
            (),
            ("任務編號", "任務名稱", "負責人", "起止時間", "進度狀態"),
            ("T1", "跨年海報", "甲", "12.20-12.24", "已完成"),
            ("T2", "倒數直播", "乙", "12.28-1.3", "進行中"),
            ("T3", "開年回饋", "丙", "1.5", "未開始"),
            (),
            ("問題編號", "問題描述", "登記日期", "負責人", "嚴重程度", "處理情況"),
            ("Q1", "直播卡頓", "12.31", "乙", "高", "已結案"),
            ("Q2", "贈品不足", "1.2", "丙", "高", "處理中"),
            ("Q3", "名單錯誤", "1.3", "甲", "中", "見備註"),
        ],
    )
    _save(wb, path)
    return {
        "info": {
            "name": "跨年會員季",
            "owner": "陳經理",
            "start_date": "2024-12-20",
            "end_date": "2025-01-10",
            "budget": 200000.0,
        },
        "tables": {
            "tasks": {
                "sheet": "跨年活動",
                "header_row": 6,
                "rows": [7, 8, 9],
                "records": [
                    {
                        "task_id": "T1",
                        "start_date": "2024-12-20",
                        "end_date": "2024-12-24",
                        "status": "done",
                    },
                    {
                        "task_id": "T2",
                        "start_date": "2024-12-28",
                        "end_date": "2025-01-03",
                        "status": "in_progress",
                    },
                    {
                        "task_id": "T3",
                        "start_date": "2025-01-05",
                        "end_date": "2025-01-05",
                        "status": "not_started",
                    },
                ],
            },
            "issues": {
                "sheet": "跨年活動",
                "header_row": 11,
                "rows": [12, 13, 14],
                "records": [
                    {
                        "issue_id": "Q1",
                        "found_date": "2024-12-31",
                        "severity": "high",
                        "resolution": "resolved",
                    },
                    {
                        "issue_id": "Q2",
                        "found_date": "2025-01-02",
                        "severity": "high",
                        "resolution": "in_progress",
                    },
                    {
                        "issue_id": "Q3",
                        "found_date": "2025-01-03",
                        "severity": "medium",
                        "resolution": "unknown",
                    },
                ],
            },
        },
        "findings": [
            ["header-guessed", "跨年活動", "C11"],
            ["header-guessed", "跨年活動", "F11"],
            ["cell-guessed", "跨年活動", "D7"],
            ["cell-guessed", "跨年活動", "D8"],
            ["cell-guessed", "跨年活動", "D9"],
            ["cell-guessed", "跨年活動", "C12"],
            ["cell-guessed", "跨年活動", "C13"],
            ["cell-guessed", "跨年活動", "C14"],
            ["cell-not-in-list", "跨年活動", "F14"],
            # No daily table; no table 5 yet, which is info before the end date (issue 11).
            ["sheet-missing", None, None],
            ["evaluation-missing", None, None],
            ["issue-high-unresolved", "跨年活動", "F13"],
            ["task-overdue", "跨年活動", "D8"],  # ended 2025-01-03, the day before
        ],
        "as_of": "2025-01-04",
        "summary": {
            "tasks": {"total": 3, "done": 1, "overdue": ["T2"]},
            "issues": {"total": 3, "high_unresolved": ["Q2"], "unknown_values": {"resolution": 1}},
        },
    }


CASES: dict[str, Callable[[Path], dict[str, Any]]] = {
    "en-issue-log-words": en_issue_log_words,
    "zh-sections-units": zh_sections_units,
    "zh-hant-new-year": zh_hant_new_year,
}

# Ordinary spreadsheets of the kinds that were accepted as campaigns (issue 9).
NOT_CAMPAIGN_ROWS: dict[str, list[tuple[Any, ...]]] = {
    "interview-list": [
        ("Name", "City", "Status", "Notes"),
        ("Ann", "Oslo", "Hired", "strong"),
        ("Bo", "Rome", "Rejected", None),
        ("Cy", "Lima", "Open", "call back"),
    ],
    "pivot-demo": [
        ("Region", "Product", "Date", "Sales", "Target"),
        ("North", "Tea", dt.date(2024, 1, 1), 120, 100),
        ("South", "Coffee", dt.date(2024, 1, 2), 80, 100),
        (),
        ("Row Labels", "Sum of Sales"),
        ("North", 120),
        ("South", 80),
        ("Grand Total", 200),
    ],
    "kpi-block": [("Metric", "Target", "Actual"), ("Visits", 1000, 900), ("Leads", 50, 61)],
    "reader-fixture": [("A", "B", "C"), (1, 2, 3), (4, 5, 6), ("x", "y", "z")],
    "todo-list": [("Item", "Done?"), ("Buy milk", "yes"), ("Call mum", "no")],
}


def main() -> None:
    """Write every case, its expectations, and the spreadsheets that are no campaign."""
    NOT_CAMPAIGNS.mkdir(parents=True, exist_ok=True)
    for name, build in CASES.items():
        expected = build(UNSEEN / f"{name}.xlsx")
        (UNSEEN / f"{name}.expected.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    for name, rows in NOT_CAMPAIGN_ROWS.items():
        wb = openpyxl.Workbook()
        _rows(wb.active, rows)
        _save(wb, NOT_CAMPAIGNS / f"{name}.xlsx")


if __name__ == "__main__":
    main()
