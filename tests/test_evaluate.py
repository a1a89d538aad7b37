"""The small formula evaluator: table-driven (ids = the formula)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xltrack.evaluate import ExcelError, FormulaError, evaluate, shift_formula

CELLS: dict[tuple[str | None, str, int], Any] = {
    (None, "A", 1): 10.0,
    (None, "A", 2): 20.0,
    (None, "A", 3): "x",
    (None, "A", 4): None,
    (None, "B", 1): dt.date(2024, 6, 1),
    (None, "C", 1): "Done",
    ("Daily", "C", 2): 50000.0,
    ("Daily", "C", 3): 50000.0,
    ("My Sheet", "D", 4): 3.0,
}


def lookup(sheet: str | None, col: str, row: int) -> Any:
    return CELLS.get((sheet, col, row))


CASES: list[tuple[str, Any]] = [
    ("=1+2*3", 7.0),
    ("=(1+2)*3", 9.0),
    ("=2^3", 8.0),
    ("=-A1^2", 100.0),
    ("=50%", 0.5),
    ("=A1/4", 2.5),
    ("=$A$1+A2", 30.0),
    ("=SUM(A1:A4)", 30.0),
    ("=SUM(Daily!C2:C3)", 100000.0),
    ("='My Sheet'!D4*2", 6.0),
    ("=AVERAGE(A1:A2)", 15.0),
    ("=MIN(A1:A2,5)", 5.0),
    ("=MAX(A1:A2)", 20.0),
    ("=ROUND(2.5,0)", 3.0),
    ("=ROUND(-2.5,0)", -3.0),
    ("=ROUND(1.2345,2)", 1.23),
    ('=IF(A1>5,"big","small")', "big"),
    ('=IF(C1="done",1,9)', 1.0),
    ("=AND(A1>1,A2>1)", True),
    ("=OR(A1>100,A2>100)", False),
    ("=NOT(A1>1)", False),
    ('=IFERROR(1/0,"n/a")', "n/a"),
    ("=IFERROR(A1*2,0)", 20.0),
    ("=COUNTA(A1:A4)", 3.0),
    ("=COUNT(A1:A4)", 2.0),
    ('=COUNTIF(A1:A2,">15")', 1.0),
    ('=SUMIF(A1:A2,">15")', 20.0),
    ('=A1&"-"&A3', "10-x"),
    ("=B1+4", 45448.0),
    ("=TODAY()", 45458.0),
    ("=DATE(2024,6,1)", 45444.0),
    ("=ABS(-3)", 3.0),
    ("=A4+1", 1.0),
    ("=A1<>A2", True),
]


@pytest.mark.parametrize(("formula", "want"), CASES, ids=[c[0] for c in CASES])
def test_evaluate_formula(formula: str, want: Any) -> None:
    assert evaluate(formula, lookup, dt.date(2024, 6, 15)) == pytest.approx(want)


@pytest.mark.parametrize(("formula", "error"), [("=1/0", "#DIV/0!"), ("=A3*2", "#VALUE!")])
def test_evaluate_excel_errors_are_values(formula: str, error: str) -> None:
    assert evaluate(formula, lookup) == ExcelError(error)


@pytest.mark.parametrize(
    "formula", ["=VLOOKUP(1,A1:B2,2)", "=SUM(A1", "=1+", "=A1:A2", "=TODAY()", '=INDIRECT("A1")']
)
def test_evaluate_unsupported_raises_formula_error(formula: str) -> None:
    with pytest.raises(FormulaError):
        evaluate(formula, lookup)


def test_evaluate_shift_shared_formula_moves_relative_refs_only() -> None:
    assert shift_formula('B2*$C$1+SUM(A2:A5)&"A1"', 3, 1) == 'C5*$C$1+SUM(B5:B8)&"A1"'
