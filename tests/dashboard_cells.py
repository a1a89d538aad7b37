"""Read the Dashboard back in tests: its KPI tiles and its chart data, by label."""

from __future__ import annotations

from typing import Any

from xltrack.dashboard import TILE_ROW


def tiles(ws: Any) -> dict[str, Any]:
    """{tile label: (value, sub-line)} of a Dashboard (an openpyxl sheet, values loaded)."""
    found = {}
    for cell in ws[TILE_ROW + 1]:
        if isinstance(cell.value, str) and cell.value:
            below = ws.cell(TILE_ROW + 2, cell.column).value
            sub = ws.cell(TILE_ROW + 3, cell.column).value
            found[cell.value] = (below, sub)
    return found


def chart_data(ws: Any, title: str, width: int) -> list[list[Any]]:
    """The rows of a chart-data block under the cell reading `title` (until a blank row)."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.value == title:
                out = []
                r = cell.row + 1
                while ws.cell(r, cell.column).value not in (None, ""):
                    out.append([ws.cell(r, cell.column + j).value for j in range(width)])
                    r += 1
                return out
    raise KeyError(title)
