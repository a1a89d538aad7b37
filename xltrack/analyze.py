"""The one pipeline every command uses: read a workbook, check it, summarize it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from xltrack.checks import run_checks
from xltrack.findings import Finding, sort_findings
from xltrack.frames import CampaignFrames
from xltrack.reader import read_workbook
from xltrack.spec import Spec, load_spec
from xltrack.summary import Summary, build_summary


@dataclass
class Analysis:
    """What xltrack knows about one workbook at one as-of date."""

    path: str
    as_of: dt.date
    frames: CampaignFrames
    findings: list[Finding]
    summary: Summary


def analyze_workbook(
    path: str | Path, as_of: dt.date, spec: Spec | None = None
) -> Analysis:
    """Read, check and summarize one workbook.

    Args:
        path: the .xlsx/.xlsm file (never modified).
        as_of: the date overdue and age are measured against; never the clock.
        spec: the template definition; the built-in one when None.

    Returns:
        The `Analysis`: frames, sorted findings (reader's and checks'), summary.

    Raises:
        WorkbookError: the file cannot be used at all.
    """
    spec = spec or load_spec()
    frames = read_workbook(path, spec=spec, as_of=as_of)
    findings = frames.load_findings + run_checks(frames, as_of, spec=spec)
    order = {name: i for i, name in enumerate(frames.sheet_order)}
    findings = sort_findings(findings, order)
    summary = build_summary(frames, findings, as_of)
    return Analysis(str(path), as_of, frames, findings, summary)
