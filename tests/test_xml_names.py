"""Control characters from a workbook never make an output unreadable.

Excel stores a soft line break pasted from Word as `_x000B_` (a vertical tab);
XlsxWriter escapes such characters in cell strings but writes table column
names, sheet names, chart titles and cached formula text as they are, and XML
1.0 forbids them: one metric name used to make portfolio.xlsx unopenable.
"""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from click.testing import CliRunner
from libreoffice import convert, needs_soffice

from xltrack.cli import cli
from xltrack.errors import SpecError
from xltrack.spec import load_spec
from xltrack.writer import generate_workbook
from xltrack.xmlnames import table_headers, xml_safe

VT, ESC = "_x000B_", "_x001B_"  # how the cells store them; read back as \x0b, \x1b


def _fill(sheet: Any, values: dict[str, str | int]) -> None:
    for cell, value in values.items():
        sheet[cell] = value


def _hostile(path: Path) -> Path:
    generate_workbook(
        path, name="Base", owner="A", start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31)
    )
    book = openpyxl.load_workbook(path)
    sales, esc = f"Sales{VT}(online)", f"Esc{ESC}[31m"
    _fill(book["Campaign"], {"D5": sales, "E5": 1000, "D6": esc, "E6": 100})
    _fill(book["Tasks"], {"A4": f"T1{VT}", "B4": f"x{ESC}y", "D4": "o", "E4": "2025-03-01"})
    _fill(book["Tasks"], {"F4": "2025-03-20", "H4": "In progress"})
    _fill(book["Daily"], {"A4": "2025-03-11", "B4": sales, "C4": 10, "D4": 50})
    _fill(book["Daily"], {"M4": f"Dou{VT}yin", "N4": 10})
    _fill(book["Daily"], {"A5": "2025-03-11", "B5": esc, "C5": 10, "D5": 5})
    _fill(book["Evaluation"], {"A4": sales, "B4": 100, "C4": 90})
    _fill(book["Evaluation"], {"A5": esc, "B5": 100, "C5": 90})
    book.save(path)
    return path


def _assert_well_formed(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(z.read(name))  # raises on a forbidden character
    openpyxl.load_workbook(path)


def _outputs(tmp_path: Path) -> list[Path]:
    (tmp_path / "in").mkdir()
    src = _hostile(tmp_path / "in" / "vt.xlsx")
    runner = CliRunner()
    pf, summary, report = tmp_path / "pf.xlsx", tmp_path / "s.xlsx", tmp_path / "r.xlsx"
    for args in (
        ["batch", str(src), "--as-of", "2025-03-12", "-o", str(pf)],
        ["summarize", str(src), "--as-of", "2025-03-12", "-o", str(summary)],
        ["report", str(src), "--week-of", "2025-03-12", "-o", str(report)],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code in (0, 1), (args, result.output)
    return [pf, summary, report]


def test_control_characters_in_names_leave_every_output_readable(tmp_path: Path) -> None:
    outputs = _outputs(tmp_path)
    for path in outputs:
        _assert_well_formed(path)
    # The portfolio's tables name the metric's columns, the vertical tab a space.
    book = openpyxl.load_workbook(outputs[0])
    headers = [c for t in book["Campaigns"].tables.values() for c in t.column_names]
    assert "Sales (online) target" in headers
    assert not [h for h in headers if xml_safe(h) != h]


@needs_soffice
def test_control_characters_in_names_libreoffice_opens_the_outputs(tmp_path: Path) -> None:
    outputs = _outputs(tmp_path)
    for source, converted in zip(outputs, convert(outputs, tmp_path / "lo"), strict=True):
        with warnings.catch_warnings():  # openpyxl cannot read back LibreOffice's charts
            warnings.simplefilter("ignore")
            names = openpyxl.load_workbook(converted).sheetnames
        assert names == openpyxl.load_workbook(source).sheetnames


def test_new_with_control_characters_in_the_name_writes_a_readable_workbook(
    tmp_path: Path,
) -> None:
    out = tmp_path / "n.xlsx"
    result = CliRunner().invoke(
        cli, ["new", str(out), "--name", "Big\x0bSale\x1b[31m", "--owner", "A\x01"]
    )
    assert result.exit_code == 0, result.output
    _assert_well_formed(out)


def test_template_with_a_control_character_is_refused_by_name(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text('extends: builtin\nlabels:\n  weekly_sheet: {en: "Week\\x0bly", zh: 周报}\n')
    with pytest.raises(SpecError, match=r"labels\.weekly_sheet\.en: control character U\+000B"):
        load_spec(team)


def test_xml_safe_and_table_headers() -> None:
    assert xml_safe("Sales\x0b(online)\x1b[31m\x00") == "Sales (online)[31m"
    assert xml_safe("tab\tnew\nline 销售额") == "tab\tnew\nline 销售额"
    assert table_headers(["A\x0b", "a ", "", "b"]) == ["A", "a (2)", "Column3", "b"]
