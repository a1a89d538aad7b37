"""The consistency checks: frames in, findings out, for one as-of date.

Every check is a plain function `check(frames, as_of, spec) -> list[Finding]`
listed in `ALL_CHECKS` (an explicit registry, no discovery). Checks never open
files and never read the clock; they are vectorised with pandas so that a
10,000-task workbook costs little next to reading it. Findings about cells that
could not be read come from the reader (`frames.load_findings`), not from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from xltrack.checks.campaign import CAMPAIGN_CHECKS
from xltrack.checks.daily import DAILY_CHECKS
from xltrack.checks.evaluation import EVALUATION_CHECKS
from xltrack.checks.issues import ISSUE_CHECKS
from xltrack.checks.tasks import TASK_CHECKS
from xltrack.findings import Finding
from xltrack.frames import CampaignFrames
from xltrack.spec import Spec, load_spec

Check = Callable[[CampaignFrames, dt.date, Spec], list[Finding]]

ALL_CHECKS: tuple[Check, ...] = (
    *CAMPAIGN_CHECKS,
    *TASK_CHECKS,
    *DAILY_CHECKS,
    *ISSUE_CHECKS,
    *EVALUATION_CHECKS,
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
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    spec = spec or load_spec()
    found: list[Finding] = []
    for check in checks:
        found.extend(check(frames, as_of, spec))
    return found


__all__ = ["ALL_CHECKS", "Check", "run_checks"]
