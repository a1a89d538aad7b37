"""Read the Dashboard back in tests: its KPI tiles and its chart data, by label."""

from __future__ import annotations

from typing import Any

import pytest

from xltrack.dashboard import TILE_ROW
from xltrack.spec import Lang, load_spec
from xltrack.summary import Summary


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


def dashboard_metrics(ws: Any, lang: Lang) -> dict[str, list[Any]]:
    """The Dashboard's per-metric chart data (name, target, actual, expected, achieved,
    expected share, pace, deviation, light), by metric name."""
    rows = chart_data(ws, load_spec().label("kpi_metric", lang), 9)
    return {r[0]: r for r in rows if r[0]}


def agree(summary: Summary, board: dict[str, list[Any]], lang: Lang) -> None:
    """Each Dashboard metric has the summary's target, actual, expected, achievement, pace
    and light (the summary may have more metrics: table 5's or the daily table's)."""
    mine = {m.name: m for m in summary.metrics}
    assert set(board) <= set(mine)
    for name, (_, target, actual, expected, achieved, _, pace, _, light) in board.items():
        m = mine[name]
        assert (m.target, m.actual) == (_blank(target), _blank(actual)), name
        assert m.expected == pytest.approx(_blank(expected)), name
        assert m.rate == pytest.approx(_blank(achieved)), name
        assert m.pace == pytest.approx(_blank(pace)), name
        word = load_spec().enum_label("light", m.light, lang) if m.light else None
        assert word == _blank(light), name


def _blank(value: Any) -> Any:
    return None if value == "" else value
