"""Issue 9 item 8: memory and time follow the cells present; every failure is an XltrackError."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from xltrack.reader import read_workbook
from xltrack.spec import Spec

AS_OF = dt.date(2024, 6, 15)


def test_formula_without_cached_value_below_the_grid(tmp_path: Path, spec: Spec) -> None:
    # openpyxl stores "=0" with no cached value: the engine's grid ends above it.
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    for c, col in enumerate(spec.table("campaign").columns, start=1):
        sheet.cell(1, c, col.label.zh)
    sheet.cell(2, 1, "=0")
    wb.save(tmp_path / "f.xlsx")
    frames = read_workbook(tmp_path / "f.xlsx", spec, as_of=AS_OF)
    assert frames.info["name"] == "0"
