"""A campaign's metrics and their figures as of a date: the one place that decides them.

The summary, the portfolio (its metrics table, campaign counts, Overview, exports)
and so the JSON all take their metrics from `campaign_metrics`, so none can drop a
goal another one shows, or judge it by another rule.

Which metrics: the union of table 1's goals, table 5's rows and the daily table's
metrics, one per identity (`labels.metric_key`: script, case, a unit in brackets
and a team's synonyms folded), in that order of first appearance, named as first
written. A goal missing from table 5 is still a goal; a metric tracked daily
without a goal still has a pace.

Their figures follow the rule of pace.py, which the Dashboard's formulas share
(kpi.py is their twin):

- target: the goal's (table 1), else table 5's;
- actual: to date, the daily actuals dated on or before as-of; table 5's actual
  once the campaign has ended (or its end is unknown) — table 5 written earlier
  is a forecast, not a result, and would make the summary disagree with the
  Dashboard, so it is only kept as `evaluation_actual`;
- rate = actual / target (achieved so far, or final); expected, pace, forecast
  and health as pace.py computes them; light: the health's traffic light, the
  one the Dashboard shows next to the achievement.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from xltrack.labels import metric_key
from xltrack.pace import core_metrics, pace_of_metrics
from xltrack.spec import Spec
from xltrack.stack import CAMPAIGN, Stack


@dataclass(frozen=True)
class MetricResult:
    """One metric of a campaign as of a date (None where a figure cannot be known)."""

    name: str
    target: float | None
    actual: float | None  # to date, or table 5's final actual (`final`)
    rate: float | None  # actual / target
    light: str | None  # "green" | "yellow" | "red": the health's light
    expected: float | None = None
    actual_to_date: float | None = None
    pace: float | None = None
    forecast: float | None = None
    health: str | None = None  # "on_track" | "at_risk" | "off_track"
    escalate_to: str | None = None  # "project_manager" | "director"
    core: bool = True
    key: str = ""  # the identity (`labels.metric_key`)
    final: bool = False  # the figures are table 5's, the campaign having ended
    evaluation_actual: float | None = None  # table 5's actual as written, final or not
    evaluation_row: int | None = None  # table 5's row of the metric, when it has one
    cause: str | None = None  # table 5's cause analysis
    improvement: str | None = None  # table 5's suggestion


@dataclass
class _Seen:
    """What the tables say of one metric, first value written winning."""

    name: str
    target: float | None = None
    eval_target: float | None = None
    eval_actual: float | None = None
    eval_row: int | None = None
    cause: str | None = None
    improvement: str | None = None


def campaign_metrics(stack: Stack, as_of: dt.date, spec: Spec) -> list[list[MetricResult]]:
    """Each campaign's metrics and their figures as of `as_of`, in stack order.

    Args:
        stack: the campaigns (goals, evaluation, daily tables; campaign windows).
        as_of: the date the figures are measured at.
        spec: the template (metric synonyms, traffic-light thresholds, priorities).

    Returns:
        Per campaign, its metrics (goals first, then table 5's, then the daily ones).
    """
    seen: list[dict[str, _Seen]] = [{} for _ in stack.campaigns]
    goals = stack.tables["goals"]
    for owner, name, target in _columns(goals, "metric", "target"):
        entry = _entry(seen[owner], name, spec)
        if entry is not None and entry.target is None:
            entry.target = _number(target)
    evaluation = stack.tables["evaluation"]
    for owner, name, target, actual, row, cause, improvement in _columns(
        evaluation, "metric", "target", "actual", "row", "cause", "improvement"
    ):
        entry = _entry(seen[owner], name, spec)
        if entry is None:
            continue
        if entry.eval_row is None:
            entry.eval_row = None if _number(row) is None else int(row)
            entry.cause, entry.improvement = _text(cause), _text(improvement)
        if entry.eval_target is None:
            entry.eval_target = _number(target)
        if entry.eval_actual is None:
            entry.eval_actual = _number(actual)
    # The daily table is the long one: each distinct (campaign, name) once, in order.
    daily = stack.tables["daily"]
    for owner, name in dict.fromkeys(_columns(daily, "metric")):
        _entry(seen[owner], name, spec)
    wanted = [
        (owner, e.name, e.target if e.target is not None else e.eval_target)
        for owner, entries in enumerate(seen)
        for e in entries.values()
    ]
    paces = iter(pace_of_metrics(stack, wanted, as_of, spec))
    is_core = core_metrics(stack, spec)
    out: list[list[MetricResult]] = []
    for owner, entries in enumerate(seen):
        metrics = []
        for key, e in entries.items():
            p = next(paces)
            target = e.target if e.target is not None else e.eval_target
            metrics.append(
                MetricResult(
                    name=e.name,
                    target=target,
                    actual=p.actual,
                    rate=_ratio(p.actual, target),
                    light=p.light,
                    expected=p.expected,
                    actual_to_date=p.actual,
                    pace=p.pace,
                    forecast=p.forecast,
                    health=p.health,
                    escalate_to=p.escalate_to,
                    core=is_core(owner, e.name),
                    key=key,
                    final=p.final,
                    evaluation_actual=e.eval_actual,
                    evaluation_row=e.eval_row,
                    cause=e.cause,
                    improvement=e.improvement,
                )
            )
        out.append(metrics)
    return out


def _columns(frame: Any, *names: str) -> Any:
    return zip(frame[CAMPAIGN].tolist(), *(frame[n].tolist() for n in names), strict=True)


def _entry(entries: dict[str, _Seen], name: Any, spec: Spec) -> _Seen | None:
    """The metric `name` names (added when new); None for a blank name."""
    key = metric_key(name, spec)
    if not key:
        return None
    entry = entries.get(key)
    if entry is None:
        entry = entries[key] = _Seen(str(name).strip())
    return entry


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return None
    return float(value)


def _text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _ratio(actual: float | None, target: float | None) -> float | None:
    if actual is None or target is None or target == 0:
        return None
    return actual / target


__all__ = ["MetricResult", "campaign_metrics"]
