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
import shutil
import subprocess
import tempfile
import zipfile
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


def _legacy(build: Callable[[Path], dict[str, Any]], fmt: str) -> Callable[[Path], dict[str, Any]]:
    """Build the case as .xlsx, then save it as `fmt` (xls, ods) with LibreOffice, as a
    team on WPS, old Excel or LibreOffice would hand it over."""

    def make(path: Path) -> dict[str, Any]:
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / f"{path.stem}.xlsx"
            expected = build(source)
            profile = (Path(tmp) / "profile").resolve().as_uri()
            subprocess.run(
                [
                    "soffice",
                    f"-env:UserInstallation={profile}",
                    "--headless",
                    "--convert-to",
                    fmt,
                    "--outdir",
                    tmp,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=240,
            )
            shutil.copyfile(Path(tmp) / f"{path.stem}.{fmt}", path.with_suffix(f".{fmt}"))
        return expected

    return make


def zh_hant_tw_roc(path: Path) -> dict[str, Any]:
    """Taiwan, as an .xls: 民國 years, NT$ and 萬, full-width digits and slashes, 項次,
    發生日期, 落後."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "活動資訊"
    _rows(
        ws,
        [
            ("活動基本資訊",),
            ("活動名稱", "2024夏日會員月"),
            ("負責人", "林經理"),
            ("活動期間", "民國113年6月1日～6月30日"),
            ("預算總額", "NT$１５０萬"),
        ],
    )
    ws = wb.create_sheet("工作項目")
    _rows(
        ws,
        [
            ("項次", "工作項目", "階段", "負責人", "預計完成日", "狀態", "備註"),
            (1, "暑期海報設計", "預熱期", "王設計", "113/6/5", "已完成", None),
            (2, "網紅合作洽談", "預熱期", "陳專員", "113/6/10", "進度落後", "檔期未定"),
            (3, "門市佈置", "執行期", "黃助理", "113/6/20", "進行中", None),
            (4, "結案報告", "收尾期", "林經理", "113/7/5", "未開始", None),
        ],
    )
    ws = wb.create_sheet("每日追蹤")
    _rows(
        ws,
        [
            ("日期", "核心指標(目標/實際)", "備註"),
            ("113/6/10", "營業額５萬／實際４．５萬", None),
            ("113/6/11", "營業額５萬／實際５．２萬", None),
            ("113/6/12", "營業額５萬／實際３．９萬", "雨天"),
        ],
    )
    ws = wb.create_sheet("問題追蹤")
    _rows(
        ws,
        [
            ("編號", "問題說明", "發生日期", "負責人", "嚴重度", "處理狀態", "處理方式"),
            ("Q1", "POS當機", "113/6/11", "陳專員", "高", "已處理", "重新開機"),
            ("Q2", "贈品缺貨", "113/6/12", "黃助理", "高", "處理中", None),
            ("Q3", "停車位不足", "113/6/14", "王設計", "低", "未處理", None),
        ],
    )
    _save(wb, path)
    sheet = "問題追蹤"
    return {
        "info": {
            "name": "2024夏日會員月",
            "owner": "林經理",
            "start_date": "2024-06-01",
            "end_date": "2024-06-30",
            "budget": 1500000.0,
        },
        "tables": {
            "tasks": {
                "sheet": "工作項目",
                "header_row": 1,
                "rows": [2, 3, 4, 5],
                "records": [
                    {
                        "task_id": "1",
                        "phase": "warm_up",
                        "end_date": "2024-06-05",
                        "status": "done",
                        "delay_reason": None,
                    },
                    {
                        "task_id": "2",
                        "phase": "warm_up",
                        "end_date": "2024-06-10",
                        "status": "delayed",
                        "delay_reason": "檔期未定",
                    },
                    {
                        "task_id": "3",
                        "phase": "execution",
                        "end_date": "2024-06-20",
                        "status": "in_progress",
                        "delay_reason": None,
                    },
                    {
                        "task_id": "4",
                        "phase": "wrap_up",
                        "end_date": "2024-07-05",
                        "status": "not_started",
                        "delay_reason": None,
                    },
                ],
            },
            "daily": {
                "sheet": "每日追蹤",
                "header_row": 1,
                "rows": [2, 3, 4],
                "records": [
                    {
                        "date": "2024-06-10",
                        "metric": "營業額",
                        "target": 50000.0,
                        "actual": 45000.0,
                    },
                    {
                        "date": "2024-06-11",
                        "metric": "營業額",
                        "target": 50000.0,
                        "actual": 52000.0,
                    },
                    {
                        "date": "2024-06-12",
                        "metric": "營業額",
                        "target": 50000.0,
                        "actual": 39000.0,
                    },
                ],
            },
            "issues": {
                "sheet": sheet,
                "header_row": 1,
                "rows": [2, 3, 4],
                "records": [
                    {
                        "issue_id": "Q1",
                        "found_date": "2024-06-11",
                        "severity": "high",
                        "resolution": "resolved",
                        "solution": "重新開機",
                    },
                    {
                        "issue_id": "Q2",
                        "found_date": "2024-06-12",
                        "severity": "high",
                        "resolution": "in_progress",
                        "solution": None,
                    },
                    {
                        "issue_id": "Q3",
                        "found_date": "2024-06-14",
                        "severity": "low",
                        "resolution": "open",
                        "solution": None,
                    },
                ],
            },
        },
        "findings": [
            # 113/6/5: a 民國 year without 民國 written is an assumption, said per cell;
            # 民國113年6月1日 in the campaign period is no guess.
            ["cell-guessed", "工作項目", "E2"],
            ["cell-guessed", "工作項目", "E3"],
            ["cell-guessed", "工作項目", "E4"],
            ["cell-guessed", "工作項目", "E5"],
            ["cell-guessed", "每日追蹤", "A2"],
            ["cell-guessed", "每日追蹤", "A3"],
            ["cell-guessed", "每日追蹤", "A4"],
            ["cell-guessed", sheet, "C2"],
            ["cell-guessed", sheet, "C3"],
            ["cell-guessed", sheet, "C4"],
            ["header-guessed", "工作項目", "B1"],
            ["header-guessed", "工作項目", "E1"],
            ["header-guessed", sheet, "B1"],
            ["header-guessed", sheet, "E1"],
            ["header-unknown", "每日追蹤", "C1"],
            ["evaluation-missing", None, None],  # no table 5 yet: info before the end date
            ["task-overdue", "工作項目", "E3"],
            ["task-outside-campaign", "工作項目", "E5"],  # 113/7/5 after 6/30
            ["daily-below-target", "每日追蹤", "B2"],  # 4.5 of 5: exactly 10 % below, yellow
            ["daily-below-target", "每日追蹤", "B4"],  # 3.9 of 5: red
            ["issue-high-unresolved", sheet, "F3"],
            ["issue-solution-late", sheet, "F3"],  # found 6/12, 72 h by 6/15
        ],
        "summary": {
            "tasks": {"total": 4, "done": 1, "overdue": ["2"]},
            "issues": {"total": 3, "open": 2, "high_unresolved": ["Q2"]},
            "budget": {"total": 1500000.0},
        },
    }


def en_ods_text_dates(path: Path) -> dict[str, Any]:
    """US English from LibreOffice: merged titles, `Label:` pairs, text dates three ways,
    `$12.5k` / `USD 3,000` money, `85 %`, a budget split with a Total line, notes columns."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Summer Sale"
    ws["A1"] = "SUMMER SALE 2024 – CAMPAIGN TRACKER"
    ws.merge_cells("A1:E1")
    ws["A2"] = "Prepared by Marketing Ops. Last updated Jun 14."
    ws.merge_cells("A2:E2")
    _rows(
        ws,
        [
            ("Campaign:", "Summer Sale 2024"),
            ("Owner:", "Dana Reyes"),
            ("Start:", "Jun 1, 2024"),
            ("End:", "Jun 30, 2024"),
            ("Budget:", "$120k"),
            (),
            ("Budget line", "Share", "Planned", "Spent", "Notes"),
            ("Paid media", "60 %", "$72k", "$50,500", "Meta + Google"),
            ("Creative", "30 %", "$36k", "USD 20,000", None),
            ("Reserve", "10 %", "$12k", 0, None),
            ("Total", "100 %", "$120k", "$70,500", None),
        ],
        4,
    )
    ws = wb.create_sheet("Tasks")
    ws["A1"] = "Task list (owners update Fridays)"
    ws.merge_cells("A1:G1")
    _rows(
        ws,
        [
            ("#", "Task", "Owner", "Start", "Due", "Status", "Notes"),
            (1, "Landing page", "Sam", "Jun 3", "Jun 7", "Done", "live on 6/7"),
            (2, "Email blast #1", "Priya", "3-Jun-24", "10-Jun-24", "Late", None),
            (3, "Social ads", "Lee", "06/03/2024", "06/28/2024", "In progress", None),
            (4, "Influencer kit", "Sam", "06/10/2024", "06/14/2024", "In progress", "samples"),
        ],
        2,
    )
    ws = wb.create_sheet("Daily")
    _rows(
        ws,
        [
            ("Date", "Metric", "Target", "Actual", "% of target", "Comment"),
            ("Jun 10", "Revenue", "$12.5k", "$11,800", "94 %", None),
            ("Jun 11", "Revenue", "USD 12,500", "$9.9k", "79 %", "rain"),
            ("Jun 12", "Revenue", "$12.5k", "USD 13,000", "104 %", None),
        ],
    )
    ws = wb.create_sheet("Issues")
    _rows(
        ws,
        [
            ("ID", "Issue", "Date logged", "Owner", "Priority", "Status", "Next step"),
            ("I-1", "Checkout bug", "06/11/2024", "Lee", "High", "Fixed", "hotfix"),
            ("I-2", "Coupon abuse", "06/12/2024", "Priya", "High", "Investigating", None),
            ("I-3", "Slow images", "06/14/2024", "Sam", "Medium", "Open", None),
        ],
    )
    _save(wb, path)
    return {
        "info": {
            "name": "Summer Sale 2024",
            "owner": "Dana Reyes",
            "start_date": "2024-06-01",
            "end_date": "2024-06-30",
            "budget": 120000.0,
        },
        "tables": {
            "budget_split": {
                "sheet": "Summer Sale",
                "header_row": 10,
                "rows": [11, 12, 13],
                "records": [
                    {"category": "Paid media", "share": 0.6, "amount": 72000.0, "spent": 50500.0},
                    {"category": "Creative", "share": 0.3, "amount": 36000.0, "spent": 20000.0},
                    {"category": "Reserve", "share": 0.1, "amount": 12000.0, "spent": 0.0},
                ],
            },
            "tasks": {
                "sheet": "Tasks",
                "header_row": 2,
                "rows": [3, 4, 5, 6],
                "records": [
                    {
                        "task_id": "1",
                        "start_date": "2024-06-03",
                        "end_date": "2024-06-07",
                        "status": "done",
                    },
                    {
                        "task_id": "2",
                        "start_date": "2024-06-03",
                        "end_date": "2024-06-10",
                        "status": "delayed",
                    },
                    {
                        "task_id": "3",
                        "start_date": "2024-06-03",
                        "end_date": "2024-06-28",
                        "status": "in_progress",
                    },
                    {
                        "task_id": "4",
                        "start_date": "2024-06-10",
                        "end_date": "2024-06-14",
                        "status": "in_progress",
                    },
                ],
            },
            "daily": {
                "sheet": "Daily",
                "header_row": 1,
                "rows": [2, 3, 4],
                "records": [
                    {
                        "date": "2024-06-10",
                        "metric": "Revenue",
                        "target": 12500.0,
                        "actual": 11800.0,
                    },
                    {
                        "date": "2024-06-11",
                        "metric": "Revenue",
                        "target": 12500.0,
                        "actual": 9900.0,
                    },
                    {
                        "date": "2024-06-12",
                        "metric": "Revenue",
                        "target": 12500.0,
                        "actual": 13000.0,
                    },
                ],
            },
            "issues": {
                "sheet": "Issues",
                "header_row": 1,
                "rows": [2, 3, 4],
                "records": [
                    {
                        "issue_id": "I-1",
                        "found_date": "2024-06-11",
                        "severity": "high",
                        "resolution": "resolved",
                    },
                    {
                        "issue_id": "I-2",
                        "found_date": "2024-06-12",
                        "severity": "high",
                        "resolution": "in_progress",
                    },
                    {
                        "issue_id": "I-3",
                        "found_date": "2024-06-14",
                        "severity": "medium",
                        "resolution": "open",
                    },
                ],
            },
        },
        "findings": [
            # Jun 3 takes the campaign's year; 06/03/2024 is read month first, and said so;
            # 06/28/2024 and 06/14/2024 can only be month first: no guess. 3-Jun-24 has its year.
            ["cell-guessed", "Tasks", "D3"],
            ["cell-guessed", "Tasks", "E3"],
            ["cell-guessed", "Tasks", "D5"],
            ["cell-guessed", "Tasks", "D6"],
            ["cell-guessed", "Daily", "A2"],
            ["cell-guessed", "Daily", "A3"],
            ["cell-guessed", "Daily", "A4"],
            ["cell-guessed", "Issues", "C2"],
            ["cell-guessed", "Issues", "C3"],
            ["header-guessed", "Summer Sale", "A10"],  # Budget line: the category by its words
            ["header-unknown", "Summer Sale", "E10"],
            ["header-unknown", "Tasks", "G2"],
            ["header-unknown", "Daily", "F1"],
            ["header-guessed", "Issues", "C1"],  # Date logged
            ["header-unknown", "Issues", "G1"],
            ["evaluation-missing", None, None],
            ["task-overdue", "Tasks", "E4"],
            ["task-overdue", "Tasks", "E6"],
            ["daily-below-target", "Daily", "D3"],  # 9.9k of 12.5k: 79 %, red
            ["issue-high-unresolved", "Issues", "F3"],
            ["issue-solution-late", "Issues", "F3"],
        ],
        "summary": {
            "tasks": {"total": 4, "done": 1, "overdue": ["2", "4"]},
            "issues": {"total": 3, "open": 2, "high_unresolved": ["I-2"]},
            "budget": {"total": 120000.0, "spent": 70500.0, "remaining": 49500.0},
        },
    }


def zh_one_sheet_wide_daily(path: Path) -> dict[str, Any]:
    """表1..表5 stacked on one sheet with titles, 合计 rows and a closing 备注; the daily
    table laid out wide (a column per date, 目标 and 实际 as rows)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "618活动跟踪"
    _rows(
        ws,
        [
            ("表1 活动基本信息与目标表",),
            ("活动名称", "618家电节"),
            ("负责人", "赵经理"),
            ("起止时间", "2024.6.1-6.14"),
            ("预算总额", "80万元"),
            (),
            ("表2 任务分解与责任跟踪表",),
            ("任务ID", "任务名称", "所属阶段", "负责人", "起止时间", "进度状态", "滞后原因"),
            ("T01", "直播间搭建", "预热期", "钱", "6.1-6.3", "已完成", None),
            ("T02", "达人招募", "预热期", "孙", "6.2-6.9", "滞后2天", None),
            ("T03", "满减券配置", "执行期", "李", "6.10-6.12", "已完成", None),
            ("T04", "售后话术", "执行期", "周", "6.12-6.18", "进行中", None),
            ("合计", "4项", None, None, None, "已完成2项", None),
            (),
            ("表3 执行进度每日跟踪表（单位：万元）",),
            ("指标", "6.10", "6.11", "6.12", "6.13"),
            ("GMV目标", 20, 20, 20, 20),
            ("GMV实际", 18, 21, 15, None),
            (),
            ("表4 问题与风险记录表",),
            ("问题编号", "问题描述", "发现时间", "负责人", "严重程度", "解决进度", "解决方案"),
            ("Q01", "直播卡顿", "6.10", "钱", "高", "已解决", "换专线"),
            ("Q02", "券叠加漏洞", "6.12", "李", "高", "处理中", None),
            ("Q03", "客服排队长", "6.14", "周", "中", "未处理", None),
            (),
            ("表5 活动效果评估表",),
            ("核心指标", "目标值", "实际值", "达成率", "原因分析"),
            ("GMV", "300万", "282万", "94%", "大促流量不及预期"),
            ("新增会员", 5000, 5600, "112%", "入会礼有效"),
            ("合计", None, None, None, None),
            (),
            ("备注：数据截至6月14日，GMV含退款。",),
        ],
    )
    _save(wb, path)
    sheet = "618活动跟踪"
    return {
        "info": {
            "name": "618家电节",
            "owner": "赵经理",
            "start_date": "2024-06-01",
            "end_date": "2024-06-14",
            "budget": 800000.0,
        },
        "tables": {
            "tasks": {
                "sheet": sheet,
                "header_row": 8,
                "rows": [9, 10, 11, 12],
                "records": [
                    {"task_id": "T01", "end_date": "2024-06-03", "status": "done"},
                    {"task_id": "T02", "end_date": "2024-06-09", "status": "delayed"},
                    {"task_id": "T03", "end_date": "2024-06-12", "status": "done"},
                    {"task_id": "T04", "end_date": "2024-06-18", "status": "in_progress"},
                ],
            },
            "issues": {
                "sheet": sheet,
                "header_row": 21,
                "rows": [22, 23, 24],
                "records": [
                    {
                        "issue_id": "Q01",
                        "found_date": "2024-06-10",
                        "severity": "high",
                        "resolution": "resolved",
                    },
                    {
                        "issue_id": "Q02",
                        "found_date": "2024-06-12",
                        "severity": "high",
                        "resolution": "in_progress",
                    },
                    {
                        "issue_id": "Q03",
                        "found_date": "2024-06-14",
                        "severity": "medium",
                        "resolution": "open",
                    },
                ],
            },
            "evaluation": {
                "sheet": sheet,
                "header_row": 27,
                "rows": [28, 29],
                "records": [
                    {"metric": "GMV", "target": 3000000.0, "actual": 2820000.0},
                    {"metric": "新增会员", "target": 5000.0, "actual": 5600.0},
                ],
            },
        },
        # The wide daily table is not one xltrack reads: no daily records, and a
        # finding that says the table at row 16 was seen but not understood.
        "no_records": ["daily"],
        "findings": [
            ["cell-guessed", sheet, "E9"],
            ["cell-guessed", sheet, "E10"],
            ["cell-guessed", sheet, "E11"],
            ["cell-guessed", sheet, "E12"],
            ["cell-guessed", sheet, "C22"],
            ["cell-guessed", sheet, "C23"],
            ["cell-guessed", sheet, "C24"],
            ["table-unread", sheet, "A16"],
            ["task-overdue", sheet, "E10"],
            ["task-delay-reason-missing", sheet, "G10"],
            ["task-outside-campaign", sheet, "E12"],  # ends 6.18, the campaign 6.14
            ["issue-high-unresolved", sheet, "F23"],
            ["issue-solution-late", sheet, "F23"],
            ["evaluation-below-target", sheet, "C28"],  # 282万 of 300万: 94 %
        ],
        "summary": {
            "tasks": {"total": 4, "done": 2, "overdue": ["T02"]},
            "issues": {"total": 3, "open": 2, "high_unresolved": ["Q02"]},
        },
    }


def en_xlsm_hidden_filtered(path: Path) -> dict[str, Any]:
    """A macro-enabled workbook: a hidden older copy of the task sheet with more rows,
    rows hidden by a filter (still records), text due dates typed day first."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Campaign"
    _rows(
        ws,
        [
            ("Campaign name", "Back to School 2024"),
            ("Owner", "Chris Park"),
            ("Start date", dt.date(2024, 6, 3)),
            ("End date", dt.date(2024, 6, 28)),
            ("Budget", 45000),
        ],
    )
    ws = wb.create_sheet("Tasks (old)")
    _rows(
        ws,
        [
            ("Task ID", "Task", "Owner", "Start", "Due date", "Status", "Delay reason"),
            *[
                (f"B0{i}", f"Draft task {i}", "Chris", dt.date(2024, 6, i), dt.date(2024, 6, i + 2))
                + ("Not started", None)
                for i in range(1, 8)
            ],
        ],
    )
    ws.sheet_state = "hidden"
    ws = wb.create_sheet("Tasks", 1)
    _rows(
        ws,
        [
            ("Task ID", "Task", "Owner", "Start", "Due date", "Status", "Delay reason"),
            ("B01", "Brief agency", "Chris", dt.date(2024, 6, 3), dt.date(2024, 6, 5), "Done"),
            (
                "B02",
                "Shoot photos",
                "Mel",
                dt.date(2024, 6, 5),
                dt.date(2024, 6, 12),
                "Delayed",
                "studio booked",
            ),
            ("B03", "Build emails", "Tom", dt.date(2024, 6, 6), "14/06/2024", "In progress"),
            ("B04", "Store kits", "Mel", dt.date(2024, 6, 3), "07/06/2024", "In progress"),
            (
                "B05",
                "Wrap report",
                "Chris",
                dt.date(2024, 6, 24),
                dt.date(2024, 6, 28),
                "Not started",
            ),
            ("B06", "Print banners", "Tom", dt.date(2024, 6, 4), dt.date(2024, 6, 7), "Done"),
        ],
    )
    ws.auto_filter.ref = "A1:G7"
    ws.auto_filter.add_filter_column(5, ["Delayed", "In progress", "Not started"])
    for row in (2, 7):
        ws.row_dimensions[row].hidden = True
    ws = wb.create_sheet("Issues")
    _rows(
        ws,
        [
            ("Issue ID", "Description", "Found", "Owner", "Severity", "Resolution"),
            ("X1", "Agency late", dt.date(2024, 6, 4), "Chris", "Medium", "Resolved"),
            ("X2", "Photo rights", dt.date(2024, 6, 13), "Mel", "High", "Open"),
            ("X3", "Email bounce", dt.date(2024, 6, 14), "Tom", "Low", "In progress"),
        ],
    )
    ws.auto_filter.ref = "A1:F4"
    ws.row_dimensions[2].hidden = True
    _save(wb, path)
    _macro_enabled(path)
    return {
        "info": {
            "name": "Back to School 2024",
            "owner": "Chris Park",
            "start_date": "2024-06-03",
            "end_date": "2024-06-28",
            "budget": 45000.0,
        },
        "tables": {
            "tasks": {
                "sheet": "Tasks",
                "header_row": 1,
                "rows": [2, 3, 4, 5, 6, 7],
                "records": [
                    {"task_id": "B01", "end_date": "2024-06-05", "status": "done"},
                    {"task_id": "B02", "end_date": "2024-06-12", "status": "delayed"},
                    {"task_id": "B03", "end_date": "2024-06-14", "status": "in_progress"},
                    {"task_id": "B04", "end_date": "2024-06-07", "status": "in_progress"},
                    {"task_id": "B05", "end_date": "2024-06-28", "status": "not_started"},
                    {"task_id": "B06", "end_date": "2024-06-07", "status": "done"},
                ],
            },
            "issues": {
                "sheet": "Issues",
                "header_row": 1,
                "rows": [2, 3, 4],
                "records": [
                    {"issue_id": "X1", "severity": "medium", "resolution": "resolved"},
                    {"issue_id": "X2", "severity": "high", "resolution": "open"},
                    {"issue_id": "X3", "severity": "low", "resolution": "in_progress"},
                ],
            },
        },
        "findings": [
            # 07/06/2024: 7 June inside the campaign, 6 July outside it; 14/06/2024 is
            # day first beyond doubt.
            ["cell-guessed", "Tasks", "E5"],
            ["sheet-missing", None, None],
            ["evaluation-missing", None, None],
            ["task-overdue", "Tasks", "E3"],
            ["task-overdue", "Tasks", "E4"],
            ["task-overdue", "Tasks", "E5"],
            ["issue-high-unresolved", "Issues", "F3"],  # found 6/13: 48 h by 6/15, not late
        ],
        "summary": {
            "tasks": {"total": 6, "done": 2, "overdue": ["B02", "B03", "B04"]},
            "issues": {"total": 3, "open": 2, "high_unresolved": ["X2"]},
        },
    }


def _macro_enabled(path: Path) -> None:
    """Give an openpyxl workbook the .xlsm content type Excel writes for a macro workbook."""
    data = {}
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        for info in infos:
            data[info.filename] = archive.read(info)
    data["[Content_Types].xml"] = data["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    path.unlink()
    with zipfile.ZipFile(path.with_suffix(".xlsm"), "w", zipfile.ZIP_DEFLATED) as archive:
        for info in infos:
            archive.writestr(
                zipfile.ZipInfo(info.filename, (2024, 6, 1, 0, 0, 0)), data[info.filename]
            )


CASES: dict[str, Callable[[Path], dict[str, Any]]] = {
    "en-issue-log-words": en_issue_log_words,
    "zh-sections-units": zh_sections_units,
    "zh-hant-new-year": zh_hant_new_year,
    "zh-hant-tw-roc": _legacy(zh_hant_tw_roc, "xls"),
    "en-ods-text-dates": _legacy(en_ods_text_dates, "ods"),
    "zh-one-sheet-wide-daily": zh_one_sheet_wide_daily,
    "en-xlsm-hidden-filtered": en_xlsm_hidden_filtered,
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
