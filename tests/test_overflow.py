"""Numbers that overflow never crash a writer nor make JSON invalid.

A 400-digit number typed as text is a finite string but no finite float; a
target of 1e-300 makes every ratio over it infinite. Python's json writes
`Infinity`, which no JSON parser accepts, and XlsxWriter refuses to write it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from xltrack.cells import parse_amount
from xltrack.cli import cli
from xltrack.writer import generate_workbook

HUGE = "9" * 400


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"invalid JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


def _campaign(path: Path, goal: str | float, target: str | float, actual: float) -> Path:
    generate_workbook(
        path, name="Base", owner="A", start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31)
    )
    book = openpyxl.load_workbook(path)
    campaign, daily, evaluation = book["Campaign"], book["Daily"], book["Evaluation"]
    campaign["D5"], campaign["E5"] = "Sales", goal
    daily["A4"], daily["B4"], daily["C4"], daily["D4"] = "2025-03-02", "Sales", target, actual
    daily["A5"], daily["B5"], daily["C5"], daily["D5"] = "2025-03-03", "Sales", 10, 10
    evaluation["A4"], evaluation["B4"], evaluation["C4"] = "Sales", goal, actual
    book.save(path)
    return path


@pytest.mark.parametrize(
    "value", [HUGE, "1e999", "inf", math.inf, -math.inf, 2e15, "-3e15", "2000万亿"]
)
def test_parse_amount_refuses_infinite_and_absurd_numbers(value: object) -> None:
    parsed = parse_amount(value)
    assert not parsed.ok and parsed.value is None


@pytest.mark.parametrize("value", [1e15, "50万", "1.2亿", 0.5, 1e-300])
def test_parse_amount_keeps_large_but_plausible_numbers(value: object) -> None:
    assert parse_amount(value).ok


def test_a_400_digit_number_is_a_cell_unparsed_warning(tmp_path: Path) -> None:
    src = _campaign(tmp_path / "inf.xlsx", HUGE, HUGE, 5)
    runner = CliRunner()
    check = runner.invoke(cli, ["check", str(src), "--as-of", "2025-03-10", "--format", "json"])
    assert check.exit_code == 0, check.output  # warnings only: below --fail-on error
    findings = _strict_json(check.stdout)["workbooks"][0]["findings"]
    unparsed = {
        (f["sheet"], f["column"], f["row"]) for f in findings if f["code"] == "cell-unparsed"
    }
    assert ("Campaign", "E", 5) in unparsed and ("Daily", "C", 4) in unparsed
    assert "of ?" not in json.dumps(findings)
    summary = runner.invoke(
        cli, ["summarize", str(src), "--as-of", "2025-03-10", "-o", str(tmp_path / "s.xlsx")]
    )
    assert summary.exit_code == 0, summary.output
    openpyxl.load_workbook(tmp_path / "s.xlsx")
    export = tmp_path / "export"
    batch = runner.invoke(
        cli,
        ["batch", str(src), "--as-of", "2025-03-10", "--format", "json", "--export", str(export)],
    )
    assert batch.exit_code == 0, batch.output
    _strict_json(batch.stdout)
    assert "e+308" not in (export / "daily.csv").read_text(encoding="utf-8-sig")


def test_ratios_over_a_near_zero_target_write_and_print_valid_output(tmp_path: Path) -> None:
    # Finite inputs, but actual / target = 1e14 / 1e-300 overflows to infinity.
    src = _campaign(tmp_path / "tiny.xlsx", 1e-300, 1e-300, 1e14)
    runner = CliRunner()
    commands = {
        "summarize": ["summarize", str(src), "--as-of", "2025-03-10", "--format", "json"],
        "report": ["report", str(src), "--week-of", "2025-03-03", "--format", "json"],
        "check": ["check", str(src), "--as-of", "2025-03-10", "--format", "json"],
        "batch": ["batch", str(src), "--as-of", "2025-03-10", "--format", "json"],
    }
    for name, args in commands.items():
        out = ["-o", str(tmp_path / f"{name}.xlsx")] if name != "check" else []
        result = runner.invoke(cli, [*args, *out])
        assert result.exit_code in (0, 1), (name, result.output)
        _strict_json(result.stdout)
        if out:
            openpyxl.load_workbook(tmp_path / f"{name}.xlsx")


def test_json_writers_turn_non_finite_numbers_into_null() -> None:
    from xltrack.escaping import LazyList, finite, iter_json, json_text

    data = {"a": math.inf, "b": [math.nan, 1.5], "c": LazyList(2, lambda: iter([-math.inf, 2]))}
    assert finite(data)["b"] == [None, 1.5]
    assert _strict_json(json_text(data)) == {"a": None, "b": [None, 1.5], "c": [None, 2]}
    assert _strict_json("".join(iter_json(data)))["c"] == [None, 2]
