"""xltrack: generate, read, check and summarize marketing-campaign tracking workbooks.

The public API is exactly `__all__`; the command line (`xltrack`) is a thin
layer on it.
"""

from __future__ import annotations

from xltrack.analyze import Analysis, analyze_workbook
from xltrack.checks import ALL_CHECKS, run_checks
from xltrack.errors import (
    InputChangedError,
    OutputError,
    OutputNameError,
    SpecError,
    UnreadableWorkbookError,
    UnrecognizedWorkbookError,
    UnsupportedWorkbookError,
    WorkbookError,
    XltrackError,
)
from xltrack.findings import Finding, Location, Severity
from xltrack.frames import CampaignFrames, TableFrame
from xltrack.portfolio import Portfolio, analyze_many
from xltrack.reader import read_workbook
from xltrack.render import findings_to_frame
from xltrack.spec import Spec, load_spec
from xltrack.summary import Summary, build_summary
from xltrack.summary_sheet import write_summary
from xltrack.writer import generate_workbook

__version__ = "0.1.0"

__all__ = [
    "ALL_CHECKS",
    "Analysis",
    "CampaignFrames",
    "Finding",
    "InputChangedError",
    "Location",
    "OutputError",
    "OutputNameError",
    "Portfolio",
    "Severity",
    "Spec",
    "SpecError",
    "Summary",
    "TableFrame",
    "UnreadableWorkbookError",
    "UnrecognizedWorkbookError",
    "UnsupportedWorkbookError",
    "WorkbookError",
    "XltrackError",
    "__version__",
    "analyze_many",
    "analyze_workbook",
    "build_summary",
    "findings_to_frame",
    "generate_workbook",
    "load_spec",
    "read_workbook",
    "run_checks",
    "write_summary",
]
