"""The "How to use" sheet (填写说明): what to type where, what the colours mean, how to check.

Prose in single cells, never a row of column labels, so the reader never takes
this sheet for one of the five tables.
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from xltrack.layout import Layout
from xltrack.styles import LIGHT_SYMBOLS, Styles
from xltrack.tables import print_setup

_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "How to use this workbook",
        "type_head": "Where to type",
        "type": "Type only into the pale yellow cells: the campaign form, the goals and budget "
        "split, and the rows of every table. Every other cell is a formula or a label and "
        "is locked (Review › Unprotect Sheet, no password, if you must change one).",
        "as_of": "The Dashboard's As-of date is today unless you type a date into it; every "
        "overdue flag, pace and light is measured against it.",
        "sheets_head": "What goes where",
        "dashboard": "Dashboard: tiles, charts and the timeline; nothing to type but the as-of "
        "date.",
        "campaign": "Campaign: name, owner, start and end dates, total budget; the quantified "
        "goals (metric, target, unit, core or supporting) and the budget split "
        "(shares; amounts are computed).",
        "tasks": "Tasks: one row per task with ID, name, phase, owner, start, end, deliverable "
        "and a status from the drop-down; a delay reason when it is delayed.",
        "daily": "Daily: one row per day and metric with its target and actual; the rate, light "
        "and running totals are computed.",
        "issues": "Issues: one row per problem with the date found, owner, severity and "
        "resolution. Respond within 24 hours, solve within 48 hours; add the time "
        "(2024-06-12 14:30) to count the hours exactly.",
        "evaluation": "Evaluation: at the end, target and actual per metric, the cause and an "
        "improvement.",
        "values": "Dates as 2024-06-01; amounts as plain numbers (300000, not 30万); pick "
        "statuses from the drop-downs.",
        "colours_head": "What the colours mean",
        "green": "less than 10 % below target (or behind pace)",
        "yellow": "10-20 % below target or behind pace (exactly 10 % included): the project "
        "manager follows up",
        "red": "more than 20 % below target or behind pace: escalate to the director",
        "status": "Task status colours, the same in the Tasks sheet, the timeline and the chart:",
        "check_head": "Check and summarize",
        "check": "xltrack check FILE.xlsx  lists every problem with its sheet and cell "
        "(overdue tasks, missing owners, unresolved high issues, wrong rates ...).",
        "summarize": "xltrack summarize FILE.xlsx  adds an achievement summary sheet right after "
        "the Dashboard; the rest of the file is kept as it is.",
        "print": "Printing: every sheet fits the page width and repeats its header; the "
        "Dashboard prints on one page.",
    },
    "zh": {
        "title": "填写说明",
        "type_head": "在哪里填写",
        "type": "只在浅黄色单元格中填写:活动信息、量化目标、预算分配以及各表的数据行。其他单元格"
        "是公式或标签,已锁定(如需修改:审阅 › 撤销工作表保护,无密码)。",
        "as_of": "仪表盘的统计日期默认为今天,填写日期即可固定;逾期、进度与红绿灯都以此日期计算。",
        "sheets_head": "各表填写什么",
        "dashboard": "仪表盘:指标卡、图表和甘特图;除统计日期外无需填写。",
        "campaign": "活动信息:名称、负责人、起止日期、预算总额;量化目标(指标、目标值、单位、"
        "核心或辅助)与预算分配(占比,金额自动计算)。",
        "tasks": "任务分解:每行一项任务,填写编号、名称、阶段、负责人、起止日期、交付物,"
        "从下拉列表选择进度状态;滞后时填写原因。",
        "daily": "每日跟踪:每天每个指标一行,填写目标与实际;达成率、红绿灯和累计值自动计算。",
        "issues": "问题风险:每个问题一行,填写发现时间、负责人、严重程度和解决进度。"
        "24小时内响应,48小时内给出解决方案;写上时刻(2024-06-12 14:30)可按小时精确计算。",
        "evaluation": "效果评估:活动结束后填写各指标的目标值、实际值、原因分析和改进建议。",
        "values": "日期写作 2024-06-01;金额写数字(300000,而不是30万);状态从下拉列表选择。",
        "colours_head": "颜色含义",
        "green": "低于目标(或落后进度)不足10%",
        "yellow": "低于目标或落后进度10%-20%(含10%):项目经理跟进",
        "red": "低于目标或落后进度超过20%:上报总监",
        "status": "任务状态颜色(任务表、甘特图和图表中一致):",
        "check_head": "检查与总结",
        "check": "xltrack check 文件.xlsx  列出每个问题及其所在工作表和单元格"
        "(逾期任务、缺少负责人、未解决的高风险问题、达成率错误等)。",
        "summarize": "xltrack summarize 文件.xlsx  在仪表盘之后添加达成总结表,"
        "文件其余部分保持不变。",
        "print": "打印:每张表按页宽缩放并重复表头;仪表盘打印在一页内。",
    },
}


def write_instructions(ws: Worksheet, styles: Styles, layout: Layout) -> None:
    """Write the instructions sheet (rows in order: it may stream)."""
    spec, lang = layout.spec, layout.lang
    text = _TEXT["zh" if lang == "zh" else "en"]
    body, head = styles.cell("body"), styles.cell("subtitle")
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 92)
    row = 0
    ws.write_string(row, 0, text["title"], styles.cell("title"))
    row += 2

    def line(key: str, first: str = "", fmt: object = None) -> None:
        nonlocal row
        if first:
            ws.write_string(row, 0, first, fmt or body)
        ws.write_string(row, 1, text[key], body)
        row += 1

    def section(key: str) -> None:
        nonlocal row
        ws.write_string(row, 0, text[key], head)
        row += 1

    section("type_head")
    ws.set_row(row, 45)
    ws.write_string(row, 0, "", styles.cell("input_key"))
    ws.write_string(row, 1, text["type"], body)
    row += 1
    ws.set_row(row, 30)
    line("as_of")
    row += 1
    section("sheets_head")
    for key in ("dashboard", "campaign", "tasks", "daily", "issues", "evaluation", "values"):
        ws.set_row(row, 30)
        line(key)
    row += 1
    section("colours_head")
    for light in ("green", "yellow", "red"):
        word = f"{LIGHT_SYMBOLS[light]} {spec.enum_label('light', light, lang)}"
        line(light, word, styles.value("text", unlocked=False, extra=f"light_{light}"))
    ws.write_string(row, 1, text["status"], body)
    row += 1
    for value in spec.enums["task_status"]:
        style = f"legend_{value.key}"
        ws.write_string(row, 0, value.label(lang), styles.cell(style))
        row += 1
    ws.write_string(row, 0, spec.label("overdue_flag", lang), styles.cell("legend_overdue"))
    row += 2
    section("check_head")
    for key in ("check", "summarize", "print"):
        ws.set_row(row, 30)
        line(key)
    print_setup(ws, None, landscape=False, one_page=True)
