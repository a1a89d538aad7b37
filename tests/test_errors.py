from __future__ import annotations

import pickle

import pytest

from xltrack.errors import (
    OutputError,
    SpecError,
    UnreadableWorkbookError,
    UnrecognizedWorkbookError,
    UnsupportedWorkbookError,
    WorkbookError,
    XltrackError,
)


@pytest.mark.parametrize(
    "cls", [WorkbookError, UnreadableWorkbookError, UnsupportedWorkbookError, UnrecognizedWorkbookError]
)
def test_errors_workbook_errors_pickle_and_name_the_place(cls: type[WorkbookError]) -> None:
    err = cls("budget.xlsx", 'cannot read date "6.31"', sheet="Tasks", cell="E7")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert str(back) == 'budget.xlsx › Tasks!E7: cannot read date "6.31"'
    assert back.code == err.code and isinstance(back, XltrackError)
    assert back.to_dict() == {"code": err.code, "message": str(err)}


def test_errors_output_and_spec_errors_are_builtin_kinds_too() -> None:
    out = pickle.loads(pickle.dumps(OutputError("a.xlsx", "disk full")))
    assert isinstance(out, OSError) and str(out) == "a.xlsx: disk full"
    assert issubclass(SpecError, ValueError)


def test_errors_codes_exist_in_catalogue() -> None:
    from xltrack.codes import CODES

    for cls in (UnreadableWorkbookError, UnsupportedWorkbookError, UnrecognizedWorkbookError):
        assert cls.code in CODES
