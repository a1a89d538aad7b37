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

# The source's traffic lights (Excel's own good/neutral/bad palette, legible in print).
GREEN_FILL, GREEN_FONT = "#C6EFCE", "#006100"
YELLOW_FILL, YELLOW_FONT = "#FFEB9C", "#9C5700"
RED_FILL, RED_FONT = "#FFC7CE", "#9C0006"
AMBER_FILL = "#FCD9A8"
MUTED_FONT = "#8C8C8C"
INVALID_FILL, INVALID_FONT = "#F8CBAD", "#C00000"
HEADER_FILL, HEADER_FONT = "#1F4E78", "#FFFFFF"
INPUT_FILL = "#FFFFFF"
BAR_FILL, BAR_DONE_FILL, TODAY_FILL = "#5B9BD5", "#BFBFBF", "#FF6F61"

DATE_FORMAT = "yyyy-mm-dd"
MONEY_FORMAT = "#,##0"
PERCENT_FORMAT = "0%"
COUNT_FORMAT = "0"
TEXT_FORMAT = "@"

_BORDER = {"border": 1, "border_color": "#BFBFBF"}

# Number format of an input or derived cell, by column type (spec.COLUMN_TYPES).
NUMBER_FORMATS: dict[str, str] = {
    "id": TEXT_FORMAT,
    "text": TEXT_FORMAT,
    "enum": TEXT_FORMAT,
    "date": DATE_FORMAT,
    "money": MONEY_FORMAT,
    "percent": PERCENT_FORMAT,
    "count": COUNT_FORMAT,
    "number": "General",
    "flag": "General",
}

_CELLS: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 14, "font_color": HEADER_FILL},
    "subtitle": {"bold": True, "font_size": 11, "font_color": HEADER_FILL},
    "hint": {"italic": True, "font_color": MUTED_FONT},
    "header": {
        "bold": True,
        "font_color": HEADER_FONT,
        "bg_color": HEADER_FILL,
        "text_wrap": True,
        "valign": "vcenter",
        **_BORDER,
    },
    "label": {"bold": True, "valign": "top", **_BORDER},
    "meta": {},
    "gantt_day": {"num_format": "d", "align": "center", "font_size": 8, "bold": True},
    # A day column is narrow and numbers never spill into the next cell: month only.
    "gantt_month": {"num_format": "mmm", "font_size": 7, "font_color": MUTED_FONT},
    "gantt_month_zh": {"num_format": 'm"月"', "font_size": 7, "font_color": MUTED_FONT},
}

_LOOKS: dict[str, dict[str, Any]] = {
    "green": {"bg_color": GREEN_FILL, "font_color": GREEN_FONT},
    "yellow": {"bg_color": YELLOW_FILL, "font_color": YELLOW_FONT},
    "red": {"bg_color": RED_FILL, "font_color": RED_FONT},
    "overdue": {"bg_color": RED_FILL, "font_color": RED_FONT},
    "delayed": {"bg_color": AMBER_FILL},
    "done": {"font_color": MUTED_FONT},
    "high_open": {"bg_color": RED_FILL, "font_color": RED_FONT, "bold": True},
    "invalid": {"bg_color": INVALID_FILL, "font_color": INVALID_FONT, "italic": True},
    "bar": {"bg_color": BAR_FILL},
    "bar_done": {"bg_color": BAR_DONE_FILL},
    "bar_delayed": {"bg_color": AMBER_FILL},
    "bar_overdue": {"bg_color": RED_FONT},
    "today": {"bg_color": TODAY_FILL, "font_color": HEADER_FONT},
    "today_column": {"bg_color": "#FDE9E7"},
    "gantt_cell": {"border": 1, "border_color": "#E7E6E6"},
}

DATA_BAR_COLOUR = "#5B9BD5"


class Styles:
    """The formats of one workbook, created on first use and reused after."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        self._cells: dict[tuple[str, str, bool], Format] = {}
        self._looks: dict[str, Format] = {}

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
            props: dict[str, Any] = dict(_CELLS.get(name, {}))
            if column_type:
                props["num_format"] = NUMBER_FORMATS.get(column_type, "General")
                props.setdefault("valign", "top")
                if column_type in ("text", "id", "enum"):
                    props["text_wrap"] = True
            if unlocked:
                props["locked"] = False
            self._cells[key] = self._workbook.add_format(props)
        return self._cells[key]
