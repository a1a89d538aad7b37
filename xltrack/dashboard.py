"""The Dashboard sheet: the as-of date, counts and rates across sheets, and a Gantt timeline.

Everything here is a formula over the other sheets (COUNTIF/COUNTIFS, mirrors
of cells), written with the value it computes for the data generated. The
timeline is drawn by conditional formats that compare each day column with
helper columns on this sheet, because a conditional format may only refer to
its own sheet in Excel 2010 and WPS.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from xltrack.layout import Grid, Layout, TableLayout, quote
from xltrack.styles import DATA_BAR_COLOUR, Styles
from xltrack.tables import number_or_blank, print_setup

AS_OF_ROW, AS_OF_COL = 2, 1
# The timeline shows the first task rows (at least GANTT_MIN_ROWS, at most
# GANTT_MAX_ROWS); the Tasks sheet holds them all.
GANTT_MIN_ROWS, GANTT_MAX_ROWS = 20, 100
ACHIEVEMENT_MIN_ROWS = 5
DAY_COL = 4  # day columns start at E
_EPOCH = dt.date(1899, 12, 30)


def serial(day: dt.date | pd.Timestamp | None) -> float | str:
    """Excel's date number, or "" for no date."""
    if day is None or pd.isna(day):
        return ""
    if isinstance(day, pd.Timestamp):
        day = day.date()
    return (day - _EPOCH).days


def write_dashboard(
    ws: Worksheet,
    styles: Styles,
    layout: Layout,
    derived: dict[str, pd.DataFrame],
    info: dict[str, Any],
    as_of: dt.date | None,
    today: dt.date,
) -> None:
    """Lay out the Dashboard and define the `AsOf` name on its date cell.

    Args:
        derived: each table's typed frame with derived columns, as written.
        info: the campaign form's values.
        as_of: the pinned date, or None for `=TODAY()`.
        today: the date the cached values are computed for.
    """
    spec, lang = layout.spec, layout.lang
    grid = Grid()
    grid.put(0, 0, "write_string", spec.title(lang), styles.cell("title"))
    name_ref = layout.form_ref("name")
    grid.put(1, 0, "write_formula", f'=IF({name_ref}="","",{name_ref})', styles.cell("subtitle"),
             str(info.get("name") or ""))
    label = styles.cell("label")
    grid.put(AS_OF_ROW, 0, "write_string", spec.label("as_of", lang), label)
    as_of_fmt = styles.value("date", unlocked=True, extra="label")
    if as_of is None:
        grid.put(AS_OF_ROW, AS_OF_COL, "write_formula", "=TODAY()", as_of_fmt, serial(today))
    else:
        grid.put(AS_OF_ROW, AS_OF_COL, "write_number", serial(as_of), as_of_fmt)
    grid.put(AS_OF_ROW, 2, "write_string", spec.label("as_of_hint", lang), styles.cell("hint"))
    layout.define("AsOf", layout.sheets["dashboard"], AS_OF_ROW, AS_OF_COL)
    row = _kpis(grid, styles, layout, derived, info, 4)
    row = _achievement(ws, grid, styles, layout, derived["evaluation"], row + 1)
    row = _budget(grid, styles, layout, derived["budget_split"], row + 1)
    _timeline(ws, grid, styles, layout, derived["tasks"], info, today, row + 1)
    ws.set_column(0, 0, 30)
    ws.set_column(1, 3, 12)
    grid.flush(ws)
    print_setup(ws, None)


def _kpis(grid: Grid, styles: Styles, layout: Layout, derived: dict[str, pd.DataFrame],
          info: dict[str, Any], row: int) -> int:
    """Tasks by status, total, % done, overdue, open high-severity issues, budget."""
    spec, lang = layout.spec, layout.lang
    tasks, issues = layout.tables["tasks"], layout.tables["issues"]
    task_frame = derived["tasks"].iloc[: _n(derived["tasks"], tasks)]
    issue_frame = derived["issues"].iloc[: _n(derived["issues"], issues)]
    header, label = styles.cell("header"), styles.cell("label")
    count_fmt = styles.value("count", unlocked=False)
    grid.put(row, 0, "write_string", spec.label("tasks_by_status", lang), styles.cell("subtitle"))
    grid.put(row + 1, 0, "write_string", spec.table("tasks").column("status").label(lang), header)
    grid.put(row + 1, 1, "write_string", spec.label("count", lang), header)
    row += 2
    status_range = tasks.column_range("status", sheet=True)
    done_cell = ""
    for value in spec.enums["task_status"]:
        text = value.label(lang)
        grid.put(row, 0, "write_string", text, label)
        count = int((task_frame["status"] == value.key).sum())
        grid.put(row, 1, "write_formula", f"=COUNTIF({status_range},{quote(text)})", count_fmt,
                 count)
        if value.key == "done":
            done_cell, done = f"B{row + 1}", count
        row += 1
    first_key = layout.spec.table("tasks").laid_out[0].key
    total = int(task_frame[first_key].notna().sum())
    rows: list[tuple[str, str, Any, Any]] = [
        ("total", f"=COUNTA({tasks.column_range(first_key, sheet=True)})", total, count_fmt),
    ]
    if done_cell:
        rows.append(("percent_done", f'=IF(B{row + 1}=0,"",{done_cell}/B{row + 1})',
                     done / total if total else "", styles.value("percent", unlocked=False)))
    flag = spec.label("overdue_flag", lang)
    rows.append(("overdue_count",
                 f"=COUNTIF({tasks.column_range('overdue', sheet=True)},{quote(flag)})",
                 int(task_frame["overdue"].sum()), count_fmt))
    high = spec.enum_label("severity", "high", lang)
    resolved = spec.enum_label("resolution", "resolved", lang)
    open_high = (issue_frame["severity"] == "high") & (issue_frame["resolution"] != "resolved")
    rows.append(("open_high_count",
                 (f"=COUNTIFS({issues.column_range('severity', sheet=True)},{quote(high)},"
                  f"{issues.column_range('resolution', sheet=True)},{quote('<>' + resolved)})"),
                 int(open_high.sum()), count_fmt))
    budget = _cached(info.get("budget"), "money")
    rows.append(("budget", '=IF(Budget="","",Budget)', budget,
                 styles.value("money", unlocked=False)))
    for key, formula, value, fmt in rows:
        grid.put(row, 0, "write_string", spec.label(key, lang), label)
        grid.put(row, 1, "write_formula", formula, fmt, value)
        row += 1
    return row


def _n(frame: pd.DataFrame, placed: TableLayout) -> int:
    return min(len(frame), placed.n_rows)


def _mirror(grid: Grid, row: int, col: int, source: str, value: Any, fmt: Any) -> None:
    """A cell showing another sheet's cell, empty (not 0) when that one is empty."""
    grid.put(row, col, "write_formula", f'=IF({source}="","",{source})', fmt, value)


def _cached(value: Any, ctype: str, labels: dict[str, str] | None = None) -> Any:
    if ctype == "date":
        return serial(value)
    if ctype in ("number", "money", "percent", "count"):
        try:
            return number_or_blank(float(value))
        except (TypeError, ValueError):
            return ""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return labels.get(value, value) if labels else str(value)


def _mirror_block(grid: Grid, styles: Styles, layout: Layout, key: str, columns: list[str],
                  frame: pd.DataFrame, row: int, n: int, title: str) -> tuple[int, int]:
    """Title, header and `n` rows mirroring the first rows of a table; returns (first, next)."""
    spec, lang = layout.spec, layout.lang
    table, placed = spec.table(key), layout.tables[key]
    grid.put(row, 0, "write_string", title, styles.cell("subtitle"))
    for j, col_key in enumerate(columns):
        grid.put(row + 1, j, "write_string", table.column(col_key).label(lang),
                 styles.cell("header"))
    first = row + 2
    for i in range(n):
        for j, col_key in enumerate(columns):
            col = table.column(col_key)
            value = frame[col_key].iloc[i] if i < len(frame) else None
            fmt = styles.value(col.type, unlocked=False)
            _mirror(grid, first + i, j, placed.ref(col_key, placed.first_row + i),
                    _cached(value, col.type), fmt)
    return first, first + n


def _achievement(ws: Worksheet, grid: Grid, styles: Styles, layout: Layout,
                 frame: pd.DataFrame, row: int) -> int:
    placed = layout.tables["evaluation"]
    n = min(placed.n_rows, max(ACHIEVEMENT_MIN_ROWS, len(frame)))
    first, end = _mirror_block(grid, styles, layout, "evaluation",
                               ["metric", "target", "actual", "rate"], frame, row, n,
                               layout.spec.label("achievement", layout.lang))
    rules = layout.spec.rules
    cell = f"$D{first + 1}"
    green, yellow = f"{cell}>={rules.green_at}", f"{cell}>={rules.yellow_at}"
    for look, test in (("green", green), ("yellow", f"{yellow},NOT({green})"),
                       ("red", f"NOT({yellow})")):
        ws.conditional_format(first, 3, end - 1, 3, {
            "type": "formula", "criteria": f"=AND(ISNUMBER({cell}),{test})",
            "format": styles.look(look)})
    ws.conditional_format(first, 3, end - 1, 3, {
        "type": "data_bar", "bar_color": DATA_BAR_COLOUR,
        "min_type": "num", "min_value": 0, "max_type": "num", "max_value": 1.5})
    return end


def _budget(grid: Grid, styles: Styles, layout: Layout, frame: pd.DataFrame, row: int) -> int:
    placed = layout.tables["budget_split"]
    title = layout.spec.table("budget_split").title(layout.lang)
    return _mirror_block(grid, styles, layout, "budget_split", ["category", "share", "amount"],
                         frame, row, placed.n_rows, title)[1]


def _timeline(ws: Worksheet, grid: Grid, styles: Styles, layout: Layout, frame: pd.DataFrame,
              info: dict[str, Any], today: dt.date, row: int) -> None:
    """A Gantt chart: one row per task, one column per day, bars by conditional format."""
    spec, lang = layout.spec, layout.lang
    tasks, table = layout.tables["tasks"], spec.table("tasks")
    start, end = _date(info.get("start_date")), _date(info.get("end_date"))
    days = 42
    if start and end and end >= start:
        days = min(max((end - start).days + 1, 14), 92)
    first_day = start or today - dt.timedelta(days=7)
    grid.put(row, 0, "write_string", spec.label("timeline", lang), styles.cell("subtitle"))
    grid.put(row, 3, "write_string", spec.label("today", lang), styles.look("today"))
    month_row, day_row = row + 1, row + 2
    for j, key in enumerate(("task_name", "start_date", "end_date", "status")):
        grid.put(day_row, j, "write_string", table.column(key).label(lang), styles.cell("header"))
    day_fmt = styles.cell("gantt_day")
    month_fmt = styles.cell("gantt_month_zh" if lang == "zh" else "gantt_month")
    for d in range(days):
        col = DAY_COL + d
        letter, prev = xl_col_to_name(col), xl_col_to_name(col - 1)
        day = first_day + dt.timedelta(days=d)
        if d == 0:
            formula = "=IF(ISNUMBER(CampaignStart),CampaignStart,AsOf-7)"
            grid.put(month_row, col, "write_formula", f"={letter}{day_row + 1}", month_fmt,
                     serial(day))
        else:
            formula = f"={prev}{day_row + 1}+1"
            grid.put(month_row, col, "write_formula",
                     f'=IF(DAY({letter}{day_row + 1})=1,{letter}{day_row + 1},"")', month_fmt,
                     serial(day) if day.day == 1 else "")
        grid.put(day_row, col, "write_formula", formula, day_fmt, serial(day))
        ws.set_column(col, col, 3.2)
    n = min(tasks.n_rows, max(GANTT_MIN_ROWS, len(frame)), GANTT_MAX_ROWS)
    labels = {v.key: v.label(lang) for v in spec.enums["task_status"]}
    for i in range(n):
        r, src = day_row + 1 + i, tasks.first_row + i
        ident, name = tasks.ref("task_id", src), tasks.ref("task_name", src)
        rec = frame.iloc[i] if i < len(frame) else None
        shown = ""
        if rec is not None and _cached(rec["task_name"], "text"):
            ident_text = _cached(rec["task_id"], "text")
            shown = (f"{ident_text} " if ident_text else "") + _cached(rec["task_name"], "text")
        grid.put(r, 0, "write_formula",
                 f'=IF({name}="","",IF({ident}="","",{ident}&" ")&{name})',
                 styles.value("text", unlocked=False), shown)
        for j, key in ((1, "start_date"), (2, "end_date"), (3, "status")):
            col_type = table.column(key).type
            value = _cached(rec[key] if rec is not None else None, col_type, labels)
            _mirror(grid, r, j, tasks.ref(key, src), value, styles.value(col_type, unlocked=False))
    _gantt_rules(ws, styles, layout, day_row, n, days)


def _gantt_rules(ws: Worksheet, styles: Styles, layout: Layout, day_row: int, n: int,
                 days: int) -> None:
    spec, lang = layout.spec, layout.lang
    first, last = day_row + 1, day_row + n
    left, right = DAY_COL, DAY_COL + days - 1
    day = f"{xl_col_to_name(left)}${day_row + 1}"
    as_of = f"${xl_col_to_name(AS_OF_COL)}${AS_OF_ROW + 1}"
    r = first + 1
    on_bar = f"{day}>=$B{r},{day}<=$C{r}"
    done = quote(spec.enum_label("task_status", "done", lang))
    delayed = quote(spec.enum_label("task_status", "delayed", lang))
    for look, test in (
        ("bar_done", f"$D{r}={done}"),
        ("bar_overdue", f"$C{r}<{as_of},$D{r}<>{done}"),
        ("bar_delayed", f"$D{r}={delayed}"),
        ("bar", "TRUE"),
    ):
        ws.conditional_format(first, left, last, right, {
            "type": "formula", "criteria": f"=AND({on_bar},{test})", "format": styles.look(look)})
    ws.conditional_format(first, left, last, right, {
        "type": "formula", "criteria": f"={day}={as_of}", "format": styles.look("today_column")})
    # The day grid is a conditional format too: thousands of bordered blank cells cost time.
    ws.conditional_format(first, left, last, right, {
        "type": "formula", "criteria": "=TRUE", "format": styles.look("gantt_cell")})
    ws.conditional_format(day_row, left, day_row, right, {
        "type": "formula", "criteria": f"={xl_col_to_name(left)}{day_row + 1}={as_of}",
        "format": styles.look("today")})


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp.date()
