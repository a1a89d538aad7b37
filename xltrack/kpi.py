"""Each metric's progress to date against its pace: the Python twin of the Dashboard's formulas.

For a metric with target T, the Dashboard computes (and `metric_pace` repeats):

- actual to date: the metric's daily actuals dated on or before as-of (none: no
  pace); once the campaign has ended (or has no end date) and the Evaluation sheet
  has the metric, its actual there, with the target as what was expected (so pace =
  final achievement);
- expected to date: the metric's daily targets dated on or before as-of, on the days
  whose actual is in, when the Daily sheet has targets for it, else T x elapsed /
  total campaign days
  (elapsed counts the start day and stops at the end);
- achieved = actual / T, expected share = expected / T, pace = actual / expected;
- health from the deviation 1 - pace rounded to 4 places: below 10 % on track
  (green), 10-20 % inclusive at risk (yellow), above 20 % off track (red).

Metric names match as SUMIFS matches them: ignoring case, not spaces. The
LibreOffice tests prove the formulas compute what this twin computes.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

AT_RISK, OFF_TRACK = 0.10, 0.20


@dataclass(frozen=True)
class DayRow:
    """One row of the Daily sheet: date, metric, target, actual (None when empty)."""

    date: dt.date | None
    metric: str | None
    target: float | None
    actual: float | None


@dataclass(frozen=True)
class Pace:
    actual: float | None
    expected: float | None
    achieved: float | None  # actual / target
    expected_share: float | None  # expected / target
    pace: float | None  # actual / expected
    deviation: float | None  # round(1 - pace, 4)
    health: str | None  # "green" | "yellow" | "red"


def health_of(deviation: float | None) -> str | None:
    """The light of a deviation from pace (the source's 10 % / 20 % bands)."""
    if deviation is None:
        return None
    if deviation < AT_RISK:
        return "green"
    return "yellow" if deviation <= OFF_TRACK else "red"


def elapsed_share(start: dt.date | None, end: dt.date | None, as_of: dt.date) -> float | None:
    """Elapsed campaign days / total campaign days, both counting the start day."""
    if start is None or end is None or end < start:
        return None
    total = (end - start).days + 1
    elapsed = min(max((as_of - start).days + 1, 0), total)
    return elapsed / total


def metric_pace(
    metric: str,
    target: float | None,
    daily: Iterable[DayRow],
    evaluation_actual: float | None,
    start: dt.date | None,
    end: dt.date | None,
    as_of: dt.date,
) -> Pace:
    """One metric's progress to date (see the module docstring for the rules)."""
    name = metric.casefold()
    rows = [r for r in daily if r.metric is not None and r.metric.casefold() == name]
    actuals = [r for r in rows if r.actual is not None]
    targets = [r for r in rows if r.target is not None]
    upto = [r for r in rows if r.date is not None and r.date <= as_of]
    actual: float | None = None
    expected: float | None = None
    if (end is None or as_of > end) and evaluation_actual is not None:
        actual, expected = evaluation_actual, target  # ended, table 5 filled: final figures
    else:
        if actuals:
            actual = sum(r.actual for r in upto if r.actual is not None)
        if targets:  # the targets of the days reported (a blank actual is not yet due)
            expected = sum(r.target for r in upto if r.target is not None and r.actual is not None)
        elif target is not None:
            share = elapsed_share(start, end, as_of)
            expected = None if share is None else target * share
    achieved = expected_share = None
    if target is not None and target != 0:
        achieved = None if actual is None else actual / target
        expected_share = None if expected is None else expected / target
    pace = actual / expected if actual is not None and expected else None
    deviation = None if pace is None else round(1 - pace, 4)
    return Pace(actual, expected, achieved, expected_share, pace, deviation, health_of(deviation))


def number(value: object) -> float | None:
    """A float, or None for blanks, text and NaN."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return None if math.isnan(value) else float(value)
