"""The one pipeline every command uses: read a workbook, check it, summarize it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from xltrack.checks import run_stack_checks
from xltrack.checks.evaluation import defer_missing_evaluation
from xltrack.findings import Finding, sort_findings
from xltrack.frames import CampaignFrames
from xltrack.reader import read_campaign
from xltrack.spec import Spec, load_spec
from xltrack.stack import Stack, build_stack
from xltrack.summary import Summary, build_summaries


@dataclass
class Analysis:
    """What xltrack knows about one workbook at one as-of date."""

    path: str
    as_of: dt.date
    frames: CampaignFrames
    findings: list[Finding]
    summary: Summary


def analyze_workbook(path: str | Path, as_of: dt.date, spec: Spec | None = None) -> Analysis:
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
    stack = build_stack([read_campaign(path, spec, as_of=as_of)], spec, as_of)
    findings, summaries = analyze_stack(stack, as_of, spec)
    return Analysis(str(path), as_of, stack.frames(0), findings[0], summaries[0])


def analyze_stack(
    stack: Stack, as_of: dt.date, spec: Spec
) -> tuple[list[list[Finding]], list[Summary]]:
    """Check and summarize every campaign of a stack at once (one workbook, or a batch chunk).

    Returns:
        Per campaign, in stack order: its sorted findings (reader's and checks'), and
        its summary.
    """
    findings = []
    for campaign, found in zip(stack.campaigns, run_stack_checks(stack, as_of, spec), strict=True):
        order = {name: i for i, name in enumerate(campaign.sheet_order)}
        load = defer_missing_evaluation(campaign, as_of)
        findings.append(sort_findings(load + found, order))
    return findings, build_summaries(stack, findings, as_of, spec)
