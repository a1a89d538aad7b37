"""Checks over table 4, the issue & risk log: severity, the source's time rules, owners, IDs.

An issue is unresolved unless its resolution is `resolved` (an empty one is
treated as open; one whose text is no known resolution is unknown, reported by
the reader, and not counted). The source's rules come from `spec.rules`: a first response
within `issue_response_hours` (24) and a solution within `issue_solution_hours`
(48) of the time the issue was found; exactly the limit is not yet late. A time
typed after a date counts; a date alone is its midnight (found 6.12, answered 6.13:
24 h, in time), as in the workbook's formulas.

- Solution: until the resolved time when written, else until as-of while the
  issue is unresolved (`derive.solution_hours`, the twin of the `sla_breach`
  formula); resolved with no time written is not judged.
- Response: until the first-response time when written, else the resolved time,
  else as-of while unresolved (it has not come; `derive.response_hours`, the twin
  of the `response_breach` formula). Judged only where the
  workbook has a first-response column, so older workbooks stay quiet.
- An issue without a found date cannot be judged by either rule: that is a
  finding of its own, never a silent skip.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from xltrack.checks.facts import duplicate_ids, emit, iso_moment, number, owner_missing, rows
from xltrack.derive import response_hours, solution_hours, unresolved
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
        "issue-high-unresolved",
        stack,
        ISSUES,
        hit,
        column="resolution",
        id_key=ID,
        params={"id": hit[ID], "resolution": _resolution(hit["resolution"])},
    )


def check_issue_solution_late(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """issue-solution-late: no solution more than the solution window after it was found."""
    df = rows(stack, ISSUES, "found_date", "resolution")
    if df.empty:
        return []
    limit = float(spec.rules.issue_solution_hours)
    hours = solution_hours(df, as_of)
    mask = (hours > limit).fillna(False).astype(bool)
    hit = df[mask]
    return emit(
        "issue-solution-late",
        stack,
        ISSUES,
        hit,
        column="resolution",
        id_key=ID,
        params={
            "id": hit[ID],
            "found": iso_moment(hit["found_date"]),
            "hours": hours[mask],
            "limit": [number(limit)] * len(hit),
            "resolution": _resolution(hit["resolution"]),
        },
    )


def check_issue_response_late(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """issue-response-late: the first response came, or has not come, after the response window."""
    df = rows(stack, ISSUES, "found_date", "responded_at")
    if df.empty:
        return []
    limit = float(spec.rules.issue_response_hours)
    responded = df["responded_at"]
    hours = response_hours(df, as_of)
    mask = (hours > limit).fillna(False).astype(bool)
    hit = df[mask]
    return emit(
        "issue-response-late",
        stack,
        ISSUES,
        hit,
        column="responded_at",
        id_key=ID,
        params={
            "id": hit[ID],
            "found": iso_moment(hit["found_date"]),
            "responded": iso_moment(responded[mask]),
            "hours": hours[mask],
            "limit": [number(limit)] * len(hit),
        },
    )


def check_issue_found_date(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """issue-found-date-missing: an issue whose time rules cannot be judged."""
    df = rows(stack, ISSUES, "found_date")
    if df.empty:
        return []
    hit = df[df["found_date"].isna()]
    return emit(
        "issue-found-date-missing",
        stack,
        ISSUES,
        hit,
        column="found_date",
        id_key=ID,
        params={"id": hit[ID]},
    )


def check_issue_times(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """issue-time-before-found: a first response or resolution before the issue was found;
    issue-found-after-as-of: found after the as-of date. Either makes its hours meaningless
    (negative, or not yet begun), so the time rules would pass it by."""
    found: list[Finding] = []
    for column in ("responded_at", "resolved_at"):
        df = rows(stack, ISSUES, "found_date", column)
        if df.empty:
            continue
        hit = df[df[column] < df["found_date"]]
        found += emit(
            "issue-time-before-found",
            stack,
            ISSUES,
            hit,
            column=column,
            id_key=ID,
            params={
                "id": hit[ID],
                "column": [column] * len(hit),
                "when": iso_moment(hit[column]),
                "found": iso_moment(hit["found_date"]),
            },
        )
    df = rows(stack, ISSUES, "found_date")
    if df.empty:
        return found
    hit = df[df["found_date"].dt.normalize() > pd.Timestamp(as_of)]
    return found + emit(
        "issue-found-after-as-of",
        stack,
        ISSUES,
        hit,
        column="found_date",
        id_key=ID,
        params={
            "id": hit[ID],
            "found": iso_moment(hit["found_date"]),
            "as_of": [as_of.isoformat()] * len(hit),
        },
    )


def check_issue_owner(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """issue-owner-missing: an issue nobody owns."""
    return owner_missing("issue-owner-missing", stack, ISSUES, ID)


def check_issue_id_duplicate(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """issue-id-duplicate: an ID used again (reported on every repeat after the first)."""
    return duplicate_ids("issue-id-duplicate", stack, ISSUES, ID)


ISSUE_CHECKS = (
    check_issue_high_unresolved,
    check_issue_solution_late,
    check_issue_response_late,
    check_issue_found_date,
    check_issue_times,
    check_issue_owner,
    check_issue_id_duplicate,
)
