"""Build the reader's test corpus: hand-made-style workbooks and hostile files.

Run `python samples/build_corpus.py` to (re)write `samples/handmade/*.xlsx` with
an `*.expected.json` beside each (what the reader must find, written by hand
here, not taken from the reader) and `samples/hostile/*`. The zip bomb is not
committed; `tests/test_hostile.py` builds it in a temporary folder with
`build_zip_bomb`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

HERE = Path(__file__).resolve().parent
HANDMADE = HERE / "handmade"
HOSTILE = HERE / "hostile"
FIXED_TIME = dt.datetime(2024, 6, 1, 9, 0, 0)

# The source's example rows (DOMAIN.md), as typed by a team.
TASKS_ZH = [
    ("T001", "预热海报设计", "预热期", "*设计", "6.1-6.5", "3张海报终稿", "已完成", "-"),
    (
        "T002",
        "KOL内容对接",
        "预热期",
        "*专员",
        "6.3-6.8",
        "2篇KOL种草稿件",
        "滞后1天",
        "KOL档期调整",
    ),
    (
        "T003",
        "线下物料准备",
        "执行期",
        "*助理",
        "6.10-6.20",
        "500份宣传单、100件赠品",
        "进行中",
        "印刷厂产能不足",
    ),
]
EXPECTED_TASKS = [
    {
        "task_id": "T001",
        "phase": "warm_up",
        "start_date": "2024-06-01",
        "end_date": "2024-06-05",
        "status": "done",
        "delay_reason": None,
    },
    {
        "task_id": "T002",
        "phase": "warm_up",
        "start_date": "2024-06-03",
        "end_date": "2024-06-08",
        "status": "delayed",
        "delay_reason": "KOL档期调整",
    },
    {
        "task_id": "T003",
        "phase": "execution",
        "start_date": "2024-06-10",
        "end_date": "2024-06-20",
        "status": "in_progress",
        "delay_reason": "印刷厂产能不足",
    },
]
EXPECTED_INFO = {
    "name": "2024年夏季新品促销",
    "owner": "*经理",
    "start_date": "2024-06-01",
    "end_date": "2024-06-30",
    "budget": 500000.0,
}
EXPECTED_DAILY = [
    {
        "date": "2024-06-10",
        "metric": "销售额",
        "target": 50000.0,
        "actual": 38000.0,
        "light": "red",
    },
    {
        "date": "2024-06-11",
        "metric": "销售额",
        "target": 50000.0,
        "actual": 42000.0,
        "light": "yellow",
    },
]
EXPECTED_ISSUES = [
    {
        "issue_id": "Q001",
        "found_date": "2024-06-12",
        "severity": "medium",
        "resolution": "in_progress",
    },
    {"issue_id": "Q002", "found_date": "2024-06-13", "severity": "high", "resolution": "resolved"},
]
EXPECTED_EVAL = [
    {"metric": "销售额", "target": 300000.0, "actual": 350000.0},
    {"metric": "新增会员", "target": 3000.0, "actual": 2800.0},
    {"metric": "社交曝光", "target": 1000000.0, "actual": 1200000.0},
]


def _rows(ws: Worksheet, rows: list[tuple[Any, ...]], start: int = 1) -> int:
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                ws.cell(start + i, j + 1, value)
    return start + len(rows)


def _save(wb: openpyxl.Workbook, path: Path) -> None:
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    # Fixed zip timestamps, so that rebuilding the corpus leaves unchanged files unchanged.
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":  # openpyxl stamps "modified" with now
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2024-06-01T09:00:00Z", data
                )
            archive.writestr(zipfile.ZipInfo(info.filename, (2024, 6, 1, 0, 0, 0)), data)


def zh_hans_source(path: Path) -> dict[str, Any]:
    """The source's five tables, one sheet each, titles, notes and hint brackets."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "活动信息"
    ws["A1"] = "表1 活动基本信息与目标表"
    ws.merge_cells("A1:D1")
    _rows(
        ws,
        [
            ("活动名称", "2024年夏季新品促销"),
            ("策划案版本", "V2.0"),
            ("负责人", "*经理"),
            ("起止时间", "2024.6.1-6.30"),
            ("核心目标(量化)", "销售额提升30%,新增会员3000人"),
            ("预算总额", "50万元"),
            ("关键利益相关方(如销售、产品部门)", "销售部、产品部"),
        ],
        3,
    )
    ws = wb.create_sheet("任务")
    ws["A1"] = "表2 任务分解与责任跟踪表"
    ws.merge_cells("A1:H1")
    ws["A2"] = "注:每周一更新进度"
    _rows(
        ws,
        [
            (
                "任务ID",
                "任务名称",
                "所属阶段",
                "负责人",
                "起止时间",
                "交付物",
                "进度状态(未开始/进行中/已完成/滞后)",
                "滞后原因(若适用)",
            ),
            TASKS_ZH[0],
            (),
            *TASKS_ZH[1:],
        ],
        3,
    )
    ws = wb.create_sheet("每日")
    _rows(
        ws,
        [
            ("日期", "核心指标(目标/实际)", "已完成任务", "进行中任务", "滞后任务", "需协调资源"),
            (
                "2024.6.10",
                "销售额5万/实际3.8万",
                "线下场地布置完成",
                "线上广告投放优化",
                "无",
                "增加1名地推人员",
            ),
            ("2024.6.11", "销售额5万/实际4.2万", "KOL首篇内容发布", "用户社群运营", "无", "-"),
        ],
    )
    ws = wb.create_sheet("问题")
    _rows(
        ws,
        [
            (
                "问题编号",
                "问题描述",
                "发现时间",
                "负责人",
                "严重程度(高/中/低)",
                "解决进度(未处理/处理中/已解决)",
                "解决方案",
            ),
            (
                "Q001",
                "线下活动到场率低于预期",
                "2024.6.12",
                "*经理",
                "中",
                "处理中",
                "扫码领小礼品",
            ),
            ("Q002", "优惠券核销率仅15%", "2024.6.13", "*运营", "高", "已解决", "降低门槛"),
        ],
    )
    ws = wb.create_sheet("评估")
    _rows(
        ws,
        [
            ("核心指标", "目标值", "实际值", "达成率", "原因分析(成功/未达标)", "改进建议"),
            ("销售额", "30万", "35万", "117%", "KOL种草+限时折扣", "提前3天启动"),
            ("新增会员", 3000, 2800, "93%", "地推人员不足", "增加2名兼职"),
            ("社交曝光", "100万", "120万", "120%", "短视频挑战赛", "增加UGC互动"),
        ],
    )
    _save(wb, path)
    return {
        "info": EXPECTED_INFO,
        "tables": {
            "tasks": {
                "sheet": "任务",
                "header_row": 3,
                "rows": [4, 6, 7],
                "records": EXPECTED_TASKS,
            },
            "daily": {"sheet": "每日", "header_row": 1, "rows": [2, 3], "records": EXPECTED_DAILY},
            "issues": {
                "sheet": "问题",
                "header_row": 1,
                "rows": [2, 3],
                "records": EXPECTED_ISSUES,
            },
            "evaluation": {
                "sheet": "评估",
                "header_row": 1,
                "rows": [2, 3, 4],
                "records": EXPECTED_EVAL,
            },
        },
        "findings": [
            ["cell-guessed", "任务", "E4"],
            ["cell-guessed", "任务", "E6"],
            ["cell-guessed", "任务", "E7"],
        ],
    }


def zh_hant_stacked(path: Path) -> dict[str, Any]:
    """Traditional Chinese, all five tables stacked on one sheet with blank rows."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "活動追蹤"
    rows: list[tuple[Any, ...]] = [
        ("活動基本資訊",),
        ("活動名稱", "2024年夏季新品促銷"),
        ("負責人", "*經理"),
        ("開始日期", "2024/6/1"),
        ("結束日期", "2024/6/30"),
        ("預算總額", "¥500,000"),
        (),
        ("表2 任務分解與責任追蹤表",),
        ("任務ID", "任務名稱", "所屬階段", "負責人", "起止時間", "交付物", "進度狀態", "滯後原因"),
        ("T001", "預熱海報設計", "預熱期", "*設計", "6.1-6.5", "3張海報", "已完成", None),
        (),
        ("T002", "KOL內容對接", "預熱期", "*專員", "6.3-6.8", "2篇稿件", "滯後1天", "KOL檔期調整"),
        (
            "T003",
            "線下物料準備",
            "執行期",
            "*助理",
            "6.10-6.20",
            "宣傳單",
            "進行中",
            "印刷廠產能不足",
        ),
        (),
        (),
        ("日期", "核心指標", "目標", "實際", "已完成任務"),
        ("2024.6.10", "銷售額", "5萬", "3.8萬", "場地佈置"),
        ("2024.6.11", "銷售額", "5萬", "4.2萬", None),
        (),
        (
            "問題編號",
            "問題描述",
            "發現時間",
            "負責人",
            "嚴重程度(高/中/低)",
            "解決進度",
            "解決方案",
        ),
        ("Q001", "到場率低", "2024.6.12", "*經理", "中", "處理中", "引流"),
        ("Q002", "核銷率低", "2024.6.13", "*運營", "高", "已解決", "降低門檻"),
        (),
        ("核心指標", "目標值", "實際值", "達成率"),
        ("銷售額", "30萬", "35萬", "117%"),
        ("新增會員", "3000人", "2800人", "93%"),
        ("社交曝光", "100萬+", "120萬", "120%"),
    ]
    _rows(ws, rows)
    _save(wb, path)
    info = dict(EXPECTED_INFO, name="2024年夏季新品促銷", owner="*經理")
    tasks = [dict(t) for t in EXPECTED_TASKS]
    tasks[1]["delay_reason"] = "KOL檔期調整"
    tasks[2]["delay_reason"] = "印刷廠產能不足"
    return {
        "info": info,
        "tables": {
            "tasks": {"sheet": "活動追蹤", "header_row": 9, "rows": [10, 12, 13], "records": tasks},
            "daily": {
                "sheet": "活動追蹤",
                "header_row": 16,
                "rows": [17, 18],
                "records": [dict(d, metric="銷售額") for d in EXPECTED_DAILY],
            },
            "issues": {
                "sheet": "活動追蹤",
                "header_row": 20,
                "rows": [21, 22],
                "records": EXPECTED_ISSUES,
            },
            "evaluation": {
                "sheet": "活動追蹤",
                "header_row": 24,
                "rows": [25, 26, 27],
                "records": [
                    dict(EXPECTED_EVAL[0], metric="銷售額"),
                    dict(EXPECTED_EVAL[1], metric="新增會員"),
                    dict(EXPECTED_EVAL[2], metric="社交曝光"),
                ],
            },
        },
        "findings": [
            ["cell-guessed", "活動追蹤", "E10"],
            ["cell-guessed", "活動追蹤", "E12"],
            ["cell-guessed", "活動追蹤", "E13"],
            ["cell-guessed", "活動追蹤", "B27"],
        ],
    }


def en_reordered(path: Path) -> dict[str, Any]:
    """English headers, shortened and reordered, extra columns, table 1 as a header row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Overview"
    _rows(
        ws,
        [
            ("Summer launch tracker",),
            (),
            ("Campaign name", "Owner", "Start date", "End date", "Budget", "Notes"),
            (
                "Summer launch 2024",
                "Ann Lee",
                dt.date(2024, 6, 1),
                dt.date(2024, 6, 30),
                "1.2M",
                "draft",
            ),
        ],
    )
    ws = wb.create_sheet("Work")
    _rows(
        ws,
        [
            ("Status", "ID", "Task", "Owner", "Comments", "Start", "Due date"),
            (
                "Completed",
                "T001",
                "Poster design",
                "Bo",
                "fine",
                dt.date(2024, 6, 1),
                dt.date(2024, 6, 5),
            ),
            ("Delayed (1 day)", "T002", "KOL outreach", "Cy", None, "2024-06-03", "2024-06-08"),
            ("WIP", "T003", "Print materials", "Di", None, "Jun 10", "Jun 20"),
        ],
    )
    ws = wb.create_sheet("Log")
    _rows(
        ws,
        [
            ("Issue ID", "Issue", "Severity", "Status", "Found"),
            ("Q001", "Low turnout", "M", "In progress", "2024-06-12"),
            ("Q002", "Coupon redemption 15%", "H", "Closed", "2024-06-13"),
        ],
    )
    ws = wb.create_sheet("Daily")
    _rows(
        ws,
        [
            ("Date", "KPI", "Target", "Actual"),
            (dt.date(2024, 6, 10), "Sales", "50k", "38k"),
            (dt.date(2024, 6, 11), "Sales", 50000, 42000),
        ],
    )
    ws = wb.create_sheet("Review")
    _rows(
        ws,
        [
            ("KPI", "Target", "Actual", "Achievement rate", "Cause"),
            ("Sales", 300000, 350000, 1.17, "KOL seeding"),
            ("New members", "3,000", "2,800", 0.93, "few promoters"),
        ],
    )
    _save(wb, path)
    tasks = [
        {"task_id": "T001", "status": "done", "start_date": "2024-06-01", "end_date": "2024-06-05"},
        {
            "task_id": "T002",
            "status": "delayed",
            "start_date": "2024-06-03",
            "end_date": "2024-06-08",
        },
        {
            "task_id": "T003",
            "status": "in_progress",
            "start_date": "2024-06-10",
            "end_date": "2024-06-20",
        },
    ]
    return {
        "info": {
            "name": "Summer launch 2024",
            "owner": "Ann Lee",
            "start_date": "2024-06-01",
            "end_date": "2024-06-30",
            "budget": 1200000.0,
        },
        "tables": {
            "tasks": {
                "sheet": "Work",
                "header_row": 1,
                "rows": [2, 3, 4],
                "records": tasks,
                "columns": {"status": "A", "task_id": "B", "end_date": "G"},
            },
            "issues": {
                "sheet": "Log",
                "header_row": 1,
                "rows": [2, 3],
                "records": [
                    {
                        "issue_id": "Q001",
                        "severity": "medium",
                        "resolution": "in_progress",
                        "found_date": "2024-06-12",
                    },
                    {
                        "issue_id": "Q002",
                        "severity": "high",
                        "resolution": "resolved",
                        "found_date": "2024-06-13",
                    },
                ],
            },
            "daily": {
                "sheet": "Daily",
                "header_row": 1,
                "rows": [2, 3],
                "records": [dict(d, metric="Sales") for d in EXPECTED_DAILY],
            },
            "evaluation": {
                "sheet": "Review",
                "header_row": 1,
                "rows": [2, 3],
                "records": [
                    {"metric": "Sales", "target": 300000.0, "actual": 350000.0},
                    {"metric": "New members", "target": 3000.0, "actual": 2800.0},
                ],
            },
        },
        "findings": [
            ["cell-guessed", "Work", "F4"],
            ["cell-guessed", "Work", "G4"],
            ["header-unknown", "Work", "E1"],
        ],
    }


def messy_values(path: Path) -> dict[str, Any]:
    """Serial dates, odd formats, merged phase cells, a bad date, an unknown status, leading
    zeros."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "计划"
    _rows(
        ws,
        [
            ("活动名称:618大促",),
            ("负责人:王经理",),
            ("活动时间:2024年6月1日至2024年6月30日",),
            ("预算:30万",),
            (),
        ],
    )
    _rows(
        ws,
        [
            ("序号", "任务", "阶段", "责任人", "开始时间", "截止日期", "状态", "备注"),
            ("007", "海报", "预热期", "甲", 45444, "2024/6/5", "完成", None),
            ("008", "直播", None, "乙", "6月3日", "6.31", "待定", None),
            ("009", "复盘会", "收尾期", "丙", "2024-06-28", "20240630", "未开始", None),
        ],
        6,
    )
    ws.merge_cells("C7:C8")
    ws2 = wb.create_sheet("问题")
    _rows(
        ws2,
        [
            ("编号", "问题", "日期", "处理人", "级别", "状态"),
            (1, "物料延迟", "6/12/2024", "甲", "严重", "跟进中"),
            (2, "库存不足", dt.datetime(2024, 6, 13, 15, 30), "乙", "低", "已关闭"),
        ],
    )
    _save(wb, path)
    return {
        "info": {
            "name": "618大促",
            "owner": "王经理",
            "start_date": "2024-06-01",
            "end_date": "2024-06-30",
            "budget": 300000.0,
        },
        "tables": {
            "tasks": {
                "sheet": "计划",
                "header_row": 6,
                "rows": [7, 8, 9],
                "records": [
                    {
                        "task_id": "007",
                        "phase": "warm_up",
                        "start_date": "2024-06-01",
                        "end_date": "2024-06-05",
                        "status": "done",
                    },
                    {
                        "task_id": "008",
                        "phase": "warm_up",
                        "start_date": "2024-06-03",
                        "end_date": None,
                        "status": "unknown",
                    },
                    {
                        "task_id": "009",
                        "phase": "wrap_up",
                        "start_date": "2024-06-28",
                        "end_date": "2024-06-30",
                        "status": "not_started",
                    },
                ],
            },
            "issues": {
                "sheet": "问题",
                "header_row": 1,
                "rows": [2, 3],
                "records": [
                    {
                        "issue_id": "1",
                        "found_date": "2024-06-12",
                        "severity": "high",
                        "resolution": "in_progress",
                    },
                    {
                        "issue_id": "2",
                        "found_date": "2024-06-13",
                        "severity": "low",
                        "resolution": "resolved",
                    },
                ],
            },
        },
        "findings": [
            ["cell-guessed", "计划", "E8"],
            ["cell-unparsed", "计划", "F8"],
            ["cell-not-in-list", "计划", "G8"],
            ["cell-guessed", "问题", "C2"],
            ["sheet-missing", None, None],
            ["sheet-missing", None, None],
        ],
    }


def formulas(path: Path) -> dict[str, Any]:
    """Formulas typed into input cells (no cached values, as Python libraries write them)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Campaign"
    _rows(
        ws,
        [
            ("Campaign name", "Formula test"),
            ("Owner", "Eve"),
            ("Start date", dt.date(2024, 6, 1)),
            ("End date", "=B3+29"),
            ("Total budget", "=50*10000"),
        ],
    )
    ws = wb.create_sheet("Tasks")
    _rows(
        ws,
        [
            ("Task ID", "Task", "Owner", "Start", "End", "Status"),
            ("T1", "Design", "A", dt.date(2024, 6, 1), "=D2+4", "Done"),
            ("T2", "Print", "B", "=E2+1", '=D3+IF(F3="Done",1,9)', "In progress"),
            ("T3", "Ship", "C", "=Campaign!B3", "=VLOOKUP(1,A1:B2,2)", "Not started"),
        ],
    )
    ws = wb.create_sheet("Daily")
    _rows(
        ws,
        [
            ("Date", "Metric", "Target", "Actual"),
            (dt.date(2024, 6, 10), "Sales", 50000, 38000),
            (dt.date(2024, 6, 11), "Sales", "=C2", "=ROUND(C3*0.84,0)"),
        ],
    )
    ws = wb.create_sheet("Evaluation")
    _rows(
        ws,
        [
            ("Metric", "Target", "Actual"),
            ("Sales", "=SUM(Daily!C2:C3)", "=SUM(Daily!D2:D3)"),
            ("Members", 3000, "=IFERROR(1/0,2800)"),
        ],
    )
    _save(wb, path)
    return {
        "info": {
            "name": "Formula test",
            "owner": "Eve",
            "start_date": "2024-06-01",
            "end_date": "2024-06-30",
            "budget": 500000.0,
        },
        "tables": {
            "tasks": {
                "sheet": "Tasks",
                "header_row": 1,
                "rows": [2, 3, 4],
                "records": [
                    {"task_id": "T1", "start_date": "2024-06-01", "end_date": "2024-06-05"},
                    {"task_id": "T2", "start_date": "2024-06-06", "end_date": "2024-06-15"},
                    {"task_id": "T3", "start_date": "2024-06-01", "end_date": None},
                ],
            },
            "daily": {
                "sheet": "Daily",
                "header_row": 1,
                "rows": [2, 3],
                "records": [
                    {"target": 50000.0, "actual": 38000.0},
                    {"target": 50000.0, "actual": 42000.0},
                ],
            },
            "evaluation": {
                "sheet": "Evaluation",
                "header_row": 1,
                "rows": [2, 3],
                "records": [
                    {"metric": "Sales", "target": 100000.0, "actual": 80000.0},
                    {"metric": "Members", "target": 3000.0, "actual": 2800.0},
                ],
            },
        },
        "findings": [["formula-unevaluated", "Tasks", "E4"], ["sheet-missing", None, None]],
    }


def generated_style(path: Path) -> dict[str, Any]:
    """Laid out like xltrack's template (stamp sheet, one sheet per table), older version."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Campaign"
    _rows(
        ws,
        [
            ("Table 1 · Campaign info & goals",),
            ("Campaign name", "Stamped"),
            ("Owner", "Max"),
            ("Start date", dt.date(2024, 6, 1)),
            ("End date", dt.date(2024, 6, 30)),
            ("Total budget", 200000),
            (),
            ("Metric", "Target", "Unit", "Priority"),
            ("Sales", 300000, "yuan", "Core"),
            ("Members", 3000, "people", "Supporting"),
            (),
            ("Category", "Share", "Amount"),
            ("Promotion", 0.6, '=IF(OR(B13="",Budget=""),"",B13*Budget)'),
            ("Materials", 0.3, 0),
            ("Reserve", "10%", 0),
        ],
    )
    ws = wb.create_sheet("Tasks")
    _rows(
        ws,
        [
            ("Table 2 · Task breakdown & responsibility",),
            (
                "Task ID",
                "Task",
                "Phase",
                "Owner",
                "Start",
                "End",
                "Deliverable",
                "Status",
                "Delay reason",
                "Days",
                "Days late",
                "Overdue",
            ),
            (
                "T001",
                "Posters",
                "Warm-up",
                "Bo",
                dt.date(2024, 6, 1),
                dt.date(2024, 6, 5),
                "3 posters",
                "Done",
                None,
                "=F3-E3+1",
                0,
                "",
            ),
            (
                "T002",
                "KOL",
                "Warm-up",
                "Cy",
                dt.date(2024, 6, 3),
                dt.date(2024, 6, 8),
                None,
                "Delayed",
                "KOL schedule",
                0,
                0,
                "",
            ),
            (
                "T003",
                "Print",
                "Campaign week",
                "Di",
                dt.date(2024, 6, 10),
                dt.date(2024, 6, 20),
                None,
                "In progress",
                None,
                0,
                0,
                "",
            ),
        ],
    )
    meta = wb.create_sheet("_xltrack")
    _rows(meta, [("template_id", "xltrack.campaign"), ("template_version", 0), ("lang", "en")])
    meta.sheet_state = "hidden"
    lists = wb.create_sheet("Lists")
    _rows(lists, [("Task ID", "Task", "Owner"), ("Done", "Delayed", "High")])
    _save(wb, path)
    return {
        "info": {
            "name": "Stamped",
            "owner": "Max",
            "start_date": "2024-06-01",
            "end_date": "2024-06-30",
            "budget": 200000.0,
        },
        "template": ["xltrack.campaign", 0],
        "tables": {
            "goals": {
                "sheet": "Campaign",
                "header_row": 8,
                "rows": [9, 10],
                "records": [
                    {"metric": "Sales", "target": 300000.0, "priority": "core"},
                    {"metric": "Members", "target": 3000.0, "priority": "supporting"},
                ],
            },
            "budget_split": {
                "sheet": "Campaign",
                "header_row": 12,
                "rows": [13, 14, 15],
                "records": [
                    {"category": "Promotion", "share": 0.6, "amount": 120000.0},
                    {"category": "Materials", "share": 0.3, "amount": 60000.0},
                    {"category": "Reserve", "share": 0.1, "amount": 20000.0},
                ],
            },
            "tasks": {
                "sheet": "Tasks",
                "header_row": 2,
                "rows": [3, 4, 5],
                "records": [
                    {
                        "task_id": "T001",
                        "phase": "warm_up",
                        "status": "done",
                        "duration_days": 5.0,
                        "days_late": None,
                        "overdue": False,
                    },
                    {
                        "task_id": "T002",
                        "phase": "warm_up",
                        "status": "delayed",
                        "duration_days": 6.0,
                        "days_late": 7.0,
                        "overdue": True,
                    },
                    {
                        "task_id": "T003",
                        "phase": "Campaign week",
                        "status": "in_progress",
                        "duration_days": 11.0,
                        "days_late": 0.0,
                        "overdue": False,
                    },
                ],
            },
        },
        "findings": [
            ["template-version", "_xltrack", None],
            ["sheet-missing", None, None],
            ["sheet-missing", None, None],
            ["sheet-missing", None, None],
        ],
    }


def two_row_header(path: Path) -> dict[str, Any]:
    """A merged group header over sub-headers, an ID column of serial numbers, notes below."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    _rows(
        ws,
        [
            ("任务分解", None, None, None, None),
            ("序号", "任务内容", "计划时间", None, "完成情况"),
            (None, None, "开始", "结束", None),
            (1, "海报设计", dt.date(2024, 6, 1), dt.date(2024, 6, 5), "完成"),
            (2, "达人合作", dt.date(2024, 6, 3), dt.date(2024, 6, 8), "延期2天"),
            (),
            ("备注:状态每周五更新",),
        ],
    )
    ws.merge_cells("A1:E1")
    ws.merge_cells("C2:D2")
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:B3")
    ws.merge_cells("E2:E3")
    _save(wb, path)
    return {
        "info": {},
        "tables": {
            "tasks": {
                "sheet": "Sheet1",
                "header_row": 2,
                "rows": [4, 5],
                "records": [
                    {
                        "task_id": "1",
                        "task_name": "海报设计",
                        "start_date": "2024-06-01",
                        "end_date": "2024-06-05",
                        "status": "done",
                    },
                    {
                        "task_id": "2",
                        "task_name": "达人合作",
                        "start_date": "2024-06-03",
                        "end_date": "2024-06-08",
                        "status": "delayed",
                    },
                ],
                "columns": {"start_date": "C", "end_date": "D", "status": "E"},
            }
        },
        "findings": [["sheet-missing", None, None]] * 4 + [["column-missing", "Sheet1", None]],
    }


def _generated(lang: str) -> openpyxl.Workbook:
    """xltrack's own example workbook, opened for editing as another program would."""
    from xltrack.writer import generate_workbook  # the corpus builder is a dev tool

    buffer = HERE / f".generated-{lang}.xlsx"
    generate_workbook(buffer, lang=lang, example=True, force=True, as_of=dt.date(2024, 6, 15))
    try:
        return openpyxl.load_workbook(buffer)
    finally:
        buffer.unlink()


def generated_edited(path: Path) -> dict[str, Any]:
    """Generated, then edited: a row deleted, rows typed below the table, a status pasted
    past the drop-down, a formula column overwritten, a formula typed in an input cell,
    sheets reordered (openpyxl keeps no cached values, like other Python tools)."""
    wb = _generated("en")
    tasks = wb["Tasks"]
    tasks.delete_rows(5)  # T002 goes; T003 moves up to row 5
    tasks["H5"] = "See notes"  # not in the drop-down, and no status at all
    tasks["K5"] = 99  # a typed number over the Days late formula
    for r, (tid, status) in enumerate((("T010", "滞后2天"), ("T011", "Completed")), start=60):
        for c, value in enumerate(
            (
                tid,
                f"Added task {tid}",
                "Execution",
                "*Ops",
                dt.date(2024, 6, 12),
                "2024.6.14",
                None,
                status,
            ),
            1,
        ):
            if value is not None:
                tasks.cell(r, c, value)
    evaluation = wb["Evaluation"]
    evaluation["C5"] = "=B5*0.9"
    wb.move_sheet("Tasks", offset=4)
    _save(wb, path)
    return {
        "info": {
            "name": "2024 summer new-product promotion",
            "owner": "*Manager",
            "start_date": "2024-06-01",
            "end_date": "2024-06-30",
            "budget": 500000.0,
        },
        "template": ["xltrack.campaign", 1],
        "tables": {
            "tasks": {
                "sheet": "Tasks",
                "header_row": 3,
                "rows": [4, 5, 60, 61],
                "records": [
                    {
                        "task_id": "T001",
                        "status": "done",
                        "end_date": "2024-06-05",
                        "days_late": None,
                    },
                    {
                        "task_id": "T003",
                        "status": "unknown",
                        "end_date": "2024-06-20",
                        "days_late": None,
                    },
                    {
                        "task_id": "T010",
                        "status": "delayed",
                        "end_date": "2024-06-14",
                        "days_late": 1.0,
                    },
                    {
                        "task_id": "T011",
                        "status": "done",
                        "end_date": "2024-06-14",
                        "days_late": None,
                    },
                ],
            },
            "evaluation": {
                "sheet": "Evaluation",
                "header_row": 3,
                "rows": [4, 5, 6],
                "records": [
                    {"metric": "Sales", "actual": 350000.0},
                    {"metric": "New members", "actual": 2700.0},
                    {"metric": "Social exposure", "actual": 1200000.0},
                ],
            },
        },
        "findings": [["cell-not-in-list", "Tasks", "H5"]],
    }


def generated_old_version(path: Path) -> dict[str, Any]:
    """Generated in Chinese by an older template version (the stamp says 0)."""
    wb = _generated("zh")
    meta = wb["_xltrack"]
    for row in meta.iter_rows(min_col=1, max_col=2):
        if row[0].value == "template_version":
            row[1].value = 0
    _save(wb, path)
    return {
        "info": {
            "name": "2024年夏季新品促销",
            "owner": "*经理",
            "start_date": "2024-06-01",
            "end_date": "2024-06-30",
            "budget": 500000.0,
        },
        "template": ["xltrack.campaign", 0],
        "tables": {
            "tasks": {
                "sheet": "任务分解",
                "header_row": 3,
                "rows": [4, 5, 6],
                "records": EXPECTED_TASKS,
            },
            "issues": {
                "sheet": "问题风险",
                "header_row": 3,
                "rows": [4, 5],
                "records": EXPECTED_ISSUES,
            },
        },
        "findings": [["template-version", "_xltrack", None]],
    }


def _weeks_of_sales(metric: str) -> list[tuple[Any, ...]]:
    """Three calendar weeks from Monday 6.3: 95 % of a 10,000 daily target, then 85 %, then
    105 %."""
    days = []
    for offset, actual in ((0, 9500), (7, 8500), (14, 10500)):
        for d in range(7):
            day = dt.date(2024, 6, 3) + dt.timedelta(days=offset + d)
            days.append((day, metric, 10000, actual))
    return days


# The weekly-report samples, zh-hant-weekly and en-weekly: one campaign in mid-course, three
# weeks of daily sales, tasks, and issues with first-response and resolved times (one issue with
# no found date), typed in two languages. The facts are shared; _WeeklyWords holds what each
# language spells its own way.
_WEEKLY_START, _WEEKLY_END = dt.date(2024, 6, 3), dt.date(2024, 6, 30)
_WEEKLY_TASKS = (  # task ID, start, end, expected status
    ("T001", dt.date(2024, 6, 3), dt.date(2024, 6, 12), "done"),
    ("T002", dt.date(2024, 6, 5), dt.date(2024, 6, 9), "delayed"),
    ("T003", dt.date(2024, 6, 17), dt.date(2024, 6, 23), "not_started"),
)
_WEEKLY_ISSUES = (  # issue ID, found, first response, resolved, expected resolution
    ("Q001", dt.date(2024, 6, 10), dt.date(2024, 6, 12), dt.date(2024, 6, 14), "resolved"),
    ("Q002", dt.date(2024, 6, 12), dt.date(2024, 6, 12), None, "in_progress"),
    ("Q003", None, None, None, "open"),
)
_WEEKLY_RESOURCES_DAY = dt.date(2024, 6, 11)  # the one day a resource is asked for


@dataclass(frozen=True)
class _WeeklyWords:
    """What a weekly-report sample types in its own language."""

    sheets: tuple[str, str, str, str]  # campaign info, tasks, daily, issues
    info_labels: tuple[str, str, str, str, str]  # name, owner, start date, end date, budget
    name: str
    owner: str
    budget: str | int  # as typed; 200,000 either way
    task_header: tuple[str, ...]
    tasks: tuple[tuple[str, str, str, str | None], ...]  # name, owner, status, delay reason
    daily_header: tuple[str, ...]
    metric: str
    resources: str  # asked for on _WEEKLY_RESOURCES_DAY
    issue_header: tuple[str, ...]
    issues: tuple[tuple[str, str, str, str], ...]  # description, owner, severity, status


# Traditional Chinese: the times are headed 首次回應時間 and 解決時間.
WEEKLY_ZH_HANT = _WeeklyWords(
    sheets=("活動資訊", "任務分解", "每日追蹤", "問題風險"),
    info_labels=("活動名稱", "負責人", "開始日期", "結束日期", "預算總額"),
    name="2024年夏季會員週",
    owner="*經理",
    budget="20萬",
    task_header=("任務ID", "任務名稱", "負責人", "開始日期", "結束日期", "進度狀態", "滯後原因"),
    tasks=(
        ("會員頁上線", "*設計", "已完成", None),
        ("KOL直播", "*專員", "滯後", "KOL檔期調整"),
        ("線下快閃", "*助理", "未開始", None),
    ),
    daily_header=("日期", "核心指標", "目標", "實際", "需協調資源"),
    metric="銷售額",
    resources="增加1名地推人員",
    issue_header=(
        "問題編號",
        "問題描述",
        "發現時間",
        "負責人",
        "嚴重程度",
        "解決進度",
        "首次回應時間",
        "解決時間",
    ),
    issues=(
        ("直播延遲", "*經理", "高", "已解決"),
        ("贈品不足", "*運營", "中", "處理中"),
        ("門店海報錯字", "*設計", "低", "未處理"),
    ),
)
# English: the times are headed "Responded on" and "Date resolved".
WEEKLY_EN = _WeeklyWords(
    sheets=("Campaign", "Tasks", "Daily", "Issues"),
    info_labels=("Campaign name", "Owner", "Start date", "End date", "Total budget"),
    name="Summer member week 2024",
    owner="Ann Lee",
    budget=200000,
    task_header=("Task ID", "Task", "Owner", "Start", "End", "Status", "Delay reason"),
    tasks=(
        ("Member page live", "Bo", "Done", None),
        ("KOL live stream", "Cy", "Delayed", "KOL schedule changed"),
        ("Pop-up store", "Di", "Not started", None),
    ),
    daily_header=("Date", "Metric", "Target", "Actual", "Resources needed"),
    metric="Sales",
    resources="One more promoter",
    issue_header=(
        "Issue ID",
        "Description",
        "Found",
        "Owner",
        "Severity",
        "Status",
        "Responded on",
        "Date resolved",
    ),
    issues=(
        ("Live stream late", "Ann", "High", "Resolved"),
        ("Too few gifts", "Eve", "Medium", "In progress"),
        ("Typo on store poster", "Bo", "Low", "Open"),
    ),
)


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def weekly(words: _WeeklyWords, path: Path) -> dict[str, Any]:
    """A weekly-report sample: the shared facts above, typed in the words given."""
    info_sheet, tasks_sheet, daily_sheet, issues_sheet = words.sheets
    tasks = list(zip(_WEEKLY_TASKS, words.tasks, strict=True))
    issues = list(zip(_WEEKLY_ISSUES, words.issues, strict=True))
    sales = _weeks_of_sales(words.metric)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = info_sheet
    values = (words.name, words.owner, _WEEKLY_START, _WEEKLY_END, words.budget)
    _rows(ws, list(zip(words.info_labels, values, strict=True)))
    ws = wb.create_sheet(tasks_sheet)
    rows = [
        (task_id, name, owner, start, end, status, reason)
        for (task_id, start, end, _), (name, owner, status, reason) in tasks
    ]
    _rows(ws, [words.task_header, *rows])
    ws = wb.create_sheet(daily_sheet)
    rows = [
        (day, metric, target, actual, words.resources if day == _WEEKLY_RESOURCES_DAY else None)
        for day, metric, target, actual in sales
    ]
    _rows(ws, [words.daily_header, *rows])
    ws = wb.create_sheet(issues_sheet)
    rows = [
        (issue_id, text, found, owner, severity, status, responded, resolved)
        for (issue_id, found, responded, resolved, _), (text, owner, severity, status) in issues
    ]
    _rows(ws, [words.issue_header, *rows])
    _save(wb, path)
    return {
        "info": {
            "name": words.name,
            "owner": words.owner,
            "start_date": _WEEKLY_START.isoformat(),
            "end_date": _WEEKLY_END.isoformat(),
            "budget": 200000.0,
        },
        "tables": {
            "tasks": {
                "sheet": tasks_sheet,
                "header_row": 1,
                "rows": [2, 3, 4],
                "records": [
                    {
                        "task_id": task_id,
                        "status": status,
                        "start_date": start.isoformat(),
                        "end_date": end.isoformat(),
                        "delay_reason": reason,
                    }
                    for (task_id, start, end, status), (*_, reason) in tasks
                ],
            },
            "daily": {
                "sheet": daily_sheet,
                "header_row": 1,
                "rows": list(range(2, 23)),
                "records": [
                    {
                        "date": day.isoformat(),
                        "metric": metric,
                        "target": float(target),
                        "actual": float(actual),
                    }
                    for day, metric, target, actual in sales
                ],
            },
            "issues": {
                "sheet": issues_sheet,
                "header_row": 1,
                "rows": [2, 3, 4],
                "records": [
                    {
                        "issue_id": issue_id,
                        "found_date": _iso(found),
                        "resolution": resolution,
                        "responded_at": _iso(responded),
                        "resolved_at": _iso(resolved),
                    }
                    for (issue_id, found, responded, resolved, resolution), _ in issues
                ],
                "columns": {"responded_at": "G", "resolved_at": "H"},
            },
        },
        "findings": [["sheet-missing", None, None]],
    }


CASES: dict[str, Callable[[Path], dict[str, Any]]] = {
    "en-generated-edited": generated_edited,
    "zh-generated-old-version": generated_old_version,
    "zh-two-row-header": two_row_header,
    "zh-hans-source": zh_hans_source,
    "zh-hant-stacked": zh_hant_stacked,
    "en-reordered": en_reordered,
    "zh-messy-values": messy_values,
    "en-formulas": formulas,
    "en-generated-style": generated_style,
    "zh-hant-weekly": partial(weekly, WEEKLY_ZH_HANT),
    "en-weekly": partial(weekly, WEEKLY_EN),
}


# -- hostile files -------------------------------------------------------------------


def _minimal_xlsx(parts: dict[str, str]) -> bytes:
    base = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
            'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
            'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheetData/></worksheet>'
        ),
    }
    base.update(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in base.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 6, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def build_zip_bomb(path: Path, inflated_mb: int = 300) -> Path:
    """A small .xlsx whose sheet XML inflates to `inflated_mb` MB of one repeated byte."""
    template = zipfile.ZipFile(io.BytesIO(_minimal_xlsx({})))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in template.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info.filename, template.read(info.filename))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as handle:
            chunk = b" " * (1024 * 1024)
            for _ in range(inflated_mb):
                handle.write(chunk)
    return path


_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheets><sheet name="&lol3;" sheetId="1"/></sheets></workbook>'
)
_XXE = (
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>'
)


_BROKEN_SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Task ID'
)
_TASKS_SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main"><sheetData>'
    + "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>T{r:03d}</t></is></c>'
        f'<c r="B{r}" t="inlineStr"><is><t>Task number {r}</t></is></c></row>'
        for r in range(1, 400)
    )
    + "</sheetData></worksheet>"
)


def _flip_in_sheet(data: bytes) -> bytes:
    """Corrupt the compressed bytes of the sheet part: the zip directory stays valid."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    body = bytearray(data)
    for offset in range(info.compress_size // 3, info.compress_size // 3 + 40):
        body[start + offset] ^= 0x5A
    return bytes(body)


def _ole2(extra: bytes) -> bytes:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + b"\x00" * 512 + extra + b"\x00" * 1024


HOSTILE_FILES: dict[str, Callable[[], bytes]] = {
    "empty.xlsx": lambda: b"",
    "truncated.xlsx": lambda: _minimal_xlsx({})[:300],
    "corrupt.xlsx": lambda: b"PK\x03\x04" + bytes(range(256)) * 8,
    "csv-renamed.xlsx": lambda: "任务ID,任务名称,负责人\nT001,海报,甲\n".encode(),
    "html-renamed.xlsx": lambda: (
        b"<html><body><table><tr><td>Task ID</td></tr></table></body></html>"
    ),
    "legacy.xls": lambda: _ole2("Workbook".encode("utf-16-le")),
    "encrypted.xlsx": lambda: _ole2(
        "EncryptionInfo".encode("utf-16-le") + b"\x00" * 16 + "EncryptedPackage".encode("utf-16-le")
    ),
    "ods-renamed.xlsx": lambda: _zip(
        {
            "mimetype": "application/vnd.oasis.opendocument.spreadsheet",
            "content.xml": "<office:document-content/>",
        }
    ),
    "broken-sheet-xml.xlsx": lambda: _minimal_xlsx({"xl/worksheets/sheet1.xml": _BROKEN_SHEET}),
    "bad-crc.xlsx": lambda: _flip_in_sheet(
        _minimal_xlsx({"xl/worksheets/sheet1.xml": _TASKS_SHEET})
    ),
    "billion-laughs.xlsx": lambda: _minimal_xlsx({"xl/workbook.xml": _LAUGHS}),
    "external-entity.xlsx": lambda: _minimal_xlsx({"xl/worksheets/sheet1.xml": _XXE}),
}


def _zip(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, (2024, 6, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def _workbook_files() -> None:
    wb = openpyxl.Workbook()
    _save(wb, HOSTILE / "empty-workbook.xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Budget"
    _rows(ws, [("Quarter", "Revenue", "Cost"), ("Q1", 100, 80), ("Q2", 120, 90)])
    _save(wb, HOSTILE / "no-tables.xlsx")


def main() -> None:
    """Write every corpus file and its expectations."""
    HANDMADE.mkdir(parents=True, exist_ok=True)
    HOSTILE.mkdir(parents=True, exist_ok=True)
    for name, build in CASES.items():
        expected = build(HANDMADE / f"{name}.xlsx")
        (HANDMADE / f"{name}.expected.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    for name, make in HOSTILE_FILES.items():
        (HOSTILE / name).write_bytes(make())
    _workbook_files()


if __name__ == "__main__":
    main()
