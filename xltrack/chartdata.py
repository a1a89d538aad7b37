"""The Dashboard's chart data, right of the printed page: what its tiles and charts read.

Per metric: target, actual and expected to date, achieved, pace, deviation and
health (live formulas over the Daily, Evaluation and Campaign sheets; kpi.py is
their Python twin, and gives the cached values); task counts by status; the
first metric's daily target and actual for every campaign day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from xltrack import kpi
from xltrack.board import DAY_COL, GANTT_ROW, METRIC_TILES, TILE_ROW, Board, as_date
from xltrack.layout import quote
from xltrack.tables import number_or_blank


@dataclass
class Metrics:
    first: int  # row of the first metric
    n: int  # metric rows laid out
    shown: int  # metric rows the chart shows
    tiles: list[int]  # metric rows (0-based offsets) shown as tiles
    next_row: int
    cols: dict[str, int]
    names: list[str]  # the metric names written (cached values)


_METRIC_COLUMNS = (
    "metric",
    "target",
    "actual",
    "expected",
    "achieved",
    "expected_share",
    "pace",
    "deviation",
    "health",
    "line",
)


def metric_data(
    d: Board, derived: dict[str, pd.DataFrame], info: dict[str, Any], today: dt.date
) -> Metrics:
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
    day_rows: Iterable[Any] = derived["daily"].itertuples()  # mixed fields, not only scalars
    rows = [
        kpi.DayRow(
            as_date(r.date),
            None if pd.isna(r.metric) else str(r.metric),
            kpi.number(r.target),
            kpi.number(r.actual),
        )
        for r in day_rows
    ]
    start, end = as_date(info.get("start_date")), as_date(info.get("end_date"))
    d_metric, d_date = (
        daily.column_range("metric", sheet=True),
        daily.column_range("date", sheet=True),
    )
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
        eval_actual = evaluation_actual(eval_frame, name)
        p = kpi.metric_pace(name, target, rows, eval_actual, start, end, today) if name else None
        g_metric = goals.ref("metric", goals.first_row + i)
        g_target = goals.ref("target", goals.first_row + i)
        e_row = ev.first_row + i
        if e_row <= ev.last_row:
            e_m, e_t = ev.ref("metric", e_row), ev.ref("target", e_row)
            metric_f = (
                f'=IF(COUNTA({goal_range})>0,IF({g_metric}="","",{g_metric}),IF({e_m}="","",{e_m}))'
            )
            target_f = (
                f'=IF({at("metric")}="","",IF(COUNTA({goal_range})>0,'
                f'IF(ISNUMBER({g_target}),{g_target},""),IF(ISNUMBER({e_t}),{e_t},"")))'
            )
        else:
            metric_f = f'=IF({g_metric}="","",{g_metric})'
            target_f = f'=IF(ISNUMBER({g_target}),{g_target},"")'
        m, t = at("metric"), at("target")
        # Once the campaign has ended (or its end is unknown: nothing says the review is
        # early) and table 5 has the metric, its actual is final and the target is what
        # was expected; before that, the daily figures to date (pace.py's rule).
        final = (
            f"AND(IF(ISNUMBER(CampaignEnd),AsOf>CampaignEnd,TRUE),"
            f'COUNTIFS({e_metric},{m},{e_actual},"<>")>0)'
        )
        actual_f = (
            f'=IF({m}="","",IF({final},SUMIFS({e_actual},{e_metric},{m}),'
            f'IF(COUNTIFS({d_metric},{m},{d_actual},"<>")>0,'
            f'SUMIFS({d_actual},{d_metric},{m},{d_date},"<="&AsOf),"")))'
        )
        span = "(CampaignEnd-CampaignStart+1)"
        expected_f = (
            f'=IF({m}="","",IF({final},IF(ISNUMBER({t}),{t},""),'
            f'IF(COUNTIFS({d_metric},{m},{d_target},"<>")>0,'
            f'SUMIFS({d_target},{d_metric},{m},{d_date},"<="&AsOf,{d_actual},"<>"),'
            f"IF(AND(ISNUMBER({t}),ISNUMBER(CampaignStart),ISNUMBER(CampaignEnd),"
            f"CampaignEnd>=CampaignStart),"
            f'{t}*MIN(MAX(AsOf-CampaignStart+1,0),{span})/{span},""))))'
        )
        a, e = at("actual"), at("expected")
        achieved_f = f'=IF(AND(ISNUMBER({a}),ISNUMBER({t})),IF({t}=0,"",{a}/{t}),"")'
        share_f = f'=IF(AND(ISNUMBER({e}),ISNUMBER({t})),IF({t}=0,"",{e}/{t}),"")'
        pace_f = f'=IF(AND(ISNUMBER({a}),ISNUMBER({e})),IF({e}=0,"",{a}/{e}),"")'
        dev_f = f'=IF(ISNUMBER({at("pace")}),ROUND(1-{at("pace")},4),"")'
        dv = at("deviation")
        health_f = (
            f"=IF(ISNUMBER({dv}),IF({dv}<{kpi.AT_RISK},{quote(light_words['green'])},"
            f"IF({dv}<={kpi.OFF_TRACK},{quote(light_words['yellow'])},"
            f'{quote(light_words["red"])})),"")'
        )
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
    return Metrics(first, n, max(shown, 1), tiles, first + n, cols, names)


def evaluation_actual(frame: pd.DataFrame, name: str) -> float | None:
    if not name:
        return None
    folded = frame["metric"].fillna("").astype(str).str.casefold()  # as SUMIFS compares
    hit = frame.loc[folded.eq(name.casefold()) & frame["actual"].notna(), "actual"]
    return float(hit.sum()) if len(hit) else None


def status_data(d: Board, tasks: pd.DataFrame, row: int) -> int:
    """Task counts by status (the status chart's data); returns the row of the first status."""
    spec, lang, grid = d.layout.spec, d.layout.lang, d.grid
    placed = d.layout.tables["tasks"]
    status_range = placed.column_range("status", sheet=True)
    grid.put(
        row,
        d.helper_col,
        "write_string",
        spec.label("tasks_by_status", lang),
        d.styles.cell("helper"),
    )
    frame = tasks.iloc[: min(len(tasks), placed.n_rows)]
    for i, value in enumerate(spec.enums["task_status"]):
        text = value.label(lang)
        grid.put(row + 1 + i, d.helper_col, "write_string", text, d.styles.cell("helper"))
        grid.put(
            row + 1 + i,
            d.helper_col + 1,
            "write_formula",
            f"=COUNTIF({status_range},{quote(text)})",
            d.styles.cell("helper_num"),
            int((frame["status"] == value.key).sum()),
        )
    return row + 1


def trend_data(d: Board, daily: pd.DataFrame, metric_row: int, row: int) -> None:
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
        grid.put(
            row + 1,
            d.helper_col + j,
            "write_formula",
            f"={quote(d.word(key) + ': ')}&{metric}",
            styles.cell("helper"),
            f"{d.word(key)}: {name}",
        )
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
            grid.put(
                r,
                d.helper_col,
                "write_formula",
                f'=DAY({date_cell})&""',
                styles.cell("helper"),
                str(day.day),
            )
        elif k % 7 == 0:
            grid.put(
                r,
                d.helper_col,
                "write_formula",
                f'=TEXT({date_cell},"mm-dd")',
                styles.cell("helper"),
                f"{day:%m-%d}",
            )
        else:
            grid.put(r, d.helper_col, "write_string", " ", styles.cell("helper"))
        on_day = mine[mine["date"] == pd.Timestamp(day)]
        for j, (rng, key) in enumerate(((dt_, "target"), (da, "actual")), start=1):
            values = on_day[key].dropna()
            cached: Any = number_or_blank(float(values.sum())) if len(values) else ""
            grid.put(
                r,
                d.helper_col + j,
                "write_formula",
                f'=IF(COUNTIFS({dm},{metric},{dd},{date_cell},{rng},"<>")=0,"",'
                f"SUMIFS({rng},{dm},{metric},{dd},{date_cell}))",
                styles.cell("helper_num"),
                cached,
            )
