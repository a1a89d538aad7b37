"""The Dashboard sheet: KPI tiles, three native charts and a Gantt timeline, on one page.

Everything is a live formula over the other sheets, written with the value it
computes for the data generated. The tiles and charts read a block of chart
data right of the printed page (each metric's actual, expected to date, pace
and health: xltrack/kpi.py is their Python twin; task counts by status; the
first metric's daily target and actual). The timeline is drawn by conditional
formats that compare each day column with cells on this sheet, because a
conditional format may only refer to its own sheet in Excel 2010 and WPS.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from xltrack import kpi
from xltrack.layout import Grid, Layout, quote
from xltrack.spec import Spec, load_spec
from xltrack.styles import LIGHT_SYMBOLS, NAVY, STATUS_COLOURS, TODAY_FILL, Styles
from xltrack.tables import number_or_blank, print_setup

AS_OF_ROW, AS_OF_COL = 2, 1
TILE_ROW = 4  # label, value and sub-line rows of the KPI tiles
CHART_ROW, CHART_ROWS = 8, 15
GANTT_ROW = CHART_ROW + CHART_ROWS  # title and legend; week scale and days below
# The timeline shows the first task rows (at least GANTT_MIN_ROWS, at most
# GANTT_MAX_ROWS, and says so in its title when the Tasks sheet holds more).
GANTT_MIN_ROWS, GANTT_MAX_ROWS = 10, 60
DAY_COL = 4  # day columns start at E
_FIXED_WIDTHS = (30.0, 10.5, 10.5, 11.0)
DAY_WIDTH = 2.4
DAY_AREA = 72.0
WEEKLY_AFTER = 45  # campaigns longer than this many days get a timeline column per week
METRIC_TILES = 3
LEGEND_STYLES = frozenset({"legend_not_started", "legend_in_progress", "legend_done",
                           "legend_delayed", "legend_overdue", "legend_today"})
_EPOCH = dt.date(1899, 12, 30)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def serial(day: dt.date | pd.Timestamp | None) -> float | str:
    """Excel's date number, or "" for no date."""
    if day is None or pd.isna(day):
        return ""
    if isinstance(day, pd.Timestamp):
        day = day.date()
    return (day - _EPOCH).days


def percent_text(value: float) -> str:
    """TEXT(value, "0%") as Excel computes it: 15 significant digits, halves away from 0."""
    hundredths = round(value * 100, 9)
    return f"{math.copysign(math.floor(abs(hundredths) + 0.5), hundredths):.0f}%"


def word(spec: Spec, key: str, lang: str) -> str:
    """A label of the template, or of the built-in one when a team's template lacks it."""
    source = spec if key in spec.labels else load_spec()
    return source.label(key, "zh" if lang == "zh" else "en")


@dataclass
class _Sheet:
    """What the Dashboard's parts share: where things are and how to name them."""

    ws: Worksheet
    grid: Grid
    styles: Styles
    layout: Layout
    days: int  # campaign days the trend shows
    first_day: dt.date
    helper_col: int  # first column of the chart data, right of the printed page
    step: int = 1  # days per timeline column: 1, or 7 for a long campaign
    cols: int = 0  # timeline columns

    def word(self, key: str) -> str:
        return word(self.layout.spec, key, self.layout.lang)

    @property
    def name(self) -> str:
        return self.layout.sheets["dashboard"]

    def cell(self, row: int, col: int) -> str:
        return str(xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True))


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
    start, end = _date(info.get("start_date")), _date(info.get("end_date"))
    days = 42
    if start and end and end >= start:
        days = min(max((end - start).days + 1, 14), 92)
    first_day = start or today - dt.timedelta(days=7)
    # A long campaign gets a column per week, so the page stays legible.
    step = 7 if days > WEEKLY_AFTER else 1
    cols = -(-days // step)
    d = _Sheet(ws, Grid(), styles, layout, days, first_day, DAY_COL + cols + 2, step, cols)
    spec, lang, grid = layout.spec, layout.lang, d.grid
    name_ref = layout.form_ref("name")
    grid.put(0, 0, "write_formula", f'=IF({name_ref}="",{quote(spec.title(lang))},{name_ref})',
             styles.cell("title"), str(info.get("name") or spec.title(lang)))
    grid.put(1, 0, "write_formula", f'=IF({name_ref}="","",{quote(spec.title(lang))})',
             styles.cell("hint"), spec.title(lang) if info.get("name") else "")
    grid.put(AS_OF_ROW, 0, "write_string", spec.label("as_of", lang), styles.cell("label"))
    as_of_fmt = styles.value("date", unlocked=True, extra="input_key")
    if as_of is None:
        grid.put(AS_OF_ROW, AS_OF_COL, "write_formula", "=TODAY()", as_of_fmt, serial(today))
    else:
        grid.put(AS_OF_ROW, AS_OF_COL, "write_number", serial(as_of), as_of_fmt)
    grid.put(AS_OF_ROW, 2, "write_string", d.word("as_of_hint"), styles.cell("hint"))
    layout.define("AsOf", d.name, AS_OF_ROW, AS_OF_COL)
    metrics = _metric_data(d, derived, info, today)
    statuses = _status_data(d, derived["tasks"], metrics.next_row + 1)
    trend_row = statuses + len(layout.spec.enums["task_status"]) + 1
    _trend_data(d, derived["daily"], metrics.first, trend_row)
    _tiles(d, derived, info, metrics)
    _charts(d, metrics, statuses, trend_row)
    last_row = _timeline(d, derived["tasks"])
    widths = [*_FIXED_WIDTHS, *[day_width(cols)] * cols]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.set_column(d.helper_col, d.helper_col + 9, 11)
    ws.set_row(TILE_ROW + 1, 32)
    grid.flush(ws)
    print_setup(ws, None, one_page=True)
    ws.print_area(0, 0, last_row, DAY_COL + cols - 1)
    ws.hide_gridlines(2)


# -- chart data ---------------------------------------------------------------------------


@dataclass
class _Metrics:
    first: int  # row of the first metric
    n: int  # metric rows laid out
    shown: int  # metric rows the chart shows
    tiles: list[int]  # metric rows (0-based offsets) shown as tiles
    next_row: int
    cols: dict[str, int]
    names: list[str]  # the metric names written (cached values)


_METRIC_COLUMNS = ("metric", "target", "actual", "expected", "achieved", "expected_share",
                   "pace", "deviation", "health", "line")


def _metric_data(d: _Sheet, derived: dict[str, pd.DataFrame], info: dict[str, Any],
                 today: dt.date) -> _Metrics:
    """Per metric: target, actual and expected to date, achieved, pace, deviation, health."""
    spec, lang, grid, styles = d.layout.spec, d.layout.lang, d.grid, d.styles
    goals, ev, daily = (d.layout.tables[k] for k in ("goals", "evaluation", "daily"))
    header = TILE_ROW
    first = header + 1
    n = goals.n_rows
    cols = {key: d.helper_col + i for i, key in enumerate(_METRIC_COLUMNS)}
    grid.put(header - 1, d.helper_col, "write_string", d.word("chart_data"), styles.cell("hint"))
    for key, col in cols.items():
        grid.put(header, col, "write_string", d.word(f"kpi_{key}"), styles.cell("helper"))
    goal_frame, eval_frame = derived["goals"], derived["evaluation"]
    use_goals = bool(goal_frame["metric"].notna().any()) or not eval_frame["metric"].notna().any()
    rows = [kpi.DayRow(_date(r.date), None if pd.isna(r.metric) else str(r.metric),
                       kpi.number(r.target), kpi.number(r.actual))
            for r in derived["daily"].itertuples()]
    start, end = _date(info.get("start_date")), _date(info.get("end_date"))
    d_metric, d_date = daily.column_range("metric", sheet=True), daily.column_range("date", sheet=True)
    d_target, d_actual = (daily.column_range(k, sheet=True) for k in ("target", "actual"))
    e_metric, e_actual = (ev.column_range(k, sheet=True) for k in ("metric", "actual"))
    goal_range = goals.column_range("metric", sheet=True)
    helper = styles.cell("helper")
    pct, num = styles.cell("helper_pct"), styles.cell("helper_num")
    light_words = {key: spec.enum_label("light", key, lang) for key in ("green", "yellow", "red")}
    shown = 0
    core: list[int] = []
    names: list[str] = []
    for i in range(n):
        r = first + i

        def at(key: str, row: int = r) -> str:
            return f"{xl_col_to_name(cols[key])}{row + 1}"

        frame = goal_frame if use_goals else eval_frame
        rec = frame.iloc[i] if i < len(frame) else None
        name = "" if rec is None or pd.isna(rec["metric"]) else str(rec["metric"])
        names.append(name)
        target = None if rec is None else kpi.number(rec["target"])
        if name:
            shown = i + 1
            if use_goals and rec is not None and rec.get("priority") == "core":
                core.append(i)
        eval_actual = _evaluation_actual(eval_frame, name)
        p = kpi.metric_pace(name, target, rows, eval_actual, start, end, today) if name else None
        g_metric = goals.ref("metric", goals.first_row + i)
        g_target = goals.ref("target", goals.first_row + i)
        e_row = ev.first_row + i
        if e_row <= ev.last_row:
            e_m, e_t = ev.ref("metric", e_row), ev.ref("target", e_row)
            metric_f = (f'=IF(COUNTA({goal_range})>0,IF({g_metric}="","",{g_metric}),'
                        f'IF({e_m}="","",{e_m}))')
            target_f = (f'=IF({at("metric")}="","",IF(COUNTA({goal_range})>0,'
                        f'IF(ISNUMBER({g_target}),{g_target},""),IF(ISNUMBER({e_t}),{e_t},"")))')
        else:
            metric_f = f'=IF({g_metric}="","",{g_metric})'
            target_f = f'=IF(ISNUMBER({g_target}),{g_target},"")'
        m, t = at("metric"), at("target")
        actual_f = (f'=IF({m}="","",IF(COUNTIFS({d_metric},{m},{d_actual},"<>")>0,'
                    f'SUMIFS({d_actual},{d_metric},{m},{d_date},"<="&AsOf),'
                    f'IF(COUNTIFS({e_metric},{m},{e_actual},"<>")>0,'
                    f'SUMIFS({e_actual},{e_metric},{m}),"")))')
        span = "(CampaignEnd-CampaignStart+1)"
        expected_f = (f'=IF({m}="","",IF(COUNTIFS({d_metric},{m},{d_target},"<>")>0,'
                      f'SUMIFS({d_target},{d_metric},{m},{d_date},"<="&AsOf),'
                      f'IF(AND(ISNUMBER({t}),ISNUMBER(CampaignStart),ISNUMBER(CampaignEnd),'
                      f'CampaignEnd>=CampaignStart),'
                      f'{t}*MIN(MAX(AsOf-CampaignStart+1,0),{span})/{span},"")))')
        a, e = at("actual"), at("expected")
        achieved_f = f'=IF(AND(ISNUMBER({a}),ISNUMBER({t})),IF({t}=0,"",{a}/{t}),"")'
        share_f = f'=IF(AND(ISNUMBER({e}),ISNUMBER({t})),IF({t}=0,"",{e}/{t}),"")'
        pace_f = f'=IF(AND(ISNUMBER({a}),ISNUMBER({e})),IF({e}=0,"",{a}/{e}),"")'
        dev_f = f'=IF(ISNUMBER({at("pace")}),ROUND(1-{at("pace")},4),"")'
        dv = at("deviation")
        health_f = (f'=IF(ISNUMBER({dv}),IF({dv}<{kpi.AT_RISK},{quote(light_words["green"])},'
                    f'IF({dv}<={kpi.OFF_TRACK},{quote(light_words["yellow"])},'
                    f'{quote(light_words["red"])})),"")')
        line_f = f'=IF({m}="","",1)'

        def v(x: float | None) -> Any:
            return "" if x is None else number_or_blank(x)

        cells = [
            ("metric", metric_f, helper, name),
            ("target", target_f, num, v(target) if name else ""),
            ("actual", actual_f, num, v(p.actual) if p else ""),
            ("expected", expected_f, num, v(p.expected) if p else ""),
            ("achieved", achieved_f, pct, v(p.achieved) if p else ""),
            ("expected_share", share_f, pct, v(p.expected_share) if p else ""),
            ("pace", pace_f, pct, v(p.pace) if p else ""),
            ("deviation", dev_f, pct, v(p.deviation) if p else ""),
            ("health", health_f, helper, light_words[p.health] if p and p.health else ""),
            ("line", line_f, num, 1 if name else ""),
        ]
        for key, formula, fmt, value in cells:
            grid.put(r, cols[key], "write_formula", formula, fmt, value)
    tiles = (core or list(range(max(shown, 1))))[:METRIC_TILES]
    return _Metrics(first, n, max(shown, 1), tiles, first + n, cols, names)


def _evaluation_actual(frame: pd.DataFrame, name: str) -> float | None:
    if not name:
        return None
    folded = frame["metric"].fillna("").astype(str).str.casefold()  # as SUMIFS compares
    hit = frame.loc[folded.eq(name.casefold()) & frame["actual"].notna(), "actual"]
    return float(hit.sum()) if len(hit) else None


def _status_data(d: _Sheet, tasks: pd.DataFrame, row: int) -> int:
    """Task counts by status (the status chart's data); returns the row of the first status."""
    spec, lang, grid = d.layout.spec, d.layout.lang, d.grid
    placed = d.layout.tables["tasks"]
    status_range = placed.column_range("status", sheet=True)
    grid.put(row, d.helper_col, "write_string", spec.label("tasks_by_status", lang),
             d.styles.cell("helper"))
    frame = tasks.iloc[: min(len(tasks), placed.n_rows)]
    for i, value in enumerate(spec.enums["task_status"]):
        text = value.label(lang)
        grid.put(row + 1 + i, d.helper_col, "write_string", text, d.styles.cell("helper"))
        grid.put(row + 1 + i, d.helper_col + 1, "write_formula",
                 f"=COUNTIF({status_range},{quote(text)})", d.styles.cell("helper_num"),
                 int((frame["status"] == value.key).sum()))
    return row + 1


def _trend_data(d: _Sheet, daily: pd.DataFrame, metric_row: int, row: int) -> None:
    """Per campaign day: the first metric's daily target and actual (#N/A where none: a gap)."""
    grid, styles = d.grid, d.styles
    placed = d.layout.tables["daily"]
    dm, dd = placed.column_range("metric", sheet=True), placed.column_range("date", sheet=True)
    dt_, da = placed.column_range("target", sheet=True), placed.column_range("actual", sheet=True)
    metric_col = d.helper_col
    metric = f"${xl_col_to_name(metric_col)}${metric_row + 1}"
    grid.put(row, d.helper_col, "write_string", d.word("chart_trend"), styles.cell("helper"))
    grid.put(row + 1, d.helper_col, "write_string", d.word("summary_date"), styles.cell("helper"))
    name = str(d.grid.cached(metric_row, metric_col) or "")
    for j, key in enumerate(("summary_target", "summary_actual"), start=1):
        # The series name says which metric: "Target: Sales".
        grid.put(row + 1, d.helper_col + j, "write_formula",
                 f'={quote(d.word(key) + ": ")}&{metric}', styles.cell("helper"),
                 f"{d.word(key)}: {name}")
    folded = daily["metric"].fillna("").astype(str).str.casefold()
    mine = daily[folded.eq(name.casefold())] if name else daily.iloc[0:0]
    first_cell = f"${xl_col_to_name(DAY_COL)}${GANTT_ROW + 3}"
    for k in range(d.days):
        r = row + 2 + k
        day = d.first_day + dt.timedelta(days=k)
        date_cell = f"({first_cell}+{k})" if k else first_cell
        # The category is the day as text: a date-valued category is written back by
        # LibreOffice as formatted text in a number cache, which other readers reject.
        # Day of the month only (thirty fit under a third of the page); past a month,
        # a label a week.
        if d.step == 1:
            grid.put(r, d.helper_col, "write_formula", f'=DAY({date_cell})&""',
                     styles.cell("helper"), str(day.day))
        elif k % 7 == 0:
            grid.put(r, d.helper_col, "write_formula", f'=TEXT({date_cell},"mm-dd")',
                     styles.cell("helper"), f"{day:%m-%d}")
        else:
            grid.put(r, d.helper_col, "write_string", " ", styles.cell("helper"))
        on_day = mine[mine["date"] == pd.Timestamp(day)]
        for j, (rng, key) in enumerate(((dt_, "target"), (da, "actual")), start=1):
            values = on_day[key].dropna()
            cached: Any = number_or_blank(float(values.sum())) if len(values) else ""
            grid.put(r, d.helper_col + j, "write_formula",
                     f'=IF(COUNTIFS({dm},{metric},{dd},{date_cell},{rng},"<>")=0,"",'
                     f"SUMIFS({rng},{dm},{metric},{dd},{date_cell}))",
                     styles.cell("helper_num"), cached)


# -- tiles -----------------------------------------------------------------------------------


def _tile_spans(n: int, days: int) -> list[tuple[int, int]]:
    """Tiles over the printed columns: A, B:D, then the day columns split evenly."""
    spans = [(0, 0), (1, DAY_COL - 1)][:n]
    rest = n - len(spans)
    for i in range(rest):
        lo = DAY_COL + days * i // rest
        hi = DAY_COL + days * (i + 1) // rest - 1
        spans.append((lo, hi))
    return spans


def day_width(days: int) -> float:
    """Day columns fill at least DAY_AREA width units, so short campaigns get wider days."""
    return max(DAY_WIDTH, round(DAY_AREA / days, 2))


@dataclass(frozen=True)
class _Tile:
    """A KPI tile: a small label, one large number, a sub-line; a light or an alarm."""

    label: str  # text, or the cached text of `label_formula`
    value_formula: str
    value_style: str
    value: Any
    sub_formula: str
    sub: str
    label_formula: str = ""
    health: str = ""  # a cell holding the light word: the tile takes its colour
    alarm: bool = False  # red when the value is above 0


def _tiles(d: _Sheet, derived: dict[str, pd.DataFrame], info: dict[str, Any],
           metrics: _Metrics) -> None:
    spec, lang, grid, styles = d.layout.spec, d.layout.lang, d.grid, d.styles
    tiles = [*_metric_tiles(d, metrics), *_work_tiles(d, derived, info)]
    for (c0, c1), tile in zip(_tile_spans(len(tiles), d.cols), tiles):
        if tile.label_formula:
            grid.merge(TILE_ROW, c0, c1, "write_formula", tile.label_formula,
                       styles.cell("tile_label"), tile.label)
        else:
            grid.merge(TILE_ROW, c0, c1, "write_string", tile.label, styles.cell("tile_label"))
        grid.merge(TILE_ROW + 1, c0, c1, "write_formula", tile.value_formula,
                   styles.cell(tile.value_style), tile.value)
        grid.merge(TILE_ROW + 2, c0, c1, "write_formula", tile.sub_formula,
                   styles.cell("tile_sub"), tile.sub)
        cells = (TILE_ROW + 1, c0, TILE_ROW + 2, c1)
        if tile.health:
            for light in ("green", "yellow", "red"):
                d.ws.conditional_format(*cells, {
                    "type": "formula",
                    "criteria": f"={tile.health}={quote(spec.enum_label('light', light, lang))}",
                    "format": styles.look(light)})
        elif tile.alarm:
            top = xl_rowcol_to_cell(TILE_ROW + 1, c0, row_abs=True, col_abs=True)
            d.ws.conditional_format(*cells, {
                "type": "formula", "criteria": f"=AND(ISNUMBER({top}),{top}>0)",
                "format": styles.look("red")})


def _metric_tiles(d: _Sheet, metrics: _Metrics) -> list[_Tile]:
    """A tile per core metric: achieved to date, its light and pace."""
    spec, lang = d.layout.spec, d.layout.lang
    lights = {k: spec.enum_label("light", k, lang) for k in ("green", "yellow", "red")}
    tiles = []
    for i in metrics.tiles:
        r = metrics.first + i
        ref = {k: f"${xl_col_to_name(c)}${r + 1}" for k, c in metrics.cols.items()}
        health, pace = ref["health"], ref["pace"]
        symbol = (f'IF({health}={quote(lights["green"])},{quote(LIGHT_SYMBOLS["green"])},'
                  f'IF({health}={quote(lights["yellow"])},{quote(LIGHT_SYMBOLS["yellow"])},'
                  f'{quote(LIGHT_SYMBOLS["red"])}))')
        sub_formula = (f'=IF({health}="","",{symbol}&" "&{health}&" · "'
                       f'&{quote(d.word("kpi_pace"))}&" "&TEXT({pace},"0%"))')
        cached_health = d.grid.cached(r, metrics.cols["health"])
        cached_pace = d.grid.cached(r, metrics.cols["pace"])
        sub = ""
        if cached_health:
            symbols = {word: LIGHT_SYMBOLS[key] for key, word in lights.items()}
            sub = (f"{symbols.get(str(cached_health), '')} {cached_health} · "
                   f"{d.word('kpi_pace')} {percent_text(float(cached_pace))}")
        achieved = d.grid.cached(r, metrics.cols["achieved"])
        name = metrics.names[i]
        tiles.append(_Tile(
            label=f"{name} {d.word('kpi_achieved')}" if name else "–",
            label_formula=(f'=IF({ref["metric"]}="","–",{ref["metric"]}&" "'
                           f'&{quote(d.word("kpi_achieved"))})'),
            value_formula=f'=IF({ref["achieved"]}="","–",{ref["achieved"]})',
            value_style="tile_value_pct", value=achieved if achieved != "" else "–",
            sub_formula=sub_formula, sub=sub, health=health))
    return tiles


def _work_tiles(d: _Sheet, derived: dict[str, pd.DataFrame],
                info: dict[str, Any]) -> list[_Tile]:
    """Tasks done, overdue tasks, open high-severity issues, budget allocated."""
    spec, lang = d.layout.spec, d.layout.lang
    tasks, issues = d.layout.tables["tasks"], d.layout.tables["issues"]
    task_frame = derived["tasks"].iloc[: min(len(derived["tasks"]), tasks.n_rows)]
    issue_frame = derived["issues"].iloc[: min(len(derived["issues"]), issues.n_rows)]
    task_key, issue_key = (spec.table(k).laid_out[0].key for k in ("tasks", "issues"))
    ids = tasks.column_range(task_key, sheet=True)
    status = tasks.column_range("status", sheet=True)
    overdue_range = tasks.column_range("overdue", sheet=True)
    done_word = quote(spec.enum_label("task_status", "done", lang))
    delayed_word = quote(spec.enum_label("task_status", "delayed", lang))
    high = quote(spec.enum_label("severity", "high", lang))
    not_resolved = quote("<>" + spec.enum_label("resolution", "resolved", lang))
    sev, res = (issues.column_range(k, sheet=True) for k in ("severity", "resolution"))
    issue_ids = issues.column_range(issue_key, sheet=True)
    amounts = d.layout.tables["budget_split"].column_range("amount", sheet=True)
    total = int(task_frame[task_key].notna().sum())
    done = int((task_frame["status"] == "done").sum())
    delayed = int((task_frame["status"] == "delayed").sum())
    open_issues = issue_frame["resolution"].ne("resolved") & issue_frame[issue_key].notna()
    budget = kpi.number(info.get("budget"))
    allocated = float(derived["budget_split"]["amount"].fillna(0).sum())
    return [
        _Tile(
            label=d.word("kpi_tasks_done"),
            value_formula=(f'=IF(COUNTA({ids})=0,"–",'
                           f"COUNTIF({status},{done_word})/COUNTA({ids}))"),
            value_style="tile_value_pct", value=done / total if total else "–",
            sub_formula=f'=COUNTIF({status},{done_word})&" / "&COUNTA({ids})',
            sub=f"{done} / {total}"),
        _Tile(
            label=spec.label("overdue_count", lang),
            value_formula=f"=COUNTIF({overdue_range},{quote(spec.label('overdue_flag', lang))})",
            value_style="tile_value", value=int(task_frame["overdue"].sum()),
            sub_formula=f'=COUNTIF({status},{delayed_word})&" "&{quote(d.word("kpi_delayed"))}',
            sub=f"{delayed} {d.word('kpi_delayed')}", alarm=True),
        _Tile(
            label=spec.label("open_high_count", lang),
            value_formula=f"=COUNTIFS({sev},{high},{res},{not_resolved})",
            value_style="tile_value",
            value=int((open_issues & (issue_frame["severity"] == "high")).sum()),
            sub_formula=(f'=COUNTIFS({issue_ids},"<>",{res},{not_resolved})&" "'
                         f'&{quote(d.word("kpi_open_issues"))}'),
            sub=f"{int(open_issues.sum())} {d.word('kpi_open_issues')}", alarm=True),
        _Tile(
            label=d.word("kpi_budget"),
            value_formula=f'=IF(OR(Budget="",Budget=0),"–",SUM({amounts})/Budget)',
            value_style="tile_value_pct", value=allocated / budget if budget else "–",
            sub_formula=(f'=IF(Budget="","",TEXT(SUM({amounts}),"#,##0")'
                         f'&" / "&TEXT(Budget,"#,##0"))'),
            sub=f"{allocated:,.0f} / {budget:,.0f}" if budget is not None else ""),
    ]


# -- charts ----------------------------------------------------------------------------------


def _col_pixels(width: float) -> int:
    return int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)


def _charts(d: _Sheet, metrics: _Metrics, status_row: int, trend_row: int) -> None:
    workbook = d.styles.workbook
    name = d.name
    widths = [*_FIXED_WIDTHS, *[day_width(d.cols)] * d.cols]
    total = sum(_col_pixels(w) for w in widths)
    gap = 12
    shares = (0.36, 0.36, 0.28)
    height = CHART_ROWS * 20 - 10
    cols = metrics.cols
    first, last = metrics.first, metrics.first + metrics.shown - 1

    pace = workbook.add_chart({"type": "column"})
    pace.add_series({
        "name": d.word("chart_achieved"), "categories": [name, first, cols["metric"], last,
                                                         cols["metric"]],
        "values": [name, first, cols["achieved"], last, cols["achieved"]],
        "fill": {"color": NAVY}, "gap": 60,
        "data_labels": {"value": True, "num_format": "0%", "font": {"size": 8}},
    })
    pace.add_series({
        "name": d.word("chart_expected"),
        "categories": [name, first, cols["metric"], last, cols["metric"]],
        "values": [name, first, cols["expected_share"], last, cols["expected_share"]],
        "fill": {"color": "#A6B8D9"},
    })
    line = workbook.add_chart({"type": "line"})
    line.add_series({
        "name": d.word("chart_target_line"),
        "categories": [name, first, cols["metric"], last, cols["metric"]],
        "values": [name, first, cols["line"], last, cols["line"]],
        "line": {"color": TODAY_FILL, "width": 1.5, "dash_type": "dash"},
        "marker": {"type": "none"},
    })
    pace.combine(line)
    pace.set_title({"name": d.word("chart_pace"), "name_font": {"size": 10}})
    pace.set_y_axis({"num_format": "0%", "min": 0, "major_gridlines": {
        "visible": True, "line": {"color": "#E7E6E6"}}, "num_font": {"size": 8}})
    pace.set_x_axis({"num_font": {"size": 8}})
    pace.set_legend({"position": "bottom", "font": {"size": 8}})

    # Columns, not lines: a day without figures is simply no bar (a line would drop to 0).
    trend = workbook.add_chart({"type": "column"})
    rows = (trend_row + 2, trend_row + 1 + d.days)
    for j, colour in ((1, "#A6B8D9"), (2, NAVY)):
        trend.add_series({
            "name": [name, trend_row + 1, d.helper_col + j],
            "categories": [name, rows[0], d.helper_col, rows[1], d.helper_col],
            "values": [name, rows[0], d.helper_col + j, rows[1], d.helper_col + j],
            "fill": {"color": colour}, "gap": 40, "overlap": -5,
        })
    trend.set_title({"name": d.word("chart_trend"), "name_font": {"size": 10}})
    trend.set_x_axis({"num_font": {"size": 7}, "major_tick_mark": "none"})
    trend.set_y_axis({"num_format": "#,##0", "num_font": {"size": 8}, "major_gridlines": {
        "visible": True, "line": {"color": "#E7E6E6"}}})
    trend.set_legend({"position": "bottom", "font": {"size": 8}})

    status = workbook.add_chart({"type": "bar"})
    keys = [v.key for v in d.layout.spec.enums["task_status"]]
    status.add_series({
        "name": d.word("tasks_by_status") if "tasks_by_status" in d.layout.spec.labels else "",
        "categories": [name, status_row, d.helper_col, status_row + len(keys) - 1, d.helper_col],
        "values": [name, status_row, d.helper_col + 1, status_row + len(keys) - 1,
                   d.helper_col + 1],
        "points": [{"fill": {"color": STATUS_COLOURS.get(k, "#D9D9D9")},
                    "border": {"color": "#7F7F7F"}} for k in keys],
        "data_labels": {"value": True, "font": {"size": 9}}, "gap": 50,
    })
    status.set_title({"name": d.word("tasks_by_status"), "name_font": {"size": 10}})
    status.set_legend({"none": True})
    status.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"size": 8}})
    status.set_x_axis({"min": 0, "major_unit": 1, "num_format": "0", "num_font": {"size": 8},
                       "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}}})

    x = 0
    for chart, share in zip((pace, trend, status), shares):
        width = int((total - 2 * gap) * share)
        chart.set_size({"width": width, "height": height})
        d.ws.insert_chart(CHART_ROW, 0, chart, {"x_offset": x, "y_offset": 4,
                                                "object_position": 3})
        x += width + gap


# -- timeline ------------------------------------------------------------------------------


def _timeline(d: _Sheet, frame: pd.DataFrame) -> int:
    """A Gantt chart: one row per task, one column per day; returns its last row."""
    spec, lang, grid, styles = d.layout.spec, d.layout.lang, d.grid, d.styles
    tasks, table = d.layout.tables["tasks"], spec.table("tasks")
    n = min(tasks.n_rows, max(GANTT_MIN_ROWS, len(frame) + 3), GANTT_MAX_ROWS)
    names = tasks.column_range("task_name", sheet=True)
    title = quote(spec.label("timeline", lang))
    more = (f'IF(COUNTA({names})>{n},{quote(d.word("gantt_first"))}&" {n} / "'
            f'&COUNTA({names})&" "&{quote(d.word("gantt_tail"))},"")')
    shown_tasks = int(frame["task_name"].notna().sum())
    cached = spec.label("timeline", lang)
    if shown_tasks > n:
        cached += f" · {d.word('gantt_first')} {n} / {shown_tasks} {d.word('gantt_tail')}"
    grid.put(GANTT_ROW, 0, "write_formula", f'={title}&IF({more}="",""," · "&{more})',
             styles.cell("subtitle"), cached)
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
        formula = ("=IF(ISNUMBER(CampaignStart),CampaignStart,AsOf-7)" if k == 0
                   else f"={prev}{day_row + 1}+{d.step}")
        grid.put(day_row, col, "write_formula", formula,
                 day_fmt if d.step == 1 else styles.cell("gantt_week_day"), serial(day))
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
    _gantt_rules(d, day_row, n)
    return day_row + n


def _week_scale(d: _Sheet, week_row: int, day_row: int) -> None:
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
        grid.merge(week_row, col, last, "write_formula",
                   f'={prefix}&"{k // 7 + 1}"&{suffix}&" · "&TEXT({letter}{day_row + 1},"mm-dd")',
                   week_fmt, text)


def _month_scale(d: _Sheet, week_row: int, day_row: int) -> None:
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
            name = f'CHOOSE(MONTH({this}),{",".join(quote(m) for m in _MONTHS)})'
            cached_name = _MONTHS[day.month - 1]
        if k == 0:
            formula, cached = f"={name}", cached_name
        else:
            prev = f"{xl_col_to_name(col - 1)}{day_row + 1}"
            formula = f'=IF(MONTH({this})<>MONTH({prev}),{name},"")'
            new_month = day.month != (day - dt.timedelta(days=7)).month
            cached = cached_name if new_month else ""
        grid.put(week_row, col, "write_formula", formula, fmt, cached)


def _legend(d: _Sheet) -> None:
    """Colour chips with words right of the title: the statuses, overdue and today."""
    spec, lang, grid, styles = d.layout.spec, d.layout.lang, d.grid, d.styles
    chips = [(f"legend_{v.key}", v.label(lang)) for v in spec.enums["task_status"]]
    chips += [("legend_overdue", d.word("legend_overdue")),
              ("legend_today", spec.label("today", lang))]
    col = 1
    wide = max(0, min(4, d.cols // 3 - 1))  # three chips share the timeline's width
    for style, text in chips:
        span = 0 if col < DAY_COL else wide
        fmt = styles.cell(style if style in LEGEND_STYLES else "legend_not_started")
        grid.merge(GANTT_ROW, col, col + span, "write_string", text, fmt)
        col += span + 1


def _gantt_rules(d: _Sheet, day_row: int, n: int) -> None:
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
    today_head = (f"AND({as_of}>={head},{as_of}<={head}+{d.step - 1})" if d.step > 1
                  else f"{head}={as_of}")

    def status(key: str) -> str:
        return quote(spec.enum_label("task_status", key, lang))

    for look, test in (
        ("bar_done", f"$D{r}={status('done')}"),
        ("bar_overdue", f"$C{r}<{as_of},$D{r}<>{status('done')}"),
        ("bar_delayed", f"$D{r}={status('delayed')}"),
        ("bar_in_progress", f"$D{r}={status('in_progress')}"),
        ("bar", "TRUE"),
    ):
        ws.conditional_format(first, left, last, right, {
            "type": "formula", "criteria": f"=AND({on_bar},{test})", "format": styles.look(look)})
    ws.conditional_format(first, left, last, right, {
        "type": "formula", "criteria": f"={today}", "format": styles.look("today_column")})
    # The day grid is a conditional format too: thousands of bordered blank cells cost time.
    ws.conditional_format(first, left, last, right, {
        "type": "formula", "criteria": "=TRUE", "format": styles.look("gantt_cell")})
    ws.conditional_format(day_row, left, day_row, right, {
        "type": "formula", "criteria": f"={today_head}", "format": styles.look("today")})
    # Status cells in the workbook's status colours, as on the Tasks sheet.
    for value in spec.enums["task_status"]:
        ws.conditional_format(first, 3, last, 3, {
            "type": "formula", "criteria": f"=$D{r}={status(value.key)}",
            "format": styles.look(f"status_{value.key}")})


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


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp.date()

