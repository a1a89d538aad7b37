"""Many campaigns' tables stacked into one DataFrame per table, so pandas is paid once per batch.

Building a DataFrame, deriving columns and running a vectorised check each cost
a fixed tenth of a millisecond or so whatever the row count; on a 100-task
workbook that overhead is most of the work. A `Stack` holds the rows of many
campaigns in one frame per table, each row carrying `campaign`: the position of
its campaign in `Stack.campaigns`. Those heads (`CampaignFrames` whose tables
hold no rows) keep what is per campaign: path, form fields, sheets and column
letters. One workbook is a stack of one; a batch worker stacks a few dozen.

The reader hands over `ReadCampaign`s (a head plus each table's parsed columns
as plain lists); `build_stack` concatenates those lists, types them once
(`frames.build_frame`) and recomputes derived columns once (`derive`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from xltrack import derive
from xltrack.frames import CampaignFrames, build_frame, empty_frame
from xltrack.spec import LIST_TABLES, Spec

CAMPAIGN = "campaign"  # the column of stacked tables that says whose row it is
WRITTEN_RATE = "rate_written"


@dataclass
class ReadTable:
    """One located table's parsed columns (column key -> values) and their Excel rows."""

    data: dict[str, list[Any]] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)


@dataclass
class ReadCampaign:
    """What the reader found in one workbook, before any DataFrame is built."""

    head: CampaignFrames  # form, provenance and findings; its tables hold no rows
    tables: dict[str, ReadTable] = field(default_factory=dict)


@dataclass
class Stack:
    """The tables of many campaigns, one DataFrame each, rows tagged by `campaign` position."""

    campaigns: list[CampaignFrames]
    tables: dict[str, pd.DataFrame]

    @classmethod
    def of(cls, frames: CampaignFrames) -> Stack:
        """One campaign (as read, or built in code) as a stack of one."""
        tables = {}
        for key in LIST_TABLES:
            data = frames.tables[key].data
            tables[key] = data.assign(**{CAMPAIGN: np.zeros(len(data), dtype="int64")})
        return cls([frames], tables)

    def frames(self, position: int) -> CampaignFrames:
        """One campaign of the stack with its own rows (the `campaign` column dropped)."""
        head = self.campaigns[position]
        tables = {}
        for key, table in head.tables.items():
            data = self.tables[key]
            if len(self.campaigns) > 1:
                data = data[data[CAMPAIGN].to_numpy() == position].reset_index(drop=True)
            tables[key] = replace(table, data=data.drop(columns=CAMPAIGN))
        return replace(head, tables=tables)


def build_stack(read: list[ReadCampaign], spec: Spec, as_of: dt.date | None) -> Stack:
    """Type and derive the tables of many read campaigns at once.

    Args:
        read: the campaigns, as the reader found them (their order is kept).
        spec: the template definition (column types, rules).
        as_of: the date derived columns (days late, age) are measured against.

    Returns:
        The `Stack`; `Stack.frames(i)` is campaign i as `read_workbook` returns it.
    """
    tables: dict[str, pd.DataFrame] = {}
    for key in LIST_TABLES:
        table = spec.table(key)
        data: dict[str, list[Any]] = {}
        rows: list[int] = []
        owners: list[int] = []
        written: list[Any] = []
        # The evaluation's written rate is kept (and checked) where a table was located.
        has_written = any(WRITTEN_RATE in c.tables[key].data for c in read if key in c.tables)
        for position, campaign in enumerate(read):
            part = campaign.tables.get(key)
            if part is None or not part.rows:
                continue
            n, before = len(part.rows), len(rows)
            for col in table.laid_out:
                values = part.data.get(col.key)
                if values is not None:
                    data.setdefault(col.key, [None] * before).extend(values)
            for values in data.values():  # columns this campaign lacks stay empty
                if len(values) < before + n:
                    values.extend([None] * (before + n - len(values)))
            rows.extend(part.rows)
            owners.extend([position] * n)
            rates = part.data.get(WRITTEN_RATE)
            written.extend(rates if rates is not None else [None] * n)
        positions = np.asarray(owners, dtype="int64")
        frame = build_frame(table, data, rows, parsed=True) if rows else empty_frame(table)
        frame = _derive(key, frame, positions, read, spec, as_of)
        if has_written:
            frame[WRITTEN_RATE] = np.array(
                [np.nan if v is None else v for v in written], dtype="float64"
            )
        frame[CAMPAIGN] = positions
        tables[key] = frame
    return Stack([c.head for c in read], tables)


def _derive(
    key: str,
    frame: pd.DataFrame,
    positions: np.ndarray,
    read: list[ReadCampaign],
    spec: Spec,
    as_of: dt.date | None,
) -> pd.DataFrame:
    if key == "tasks":
        return derive.derive_tasks(frame, as_of)
    if key == "daily":
        return derive.derive_daily(frame, spec.rules, groups=positions)
    if key == "issues":
        return derive.derive_issues(frame, as_of, spec.rules)
    if key == "evaluation":
        return derive.derive_evaluation(frame)
    if key == "budget_split":
        # The reader parsed each budget to a float or None.
        budgets = [c.head.info.get("budget") for c in read]
        per_campaign = np.array([np.nan if b is None else b for b in budgets], dtype="float64")
        return derive.derive_budget_split(frame, per_campaign[positions])
    return frame


__all__ = ["CAMPAIGN", "ReadCampaign", "ReadTable", "Stack", "build_stack"]
