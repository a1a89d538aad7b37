"""The XlsxWriter internals xltrack relies on, each held to what xltrack needs of it.

xltrack reaches past XlsxWriter's public API in eight places (tables.py, writer.py):
an Excel Table declared in constant-memory mode and widened afterwards, row heights
forgotten once a row is flushed, and a half-written workbook discarded. pyproject
pins XlsxWriter below its next major; if a release changes one of these, the test
naming it fails here, loudly, instead of a workbook going subtly wrong.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter


def _sheet(tmp_path: Path, constant_memory: bool = True) -> tuple[xlsxwriter.Workbook, Any]:
    wb = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": constant_memory})
    return wb, wb.add_worksheet()


def test_internals_constant_memory_flag_can_be_lifted_for_add_table(tmp_path: Path) -> None:
    wb, ws = _sheet(tmp_path)
    assert ws.constant_memory  # 1: the guard add_table() checks
    ws.constant_memory = 0
    assert (
        ws.add_table(0, 0, 1, 1, {"name": "T", "columns": [{"header": "a"}, {"header": "b"}]}) == 0
    )
    wb.close()


def test_internals_tables_entry_takes_a_wider_range(tmp_path: Path) -> None:
    wb, ws = _sheet(tmp_path, constant_memory=False)
    ws.add_table(0, 0, 1, 1, {"name": "T", "columns": [{"header": "a"}, {"header": "b"}]})
    entry = ws.tables[-1]
    assert {"range", "a_range", "autofilter"} <= set(entry)
    entry.update(range="A1:B9", a_range="A1:B9", autofilter="A1:B9")
    wb.close()
    import zipfile

    table_xml = zipfile.ZipFile(tmp_path / "x.xlsx").read("xl/tables/table1.xml").decode()
    assert 'ref="A1:B9"' in table_xml


def test_internals_previous_row_tracks_the_flushed_row(tmp_path: Path) -> None:
    wb, ws = _sheet(tmp_path)
    ws.write(0, 0, "a")
    ws.write(5, 0, "b")
    assert ws.previous_row == 5
    wb.close()


def test_internals_row_info_and_row_sizes_hold_set_row(tmp_path: Path) -> None:
    wb, ws = _sheet(tmp_path)
    ws.set_row(3, 30)
    assert 3 in ws.row_info and 3 in ws.row_sizes
    ws.row_info.pop(3)
    ws.row_sizes.pop(3)
    wb.close()


def test_internals_discard_half_written_workbook(tmp_path: Path) -> None:
    wb, ws = _sheet(tmp_path)
    ws.write(0, 0, "a")
    assert ws.row_data_filename and Path(ws.row_data_filename).exists()
    ws._opt_close()  # the row temp file's handle
    Path(ws.row_data_filename).unlink()
    wb.fileclosed = True  # close() never comes: no "Exception ignored" at exit
    assert not (tmp_path / "x.xlsx").exists()
