"""Write one list table: its Excel Table, rows, drop-downs and at-a-glance highlighting.

Rows are written strictly in order (XlsxWriter constant_memory mode). Input
cells come from a typed frame; formula cells get the spec's formula for their
row and, as cached value, the derived value from xltrack/derive.py ("" where
the row has no data, never XlsxWriter's default 0).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, Union

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_range
from xlsxwriter.worksheet import Worksheet

from xltrack.errors import SpecError
from xltrack.excel import EXCEL_EPOCH
from xltrack.grid import Grid
from xltrack.layout import Layout, TableLayout, compile_formula, quote
from xltrack.spec import ColumnSpec, Lang, Rules, Spec, TableSpec
from xltrack.styles import Styles
from xltrack.xmlnames import xml_safe

Target = Union[Worksheet, Grid]  # noqa: UP007 (runtime alias, py3.10)
_EPOCH = pd.Timestamp(EXCEL_EPOCH)
_LABEL = re.compile(r"\{label:([A-Za-z_]+)\}")
_WIDE = re.compile(r"[\u2e80-\uffff]")
_NUMERIC = frozenset({"number", "money", "percent", "count"})
CHUNK = 4096


def write_table_rows(
    target: Target,
    styles: Styles,
    layout: Layout,
    table: TableSpec,
    placed: TableLayout,
    frame: pd.DataFrame,
    n_data: int,
    *,
    worksheet: Worksheet | None = None,
    blanks: bool = False,
) -> None:
    """Header, Excel Table, data rows, validations and conditional formats of a table.

    Args:
        target: the worksheet (rows stream) or a Grid (small sheets, any order).
        frame: the table's typed frame with derived columns (derive.py).
        n_data: how many leading rows of `frame` hold data.
        worksheet: the sheet behind `target` when it is a Grid.
        blanks: write empty input cells explicitly (sheets without column formats).
    """
    ws = worksheet if worksheet is not None else target
    assert isinstance(ws, Worksheet)
    spec, lang = layout.spec, layout.lang
    columns = table.laid_out
    headers = [xml_safe(c.label(lang)) for c in columns]
    if len({h.casefold() for h in headers}) != len(headers):
        raise SpecError(f"tables.{table.key}: two columns share a {lang} label")
    add_table(ws, placed, headers, f"tbl_{table.key}")
    header_fmt = styles.cell("header")
    for col, text in zip(columns, headers, strict=True):
        target.write_string(placed.header_row, placed.cols[col.key], text, header_fmt)
    plans = [_column_plan(target, styles, layout, table, placed, c, frame, blanks) for c in columns]
    # Chunks bound the Python objects alive at once (values, formulas, heights),
    # whatever the table's length: constant_memory only helps if we stream too.
    for lo in range(0, placed.n_rows, CHUNK):
        hi = min(lo + CHUNK, placed.n_rows)
        part = frame.iloc[lo : min(hi, n_data)] if lo < n_data else frame.iloc[0:0]
        heights = row_heights(table, part)
        cells = [plan(part, lo, hi) for plan in plans]
        for j in range(hi - lo):
            row = placed.first_row + lo + j
            if j in heights:
                ws.set_row(row, heights[j])
            for write in cells:
                write(row, j)
        if heights and ws.constant_memory:
            _forget_rows(ws, placed.first_row + lo, ws.previous_row)
    _validate(ws, spec, lang, table, placed)
    _highlight(ws, styles, layout, table, placed)


def row_heights(table: TableSpec, frame: pd.DataFrame) -> dict[int, float]:
    """Heights (points) of rows whose wrapped text needs more than one line.

    Excel and LibreOffice do not reliably grow a row for wrapped text in a file
    that was never opened, so the writer sizes them: a CJK character counts as
    two width units, and a line of Calibri 11 is 15 points.
    """
    wrapped = [
        c
        for c in table.laid_out
        if c.type in ("text", "id", "enum") and c.is_input and c.key in frame
    ]
    if frame.empty or not wrapped:
        return {}
    if len(frame) <= 256:  # pandas string methods cost more than they save on a few rows
        heights = {}
        for j, texts in enumerate(zip(*(frame[c.key].tolist() for c in wrapped), strict=True)):
            need = max(
                math.ceil((len(t) + len(_WIDE.findall(t))) / max((c.width or 12) - 1.5, 1.0))
                if isinstance(t, str)
                else 1
                for c, t in zip(wrapped, texts, strict=True)
            )
            if need > 1:
                heights[j] = 15.0 * need
        return heights
    lines = np.ones(len(frame), dtype="int64")
    for col in wrapped:
        text = frame[col.key].astype("string").fillna("")
        units = text.str.len() + text.str.count(r"[\u2e80-\uffff]")
        usable = max((col.width or 12) - 1.5, 1.0)
        need_lines = np.ceil(units.to_numpy(dtype="float64", na_value=0.0) / usable)
        lines = np.maximum(lines, need_lines.astype("int64"))
    tall = np.flatnonzero(lines > 1)
    return dict(zip(tall.tolist(), (15.0 * lines[tall]).tolist(), strict=True))


def _column_plan(
    target: Target,
    styles: Styles,
    layout: Layout,
    table: TableSpec,
    placed: TableLayout,
    col: ColumnSpec,
    frame: pd.DataFrame,
    blanks: bool,
) -> Callable[[pd.DataFrame, int, int], Callable[[int, int], None]]:
    """plan(part, lo, hi) gives a function (row, j) writing this column's cell in that row.

    `part` holds the data rows of table rows lo..hi-1 (possibly fewer: blank rows follow).
    """
    index = placed.cols[col.key]
    fmt = styles.value(col.type, unlocked=col.is_input)
    spec, lang = layout.spec, layout.lang
    if col.formula is not None:
        formula = compile_formula(col.formula, table, placed, layout)
        write_formula = target.write_formula

        def formula_chunk(part: pd.DataFrame, lo: int, hi: int) -> Callable[[int, int], None]:
            cached = cached_values(spec, lang, col, part[col.key], len(part))
            cached += [""] * (hi - lo - len(cached))

            def formula_cell(row: int, j: int) -> None:
                write_formula(row, index, formula % {"row": row + 1}, fmt, cached[j])

            return formula_cell

        return formula_chunk
    numeric = col.type == "date" or col.type in _NUMERIC
    write = target.write_number if numeric else target.write_string
    write_blank = target.write_blank

    def input_chunk(part: pd.DataFrame, lo: int, hi: int) -> Callable[[int, int], None]:
        values = input_values(spec, lang, col, part[col.key], len(part))
        values += [None] * (hi - lo - len(values))

        def input_cell(row: int, j: int) -> None:
            value = values[j]
            if value is not None:
                write(row, index, value, fmt)
            elif blanks:
                write_blank(row, index, None, fmt)

        return input_cell

    return input_chunk


def input_values(spec: Spec, lang: Lang, col: ColumnSpec, series: pd.Series, n: int) -> list[Any]:
    """What to write in an input column: numbers (dates as serials), texts, or None."""
    series = series.iloc[:n]
    if col.type == "date":
        serial = (series - _EPOCH) / pd.Timedelta(days=1)
        return [None if math.isnan(v) else v for v in serial.astype("float64").tolist()]
    if col.type in _NUMERIC:
        return [None if math.isnan(v) else v for v in series.astype("float64").tolist()]
    if col.type == "enum" and col.enum:
        labels = {v.key: v.label(lang) for v in spec.enums[col.enum]}
        return [None if _blank(v) else labels.get(v, v) for v in series.tolist()]
    return [None if _blank(v) else str(v) for v in series.tolist()]


def _blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def cached_values(spec: Spec, lang: Lang, col: ColumnSpec, series: pd.Series, n: int) -> list[Any]:
    """The value each formula cell computes, for the data written ("" when it shows nothing)."""
    series = series.iloc[:n]
    if col.type == "flag":
        found = _LABEL.search(col.formula or "")
        word = spec.label(found.group(1), lang) if found else "TRUE"
        return [word if bool(v) else "" for v in series.tolist()]
    if col.type == "enum" and col.enum:
        labels = {v.key: v.label(lang) for v in spec.enums[col.enum]}
        # A word that is no value of the list is cached as typed, made XML-safe:
        # XlsxWriter writes cached text unescaped.
        return [
            "" if _blank(v) else labels[v] if v in labels else xml_safe(str(v))
            for v in series.tolist()
        ]
    return [number_or_blank(v) for v in series.astype("float64").tolist()]


def number_or_blank(value: float | None) -> float | int | str:
    """A cached number: "" for missing, whole numbers as int (Excel writes 5, not 5.0)."""
    if value is None or not math.isfinite(value):
        return ""  # XlsxWriter writes no infinity: a blank rather than a crash
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def write_value(target: Target, row: int, col: int, ctype: str, value: Any, fmt: Any) -> None:
    """Write one form value by column type; an empty value leaves a formatted blank."""
    if value is None or value == "" or (isinstance(value, float) and not math.isfinite(value)):
        target.write_blank(row, col, None, fmt)
    elif ctype == "date":
        stamp = pd.Timestamp(value)
        target.write_number(row, col, (stamp - _EPOCH) / pd.Timedelta(days=1), fmt)
    elif ctype in _NUMERIC:
        target.write_number(row, col, float(value), fmt)
    else:
        target.write_string(row, col, str(value), fmt)


def _forget_rows(ws: Worksheet, first: int, stop: int) -> None:
    """Drop the row properties of rows already flushed to disk.

    Even in constant_memory mode XlsxWriter keeps every set_row() (for images
    we never place); once a row is written out only the current one matters.
    """
    for row in range(first, stop):
        ws.row_info.pop(row, None)
        ws.row_sizes.pop(row, None)


def add_table(ws: Worksheet, placed: TableLayout, headers: list[str], name: str) -> None:
    """An Excel Table (ListObject) over the header and data rows.

    XlsxWriter refuses add_table() in constant_memory mode because it writes the
    header cells itself, possibly out of row order; and it remembers every cell
    of the range for its overlap check (a million dict entries for 100,000
    rows). The table part only needs the range and column names: the table is
    declared over its header and first row, with the guard lifted, then given
    its full range; we write the header cells ourselves, in order. Our layout
    never overlaps tables.
    """
    last_col = placed.first_col + len(headers) - 1
    saved = ws.constant_memory
    ws.constant_memory = 0
    try:
        status = ws.add_table(
            placed.header_row,
            placed.first_col,
            placed.header_row + 1,
            last_col,
            {
                "name": name,
                "style": "Table Style Light 1",
                "columns": [{"header": h} for h in headers],
            },
        )
    finally:
        ws.constant_memory = saved
    if status != 0:
        raise SpecError(f"cannot lay out table {name} (XlsxWriter status {status})")
    full = xl_range(placed.header_row, placed.first_col, placed.last_row, last_col)
    ws.tables[-1].update(range=full, a_range=full, autofilter=full)


def _validate(ws: Worksheet, spec: Spec, lang: Lang, table: TableSpec, placed: TableLayout) -> None:
    """Drop-downs for enum columns (through the Lists names) and date/number checks."""
    for col in table.laid_out:
        if not col.is_input:
            continue
        c = placed.cols[col.key]
        cells = (placed.first_row, c, placed.last_row, c)
        if col.type == "enum" and col.enum:
            ws.data_validation(
                *cells,
                {
                    "validate": "list",
                    "source": f"=list_{col.enum}",
                    "error_type": "information" if col.open_enum else "stop",
                    "error_title": col.label(lang),
                },
            )
        elif col.type == "date":
            ws.data_validation(
                *cells,
                {
                    "validate": "date",
                    "criteria": "between",
                    "error_type": "warning",
                    "minimum": pd.Timestamp("2000-01-01").to_pydatetime(),
                    "maximum": pd.Timestamp("2099-12-31").to_pydatetime(),
                },
            )
        elif col.type in _NUMERIC:
            ws.data_validation(
                *cells,
                {
                    "validate": "decimal",
                    "criteria": "between",
                    "error_type": "warning",
                    "minimum": -1e12,
                    "maximum": 1e12,
                },
            )


def _highlight(
    ws: Worksheet, styles: Styles, layout: Layout, table: TableSpec, placed: TableLayout
) -> None:
    """Conditional formats on this sheet only: row states, traffic lights, pasted values."""
    spec, lang = layout.spec, layout.lang
    keys = set(placed.cols)
    first, last = placed.first_row, placed.last_row
    row_range = (first, placed.first_col, last, placed.first_col + len(placed.cols) - 1)

    def ref(key: str) -> str:
        return f"${placed.letter(key)}{first + 1}"

    def rule(cells: tuple[int, int, int, int], formula: str, look: str) -> None:
        ws.conditional_format(
            *cells, {"type": "formula", "criteria": formula, "format": styles.look(look)}
        )

    def enum(name: str, key: str) -> str:
        return quote(spec.enum_label(name, key, lang))

    def column(key: str) -> tuple[int, int, int, int]:
        return (first, placed.cols[key], last, placed.cols[key])

    # Validation does not survive paste: flag values outside a closed drop-down.
    for col in table.laid_out:
        if col.type == "enum" and col.enum and col.is_input and not col.open_enum:
            others = ",".join(
                f"{ref(col.key)}<>{enum(col.enum, v.key)}" for v in spec.enums[col.enum]
            )
            rule(column(col.key), f'=AND({ref(col.key)}<>"",{others})', "invalid")
    if table.key == "tasks" and {"overdue", "status"} <= keys:
        # The status cell takes its status colour (the Gantt's and the charts' colour);
        # an overdue task's flag takes the overdue colour; done rows fade.
        rule(column("overdue"), f'={ref("overdue")}<>""', "overdue")
        for value in spec.enums["task_status"]:
            rule(
                column("status"),
                f"={ref('status')}={enum('task_status', value.key)}",
                f"status_{value.key}",
            )
        rule(row_range, f"={ref('status')}={enum('task_status', 'done')}", "done")
    if table.key == "issues" and {"severity", "resolution"} <= keys:
        rule(
            row_range,
            f"=AND({ref('severity')}={enum('severity', 'high')},"
            f"{ref('resolution')}<>{enum('resolution', 'resolved')})",
            "high_open",
        )
        rule(row_range, f"={ref('resolution')}={enum('resolution', 'resolved')}", "done")
    for flag in ("sla_breach", "response_breach"):
        if flag in keys:
            rule(column(flag), f'={ref(flag)}<>""', "red")
    if "light" in keys:
        for light in ("green", "yellow", "red"):
            rule(column("light"), f"={ref('light')}={enum('light', light)}", light)
    if table.key == "budget_split" and {"variance", "used"} <= keys:
        # The source's money rules: a line beyond the approval limit, a line nearly spent.
        rules = spec.rules
        rule(
            column("variance"),
            f'=AND({ref("variance")}<>"",ROUND({ref("variance")},4)>{rules.budget_line_over})',
            "red",
        )
        rule(
            column("used"),
            f'=AND({ref("used")}<>"",ROUND({ref("used")},4)>={rules.budget_near_cap})',
            "yellow",
        )
    if table.key == "evaluation" and "rate" in keys:
        # Light fills only: a data bar on a filled cell reads as two answers.
        _rate_lights(ws, styles, layout, column("rate"), ref("rate"))
    mark_inputs(ws, styles, table, placed)


def mark_inputs(ws: Worksheet, styles: Styles, table: TableSpec, placed: TableLayout) -> None:
    """A pale fill on the table's input cells (last rule: every other look wins over it)."""
    for col in table.laid_out:
        if col.is_input:
            c = placed.cols[col.key]
            ws.conditional_format(
                placed.first_row,
                c,
                placed.last_row,
                c,
                {"type": "formula", "criteria": "=TRUE", "format": styles.look("input")},
            )


def band_tests(cell: str, rules: Rules) -> tuple[str, str]:
    """Excel tests for "green" and "yellow or better" on a rate cell: the bands of
    `derive.light_of` (deviation 1 - rate rounded to 4 places)."""
    dev = f"ROUND(1-{cell},4)"
    return (f"{dev}<{round(1 - rules.green_at, 4)}", f"{dev}<={round(1 - rules.yellow_at, 4)}")


def _rate_lights(
    ws: Worksheet, styles: Styles, layout: Layout, cells: tuple[int, int, int, int], cell: str
) -> None:
    """Traffic-light fills on achievement rates (the thresholds are copied from the rules
    because conditional formats may only refer to their own sheet)."""
    green, yellow = band_tests(cell, layout.spec.rules)
    for look, test in (
        ("green", green),
        ("yellow", f"{yellow},NOT({green})"),
        ("red", f"NOT({yellow})"),
    ):
        ws.conditional_format(
            *cells,
            {
                "type": "formula",
                "criteria": f"=AND(ISNUMBER({cell}),{test})",
                "format": styles.look(look),
            },
        )


def print_setup(
    ws: Worksheet, header_row: int | None, *, landscape: bool = True, one_page: bool = False
) -> None:
    """A4, fit to one page wide (or one page), header row repeated on every page."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1 if one_page else 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer("&L&A&R&P / &N")
    if header_row is not None:
        ws.repeat_rows(header_row)


def header_width(label: str, width: float) -> float:
    """A column width that fits the header's longest word (no mid-word break).

    A CJK character counts as two width units, and may break anywhere.
    """
    longest = max((len(word) for word in label.split()), default=0)
    if _WIDE.search(label):
        return width
    return max(width, round(longest * 1.1 + 2, 1))


def protect_sheet(ws: Worksheet) -> None:
    """Protect without a password: formulas locked, inputs editable, filters usable."""
    ws.protect(
        "",
        {
            "format_columns": True,
            "format_rows": True,
            "autofilter": True,
            "sort": True,
            "select_locked_cells": True,
            "select_unlocked_cells": True,
        },
    )
