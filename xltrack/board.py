"""What the Dashboard's parts share: where things sit, the sheet being drawn, small helpers.

The Dashboard is drawn by dashboard.py (tiles, charts), chartdata.py (the
blocks the tiles and charts read) and gantt.py (the timeline), all on one
`Board`: the worksheet, the cells queued in row order, the styles and layout,
and the timeline's span.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from xltrack.excel import EXCEL_EPOCH
from xltrack.grid import Grid
from xltrack.layout import Layout
from xltrack.spec import Spec, load_spec
from xltrack.styles import Styles
from xltrack.tables import number_or_blank

AS_OF_ROW, AS_OF_COL = 2, 1
TILE_ROW = 4  # label, value and sub-line rows of the KPI tiles
CHART_ROW, CHART_ROWS = 8, 15
GANTT_ROW = CHART_ROW + CHART_ROWS  # title and legend; week scale and days below
# The timeline shows the first task rows (at least GANTT_MIN_ROWS, at most
# GANTT_MAX_ROWS, and says so in its title when the Tasks sheet holds more).
GANTT_MIN_ROWS, GANTT_MAX_ROWS = 10, 60
DAY_COL = 4  # day columns start at E
FIXED_WIDTHS = (30.0, 10.5, 10.5, 11.0)
DAY_WIDTH = 2.4
DAY_AREA = 72.0
WEEKLY_AFTER = 45  # campaigns longer than this many days get a timeline column per week
METRIC_TILES = 3
LEGEND_STYLES = frozenset(
    {
        "legend_not_started",
        "legend_in_progress",
        "legend_done",
        "legend_delayed",
        "legend_overdue",
        "legend_today",
    }
)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def serial(day: dt.date | pd.Timestamp | None) -> float | str:
    """Excel's date number, or "" for no date."""
    if day is None or pd.isna(day):
        return ""
    if isinstance(day, pd.Timestamp):
        day = day.date()
    return (day - EXCEL_EPOCH).days


def percent_text(value: float) -> str:
    """TEXT(value, "0%") as Excel computes it: 15 significant digits, halves away from 0."""
    hundredths = round(value * 100, 9)
    return f"{math.copysign(math.floor(abs(hundredths) + 0.5), hundredths):.0f}%"


def word(spec: Spec, key: str, lang: str) -> str:
    """A label of the template, or of the built-in one when a team's template lacks it."""
    source = spec if key in spec.labels else load_spec()
    return source.label(key, "zh" if lang == "zh" else "en")


def day_width(days: int) -> float:
    """Day columns fill at least DAY_AREA width units, so short campaigns get wider days."""
    return max(DAY_WIDTH, round(DAY_AREA / days, 2))


@dataclass
class Board:
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


def mirror(grid: Grid, row: int, col: int, source: str, value: Any, fmt: Any) -> None:
    """A cell showing another sheet's cell, empty (not 0) when that one is empty."""
    grid.put(row, col, "write_formula", f'=IF({source}="","",{source})', fmt, value)


def cached_value(value: Any, ctype: str, labels: dict[str, str] | None = None) -> Any:
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


def as_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(stamp) else stamp.date()
