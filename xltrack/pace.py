"""Mid-campaign truth: each goal metric's pace against what was due by an as-of date.

For a metric with campaign target T, as of date D (issue 11, from the source's
traffic lights):

- expected to date E = the sum of that metric's daily targets dated <= D when the
  daily table gives it targets at all; otherwise T x elapsed / total days
  (`derive.expected_to_date`);
- actual to date A = the sum of its daily actuals dated <= D, or table 5's actual
  once the campaign has ended (end < D, or no end date is known: nothing then
  says the review is early) and table 5 holds one, with T (table 5's target
  when T is unknown) as what was expected, so pace is the final achievement;
- pace = A / E, forecast = A x total / elapsed; without any daily actual (and no
  final table-5 actual) pace and health are None;
- health = `derive.health_of(pace)`: the same bands as every traffic light.

Metric names are matched by their identity (`labels.metric_key`): script,
width, case and a unit in brackets are folded, and a team template's synonyms
are one metric, as everywhere else.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from xltrack import derive
from xltrack.labels import metric_key, metric_keys
from xltrack.spec import Spec
from xltrack.stack import CAMPAIGN, Stack


@dataclass(frozen=True)
class Pace:
    """One metric's figures to date (None where they cannot be known)."""

    expected: float | None
    actual: float | None
    pace: float | None
    forecast: float | None
    health: str | None  # "on_track" | "at_risk" | "off_track"
    escalate_to: str | None  # "project_manager" | "director"
    final: bool = False  # table 5's final actual, the campaign having ended
    light: str | None = None  # "green" | "yellow" | "red": the health's traffic light


NO_PACE = Pace(None, None, None, None, None, None)


@dataclass(frozen=True)
class _Sums:
    has_target: bool
    target: float  # daily targets dated <= as-of
    has_actual: bool  # an actual dated <= as-of
    actual: float


def _daily_sums(daily: pd.DataFrame, as_of: dt.date, spec: Spec) -> dict[tuple[int, str], _Sums]:
    """Per (campaign, metric key): the daily targets and actuals up to as-of, on reported days."""
    out: dict[tuple[int, str], _Sums] = {}
    if daily.empty:
        return out
    cutoff = pd.Timestamp(as_of)
    dated = daily["date"].notna().tolist()
    due = (daily["date"] <= cutoff).tolist()
    for owner, name_key, when_ok, in_time, target, actual in zip(
        daily[CAMPAIGN].tolist(),
        metric_keys(daily["metric"].tolist(), spec),
        dated,
        due,
        daily["target"].tolist(),
        daily["actual"].tolist(),
        strict=True,
    ):
        key = (owner, name_key)
        was = out.get(key, _Sums(False, 0.0, False, 0.0))
        has_t = not math.isnan(target)
        has_a = not math.isnan(actual)
        counted = when_ok and in_time
        out[key] = _Sums(
            was.has_target or has_t,
            # Only the days reported count: a target typed ahead for a day whose actual
            # is not in yet (today's, a gap) is not yet due.
            was.target + (target if has_t and has_a and counted else 0.0),
            was.has_actual or (has_a and counted),
            was.actual + (actual if has_a and counted else 0.0),
        )
    return out


def _final_actuals(
    evaluation: pd.DataFrame, spec: Spec
) -> dict[tuple[int, str], tuple[float, float | None]]:
    """Per (campaign, metric key): table 5's actual and target, where an actual is written."""
    out: dict[tuple[int, str], tuple[float, float | None]] = {}
    for owner, key, target, actual in zip(
        evaluation[CAMPAIGN].tolist(),
        metric_keys(evaluation["metric"].tolist(), spec),
        evaluation["target"].tolist(),
        evaluation["actual"].tolist(),
        strict=True,
    ):
        if not math.isnan(actual):
            out.setdefault((owner, key), (actual, None if math.isnan(target) else target))
    return out


def pace_of_metrics(
    stack: Stack,
    metrics: Sequence[tuple[int, Any, float | None]],
    as_of: dt.date,
    spec: Spec,
) -> list[Pace]:
    """The pace of each (campaign position, metric name, campaign target T).

    Args:
        stack: the campaigns (daily tracking, evaluation, campaign windows).
        metrics: one entry per metric to judge.
        as_of: the date D.
        spec: the template (traffic-light thresholds, metric synonyms).

    Returns:
        One `Pace` per entry of `metrics`, in order.
    """
    rules = spec.rules
    sums = _daily_sums(stack.tables["daily"], as_of, spec)
    finals = _final_actuals(stack.tables["evaluation"], spec)
    raw: list[tuple[float | None, float | None, float | None, float | None, bool]] = []
    for owner, name, target in metrics:
        head = stack.campaigns[owner]
        start, end = head.start_date, head.end_date
        total = derive.campaign_days(start, end)
        elapsed = derive.elapsed_days(start, end, as_of)
        key = (owner, metric_key(name, spec))
        final = finals.get(key)
        if final is not None and (end is None or end < as_of):
            actual, final_target = final
            # The Dashboard's rule: the campaign's target (table 1) was what was expected.
            expected = target if target is not None else final_target
            raw.append((expected, actual, _ratio(actual, expected), actual, True))
            continue
        s = sums.get(key)
        if s is not None and s.has_target:
            expected = s.target
        else:
            expected = derive.expected_to_date(target, start, end, as_of)
        if s is None or not s.has_actual:
            raw.append((expected, None, None, None, False))
            continue
        forecast = s.actual * total / elapsed if total and elapsed else None
        raw.append((expected, s.actual, _ratio(s.actual, expected), forecast, False))
    paces = pd.Series([r[2] for r in raw], dtype="float64")
    health = derive.health_of(paces, rules).tolist() if len(raw) else []
    lights = derive.light_of(paces, rules).tolist() if len(raw) else []
    return [
        Pace(e, a, p, f, h, derive.ESCALATE_TO.get(light) if light else None, final, light)
        for (e, a, p, f, final), h, light in zip(raw, health, lights, strict=True)
    ]


def _ratio(actual: float, expected: float | None) -> float | None:
    if expected is None or math.isnan(expected) or expected == 0:
        return None
    return actual / expected


def core_metrics(stack: Stack, spec: Spec) -> Callable[[int, Any], bool]:
    """Whether a campaign's metric is core, from the priorities of its goals (table 1).

    A goal marked core is core; when a campaign marks none core, every metric is
    core but those marked supporting (so with no priority at all, all are core).
    """
    goals = stack.tables["goals"]
    marked: dict[tuple[int, str], str] = {}
    has_core: set[int] = set()
    for owner, name, priority in zip(
        goals[CAMPAIGN].tolist(),
        goals["metric"].tolist(),
        goals["priority"].tolist(),
        strict=True,
    ):
        if priority in ("core", "supporting"):
            marked[(owner, metric_key(name, spec))] = priority
            if priority == "core":
                has_core.add(owner)

    def is_core(owner: int, name: Any) -> bool:
        priority = marked.get((owner, metric_key(name, spec)))
        return priority == "core" if owner in has_core else priority != "supporting"

    return is_core


def worst_health(healths: Sequence[str | None]) -> str | None:
    """The worst of some healths (off_track > at_risk > on_track); None when none is known."""
    known = [derive.HEALTH_ORDER.index(h) for h in healths if h in derive.HEALTH_ORDER]
    return derive.HEALTH_ORDER[max(known)] if known else None


__all__ = ["NO_PACE", "Pace", "core_metrics", "pace_of_metrics", "worst_health"]
