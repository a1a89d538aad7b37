"""Checks over table 2, the task breakdown: dates, status, owners and IDs.

A task is "not done" unless its status is `done`: a delayed task is not done,
and neither is one with no status. The as-of date is always passed in.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from xltrack.checks.facts import blank, duplicate_ids, emit, iso, owner_missing, rows
from xltrack.derive import overdue_mask
from xltrack.findings import Finding
from xltrack.spec import Spec
from xltrack.stack import CAMPAIGN, Stack

ID = "task_id"
TASKS = "tasks"


def check_task_overdue(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """task-overdue: the end date is before as-of and the task is not done."""
    df = rows(stack, TASKS, "end_date", "status")
    if df.empty:
        return []
    today = pd.Timestamp(as_of)
    hit = df[overdue_mask(df["end_date"], df["status"], as_of)]
    return emit(
        "task-overdue",
        stack,
        TASKS,
        hit,
        column="end_date",
        id_key=ID,
        params={
            "id": hit[ID],
            "end": iso(hit["end_date"]),
            "days_late": (today - hit["end_date"]).dt.days,
            "status": hit["status"].where(hit["status"].notna(), None),
            "as_of": [as_of.isoformat()] * len(hit),
        },
    )


def check_task_delay_reason(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """task-delay-reason-missing: a delayed task with an empty (or '-') reason."""
    df = rows(stack, TASKS, "status", "delay_reason")
    if df.empty:
        return []
    hit = df[df["status"].eq("delayed") & blank(df["delay_reason"])]
    return emit(
        "task-delay-reason-missing",
        stack,
        TASKS,
        hit,
        column="delay_reason",
        id_key=ID,
        params={"id": hit[ID]},
    )


def check_task_dates(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """task-dates-reversed (end before start) and task-dates-missing (info)."""
    df = rows(stack, TASKS, "start_date", "end_date")
    if df.empty:
        return []
    start, end = df["start_date"], df["end_date"]
    rev = df[start.notna() & end.notna() & (end < start)]
    found = emit(
        "task-dates-reversed",
        stack,
        TASKS,
        rev,
        column="end_date",
        id_key=ID,
        params={"id": rev[ID], "start": iso(rev["start_date"]), "end": iso(rev["end_date"])},
    )
    gap = df[start.isna() | end.isna()]
    no_start, no_end = gap["start_date"].isna().tolist(), gap["end_date"].isna().tolist()
    missing = [
        [k for k, flag in (("start_date", s), ("end_date", e)) if flag]
        for s, e in zip(no_start, no_end, strict=True)
    ]
    found += emit(
        "task-dates-missing",
        stack,
        TASKS,
        gap,
        column=None,
        id_key=ID,
        params={"id": gap[ID], "missing": missing},
        columns=[m[0] for m in missing],
    )
    return found


def check_task_outside_campaign(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """task-outside-campaign: a task starts before or ends after the campaign window."""
    df = stack.tables[TASKS]
    windows = [(c.start_date, c.end_date) for c in stack.campaigns]
    # A reversed window is campaign-dates-reversed's to report: every task would be "outside".
    judged = [
        (first, last) if not (first and last and last < first) else (None, None)
        for first, last in windows
    ]
    if df.empty or not any(first or last for first, last in judged):
        return []
    owners = df[CAMPAIGN].to_numpy()
    firsts = np.array([_stamp(first) for first, _ in judged], dtype="datetime64[ns]")
    lasts = np.array([_stamp(last) for _, last in judged], dtype="datetime64[ns]")
    first_at = pd.Series(firsts[owners], index=df.index)
    last_at = pd.Series(lasts[owners], index=df.index)
    early = df["start_date"] < first_at  # NaT on either side compares False
    late = df["end_date"] > last_at
    mask = early | late
    hit = df[mask]
    return emit(
        "task-outside-campaign",
        stack,
        TASKS,
        hit,
        column=None,
        id_key=ID,
        params={
            "id": hit[ID],
            "start": iso(hit["start_date"]),
            "end": iso(hit["end_date"]),
            "campaign_start": iso(first_at[mask]),
            "campaign_end": iso(last_at[mask]),
        },
        columns=["start_date" if e else "end_date" for e in early[mask].tolist()],
    )


def _stamp(day: dt.date | None) -> np.datetime64:
    return np.datetime64(day, "ns") if day is not None else np.datetime64("NaT", "ns")


def check_task_owner(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """task-owner-missing: a task nobody owns."""
    return owner_missing("task-owner-missing", stack, TASKS, ID)


def check_task_id_duplicate(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """task-id-duplicate: an ID used again (reported on every repeat after the first)."""
    return duplicate_ids("task-id-duplicate", stack, TASKS, ID)


def check_task_done_in_future(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """task-done-in-future: marked done but starting after as-of."""
    df = rows(stack, TASKS, "status", "start_date")
    if df.empty:
        return []
    hit = df[df["status"].eq("done") & (df["start_date"] > pd.Timestamp(as_of))]
    return emit(
        "task-done-in-future",
        stack,
        TASKS,
        hit,
        column="start_date",
        id_key=ID,
        params={
            "id": hit[ID],
            "start": iso(hit["start_date"]),
            "as_of": [as_of.isoformat()] * len(hit),
        },
    )


TASK_CHECKS = (
    check_task_overdue,
    check_task_delay_reason,
    check_task_dates,
    check_task_outside_campaign,
    check_task_owner,
    check_task_id_duplicate,
    check_task_done_in_future,
)
