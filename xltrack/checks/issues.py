"""Checks over table 4, the issue & risk log: severity, the solution window, owners, IDs.

An issue is unresolved unless its resolution is `resolved` (an empty one is
treated as open; one whose text is no known resolution is unknown, reported by
the reader, and not counted). The solution window comes from `spec.rules`
(`issue_solution_hours`, 48 by default): an issue found on day D is late once
as-of is more than that many hours after D, so exactly 48 h is not yet late.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from xltrack.checks.facts import blank, duplicate_ids, emit, iso, number, rows
from xltrack.derive import unresolved
from xltrack.findings import Finding
from xltrack.spec import Spec
from xltrack.stack import Stack

ID = "issue_id"
ISSUES = "issues"


def _resolution(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "open")


def check_issue_high_unresolved(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """issue-high-unresolved: severity high and not resolved."""
    df = rows(stack, ISSUES, "severity", "resolution")
    if df.empty:
        return []
    hit = df[df["severity"].eq("high") & unresolved(df["resolution"])]
    return emit(
        "issue-high-unresolved", stack, ISSUES, hit, column="resolution", id_key=ID,
        params={"id": hit[ID], "resolution": _resolution(hit["resolution"])},
    )


def check_issue_solution_late(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """issue-solution-late: unresolved more than the solution window after it was found."""
    df = rows(stack, ISSUES, "found_date", "resolution")
    if df.empty:
        return []
    limit = float(spec.rules.issue_solution_hours)
    found = df["found_date"]
    hours = (pd.Timestamp(as_of) - found) / pd.Timedelta(hours=1)
    mask = found.notna() & unresolved(df["resolution"]) & (hours > limit)
    hit = df[mask]
    return emit(
        "issue-solution-late", stack, ISSUES, hit, column="resolution", id_key=ID,
        params={
            "id": hit[ID],
            "found": iso(hit["found_date"]),
            "hours": hours[mask],
            "limit": [number(limit)] * len(hit),
            "resolution": _resolution(hit["resolution"]),
        },
    )


def check_issue_owner(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """issue-owner-missing: an issue nobody owns."""
    df = rows(stack, ISSUES, "owner")
    if df.empty:
        return []
    hit = df[blank(df["owner"])]
    return emit(
        "issue-owner-missing", stack, ISSUES, hit, column="owner", id_key=ID,
        params={"id": hit[ID]},
    )


def check_issue_id_duplicate(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """issue-id-duplicate: an ID used again (reported on every repeat after the first)."""
    return duplicate_ids("issue-id-duplicate", stack, ISSUES, ID)


ISSUE_CHECKS = (
    check_issue_high_unresolved,
    check_issue_solution_late,
    check_issue_owner,
    check_issue_id_duplicate,
)
