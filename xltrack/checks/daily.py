"""Checks over table 3, the daily tracking: traffic lights, weeks and streaks below target.

The traffic lights are the source's, on the deviation 1 - actual/target rounded
to 4 places (`derive.light_of`, thresholds from `spec.rules`): less than 10 %
below target is green, 10-20 % below inclusive yellow (the project manager
follows up), more than 20 % below red (escalate to the director). A yellow or
red day is a warning: one day is a signal, not yet a failed campaign; the
finding names who follows it up (`escalate_to`).

Days after the as-of date are not judged yet. The source's rule "two weeks below
target: start the replacement plan" is judged on calendar weeks (Monday to
Sunday): a metric whose weekly actual is below its weekly target (the sum of the
daily targets of that week) in two consecutive weeks. Only rows with both a
target and an actual count, so a week still being filled is judged on its
recorded days; where the daily table has a channel column, each channel is
judged the same way too (`channel-below-target-2-weeks`: the source's "a
channel below target two weeks in a row starts its replacement plan"). A
shorter streak of recorded days below target (`STREAK_DAYS`) is info, an early
sign. Metric and channel names are compared folded (case, width,
Traditional/Simplified, spaces).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from xltrack.checks.facts import FactColumn, emit, iso, percent, rows
from xltrack.derive import ESCALATE_TO, achievement, light_of
from xltrack.findings import Finding
from xltrack.labels import fold
from xltrack.spec import Spec
from xltrack.stack import CAMPAIGN, Stack

# Three recorded days below target is the earliest sign worth showing (as info).
STREAK_DAYS = 3
WEEKS = 2
DAILY = "daily"


def _rates(df: pd.DataFrame, as_of: dt.date) -> pd.Series:
    """actual/target per row; empty for days after as-of (a prefilled 0 is not a result yet)."""
    rate = achievement(df["actual"], df["target"])
    return rate.where(~(df["date"] > pd.Timestamp(as_of)))


def check_daily_below_target(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """daily-below-target: a yellow or red day (a warning naming who follows it up)."""
    df = rows(stack, DAILY, "target", "actual")
    if df.empty:
        return []
    rate = _rates(df, as_of)
    light = light_of(rate, spec.rules)
    mask = light.isin(["yellow", "red"])
    hit = df[mask]
    hit_rate = rate[mask]
    hit_light = light[mask].tolist()
    return emit(
        "daily-below-target",
        stack,
        DAILY,
        hit,
        column="actual",
        id_key=None,
        params={
            "metric": hit["metric"],
            "date": iso(hit["date"]),
            "actual": hit["actual"],
            "target": hit["target"],
            "rate": hit_rate,
            "rate_pct": [percent(r) for r in hit_rate.tolist()],
            "light": hit_light,
            "escalate_to": [ESCALATE_TO[x] for x in hit_light],
        },
    )


def _judged_days(stack: Stack, as_of: dt.date) -> pd.DataFrame:
    """Daily rows with a date up to as-of, a target and an actual."""
    df = rows(stack, DAILY, "target", "actual")
    if df.empty:
        return df
    return df[
        df["date"].notna()
        & df["target"].notna()
        & df["actual"].notna()
        & (df["date"] <= pd.Timestamp(as_of))
    ]


def _folded(values: list[object]) -> list[str]:
    return [fold(v) if isinstance(v, str) else "" for v in values]


def _two_week_runs(
    judged: pd.DataFrame, keys: list[tuple[object, ...] | None]
) -> list[tuple[int, dt.date, dt.date, int, float, float]]:
    """Runs of two or more consecutive calendar weeks below target, per key.

    Returns (position in `judged` of the run's last daily row, first Monday, last Sunday,
    weeks, last week's target, last week's actual) per run; rows whose key is None
    are left out.
    """
    monday = (judged["date"] - pd.to_timedelta(judged["date"].dt.day_of_week, unit="D")).dt.date
    weeks: dict[tuple[object, ...], dict[dt.date, list[float]]] = {}
    last_row: dict[tuple[tuple[object, ...], dt.date], tuple[pd.Timestamp, int]] = {}
    for i, (key, week, day, target, actual) in enumerate(
        zip(
            keys,
            monday.tolist(),
            judged["date"].tolist(),
            judged["target"].tolist(),
            judged["actual"].tolist(),
            strict=True,
        )
    ):
        if key is None:
            continue
        sums = weeks.setdefault(key, {}).setdefault(week, [0.0, 0.0])
        sums[0] += target
        sums[1] += actual
        seen = last_row.get((key, week))
        if seen is None or day >= seen[0]:
            last_row[(key, week)] = (day, i)
    hits = []
    for key, by_week in weeks.items():
        run: list[dt.date] = []
        for week in sorted(by_week):
            if not _below(by_week.get(week)):
                run = []
                continue
            if run and (week - run[-1]).days != 7:
                run = []
            run.append(week)
            if len(run) >= WEEKS and not _below(by_week.get(week + dt.timedelta(days=7))):
                target, actual = by_week[week]
                hits.append(
                    (
                        last_row[(key, week)][1],
                        run[0],
                        week + dt.timedelta(days=6),
                        len(run),
                        target,
                        actual,
                    )
                )
    return sorted(hits)


def _two_week_findings(
    code: str,
    stack: Stack,
    judged: pd.DataFrame,
    keys: list[tuple[object, ...] | None],
    *,
    by_channel: bool = False,
) -> list[Finding]:
    """One finding per run of `_two_week_runs`, on the run's last daily row."""
    hits = _two_week_runs(judged, keys)
    if not hits:
        return []
    hit = judged.iloc[[h[0] for h in hits]]
    params: dict[str, FactColumn] = {
        "metric": hit["metric"],
        "weeks": [h[3] for h in hits],
        "first": [h[1].isoformat() for h in hits],
        "last": [h[2].isoformat() for h in hits],
        "week_target": [h[4] for h in hits],
        "week_actual": [h[5] for h in hits],
    }
    if by_channel:
        params["channel"] = hit["channel"]
    return emit(code, stack, DAILY, hit, column="actual", id_key=None, params=params)


def check_metric_two_weeks(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """metric-below-target-2-weeks: a metric's weekly actual (all channels) under its weekly
    target two calendar weeks running; one finding per run, on its last daily row."""
    judged = _judged_days(stack, as_of)
    if judged.empty:
        return []
    keys: list[tuple[object, ...] | None] = list(
        zip(judged[CAMPAIGN].tolist(), _folded(judged["metric"].tolist()), strict=True)
    )
    return _two_week_findings("metric-below-target-2-weeks", stack, judged, keys)


def check_channel_two_weeks(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """channel-below-target-2-weeks: the same rule per channel, where the daily table has a
    channel column (rows without a channel count for the metric only)."""
    judged = _judged_days(stack, as_of)
    if judged.empty or "channel" not in judged.columns:
        return []
    channels = _folded(judged["channel"].tolist())
    keys: list[tuple[object, ...] | None] = [
        (owner, metric, channel) if channel else None
        for owner, metric, channel in zip(
            judged[CAMPAIGN].tolist(), _folded(judged["metric"].tolist()), channels, strict=True
        )
    ]
    return _two_week_findings("channel-below-target-2-weeks", stack, judged, keys, by_channel=True)


def _below(sums: list[float] | None) -> bool:
    """A week (target, actual sums) whose actual is under its target."""
    return sums is not None and sums[0] > 0 and round(sums[1] - sums[0], 9) < 0


def check_daily_streak(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """daily-below-target-streak (info): one finding per run, on the run's last row."""
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
    keys = [
        (o, fold(m) if isinstance(m, str) else "") for o, m in zip(owners, metrics, strict=True)
    ]
    dates = df["date"].to_numpy(dtype="datetime64[ns]")[judged]
    stamps = np.where(np.isnat(dates), np.iinfo(np.int64).max, dates.view("int64")).tolist()
    below = (rate.to_numpy()[judged].round(9) < 1.0).tolist()
    order = sorted(range(len(judged)), key=lambda i: (keys[i], stamps[i], i))
    runs: list[tuple[int, int]] = []  # (first, last) positions in `order`
    n = 0
    while n < len(order):
        if not below[order[n]]:
            n += 1
            continue
        last = n
        while (
            last + 1 < len(order)
            and below[order[last + 1]]
            and keys[order[last + 1]] == keys[order[n]]
        ):
            last += 1
        if last - n + 1 >= STREAK_DAYS:
            runs.append((n, last))
        n = last + 1
    if not runs:
        return []
    runs.sort(key=lambda run: judged[order[run[1]]])
    hit = df.iloc[[int(judged[order[last]]) for _, last in runs]]
    return emit(
        "daily-below-target-streak",
        stack,
        DAILY,
        hit,
        column="actual",
        id_key=None,
        params={
            "metric": hit["metric"],
            "days": [last - first + 1 for first, last in runs],
            "first": iso(dates[[order[first] for first, _ in runs]]),
            "last": iso(dates[[order[last] for _, last in runs]]),
        },
    )


def check_daily_duplicate(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """daily-duplicate-row: a metric (and channel) entered twice for one day; both rows
    count in every total, so the day's target and actual are doubled."""
    df = rows(stack, DAILY, "date", "metric")
    df = df[df["date"].notna() & df["metric"].notna()]
    if df.empty:
        return []
    channel = df["channel"].tolist() if "channel" in df.columns else [None] * len(df)
    keys = pd.DataFrame(
        {
            "campaign": df[CAMPAIGN].to_numpy(),
            "date": df["date"].to_numpy(),
            "metric": _folded(df["metric"].tolist()),
            "channel": _folded(channel),
        }
    )
    repeat = keys.duplicated(keep="first").to_numpy()
    if not repeat.any():
        return []
    first_row = df["row"].groupby([keys[c].to_numpy() for c in keys.columns]).transform("first")
    hit = df[repeat]
    return emit(
        "daily-duplicate-row",
        stack,
        DAILY,
        hit,
        column="metric",
        id_key=None,
        params={
            "metric": hit["metric"],
            "date": iso(hit["date"]),
            "first_row": first_row[repeat],
        },
    )


def check_daily_negative(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """daily-value-negative: a negative target, actual or spend (a refund, or a typo); it
    lowers every total, and a negative spend would turn a channel's ROI upside down."""
    found: list[Finding] = []
    for column in ("target", "actual", "spend"):
        df = rows(stack, DAILY, column)
        if df.empty or column not in df.columns:
            continue
        hit = df[df[column] < 0]
        found += emit(
            "daily-value-negative",
            stack,
            DAILY,
            hit,
            column=column,
            id_key=None,
            params={
                "metric": hit["metric"],
                "date": iso(hit["date"]),
                "column": [column] * len(hit),
                "value": hit[column],
            },
        )
    return found


DAILY_CHECKS = (
    check_daily_below_target,
    check_metric_two_weeks,
    check_channel_two_weeks,
    check_daily_streak,
    check_daily_duplicate,
    check_daily_negative,
)
