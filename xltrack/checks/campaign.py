"""Checks over table 1, the campaign form and its budget split.

The form's fields come from `frames.info`, their cells from `frames.info_cells`.
When the form was not found at all (no field and no cell), the reader already
reported `sheet-missing` and these checks stay quiet rather than repeat it.
The budget split adds up when its shares total 100% within `SPLIT_TOLERANCE`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any, cast

from xltrack.checks.facts import cell_location, letter, number, percent
from xltrack.findings import Finding, Location
from xltrack.frames import CampaignFrames
from xltrack.spec import Spec
from xltrack.stack import CAMPAIGN, Stack

# Half a percentage point: shares such as 33.3% + 33.3% + 33.3% still add up.
SPLIT_TOLERANCE = 0.005


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _form_found(frames: CampaignFrames) -> bool:
    return bool(frames.info or frames.info_cells)


def check_campaign_fields(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """campaign-name-missing, campaign-dates-missing, campaign-budget-missing."""
    return [f for frames in stack.campaigns for f in _fields(frames)]


def _fields(frames: CampaignFrames) -> list[Finding]:
    if not _form_found(frames):
        return []
    found = []
    if _empty(frames.info.get("name")):
        found.append(Finding("campaign-name-missing", cell_location(frames, "name")))
    missing = [k for k in ("start_date", "end_date") if _empty(frames.info.get(k))]
    if missing:
        found.append(
            Finding(
                "campaign-dates-missing",
                cell_location(frames, missing[0], fallback="period"),
                {"missing": missing},
            )
        )
    if _empty(frames.info.get("budget")):
        found.append(Finding("campaign-budget-missing", cell_location(frames, "budget")))
    return found


def check_campaign_dates(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """campaign-dates-reversed: the campaign ends before it starts."""
    found = []
    for frames in stack.campaigns:
        start, end = frames.start_date, frames.end_date
        if start is not None and end is not None and end < start:
            found.append(
                Finding(
                    "campaign-dates-reversed",
                    cell_location(frames, "end_date", fallback="period"),
                    {"start": start.isoformat(), "end": end.isoformat()},
                )
            )
    return found


def check_budget_split(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """budget-split-mismatch: the shares of the budget split do not total 100%."""
    split = stack.tables["budget_split"]
    if "share" not in split.columns:
        return []
    given = split[split["share"].notna()]
    found = []
    for position, shares in given.groupby(CAMPAIGN, sort=True):
        total = float(shares["share"].sum())
        if abs(round(total - 1.0, 9)) <= SPLIT_TOLERANCE:
            continue
        frames = stack.campaigns[int(cast(int, position))]  # a group key, typed as a scalar
        table = frames.budget_split
        where = Location(
            file=frames.path or None, sheet=table.sheet, row=None, column=letter(table, "share")
        )
        rows = shares["row"].dropna()
        if not rows.empty:  # point at the last share, where a total would go
            where = dataclasses.replace(where, row=int(rows.max()))
        found.append(
            Finding(
                "budget-split-mismatch",
                where,
                {"total": number(total), "total_pct": percent(total), "count": len(shares)},
            )
        )
    return found


CAMPAIGN_CHECKS = (check_campaign_fields, check_campaign_dates, check_budget_split)
