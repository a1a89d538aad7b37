"""The one exception hierarchy of xltrack.

Raised only when a whole file (or the output) cannot be processed; anything
about one sheet, row or cell is a `Finding` instead.

    XltrackError(Exception)                  every failure the API raises
    ├── SpecError(XltrackError, ValueError)  a template definition is invalid
    ├── ArgumentError(XltrackError, ValueError)  an API argument is out of range (exit 2)
    ├── WorkbookError(XltrackError)          an input cannot be used at all
    │   ├── UnreadableWorkbookError          corrupt, truncated, encrypted, over limits
    │   ├── UnsupportedWorkbookError         a format we do not read (.xls, .csv, ...)
    │   └── UnrecognizedWorkbookError        none of the five tables can be located
    ├── OutputError(XltrackError, OSError)   the target cannot be written; original intact
    │   ├── OutputNameError                  the output's name does not fit its content (exit 2)
    │   └── InputChangedError                the input changed after it was read; nothing written
    └── ExecutorError(XltrackError)          the batch's executor cannot be used or lost its workers
        └── SchedulerAddressError            a malformed Dask scheduler address (exit 2)

Every class's `code` is in the catalogue of `codes.py`; a `WorkbookError` turns into
the one finding a batch reports for a file it could not use (`to_finding`).

Attributes are plain str/int so that exceptions pickle across worker processes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xltrack.refusals import reason_in

if TYPE_CHECKING:
    from xltrack.findings import Finding


class XltrackError(Exception):
    """Root of every error xltrack raises."""

    code = "xltrack-error"
    exit_code = 3


class SpecError(XltrackError, ValueError):
    """A template definition is invalid."""

    code = "template-invalid"


class ArgumentError(XltrackError, ValueError):
    """A public function was called with a value outside its range (a language, a row count)."""

    code = "argument-invalid"
    exit_code = 2


class WorkbookError(XltrackError):
    """An input workbook cannot be used at all.

    Args:
        path: the file.
        reason: what is wrong, in a sentence.
        sheet: the sheet, when the problem is in one.
        cell: the cell (A1), when the problem is in one.
        code: a stable kebab-case code (see codes.py).
    """

    code = "file-unreadable"

    def __init__(
        self,
        path: str,
        reason: str,
        *,
        sheet: str | None = None,
        cell: str | None = None,
        code: str | None = None,
    ) -> None:
        self.path = str(path)
        self.reason = reason
        self.sheet = sheet
        self.cell = cell
        if code is not None:
            self.code = code
        super().__init__(path, reason)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.path, self.reason, self.sheet, self.cell, self.code))

    def _place(self) -> str:
        place = self.path
        if self.sheet:
            place += f" › {self.sheet}"
            if self.cell:
                place += f"!{self.cell}"
        return place

    def __str__(self) -> str:
        return f"{self._place()}: {self.reason}"

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": str(self)}

    def message(self, lang: str = "en") -> str:
        """`str(self)` with the reason in `lang` (see refusals.py)."""
        return f"{self._place()}: {reason_in(self.reason, lang)}"

    def to_finding(self) -> Finding:
        """The one file-level finding a batch reports for this file (its code, the reason)."""
        from xltrack.findings import Finding, Location

        column = row = None
        if self.cell:
            column = "".join(ch for ch in self.cell if ch.isalpha()) or None
            digits = "".join(ch for ch in self.cell if ch.isdigit())
            row = int(digits) if digits else None
        return Finding(
            self.code, Location(self.path, self.sheet, row, column), {"reason": str(self)}
        )


def _rebuild(
    cls: type[WorkbookError],
    path: str,
    reason: str,
    sheet: str | None,
    cell: str | None,
    code: str,
) -> WorkbookError:
    return cls(path, reason, sheet=sheet, cell=cell, code=code)


class UnreadableWorkbookError(WorkbookError):
    """Not a valid workbook: corrupt, truncated, encrypted, or over the safety limits."""

    code = "file-unreadable"


class UnsupportedWorkbookError(WorkbookError):
    """A format xltrack does not read (legacy .xls, CSV, HTML, ODS ...)."""

    code = "file-unsupported"


class UnrecognizedWorkbookError(WorkbookError):
    """A readable workbook in which none of the five tables can be located."""

    code = "file-unrecognized"


class OutputError(XltrackError, OSError):
    """The output cannot be written; the original file is left as it was."""

    code = "output-failed"

    def __init__(self, path: str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(path, reason)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.reason))

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"

    def message(self, lang: str = "en") -> str:
        """`str(self)` with the reason in `lang` (see refusals.py)."""
        return f"{self.path}: {reason_in(self.reason, lang)}"


class OutputNameError(OutputError):
    """The output's name does not fit what would be written (`report.txt` for a workbook).

    A usage error, so it exits 2 like click's own.
    """

    code = "output-name"
    exit_code = 2


class InputChangedError(OutputError):
    """The input changed (saved by another program) between reading it and writing the output."""

    code = "input-changed"


class ExecutorError(XltrackError):
    """The executor cannot be used (an unknown name, dask missing, no scheduler, workers lost)."""

    code = "executor-failed"


class SchedulerAddressError(ExecutorError):
    """The Dask scheduler address is malformed: a usage error (exit 2)."""

    exit_code = 2
