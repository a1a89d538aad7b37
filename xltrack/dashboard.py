"""The Dashboard sheet: KPI tiles, three native charts and a Gantt timeline, on one page.

Everything is a live formula over the other sheets, written with the value it
computes for the data generated. The tiles and charts read the chart data
right of the printed page (chartdata.py: each metric's actual, expected to
date, pace and health, task counts by status, the first metric's daily
figures); gantt.py draws the timeline. This module places the tiles and
charts and sets the page up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from xltrack import kpi
from xltrack.board import (
    AS_OF_COL,
    AS_OF_ROW,
    CHART_ROW,
    CHART_ROWS,
    DAY_COL,
    FIXED_WIDTHS,
    GANTT_ROW,
    TILE_ROW,
    WEEKLY_AFTER,
    Board,
    as_date,
    day_width,
    percent_text,
    serial,
)
from xltrack.chartdata import Metrics, metric_data, status_data, trend_data
from xltrack.gantt import write_timeline
from xltrack.grid import Grid
from xltrack.layout import Layout, quote
from xltrack.styles import LIGHT_SYMBOLS, NAVY, STATUS_COLOURS, TODAY_FILL, Styles
from xltrack.tables import print_setup

__all__ = [
    "AS_OF_COL",
    "AS_OF_ROW",
    "DAY_COL",
    "GANTT_ROW",
    "TILE_ROW",
    "serial",
    "write_dashboard",
]


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
    start, end = as_date(info.get("start_date")), as_date(info.get("end_date"))
    days = 42
    if start and end and end >= start:
        days = min(max((end - start).days + 1, 14), 92)
    first_day = start or today - dt.timedelta(days=7)
    # A long campaign gets a column per week, so the page stays legible.
    step = 7 if days > WEEKLY_AFTER else 1
    cols = -(-days // step)
    d = Board(ws, Grid(), styles, layout, days, first_day, DAY_COL + cols + 2, step, cols)
    spec, lang, grid = layout.spec, layout.lang, d.grid
    name_ref = layout.form_ref("name")
    grid.put(
        0,
        0,
        "write_formula",
        f'=IF({name_ref}="",{quote(spec.title(lang))},{name_ref})',
        styles.cell("title"),
        str(info.get("name") or spec.title(lang)),
    )
    grid.put(
        1,
        0,
        "write_formula",
        f'=IF({name_ref}="","",{quote(spec.title(lang))})',
        styles.cell("hint"),
        spec.title(lang) if info.get("name") else "",
    )
    grid.put(AS_OF_ROW, 0, "write_string", spec.label("as_of", lang), styles.cell("label"))
    as_of_fmt = styles.value("date", unlocked=True, extra="input_key")
    if as_of is None:
        grid.put(AS_OF_ROW, AS_OF_COL, "write_formula", "=TODAY()", as_of_fmt, serial(today))
    else:
        grid.put(AS_OF_ROW, AS_OF_COL, "write_number", serial(as_of), as_of_fmt)
    grid.put(AS_OF_ROW, 2, "write_string", d.word("as_of_hint"), styles.cell("hint"))
    layout.define("AsOf", d.name, AS_OF_ROW, AS_OF_COL)
    metrics = metric_data(d, derived, info, today)
    statuses = status_data(d, derived["tasks"], metrics.next_row + 1)
    trend_row = statuses + len(layout.spec.enums["task_status"]) + 1
    trend_data(d, derived["daily"], metrics.first, trend_row)
    _tiles(d, derived, info, metrics)
    _charts(d, metrics, statuses, trend_row)
    last_row = write_timeline(d, derived["tasks"])
    widths = [*FIXED_WIDTHS, *[day_width(cols)] * cols]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.set_column(d.helper_col, d.helper_col + 9, 11)
    ws.set_row(TILE_ROW + 1, 32)
    grid.flush(ws)
    print_setup(ws, None, one_page=True)
    ws.print_area(0, 0, last_row, DAY_COL + cols - 1)
    ws.hide_gridlines(2)


# -- tiles --------------------------------------------------------------------------------


def _tile_spans(n: int, days: int) -> list[tuple[int, int]]:
    """Tiles over the printed columns: A, B:D, then the day columns split evenly."""
    spans = [(0, 0), (1, DAY_COL - 1)][:n]
    rest = n - len(spans)
    for i in range(rest):
        lo = DAY_COL + days * i // rest
        hi = DAY_COL + days * (i + 1) // rest - 1
        spans.append((lo, hi))
    return spans


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


def _tiles(
    d: Board, derived: dict[str, pd.DataFrame], info: dict[str, Any], metrics: Metrics
) -> None:
    spec, lang, grid, styles = d.layout.spec, d.layout.lang, d.grid, d.styles
    tiles = [*_metric_tiles(d, metrics), *_work_tiles(d, derived, info)]
    for (c0, c1), tile in zip(_tile_spans(len(tiles), d.cols), tiles, strict=True):
        if tile.label_formula:
            grid.merge(
                TILE_ROW,
                c0,
                c1,
                "write_formula",
                tile.label_formula,
                styles.cell("tile_label"),
                tile.label,
            )
        else:
            grid.merge(TILE_ROW, c0, c1, "write_string", tile.label, styles.cell("tile_label"))
        grid.merge(
            TILE_ROW + 1,
            c0,
            c1,
            "write_formula",
            tile.value_formula,
            styles.cell(tile.value_style),
            tile.value,
        )
        grid.merge(
            TILE_ROW + 2,
            c0,
            c1,
            "write_formula",
            tile.sub_formula,
            styles.cell("tile_sub"),
            tile.sub,
        )
        cells = (TILE_ROW + 1, c0, TILE_ROW + 2, c1)
        if tile.health:
            for light in ("green", "yellow", "red"):
                light_label = quote(spec.enum_label("light", light, lang))
                d.ws.conditional_format(
                    *cells,
                    {
                        "type": "formula",
                        "criteria": f"={tile.health}={light_label}",
                        "format": styles.look(light),
                    },
                )
        elif tile.alarm:
            top = xl_rowcol_to_cell(TILE_ROW + 1, c0, row_abs=True, col_abs=True)
            d.ws.conditional_format(
                *cells,
                {
                    "type": "formula",
                    "criteria": f"=AND(ISNUMBER({top}),{top}>0)",
                    "format": styles.look("red"),
                },
            )


def _metric_tiles(d: Board, metrics: Metrics) -> list[_Tile]:
    """A tile per core metric: achieved to date, its light and pace."""
    spec, lang = d.layout.spec, d.layout.lang
    lights = {k: spec.enum_label("light", k, lang) for k in ("green", "yellow", "red")}
    tiles = []
    for i in metrics.tiles:
        r = metrics.first + i
        ref = {k: f"${xl_col_to_name(c)}${r + 1}" for k, c in metrics.cols.items()}
        health, pace = ref["health"], ref["pace"]
        symbol = (
            f"IF({health}={quote(lights['green'])},{quote(LIGHT_SYMBOLS['green'])},"
            f"IF({health}={quote(lights['yellow'])},{quote(LIGHT_SYMBOLS['yellow'])},"
            f"{quote(LIGHT_SYMBOLS['red'])}))"
        )
        sub_formula = (
            f'=IF({health}="","",{symbol}&" "&{health}&" · "'
            f'&{quote(d.word("kpi_pace"))}&" "&TEXT({pace},"0%"))'
        )
        cached_health = d.grid.cached(r, metrics.cols["health"])
        cached_pace = d.grid.cached(r, metrics.cols["pace"])
        sub = ""
        if cached_health:
            symbols = {word: LIGHT_SYMBOLS[key] for key, word in lights.items()}
            sub = (
                f"{symbols.get(str(cached_health), '')} {cached_health} · "
                f"{d.word('kpi_pace')} {percent_text(float(cached_pace))}"
            )
        achieved = d.grid.cached(r, metrics.cols["achieved"])
        name = metrics.names[i]
        tiles.append(
            _Tile(
                label=f"{name} {d.word('kpi_achieved')}" if name else "–",
                label_formula=(
                    f'=IF({ref["metric"]}="","–",{ref["metric"]}&" "'
                    f"&{quote(d.word('kpi_achieved'))})"
                ),
                value_formula=f'=IF({ref["achieved"]}="","–",{ref["achieved"]})',
                value_style="tile_value_pct",
                value=achieved if achieved != "" else "–",
                sub_formula=sub_formula,
                sub=sub,
                health=health,
            )
        )
    return tiles


def _work_tiles(d: Board, derived: dict[str, pd.DataFrame], info: dict[str, Any]) -> list[_Tile]:
    """Tasks done, overdue tasks, open high-severity issues, budget used (spent / total)."""
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
    split = d.layout.tables["budget_split"]
    # Spent against the total; a template without a Spent column shows the allocation.
    money_key = "spent" if "spent" in split.cols else "amount"
    amounts = split.column_range(money_key, sheet=True)
    total = int(task_frame[task_key].notna().sum())
    done = int((task_frame["status"] == "done").sum())
    delayed = int((task_frame["status"] == "delayed").sum())
    open_issues = issue_frame["resolution"].ne("resolved") & issue_frame[issue_key].notna()
    budget = kpi.number(info.get("budget"))
    allocated = float(derived["budget_split"][money_key].fillna(0).sum())
    return [
        _Tile(
            label=d.word("kpi_tasks_done"),
            value_formula=(f'=IF(COUNTA({ids})=0,"–",COUNTIF({status},{done_word})/COUNTA({ids}))'),
            value_style="tile_value_pct",
            value=done / total if total else "–",
            sub_formula=f'=COUNTIF({status},{done_word})&" / "&COUNTA({ids})',
            sub=f"{done} / {total}",
        ),
        _Tile(
            label=spec.label("overdue_count", lang),
            value_formula=f"=COUNTIF({overdue_range},{quote(spec.label('overdue_flag', lang))})",
            value_style="tile_value",
            value=int(task_frame["overdue"].sum()),
            sub_formula=f'=COUNTIF({status},{delayed_word})&" "&{quote(d.word("kpi_delayed"))}',
            sub=f"{delayed} {d.word('kpi_delayed')}",
            alarm=True,
        ),
        _Tile(
            label=spec.label("open_high_count", lang),
            value_formula=f"=COUNTIFS({sev},{high},{res},{not_resolved})",
            value_style="tile_value",
            value=int((open_issues & (issue_frame["severity"] == "high")).sum()),
            sub_formula=(
                f'=COUNTIFS({issue_ids},"<>",{res},{not_resolved})&" "'
                f"&{quote(d.word('kpi_open_issues'))}"
            ),
            sub=f"{int(open_issues.sum())} {d.word('kpi_open_issues')}",
            alarm=True,
        ),
        _Tile(
            label=d.word("kpi_budget" if money_key == "spent" else "kpi_budget_allocated"),
            value_formula=f'=IF(OR(Budget="",Budget=0),"–",SUM({amounts})/Budget)',
            value_style="tile_value_pct",
            value=allocated / budget if budget else "–",
            sub_formula=(
                f'=IF(Budget="","",TEXT(SUM({amounts}),"#,##0")&" / "&TEXT(Budget,"#,##0"))'
            ),
            sub=f"{allocated:,.0f} / {budget:,.0f}" if budget is not None else "",
        ),
    ]


# -- charts --------------------------------------------------------------------------------


def _col_pixels(width: float) -> int:
    return int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)


def _charts(d: Board, metrics: Metrics, status_row: int, trend_row: int) -> None:
    workbook = d.styles.workbook
    name = d.name
    widths = [*FIXED_WIDTHS, *[day_width(d.cols)] * d.cols]
    total = sum(_col_pixels(w) for w in widths)
    gap = 12
    shares = (0.36, 0.36, 0.28)
    height = CHART_ROWS * 20 - 10
    cols = metrics.cols
    first, last = metrics.first, metrics.first + metrics.shown - 1

    pace = workbook.add_chart({"type": "column"})
    pace.add_series(
        {
            "name": d.word("chart_achieved"),
            "categories": [name, first, cols["metric"], last, cols["metric"]],
            "values": [name, first, cols["achieved"], last, cols["achieved"]],
            "fill": {"color": NAVY},
            "gap": 60,
            "data_labels": {"value": True, "num_format": "0%", "font": {"size": 8}},
        }
    )
    pace.add_series(
        {
            "name": d.word("chart_expected"),
            "categories": [name, first, cols["metric"], last, cols["metric"]],
            "values": [name, first, cols["expected_share"], last, cols["expected_share"]],
            "fill": {"color": "#A6B8D9"},
        }
    )
    line = workbook.add_chart({"type": "line"})
    line.add_series(
        {
            "name": d.word("chart_target_line"),
            "categories": [name, first, cols["metric"], last, cols["metric"]],
            "values": [name, first, cols["line"], last, cols["line"]],
            "line": {"color": TODAY_FILL, "width": 1.5, "dash_type": "dash"},
            "marker": {"type": "none"},
        }
    )
    pace.combine(line)
    pace.set_title({"name": d.word("chart_pace"), "name_font": {"size": 10}})
    pace.set_y_axis(
        {
            "num_format": "0%",
            "min": 0,
            "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}},
            "num_font": {"size": 8},
        }
    )
    pace.set_x_axis({"num_font": {"size": 8}})
    pace.set_legend({"position": "bottom", "font": {"size": 8}})

    # Columns, not lines: a day without figures is simply no bar (a line would drop to 0).
    trend = workbook.add_chart({"type": "column"})
    rows = (trend_row + 2, trend_row + 1 + d.days)
    for j, colour in ((1, "#A6B8D9"), (2, NAVY)):
        trend.add_series(
            {
                "name": [name, trend_row + 1, d.helper_col + j],
                "categories": [name, rows[0], d.helper_col, rows[1], d.helper_col],
                "values": [name, rows[0], d.helper_col + j, rows[1], d.helper_col + j],
                "fill": {"color": colour},
                "gap": 40,
                "overlap": -5,
            }
        )
    trend.set_title({"name": d.word("chart_trend"), "name_font": {"size": 10}})
    trend.set_x_axis({"num_font": {"size": 7}, "major_tick_mark": "none"})
    trend.set_y_axis(
        {
            "num_format": "#,##0",
            "num_font": {"size": 8},
            "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}},
        }
    )
    trend.set_legend({"position": "bottom", "font": {"size": 8}})

    status = workbook.add_chart({"type": "bar"})
    keys = [v.key for v in d.layout.spec.enums["task_status"]]
    status.add_series(
        {
            "name": d.word("tasks_by_status") if "tasks_by_status" in d.layout.spec.labels else "",
            "categories": [
                name,
                status_row,
                d.helper_col,
                status_row + len(keys) - 1,
                d.helper_col,
            ],
            "values": [
                name,
                status_row,
                d.helper_col + 1,
                status_row + len(keys) - 1,
                d.helper_col + 1,
            ],
            "points": [
                {
                    "fill": {"color": STATUS_COLOURS.get(k, "#D9D9D9")},
                    "border": {"color": "#7F7F7F"},
                }
                for k in keys
            ],
            "data_labels": {"value": True, "font": {"size": 9}},
            "gap": 50,
        }
    )
    status.set_title({"name": d.word("tasks_by_status"), "name_font": {"size": 10}})
    status.set_legend({"none": True})
    status.set_y_axis({"reverse": True, "crossing": "max", "num_font": {"size": 8}})
    status.set_x_axis(
        {
            "min": 0,
            "major_unit": 1,
            "num_format": "0",
            "num_font": {"size": 8},
            "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}},
        }
    )

    x = 0
    for chart, share in zip((pace, trend, status), shares, strict=True):
        width = int((total - 2 * gap) * share)
        chart.set_size({"width": width, "height": height})
        d.ws.insert_chart(CHART_ROW, 0, chart, {"x_offset": x, "y_offset": 4, "object_position": 3})
        x += width + gap
