"""xltrack: generate, read, check and summarize marketing-campaign tracking workbooks.

The public API is exactly `__all__`; the command line (`xltrack`) is a thin
layer on it.
"""

from __future__ import annotations

from xltrack.errors import (
    OutputError,
    SpecError,
    UnreadableWorkbookError,
    UnrecognizedWorkbookError,
    UnsupportedWorkbookError,
    WorkbookError,
    XltrackError,
)
from xltrack.findings import Finding, Location, Severity
from xltrack.spec import Spec, load_spec

__version__ = "0.1.0"

__all__ = [
    "Finding",
    "Location",
    "OutputError",
    "Severity",
    "Spec",
    "SpecError",
    "UnreadableWorkbookError",
    "UnrecognizedWorkbookError",
    "UnsupportedWorkbookError",
    "WorkbookError",
    "XltrackError",
    "__version__",
    "load_spec",
]
