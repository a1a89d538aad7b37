"""Checks over table 3, the daily tracking: traffic lights and streaks below target.

The traffic lights are the source's, with thresholds from `spec.rules`: at or
above `green_at` (90%) of target is green, from `yellow_at` (80%) up to green is
yellow (a warning: 10-20% below), below that red (an error: more than 20% below).
Exactly 10% below is still green; exactly 20% below is yellow.

Days after the as-of date are not judged yet. A streak is `STREAK_DAYS` or more
consecutive recorded days of one metric with actual below target (under 100%),
counted over the rows that have both numbers, in date order; metric names are
compared folded (case, width, Traditional/Simplified, spaces).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from xltrack.checks.facts import emit, iso, percent, rows
from xltrack.derive import achievement
from xltrack.findings import Finding, Severity
from xltrack.labels import fold
from xltrack.spec import Spec
from xltrack.stack import CAMPAIGN, Stack

# The source escalates after two weeks; three recorded days is the earliest sign worth showing.
STREAK_DAYS = 3
DAILY = "daily"


def _rates(df: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """actual/target per row; empty for days after as-of (a prefilled 0 is not a result yet)."""
    # Rounded so that 0.36/0.4 lands on the 0.9 threshold it means, as Excel shows it.
    rate = achievement(df["actual"], df["target"]).round(9)
    return rate.where(~(df["date"] > pd.Timestamp(as_of)))


def check_daily_below_target(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """daily-below-target: a yellow (warning) or red (error) day."""
    df = rows(stack, DAILY, "target", "actual")
    if df.empty:
        return []
    rate = _rates(df, as_of)
    green, yellow = spec.rules.green_at, spec.rules.yellow_at
    mask = rate.notna() & (rate < green)
    hit = df[mask]
    hit_rate = rate[mask]
    red = (hit_rate < yellow).tolist()
    return emit(
        "daily-below-target", stack, DAILY, hit, column="actual", id_key=None,
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


def check_daily_streak(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """daily-below-target-streak: one finding per run, on the run's last row."""
    df = rows(stack, DAILY, "target", "actual")
    if df.empty:
        return []
    rate = _rates(df, as_of)
    judged = np.flatnonzero(rate.notna().to_numpy())  # positions in df
    if judged.size < STREAK_DAYS:
        return []
    # Daily sheets are short (a row per day and metric), so plain Python is cheaper
    # here than a pandas groupby.
    metrics = df["metric"].to_numpy()[judged].tolist()
    owners = df[CAMPAIGN].to_numpy()[judged].tolist()
    keys = [(o, fold(m) if isinstance(m, str) else "") for o, m in zip(owners, metrics)]
    dates = df["date"].to_numpy(dtype="datetime64[ns]")[judged]
    stamps = np.where(np.isnat(dates), np.iinfo(np.int64).max, dates.view("int64")).tolist()
    below = (rate.to_numpy()[judged] < 1.0).tolist()
    order = sorted(range(len(judged)), key=lambda i: (keys[i], stamps[i], i))
    runs: list[tuple[int, int]] = []  # (first, last) positions in `order`
    n = 0
    while n < len(order):
        if not below[order[n]]:
            n += 1
            continue
        last = n
        while (last + 1 < len(order) and below[order[last + 1]]
               and keys[order[last + 1]] == keys[order[n]]):
            last += 1
        if last - n + 1 >= STREAK_DAYS:
            runs.append((n, last))
        n = last + 1
    if not runs:
        return []
    runs.sort(key=lambda run: judged[order[run[1]]])
    hit = df.iloc[[int(judged[order[last]]) for _, last in runs]]
    return emit(
        "daily-below-target-streak", stack, DAILY, hit, column="actual", id_key=None,
        params={
            "metric": hit["metric"],
            "days": [last - first + 1 for first, last in runs],
            "first": iso(dates[[order[first] for first, _ in runs]]),
            "last": iso(dates[[order[last] for _, last in runs]]),
        },
    )


DAILY_CHECKS = (check_daily_below_target, check_daily_streak)
