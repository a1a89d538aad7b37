"""The Dashboard's timeline: a Gantt drawn by conditional formats, with a legend and scales.

One row per task (the first rows of the Tasks sheet, the title says "first N of
M" when there are more), one column per day, or per week for a long campaign;
bars in the status colours, a today marker. The rules compare each column's
date with cells on this sheet, because a conditional format may only refer to
its own sheet in Excel 2010 and WPS.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from xltrack.board import (
    AS_OF_COL,
    AS_OF_ROW,
    DAY_COL,
    GANTT_MAX_ROWS,
    GANTT_MIN_ROWS,
    GANTT_ROW,
    LEGEND_STYLES,
    MONTHS,
    Board,
    cached_value,
    mirror,
    serial,
)
from xltrack.layout import quote


def write_timeline(d: Board, frame: pd.DataFrame) -> int:
    """A Gantt chart: one row per task, one column per day; returns its last row."""
    spec, lang, grid, styles = d.layout.spec, d.layout.lang, d.grid, d.styles
    tasks, table = d.layout.tables["tasks"], spec.table("tasks")
    n = min(tasks.n_rows, max(GANTT_MIN_ROWS, len(frame) + 3), GANTT_MAX_ROWS)
    names = tasks.column_range("task_name", sheet=True)
    title = quote(spec.label("timeline", lang))
    more = (
        f'IF(COUNTA({names})>{n},{quote(d.word("gantt_first"))}&" {n} / "'
        f'&COUNTA({names})&" "&{quote(d.word("gantt_tail"))},"")'
    )
    shown_tasks = int(frame["task_name"].notna().sum())
    cached = spec.label("timeline", lang)
    if shown_tasks > n:
        cached += f" · {d.word('gantt_first')} {n} / {shown_tasks} {d.word('gantt_tail')}"
    grid.put(
        GANTT_ROW,
        0,
        "write_formula",
        f'={title}&IF({more}="",""," · "&{more})',
        styles.cell("subtitle"),
        cached,
    )
    _legend(d)
    week_row, day_row = GANTT_ROW + 1, GANTT_ROW + 2
    for j, key in enumerate(("task_name", "start_date", "end_date", "status")):
        grid.put(day_row, j, "write_string", table.column(key).label(lang), styles.cell("header"))
    day_fmt = styles.cell("gantt_day")
    if d.step == 1:
        _week_scale(d, week_row, day_row)
    else:
        _month_scale(d, week_row, day_row)
    for k in range(d.cols):
        col = DAY_COL + k
        prev = xl_col_to_name(col - 1)
        day = d.first_day + dt.timedelta(days=k * d.step)
        formula = (
            "=IF(ISNUMBER(CampaignStart),CampaignStart,AsOf-7)"
            if k == 0
            else f"={prev}{day_row + 1}+{d.step}"
        )
        grid.put(
            day_row,
            col,
            "write_formula",
            formula,
            day_fmt if d.step == 1 else styles.cell("gantt_week_day"),
            serial(day),
        )
    labels = {v.key: v.label(lang) for v in spec.enums["task_status"]}
    for i in range(n):
        r, src = day_row + 1 + i, tasks.first_row + i
        ident, name = tasks.ref("task_id", src), tasks.ref("task_name", src)
        rec = frame.iloc[i] if i < len(frame) else None
        shown = ""
        if rec is not None and cached_value(rec["task_name"], "text"):
            ident_text = cached_value(rec["task_id"], "text")
            shown = (f"{ident_text} " if ident_text else "") + cached_value(
                rec["task_name"], "text"
            )
        grid.put(
            r,
            0,
            "write_formula",
            f'=IF({name}="","",IF({ident}="","",{ident}&" ")&{name})',
            styles.value("text", unlocked=False),
            shown,
        )
        for j, key in ((1, "start_date"), (2, "end_date"), (3, "status")):
            col_type = table.column(key).type
            value = cached_value(rec[key] if rec is not None else None, col_type, labels)
            mirror(grid, r, j, tasks.ref(key, src), value, styles.value(col_type, unlocked=False))
    _gantt_rules(d, day_row, n)
    return day_row + n


def _week_scale(d: Board, week_row: int, day_row: int) -> None:
    """Over the day columns: a merged cell a week, "Week 2 · 06-08"."""
    grid, week_fmt = d.grid, d.styles.cell("gantt_week")
    prefix, suffix = quote(d.word("week_prefix")), quote(d.word("week_suffix"))
    for k in range(0, d.days, 7):
        col = DAY_COL + k
        last = min(col + 6, DAY_COL + d.days - 1)
        letter = xl_col_to_name(col)
        day = d.first_day + dt.timedelta(days=k)
        text = f"{d.word('week_prefix')}{k // 7 + 1}{d.word('week_suffix')} · {day:%m-%d}"
        if last - col < 3:  # a short last week has no room for a label
            grid.merge(week_row, col, last, "write_string", "", week_fmt)
            continue
        grid.merge(
            week_row,
            col,
            last,
            "write_formula",
            f'={prefix}&"{k // 7 + 1}"&{suffix}&" · "&TEXT({letter}{day_row + 1},"mm-dd")',
            week_fmt,
            text,
        )


def _month_scale(d: Board, week_row: int, day_row: int) -> None:
    """Over week columns: the month's name where a month begins."""
    grid, fmt = d.grid, d.styles.cell("gantt_week")
    for k in range(d.cols):
        col = DAY_COL + k
        this = f"{xl_col_to_name(col)}{day_row + 1}"
        day = d.first_day + dt.timedelta(days=7 * k)
        # A month's name without TEXT(..., "mmm"), whose result depends on the locale.
        if d.layout.lang == "zh":
            name, cached_name = f'MONTH({this})&"月"', f"{day.month}月"
        else:
            name = f"CHOOSE(MONTH({this}),{','.join(quote(m) for m in MONTHS)})"
            cached_name = MONTHS[day.month - 1]
        if k == 0:
            formula, cached = f"={name}", cached_name
        else:
            prev = f"{xl_col_to_name(col - 1)}{day_row + 1}"
            formula = f'=IF(MONTH({this})<>MONTH({prev}),{name},"")'
            new_month = day.month != (day - dt.timedelta(days=7)).month
            cached = cached_name if new_month else ""
        grid.put(week_row, col, "write_formula", formula, fmt, cached)


def _legend(d: Board) -> None:
    """Colour chips with words right of the title: the statuses, overdue and today."""
    spec, lang, grid, styles = d.layout.spec, d.layout.lang, d.grid, d.styles
    chips = [(f"legend_{v.key}", v.label(lang)) for v in spec.enums["task_status"]]
    chips += [
        ("legend_overdue", d.word("legend_overdue")),
        ("legend_today", spec.label("today", lang)),
    ]
    col = 1
    wide = max(0, min(4, d.cols // 3 - 1))  # three chips share the timeline's width
    for style, text in chips:
        span = 0 if col < DAY_COL else wide
        fmt = styles.cell(style if style in LEGEND_STYLES else "legend_not_started")
        grid.merge(GANTT_ROW, col, col + span, "write_string", text, fmt)
        col += span + 1


def _gantt_rules(d: Board, day_row: int, n: int) -> None:
    spec, lang, ws, styles = d.layout.spec, d.layout.lang, d.ws, d.styles
    first, last = day_row + 1, day_row + n
    left, right = DAY_COL, DAY_COL + d.cols - 1
    day = f"{xl_col_to_name(left)}${day_row + 1}"
    as_of = f"${xl_col_to_name(AS_OF_COL)}${AS_OF_ROW + 1}"
    r = first + 1
    last_day = f"{day}+{d.step - 1}" if d.step > 1 else day
    on_bar = f"{last_day}>=$B{r},{day}<=$C{r}"
    today = f"AND({as_of}>={day},{as_of}<={last_day})" if d.step > 1 else f"{day}={as_of}"
    head = f"{xl_col_to_name(left)}{day_row + 1}"
    today_head = (
        f"AND({as_of}>={head},{as_of}<={head}+{d.step - 1})" if d.step > 1 else f"{head}={as_of}"
    )

    def status(key: str) -> str:
        return quote(spec.enum_label("task_status", key, lang))

    for look, test in (
        ("bar_done", f"$D{r}={status('done')}"),
        ("bar_overdue", f"$C{r}<{as_of},$D{r}<>{status('done')}"),
        ("bar_delayed", f"$D{r}={status('delayed')}"),
        ("bar_in_progress", f"$D{r}={status('in_progress')}"),
        ("bar", "TRUE"),
    ):
        ws.conditional_format(
            first,
            left,
            last,
            right,
            {"type": "formula", "criteria": f"=AND({on_bar},{test})", "format": styles.look(look)},
        )
    ws.conditional_format(
        first,
        left,
        last,
        right,
        {"type": "formula", "criteria": f"={today}", "format": styles.look("today_column")},
    )
    # The day grid is a conditional format too: thousands of bordered blank cells cost time.
    ws.conditional_format(
        first,
        left,
        last,
        right,
        {"type": "formula", "criteria": "=TRUE", "format": styles.look("gantt_cell")},
    )
    ws.conditional_format(
        day_row,
        left,
        day_row,
        right,
        {"type": "formula", "criteria": f"={today_head}", "format": styles.look("today")},
    )
    # Status cells in the workbook's status colours, as on the Tasks sheet.
    for value in spec.enums["task_status"]:
        ws.conditional_format(
            first,
            3,
            last,
            3,
            {
                "type": "formula",
                "criteria": f"=$D{r}={status(value.key)}",
                "format": styles.look(f"status_{value.key}"),
            },
        )
