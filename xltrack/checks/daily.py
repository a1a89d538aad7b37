"""Checks over table 3, the daily tracking: traffic lights and streaks below target.

The traffic lights are the source's, with thresholds from `spec.rules`: at or
above `green_at` (90%) of target is green, from `yellow_at` (80%) up to green is
yellow (a warning: 10-20% below), below that red (an error: more than 20% below).
Exactly 10% below is still green; exactly 20% below is yellow.

Days after the as-of date are not judged yet. A streak is `STREAK_DAYS` or more consecutive recorded days of one metric with
actual below target (under 100%), counted over the rows that have both numbers,
in date order; metric names are compared case- and width-folded.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from xltrack.checks.facts import emit, iso, number, percent, present
from xltrack.derive import achievement
from xltrack.findings import Finding, Severity
from xltrack.frames import CampaignFrames
from xltrack.labels import fold
from xltrack.spec import Spec

# The source escalates after two weeks; three recorded days is the earliest sign worth showing.
STREAK_DAYS = 3


def _rates(df: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """actual/target per row; empty for days after as-of (a prefilled 0 is not a result yet)."""
    # Rounded so that 0.36/0.4 lands on the 0.9 threshold it means, as Excel shows it.
    rate = achievement(df["actual"], df["target"]).round(9)
    return rate.where(~(df["date"] > pd.Timestamp(as_of)))


def check_daily_below_target(
    frames: CampaignFrames, as_of: dt.date, spec: Spec
) -> list[Finding]:
    """daily-below-target: a yellow (warning) or red (error) day."""
    table = frames.daily
    df = table.data
    if df.empty or not (present(table, "target") and present(table, "actual")):
        return []
    rate = _rates(df, as_of)
    green, yellow = spec.rules.green_at, spec.rules.yellow_at
    mask = rate.notna() & (rate < green)
    hit = df[mask]
    hit_rate = rate[mask]
    red = (hit_rate < yellow).tolist()
    return emit(
        "daily-below-target", frames, table, hit, column="actual", id_key=None,
        params={
            "metric": hit["metric"],
            "date": iso(hit["date"]),
            "actual": hit["actual"],
            "target": hit["target"],
            "rate": hit_rate,
            "rate_pct": [percent(r) for r in hit_rate.tolist()],
            "light": ["red" if r else "yellow" for r in red],
        },
        severities=[Severity.ERROR if r else Severity.WARNING for r in red],
    )


def check_daily_streak(frames: CampaignFrames, as_of: dt.date, spec: Spec) -> list[Finding]:
    """daily-below-target-streak: one finding per run, on the run's last row."""
    table = frames.daily
    df = table.data
    if df.empty or not (present(table, "target") and present(table, "actual")):
        return []
    rate = _rates(df, as_of)
    rows = df.loc[rate.notna(), ["date", "metric", "row"]].copy()
    if rows.empty:
        return []
    rows["below"] = rate[rate.notna()] < 1.0
    rows["key"] = rows["metric"].map(lambda m: fold(m) if isinstance(m, str) else "")
    rows["order"] = np.flatnonzero(rate.notna().to_numpy())  # positions in df
    rows = rows.sort_values(["key", "date", "order"], kind="stable", na_position="last")
    fresh = rows["below"].ne(rows["below"].shift()) | rows["key"].ne(rows["key"].shift())
    rows["run"] = fresh.cumsum()
    runs = rows[rows["below"]].groupby("run", sort=False)
    stats = runs.agg(
        days=("below", "size"), first=("date", "first"), last=("date", "last"),
        label=("order", "last"),
    )
    stats = stats[stats["days"] >= STREAK_DAYS]
    if stats.empty:
        return []
    stats = stats.sort_values("label")
    hit = df.iloc[stats["label"].to_numpy()]
    return emit(
        "daily-below-target-streak", frames, table, hit, column="actual", id_key=None,
        params={
            "metric": hit["metric"],
            "days": [number(d) for d in stats["days"].tolist()],
            "first": iso(stats["first"]),
            "last": iso(stats["last"]),
        },
    )


DAILY_CHECKS = (check_daily_below_target, check_daily_streak)
