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
from typing import Any

from xltrack.checks.facts import cell_location, letter, number, percent
from xltrack.findings import Finding, Location
from xltrack.frames import CampaignFrames
from xltrack.spec import Spec

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


def check_campaign_fields(frames: CampaignFrames, as_of: dt.date, spec: Spec) -> list[Finding]:
    """campaign-name-missing, campaign-dates-missing, campaign-budget-missing."""
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


def check_campaign_dates(frames: CampaignFrames, as_of: dt.date, spec: Spec) -> list[Finding]:
    """campaign-dates-reversed: the campaign ends before it starts."""
    start, end = frames.start_date, frames.end_date
    if start is None or end is None or end >= start:
        return []
    where = cell_location(frames, "end_date", fallback="period")
    return [
        Finding(
            "campaign-dates-reversed", where, {"start": start.isoformat(), "end": end.isoformat()}
        )
    ]


def check_budget_split(frames: CampaignFrames, as_of: dt.date, spec: Spec) -> list[Finding]:
    """budget-split-mismatch: the shares of the budget split do not total 100%."""
    table = frames.budget_split
    shares = table.data["share"] if "share" in table.data.columns else None
    if shares is None or not shares.notna().any():
        return []
    total = float(shares.sum())
    if abs(round(total - 1.0, 9)) <= SPLIT_TOLERANCE:
        return []
    where = Location(
        file=frames.path or None, sheet=table.sheet, row=None, column=letter(table, "share")
    )
    rows = table.data.loc[shares.notna(), "row"].dropna()
    if not rows.empty:  # point at the last share, where a total would go
        where = dataclasses.replace(where, row=int(rows.max()))
    return [
        Finding(
            "budget-split-mismatch",
            where,
            {"total": number(total), "total_pct": percent(total), "count": int(shares.notna().sum())},
        )
    ]


CAMPAIGN_CHECKS = (check_campaign_fields, check_campaign_dates, check_budget_split)
