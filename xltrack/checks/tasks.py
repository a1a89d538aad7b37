"""Checks over table 2, the task breakdown: dates, status, owners and IDs.

A task is "not done" unless its status is `done`: a delayed task is not done,
and neither is one with no status. The as-of date is always passed in.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from xltrack.checks.facts import blank, duplicate_ids, emit, iso, present
from xltrack.derive import overdue_mask
from xltrack.findings import Finding
from xltrack.frames import CampaignFrames
from xltrack.spec import Spec

ID = "task_id"


def check_task_overdue(frames: CampaignFrames, as_of: dt.date, spec: Spec) -> list[Finding]:
    """task-overdue: the end date is before as-of and the task is not done."""
    table = frames.tasks
    df = table.data
    if df.empty or not (present(table, "end_date") and present(table, "status")):
        return []
    today = pd.Timestamp(as_of)
    hit = df[overdue_mask(df["end_date"], df["status"], as_of)]
    return emit(
        "task-overdue", frames, table, hit, column="end_date", id_key=ID,
        params={
            "id": hit[ID],
            "end": iso(hit["end_date"]),
            "days_late": (today - hit["end_date"]).dt.days,
            "status": hit["status"].where(hit["status"].notna(), None),
            "as_of": [as_of.isoformat()] * len(hit),
        },
    )


def check_task_delay_reason(frames: CampaignFrames, as_of: dt.date, spec: Spec) -> list[Finding]:
    """task-delay-reason-missing: a delayed task with an empty (or '-') reason."""
    table = frames.tasks
    df = table.data
    if df.empty or not (present(table, "status") and present(table, "delay_reason")):
        return []
    hit = df[df["status"].eq("delayed") & blank(df["delay_reason"])]
    return emit(
        "task-delay-reason-missing", frames, table, hit, column="delay_reason", id_key=ID,
        params={"id": hit[ID]},
    )


def check_task_dates(frames: CampaignFrames, as_of: dt.date, spec: Spec) -> list[Finding]:
    """task-dates-reversed (end before start) and task-dates-missing (info)."""
    table = frames.tasks
    df = table.data
    if df.empty or not (present(table, "start_date") and present(table, "end_date")):
        return []
    start, end = df["start_date"], df["end_date"]
    rev = df[start.notna() & end.notna() & (end < start)]
    found = emit(
        "task-dates-reversed", frames, table, rev, column="end_date", id_key=ID,
        params={"id": rev[ID], "start": iso(rev["start_date"]), "end": iso(rev["end_date"])},
    )
    gap = df[start.isna() | end.isna()]
    no_start, no_end = gap["start_date"].isna().tolist(), gap["end_date"].isna().tolist()
    missing = [
        [k for k, flag in (("start_date", s), ("end_date", e)) if flag]
        for s, e in zip(no_start, no_end)
    ]
    found += emit(
        "task-dates-missing", frames, table, gap, column=None, id_key=ID,
        params={"id": gap[ID], "missing": missing},
        columns=[m[0] for m in missing],
    )
    return found


def check_task_outside_campaign(
    frames: CampaignFrames, as_of: dt.date, spec: Spec
) -> list[Finding]:
    """task-outside-campaign: a task starts before or ends after the campaign window."""
    table = frames.tasks
    df = table.data
    first, last = frames.start_date, frames.end_date
    if df.empty or (first is None and last is None):
        return []
    if first is not None and last is not None and last < first:
        return []  # campaign-dates-reversed says it; every task would be "outside"
    start, end = df["start_date"], df["end_date"]
    early = start < pd.Timestamp(first) if first else pd.Series(False, index=df.index)
    late = end > pd.Timestamp(last) if last else pd.Series(False, index=df.index)
    mask = early | late
    hit = df[mask]
    return emit(
        "task-outside-campaign", frames, table, hit, column=None, id_key=ID,
        params={
            "id": hit[ID],
            "start": iso(hit["start_date"]),
            "end": iso(hit["end_date"]),
            "campaign_start": [first.isoformat() if first else None] * len(hit),
            "campaign_end": [last.isoformat() if last else None] * len(hit),
        },
        columns=["start_date" if e else "end_date" for e in early[mask].tolist()],
    )


def check_task_owner(frames: CampaignFrames, as_of: dt.date, spec: Spec) -> list[Finding]:
    """task-owner-missing: a task nobody owns."""
    table = frames.tasks
    df = table.data
    if df.empty or not present(table, "owner"):
        return []
    hit = df[blank(df["owner"])]
    return emit(
        "task-owner-missing", frames, table, hit, column="owner", id_key=ID,
        params={"id": hit[ID]},
    )


def check_task_id_duplicate(frames: CampaignFrames, as_of: dt.date, spec: Spec) -> list[Finding]:
    """task-id-duplicate: an ID used again (reported on every repeat after the first)."""
    return duplicate_ids("task-id-duplicate", frames, "tasks", ID)


def check_task_done_in_future(
    frames: CampaignFrames, as_of: dt.date, spec: Spec
) -> list[Finding]:
    """task-done-in-future: marked done but starting after as-of."""
    table = frames.tasks
    df = table.data
    if df.empty or not (present(table, "status") and present(table, "start_date")):
        return []
    hit = df[df["status"].eq("done") & (df["start_date"] > pd.Timestamp(as_of))]
    return emit(
        "task-done-in-future", frames, table, hit, column="start_date", id_key=ID,
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
