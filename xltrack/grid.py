"""A small sheet's cells collected in any order and written in row order."""

from __future__ import annotations

from typing import Any

from xlsxwriter.worksheet import Worksheet

from xltrack.xmlnames import xml_safe


class Grid:
    """Cells of a small sheet collected in any order, written in row order.

    constant_memory mode flushes a row as soon as a later row is written, so
    sheets laid out block by block (campaign, dashboard) are buffered here.
    It offers the worksheet's write_* methods, so table code writes to either.
    """

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], tuple[str, tuple[Any, ...]]] = {}

    def put(self, row: int, col: int, method: str, *args: Any) -> None:
        """Queue `worksheet.<method>(row, col, *args)`; a later put on the cell wins."""
        self._cells[(row, col)] = (method, args)

    def write_string(self, row: int, col: int, *args: Any) -> None:
        self.put(row, col, "write_string", *args)

    def write_number(self, row: int, col: int, *args: Any) -> None:
        self.put(row, col, "write_number", *args)

    def write_formula(self, row: int, col: int, *args: Any) -> None:
        self.put(row, col, "write_formula", *args)

    def write_blank(self, row: int, col: int, *args: Any) -> None:
        self.put(row, col, "write_blank", *args)

    def merge(self, row: int, col: int, last_col: int, method: str, *args: Any) -> None:
        """Queue a cell merged across columns col..last_col of one row, written by `method`.

        One row only: a merge over several rows would write later rows first.
        """
        self._cells[(row, col)] = ("_merge", (last_col, method, args))

    def cached(self, row: int, col: int) -> Any:
        """The cached value queued with a formula cell ("" when none)."""
        method, args = self._cells.get((row, col), ("", ()))
        return args[2] if method == "write_formula" and len(args) > 2 else ""

    def flush(self, worksheet: Worksheet) -> None:
        """Write every queued cell, row by row."""
        for (row, col), (method, args) in sorted(self._cells.items()):
            if method == "_merge":
                last_col, method, args = args
                if last_col > col:
                    worksheet.merge_range(row, col, row, last_col, "", args[1])
            if method == "write_formula" and len(args) > 2 and isinstance(args[2], str):
                # XlsxWriter writes a formula's cached text unescaped (a campaign name
                # shown by the Dashboard's title formula): keep it XML-safe.
                args = (*args[:2], xml_safe(args[2]), *args[3:])
            getattr(worksheet, method)(row, col, *args)
        self._cells.clear()
