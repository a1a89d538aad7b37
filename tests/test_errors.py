from __future__ import annotations

import pickle
from pathlib import Path

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
    "cls",
    [WorkbookError, UnreadableWorkbookError, UnsupportedWorkbookError, UnrecognizedWorkbookError],
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


def _subclasses(cls: type[XltrackError]) -> list[type[XltrackError]]:
    out: list[type[XltrackError]] = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def test_errors_every_class_code_is_in_the_catalogue() -> None:
    import xltrack.errors as errors_module
    from xltrack.codes import CODES
    from xltrack.errors import XltrackError

    classes: list[type[XltrackError]] = [XltrackError, *_subclasses(XltrackError)]
    assert {c.__module__ for c in classes} == {errors_module.__name__}  # one tree, one module
    assert [c.__name__ for c in classes if c.code not in CODES] == []


def test_errors_workbook_error_to_finding_names_file_sheet_and_cell() -> None:
    from xltrack.errors import UnreadableWorkbookError

    finding = UnreadableWorkbookError(
        "b.xlsx", "cannot read the sheet", sheet="Tasks", cell="E7"
    ).to_finding()
    assert (finding.code, finding.location.file, finding.location.sheet, finding.location.cell) == (
        "file-unreadable",
        "b.xlsx",
        "Tasks",
        "E7",
    )
    assert finding.params == {"reason": "b.xlsx › Tasks!E7: cannot read the sheet"}


def test_errors_public_api_argument_mistakes_are_xltrack_errors(tmp_path: Path) -> None:
    import pytest

    from xltrack import generate_workbook
    from xltrack.errors import ArgumentError

    with pytest.raises(ArgumentError):
        generate_workbook(tmp_path / "x.xlsx", lang="fr")
    with pytest.raises(ValueError):  # still a ValueError for callers who catch that
        generate_workbook(tmp_path / "x.xlsx", rows=0)


def test_errors_unknown_reason_stays_english_and_a_known_one_is_translated() -> None:
    from xltrack.errors import UnreadableWorkbookError

    err = UnreadableWorkbookError("a.xlsx", "part xl/x.xml is missing", sheet="S", cell="B2")
    assert err.message("zh") == "a.xlsx › S!B2: 缺少部件 xl/x.xml"
    assert err.message("en") == str(err)
    odd = UnreadableWorkbookError("a.xlsx", "something nobody wrote a translation for")
    assert odd.message("zh") == str(odd)
