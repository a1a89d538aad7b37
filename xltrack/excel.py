"""Facts of the Excel file format that every layer needs: column letters and the date epoch.

Kept in one place so that the reader, the writer, the formula evaluator and the
checks cannot disagree about them (stdlib only).
"""

from __future__ import annotations

import datetime as dt

#: Day 0 of the 1900 date system as Excel counts it (its 1900-02-29 bug folded in).
EXCEL_EPOCH = dt.date(1899, 12, 30)


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: str) -> int:
    """Excel column letters -> 1-based column number (A -> 1, AB -> 28)."""
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def serial(day: dt.date) -> int:
    """A date as Excel's day number."""
    return (day - EXCEL_EPOCH).days


def split_cell(cell: str | None) -> tuple[str | None, int | None]:
    """ "B7" or "$B$7" -> ("B", 7); (None, None) for no cell."""
    if not cell:
        return None, None
    letters = "".join(ch for ch in cell if ch.isalpha()).upper()
    digits = "".join(ch for ch in cell if ch.isdigit())
    return letters or None, int(digits) if digits else None
