"""Parsed columns from the cells of a located table, column by column.

`parse_column` parses a whole column with the `cells` parsers (typed cells on a
fast path); the reader hands over each column's parsed values; this module fills a range
typed in one cell into the start and end columns and splits `销售额5万/实际3.8万` in the
daily metric column. `frames.build_frame` types the result.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xltrack.cells import (
    ABSURD,
    BLANKS_AS_TYPED,
    Parsed,
    parse_amount,
    parse_id,
    parse_percent,
    parse_target_actual,
    parse_text,
)
from xltrack.dates import YearHint, parse_date, parse_date_range, parse_moment
from xltrack.spec import TableSpec


def column_cells(columns: list[tuple[Any, ...]], c: int, n: int) -> list[Any]:
    return list(columns[c]) if c < len(columns) else [None] * n


def split_ranges(table: TableSpec, data: dict[str, list[Any]], n: int) -> None:
    """A start-end range typed in one cell fills the start and end columns where empty."""
    for col in table.columns:
        spans = data.pop(col.key, None) if col.is_virtual else None
        if spans is None:
            continue
        for target, part in zip(col.splits_into, (0, 1), strict=False):
            values = data.setdefault(target, [None] * n)
            for i, span in enumerate(spans):
                if span is not None and values[i] is None:
                    values[i] = span[part]


def split_daily_metric(data: dict[str, list[Any]], n: int) -> None:
    """`销售额5万/实际3.8万` in the metric column: metric, target and actual."""
    metric = data["metric"]
    target = data.setdefault("target", [None] * n)
    actual = data.setdefault("actual", [None] * n)
    for i, text in enumerate(metric):
        if not isinstance(text, str) or ("/" not in text and "／" not in text):
            continue
        parsed = parse_target_actual(text)
        if parsed.ok:
            metric[i], goal, done = parsed.value
            target[i] = goal if target[i] is None else target[i]
            actual[i] = done if actual[i] is None else actual[i]


_KINDS = {
    "date": "date",
    "moment": "date",
    "date_range": "date range",
    "percent": "percentage",
    "number": "number",
    "money": "amount",
    "count": "number",
    "id": "identifier",
    "text": "text",
}


def kind_of(column_type: str) -> str:
    """The word a finding uses for a column type (date, amount, ...)."""
    return _KINDS.get(column_type, column_type)


def parse_column(
    values: list[Any], column_type: str, year: YearHint = None, day_first: bool | None = None
) -> tuple[list[Any], list[tuple[int, Parsed]]]:
    """Parse one column of cells of one type, typed cells on a fast path.

    Args:
        values: the cells, as an engine returns them ("" or None when empty).
        column_type: a spec column type (id, text, date, date_range, number, money,
            count, percent), or `moment` for a date that keeps its time of day.
        year: the campaign's year or window, for dates typed without a year.
        day_first: the workbook's order of slashed dates (`dates.slash_order`).

    Returns:
        The parsed values (None when empty or unreadable) and, by position, every
        `Parsed` that failed or made an assumption, for the caller to report.
    """
    out = _fast_pass(values, column_type)
    notes: list[tuple[int, Parsed]] = []
    slow = [i for i, got in enumerate(out) if got is _SLOW] if _SLOW in out else []
    for i in slow:
        parsed = _parse_one(values[i], column_type, year, day_first)
        out[i] = parsed.value
        if not parsed.ok or parsed.assumption:
            notes.append((i, parsed))
    return out, notes


_SLOW: Any = object()


def _fast_pass(values: list[Any], column_type: str) -> list[Any]:
    """Typed cells (dates as dates, numbers as numbers, plain text) in one pass; `_SLOW` marks
    the cells the parsers must see. Inline expressions, as this runs for every cell."""
    slow, date, datetime = _SLOW, dt.date, dt.datetime
    if column_type == "text":
        # Placeholders ("-", "N/A", "无") are at most 4 characters; longer text is text, and
        # so is a short one that is no placeholder as typed (张三, Bo); the rest is parsed.
        blanks = BLANKS_AS_TYPED
        return [
            s
            if type(v) is str and (len(s := v.strip()) > 4 or (s and s.casefold() not in blanks))
            else None
            if v == "" or v is None
            else slow
            for v in values
        ]
    if column_type == "id":
        return [
            (v.strip() or None) if type(v) is str else None if v is None else slow for v in values
        ]
    if column_type == "date":
        return [
            v.date()
            if type(v) is datetime
            else v
            if type(v) is date
            else None
            if v == "" or v is None
            else slow
            for v in values
        ]
    if column_type == "moment":
        # A datetime keeps its time (parse_moment); a date is as typed.
        return [v if type(v) is date else None if v == "" or v is None else slow for v in values]
    if column_type in ("number", "money", "count"):
        # Infinite, NaN and absurd numbers (cells.ABSURD) go to the parser, which refuses them.
        top = ABSURD
        return [
            float(v)
            if (type(v) is float or type(v) is int) and -top <= v <= top
            else None
            if v == "" or v is None
            else slow
            for v in values
        ]
    if column_type == "percent":
        return [
            float(v)
            if (type(v) is float or type(v) is int) and -2 <= v <= 2
            else None
            if v == "" or v is None
            else slow
            for v in values
        ]
    return [None if v == "" or v is None else slow for v in values]


def _parse_one(value: Any, column_type: str, year: YearHint, day_first: bool | None) -> Parsed:
    if column_type == "id":
        return parse_id(value)
    if column_type == "date":
        return parse_date(value, year, day_first)
    if column_type == "moment":
        return parse_moment(value, year, day_first)
    if column_type == "date_range":
        return parse_date_range(value, year, day_first)
    if column_type == "percent":
        return parse_percent(value)
    if column_type in ("number", "money", "count"):
        return parse_amount(value)
    return parse_text(value)
