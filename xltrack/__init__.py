"""xltrack: generate, read, check and summarize marketing-campaign tracking workbooks.

The public API is exactly `__all__`; the command line (`xltrack`) is a thin
layer on it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from xltrack.errors import (
    ArgumentError,
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

if TYPE_CHECKING:
    from xltrack.analyze import Analysis, analyze_workbook
    from xltrack.checks import ALL_CHECKS, run_checks
    from xltrack.findings import Finding, Location, Severity
    from xltrack.frames import CampaignFrames, TableFrame
    from xltrack.portfolio import Portfolio, analyze_many
    from xltrack.reader import read_workbook
    from xltrack.render import findings_to_frame
    from xltrack.spec import Spec, load_spec
    from xltrack.summary import Summary, build_summary
    from xltrack.summary_sheet import write_summary
    from xltrack.weekly import WeeklyReport, build_weekly_report
    from xltrack.weekly_sheet import write_report
    from xltrack.writer import generate_workbook

# The rest of the API loads on first use: `import xltrack` (and so `xltrack --help`)
# does not pay for pandas and the Excel engines until a function needs them.
_LAZY = {
    "Analysis": "xltrack.analyze",
    "analyze_workbook": "xltrack.analyze",
    "ALL_CHECKS": "xltrack.checks",
    "run_checks": "xltrack.checks",
    "Finding": "xltrack.findings",
    "Location": "xltrack.findings",
    "Severity": "xltrack.findings",
    "CampaignFrames": "xltrack.frames",
    "TableFrame": "xltrack.frames",
    "Portfolio": "xltrack.portfolio",
    "analyze_many": "xltrack.portfolio",
    "read_workbook": "xltrack.reader",
    "findings_to_frame": "xltrack.render",
    "Spec": "xltrack.spec",
    "load_spec": "xltrack.spec",
    "Summary": "xltrack.summary",
    "build_summary": "xltrack.summary",
    "write_summary": "xltrack.summary_sheet",
    "WeeklyReport": "xltrack.weekly",
    "build_weekly_report": "xltrack.weekly",
    "write_report": "xltrack.weekly_sheet",
    "generate_workbook": "xltrack.writer",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'xltrack' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__version__ = "0.1.0"

__all__ = [
    "ALL_CHECKS",
    "Analysis",
    "ArgumentError",
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
    "WeeklyReport",
    "WorkbookError",
    "XltrackError",
    "__version__",
    "analyze_many",
    "analyze_workbook",
    "build_summary",
    "build_weekly_report",
    "findings_to_frame",
    "generate_workbook",
    "load_spec",
    "read_workbook",
    "run_checks",
    "write_report",
    "write_summary",
]
