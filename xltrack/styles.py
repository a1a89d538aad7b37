"""The named cell formats and traffic-light colours of generated workbooks, defined once.

Cell formats are created lazily per workbook (`Styles(workbook).cell(name)`);
conditional-format looks (`Styles.look(name)`) are separate formats that only
carry the differential properties Excel applies on top of a cell's own format.
Input cells are unlocked, everything else stays locked, so sheet protection
guards formulas and labels while people type freely into the tables.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

# One palette for every sheet xltrack writes (tables, Dashboard, summary, portfolio).
NAVY, NAVY_LIGHT, INK, GRID = "#1F3864", "#D9E1F2", "#262626", "#BFBFBF"
TILE_FILL, TILE_BORDER = "#F2F5FA", "#FFFFFF"
FONT_LATIN, FONT_EAST_ASIA = "Calibri", "Noto Sans CJK SC"
# The source's traffic lights (Excel's own good/neutral/bad palette, legible in print).
GREEN_FILL, GREEN_FONT = "#C6EFCE", "#006100"
YELLOW_FILL, YELLOW_FONT = "#FFEB9C", "#9C5700"
RED_FILL, RED_FONT = "#FFC7CE", "#9C0006"
LIGHTS = {
    "green": (GREEN_FILL, GREEN_FONT),
    "yellow": (YELLOW_FILL, YELLOW_FONT),
    "red": (RED_FILL, RED_FONT),
}
# Chart colours of the lights (a tint is too pale for a bar).
LIGHT_MARKS = {"green": "#70AD47", "yellow": "#FFC000", "red": "#C00000"}
# A light is always paired with a symbol, so it survives grey-scale print.
LIGHT_SYMBOLS = {"green": "●", "yellow": "▲", "red": "■"}
# Task status colours: the same in the Tasks sheet, the Gantt bars, the chart and the legends.
STATUS_COLOURS = {
    "not_started": "#D9D9D9",
    "in_progress": "#9DC3E6",
    "done": "#A9D08E",
    "delayed": "#F4B183",
    "overdue": "#FF7C80",
}
AMBER_FILL = STATUS_COLOURS["delayed"]
MUTED_FONT = "#7F7F7F"
INVALID_FILL, INVALID_FONT = "#F8CBAD", "#C00000"
HEADER_FILL, HEADER_FONT = NAVY, "#FFFFFF"
INPUT_FILL = "#FFFDE7"  # a pale yellow marks the cells people type into
TODAY_FILL = "#E03C31"

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0"
NUMBER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
TEXT_FORMAT = "@"

_BORDER = {"border": 1, "border_color": GRID}
BASE_FONT = {"font_name": FONT_LATIN}

# Number format of an input or derived cell, by column type (spec.COLUMN_TYPES).
NUMBER_FORMATS: dict[str, str] = {
    "id": TEXT_FORMAT,
    "text": TEXT_FORMAT,
    "enum": TEXT_FORMAT,
    "date": DATE_FORMAT,
    "money": MONEY_FORMAT,
    "percent": PERCENT_FORMAT,
    "count": COUNT_FORMAT,
    "number": NUMBER_FORMAT,
    "flag": "General",
}

# The header look every sheet shares (XlsxWriter format properties).
HEADER: dict[str, Any] = {
    "bold": True,
    "font_color": HEADER_FONT,
    "bg_color": HEADER_FILL,
    "text_wrap": True,
    "valign": "vcenter",
    **_BORDER,
}

_CELLS: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 16, "font_color": NAVY},
    "subtitle": {"bold": True, "font_size": 11, "font_color": NAVY},
    "hint": {"italic": True, "font_color": MUTED_FONT},
    "header": HEADER,
    "label": {"bold": True, "valign": "top", **_BORDER},
    "meta": {},
    "gantt_day": {"num_format": "d", "align": "center", "font_size": 7, "font_color": MUTED_FONT},
    "gantt_week_day": {
        "num_format": "mm-dd",
        "align": "center",
        "font_size": 7,
        "font_color": MUTED_FONT,
    },
    "gantt_week": {
        "bold": True,
        "font_size": 8,
        "font_color": NAVY,
        "left": 1,
        "left_color": GRID,
        "bottom": 1,
        "bottom_color": GRID,
    },
    "tile_label": {
        "font_size": 9,
        "font_color": MUTED_FONT,
        "bg_color": TILE_FILL,
        "align": "center",
        "valign": "bottom",
        "text_wrap": True,
    },
    "tile_value": {
        "bold": True,
        "font_size": 20,
        "font_color": NAVY,
        "bg_color": TILE_FILL,
        "align": "center",
        "valign": "vcenter",
    },
    "tile_value_pct": {
        "bold": True,
        "font_size": 20,
        "font_color": NAVY,
        "bg_color": TILE_FILL,
        "align": "center",
        "valign": "vcenter",
        "num_format": "0%",
    },
    "tile_value_money": {
        "bold": True,
        "font_size": 20,
        "font_color": NAVY,
        "bg_color": TILE_FILL,
        "align": "center",
        "valign": "vcenter",
        "num_format": "#,##0",
    },
    "tile_sub": {
        "font_size": 9,
        "font_color": INK,
        "bg_color": TILE_FILL,
        "align": "center",
        "valign": "top",
    },
    "legend_not_started": {
        "bg_color": STATUS_COLOURS["not_started"],
        "font_size": 8,
        "align": "center",
    },
    "legend_in_progress": {
        "bg_color": STATUS_COLOURS["in_progress"],
        "font_size": 8,
        "align": "center",
    },
    "legend_done": {"bg_color": STATUS_COLOURS["done"], "font_size": 8, "align": "center"},
    "legend_delayed": {"bg_color": STATUS_COLOURS["delayed"], "font_size": 8, "align": "center"},
    "legend_overdue": {"bg_color": STATUS_COLOURS["overdue"], "font_size": 8, "align": "center"},
    "legend_today": {
        "bg_color": TODAY_FILL,
        "font_color": "#FFFFFF",
        "font_size": 8,
        "align": "center",
    },
    "note": {"italic": True, "font_color": MUTED_FONT, "font_size": 9},
    "helper": {"font_color": MUTED_FONT, "font_size": 8},
    "helper_pct": {"font_color": MUTED_FONT, "font_size": 8, "num_format": "0.0%"},
    "helper_num": {"font_color": MUTED_FONT, "font_size": 8, "num_format": "#,##0"},
    "helper_date": {"font_color": MUTED_FONT, "font_size": 8, "num_format": DATE_FORMAT},
    "body": {"text_wrap": True, "valign": "top"},
    "input_key": {"bg_color": INPUT_FILL, **_BORDER},
    "light_green": {"bg_color": GREEN_FILL, "font_color": GREEN_FONT, "bold": True},
    "light_yellow": {"bg_color": YELLOW_FILL, "font_color": YELLOW_FONT, "bold": True},
    "light_red": {"bg_color": RED_FILL, "font_color": RED_FONT, "bold": True},
    "formula_key": {"bg_color": "#F2F2F2", **_BORDER},
}

_LOOKS: dict[str, dict[str, Any]] = {
    "green": {"bg_color": GREEN_FILL, "font_color": GREEN_FONT},
    "yellow": {"bg_color": YELLOW_FILL, "font_color": YELLOW_FONT},
    "red": {"bg_color": RED_FILL, "font_color": RED_FONT},
    "overdue": {"bg_color": STATUS_COLOURS["overdue"]},
    "delayed": {"bg_color": STATUS_COLOURS["delayed"]},
    "done": {"font_color": MUTED_FONT},
    "high_open": {"bg_color": RED_FILL, "font_color": RED_FONT, "bold": True},
    "invalid": {"bg_color": INVALID_FILL, "font_color": INVALID_FONT, "italic": True},
    "status_not_started": {"bg_color": STATUS_COLOURS["not_started"]},
    "status_in_progress": {"bg_color": STATUS_COLOURS["in_progress"]},
    "status_done": {"bg_color": STATUS_COLOURS["done"]},
    "status_delayed": {"bg_color": STATUS_COLOURS["delayed"]},
    "bar": {"bg_color": STATUS_COLOURS["not_started"]},
    "bar_in_progress": {"bg_color": STATUS_COLOURS["in_progress"]},
    "bar_done": {"bg_color": STATUS_COLOURS["done"]},
    "bar_delayed": {"bg_color": STATUS_COLOURS["delayed"]},
    "bar_overdue": {"bg_color": STATUS_COLOURS["overdue"]},
    "today": {"bg_color": TODAY_FILL, "font_color": HEADER_FONT},
    "today_column": {"bg_color": "#FBE3E1"},
    "gantt_cell": {"border": 1, "border_color": "#EDEDED"},
    "input": {"bg_color": INPUT_FILL},
}


class Styles:
    """The formats of one workbook, created on first use and reused after."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._cells: dict[tuple[str, str, bool], Format] = {}
        self._looks: dict[str, Format] = {}

    @property
    def workbook(self) -> Workbook:
        return self._workbook

    def cell(self, name: str) -> Format:
        """A named cell format (title, header, label, hint, gantt_*), locked."""
        return self._get(name, "", False)

    def value(self, column_type: str, *, unlocked: bool, extra: str = "") -> Format:
        """The format of a data cell of `column_type`: input cells are unlocked.

        Args:
            column_type: a spec column type (date, money, percent, ...).
            unlocked: True for cells people type into.
            extra: a named cell format to merge in (e.g. "label").
        """
        return self._get(extra, column_type, unlocked)

    def look(self, name: str) -> Format:
        """A conditional-format look (fill/font only) by name."""
        if name not in self._looks:
            self._looks[name] = self._workbook.add_format(_LOOKS[name])
        return self._looks[name]

    def _get(self, name: str, column_type: str, unlocked: bool) -> Format:
        key = (name, column_type, unlocked)
        if key not in self._cells:
            props: dict[str, Any] = {**BASE_FONT, **_CELLS.get(name, {})}
            if column_type:
                props["num_format"] = NUMBER_FORMATS.get(column_type, "General")
                props.setdefault("valign", "top")
                if column_type in ("text", "id", "enum"):
                    props["text_wrap"] = True
            if unlocked:
                props["locked"] = False
            self._cells[key] = self._workbook.add_format(props)
        return self._cells[key]
