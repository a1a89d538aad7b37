"""The weekly report sheet: sections styled by what they are, figures as typed cells."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from xltrack.cli import cli
from xltrack.writer import generate_workbook


def _campaign(path: Path) -> Path:
    """The tester's case: one goal, one task in progress, one day with spend on one channel."""
    generate_workbook(
        path, name="Base", owner="A", start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31)
    )
    book = openpyxl.load_workbook(path)
    book["Campaign"]["D5"], book["Campaign"]["E5"] = "Sales", 1000
    _fill(book["Tasks"], {"A4": "T1", "B4": "x", "D4": "o", "E4": "2025-03-01"})
    _fill(book["Tasks"], {"F4": "2025-03-20", "H4": "In progress"})
    _fill(book["Daily"], {"A4": "2025-03-11", "B4": "Sales", "C4": 10, "D4": 50})
    _fill(book["Daily"], {"M4": "Douyin", "N4": 10})
    book.save(path)
    return path


def _fill(sheet: Any, values: dict[str, str | int]) -> None:
    for cell, value in values.items():
        sheet[cell] = value


def _cells(path: Path) -> dict[str, openpyxl.cell.cell.Cell]:
    sheet = openpyxl.load_workbook(path)["Weekly report 2025-03-10"]
    return {c.coordinate: c for row in sheet.iter_rows() for c in row if c.value is not None}


@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_more_spend_channels_than_findings_is_no_crash(tmp_path: Path, fmt: str) -> None:
    src = _campaign(tmp_path / "spend.xlsx")
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(
        cli, ["report", str(src), "--week-of", "2025-03-12", "--format", fmt, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert "Douyin" in result.stdout
    assert out.exists()


def test_weekly_sheet_writes_typed_cells_and_styles_sections_by_kind(tmp_path: Path) -> None:
    src = _campaign(tmp_path / "spend.xlsx")
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(
        cli, ["report", str(src), "--week-of", "2025-03-12", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    cells = _cells(out)
    by_text = {c.value: c for c in cells.values() if isinstance(c.value, str)}
    # Key results: target and actual are numbers, the deviation a percentage.
    metric_row = by_text["Sales"].row
    target, actual, deviation = (cells[f"{col}{metric_row}"] for col in "BCD")
    assert (target.value, actual.value) == (10, 50)
    assert target.number_format == "#,##0"
    assert deviation.value == pytest.approx(-4) and deviation.number_format.endswith("%")
    # Next week's plan: the task's dates are dates.
    task_row = by_text["T1"].row
    assert cells[f"C{task_row}"].value == dt.datetime(2025, 3, 1)
    assert cells[f"C{task_row}"].number_format == "yyyy-mm-dd"
    # Spend: the channel is plain text (not a severity light), the amount a number.
    channel = by_text["Douyin"]
    assert channel.fill.fgColor.rgb in ("00000000", None)
    assert cells[f"B{channel.row}"].value == 10


def test_weekly_sheet_colours_findings_after_the_spend_section(tmp_path: Path) -> None:
    src = _campaign(tmp_path / "spend.xlsx")
    book = openpyxl.load_workbook(src)
    book["Daily"]["A5"], book["Daily"]["B5"] = "2025-03-12", "Sales"
    book["Daily"]["C5"], book["Daily"]["D5"] = 100, 10  # far below target: a red day
    book.save(src)
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(
        cli, ["report", str(src), "--week-of", "2025-03-12", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    cells = _cells(out)
    findings_title = next(c for c in cells.values() if str(c.value).startswith("New this week"))
    severity = cells[f"A{findings_title.row + 2}"]
    assert severity.value in ("Warning", "Error")
    assert severity.fill.fgColor.rgb not in ("00000000", None)
