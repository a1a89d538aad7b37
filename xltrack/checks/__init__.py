"""The consistency checks: frames in, findings out, for one as-of date.

Every check is a plain function `check(stack, as_of, spec) -> list[Finding]`
listed in `ALL_CHECKS` (an explicit registry, no discovery). Checks never open
files and never read the clock; they are vectorised with pandas over a `Stack`
of campaigns, so that a 10,000-task workbook costs little next to reading it and
a batch pays pandas' fixed costs once for dozens of workbooks, not for each.
Findings about cells that could not be read come from the reader
(`frames.load_findings`), not from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from xltrack.checks.budget import BUDGET_CHECKS
from xltrack.checks.campaign import CAMPAIGN_CHECKS
from xltrack.checks.daily import DAILY_CHECKS
from xltrack.checks.evaluation import EVALUATION_CHECKS
from xltrack.checks.issues import ISSUE_CHECKS
from xltrack.checks.tasks import TASK_CHECKS
from xltrack.errors import ArgumentError
from xltrack.findings import Finding
from xltrack.frames import CampaignFrames
from xltrack.spec import Spec, load_spec
from xltrack.stack import Stack

Check = Callable[[Stack, dt.date, Spec], list[Finding]]

ALL_CHECKS: tuple[Check, ...] = (
    *CAMPAIGN_CHECKS,
    *TASK_CHECKS,
    *DAILY_CHECKS,
    *ISSUE_CHECKS,
    *EVALUATION_CHECKS,
    *BUDGET_CHECKS,
)


def run_checks(
    frames: CampaignFrames,
    as_of: dt.date,
    spec: Spec | None = None,
    checks: tuple[Check, ...] = ALL_CHECKS,
) -> list[Finding]:
    """Run every check over one campaign.

    Args:
        frames: the campaign as read (or built in code).
        as_of: the date "overdue" and "late" are measured against.
        spec: the template definition (rules, enums); the built-in one when None.
        checks: the checks to run; all of them by default.

    Returns:
        The findings in registry order, each check's in table order: deterministic,
        but not display order; `analyze_workbook` sorts them once together with the
        reader's findings (`findings.sort_findings`).
    """
    return run_stack_checks(Stack.of(frames), as_of, spec, checks)[0]


def run_stack_checks(
    stack: Stack,
    as_of: dt.date,
    spec: Spec | None = None,
    checks: tuple[Check, ...] = ALL_CHECKS,
) -> list[list[Finding]]:
    """Run every check once over many campaigns; their findings, campaign by campaign.

    Findings are told apart by file, so the campaigns of a stack of more than one
    must come from distinct files.

    Returns:
        One list per campaign of `stack`, each in the order `run_checks` gives.

    Raises:
        ValueError: two campaigns of the stack share a file name.
    """
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    spec = spec or load_spec()
    found: list[list[Finding]] = [[] for _ in stack.campaigns]
    if len(found) == 1:
        for check in checks:
            found[0].extend(check(stack, as_of, spec))
        return found
    owner = {c.path: i for i, c in enumerate(stack.campaigns)}
    if len(owner) < len(found) or "" in owner:
        raise ArgumentError("each campaign of a stack must come from its own file")
    for check in checks:
        for finding in check(stack, as_of, spec):
            found[owner[finding.location.file or ""]].append(finding)
    return found


__all__ = ["ALL_CHECKS", "Check", "run_checks", "run_stack_checks"]
