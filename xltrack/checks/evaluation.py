"""Checks over table 5, the effect evaluation, and its link to the goals of table 1.

The achievement rate is always recomputed as actual/target. The rate written in
the file (frames' `rate_written` column: what the cell said, typed or cached)
disagrees when it is more than `RATE_TOLERANCE` away, so `117%` for 35/30
(116.7%) is fine, as is a rate truncated to whole percents.

A metric below target is graded by the traffic lights of `spec.rules`
(`derive.light_of`): still green (less than 10 % below) is info, yellow a
warning, red an error.

While the campaign runs, each goal of table 1 is judged on its pace to date
(pace.py): `at_risk` is a warning for the project manager, `off_track` an error
for the director. Once the campaign has ended and table 5 holds the metric's
actual, `evaluation-below-target` judges it instead.

Table 5 is filled at the end of a campaign: a workbook without one, before its
end date, gets `evaluation-missing` (info) in place of the reader's
`sheet-missing` warning (`defer_missing_evaluation`).

A goal of table 1 needs a row in table 5 once the review has started (table 5
has rows) or the campaign has ended; names match loosely (width, case, script,
spaces, punctuation and bracketed hints such as units are folded away).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd

from xltrack.checks.facts import emit, number, percent, present, rows
from xltrack.derive import achievement, light_of
from xltrack.findings import Finding, Severity
from xltrack.frames import CampaignFrames
from xltrack.labels import metric_keys
from xltrack.pace import Pace, pace_of_metrics
from xltrack.spec import Spec
from xltrack.stack import CAMPAIGN, Stack

# One percentage point: written rates are usually rounded or truncated to whole percents.
RATE_TOLERANCE = 0.01
EVALUATION = "evaluation"


def check_evaluation_rate(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """evaluation-rate-mismatch: the written rate is not actual/target."""
    df = stack.tables[EVALUATION]
    if df.empty or "rate_written" not in df.columns:
        return []
    computed = achievement(df["actual"], df["target"])
    written = pd.to_numeric(df["rate_written"], errors="coerce").astype("float64")
    gap = (written - computed).abs().round(9)
    mask = written.notna() & computed.notna() & (gap > RATE_TOLERANCE)
    hit = df[mask]
    return emit(
        "evaluation-rate-mismatch",
        stack,
        EVALUATION,
        hit,
        column="rate",
        id_key="metric",
        params={
            "metric": hit["metric"],
            "written": written[mask],
            "computed": computed[mask],
            "written_pct": [percent(v) for v in written[mask].tolist()],
            "computed_pct": [percent(v) for v in computed[mask].tolist()],
        },
    )


def check_evaluation_below_target(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """evaluation-below-target: actual under target, graded by traffic light."""
    df = stack.tables[EVALUATION]
    if df.empty:
        return []
    rate = achievement(df["actual"], df["target"])
    mask = rate.notna() & (rate.round(9) < 1.0)
    hit = df[mask]
    hit_rate = rate[mask].tolist()
    lights = light_of(rate[mask], spec.rules).tolist()
    grade = {"green": Severity.INFO, "yellow": Severity.WARNING, "red": Severity.ERROR}
    return emit(
        "evaluation-below-target",
        stack,
        EVALUATION,
        hit,
        column="actual",
        id_key="metric",
        params={
            "metric": hit["metric"],
            "actual": hit["actual"],
            "target": hit["target"],
            "rate": hit_rate,
            "rate_pct": [percent(r) for r in hit_rate],
            "light": lights,
        },
        severities=[grade[light] for light in lights],
    )


def check_goal_evaluated(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """goal-not-evaluated: a goal of table 1 with no row of the same metric in table 5."""
    goals = stack.tables["goals"]
    if goals.empty:
        return []
    evaluated = rows(stack, EVALUATION, "metric")
    owners = evaluated[CAMPAIGN].tolist()
    reviewed = set(owners)
    done: list[set[str] | None] = []  # per campaign; None = not judged
    for position, c in enumerate(stack.campaigns):
        table = c.tables[EVALUATION]
        ended = c.end_date is not None and c.end_date < as_of
        # Judged once the review has started (table 5 has rows) or the campaign has ended.
        judged = table.found and present(table, "metric") and (position in reviewed or ended)
        done.append(set() if judged else None)
    evaluated_keys = metric_keys(evaluated["metric"].tolist(), spec)
    for owner, key in zip(owners, evaluated_keys, strict=True):
        names = done[owner]
        if names is not None:
            names.add(key)
    mask = [
        bool(key) and (names := done[owner]) is not None and key not in names
        for key, owner in zip(
            metric_keys(goals["metric"].tolist(), spec), goals[CAMPAIGN].tolist(), strict=True
        )
    ]
    hit = goals[pd.Series(mask, index=goals.index, dtype=bool)]
    return emit(
        "goal-not-evaluated",
        stack,
        "goals",
        hit,
        column="metric",
        id_key="metric",
        params={"metric": hit["metric"]},
    )


def check_metric_pace(stack: Stack, as_of: dt.date, spec: Spec) -> list[Finding]:
    """metric-off-pace: a goal at risk (warning) or off track (error) on its pace to date;
    metric-plan-short: on track against daily targets that add up to less than the goal
    (at this rate it ends more than the red band short), so "on track" would mislead."""
    goals = stack.tables["goals"]
    goals = goals[goals["metric"].notna()]
    if goals.empty:
        return []
    wanted = [
        (owner, name, None if math.isnan(t) else t)
        for owner, name, t in zip(
            goals[CAMPAIGN].tolist(),
            goals["metric"].tolist(),
            goals["target"].tolist(),
            strict=True,
        )
    ]
    paces = pace_of_metrics(stack, wanted, as_of, spec)
    short = _plan_short(stack, goals, wanted, paces, spec)
    keep = [p.health in ("at_risk", "off_track") and not p.final for p in paces]
    hit = goals[pd.Series(keep, index=goals.index, dtype=bool)]
    judged = [p for p, k in zip(paces, keep, strict=True) if k]
    return (
        emit(
            "metric-off-pace",
            stack,
            "goals",
            hit,
            column="metric",
            id_key="metric",
            params={
                "metric": hit["metric"],
                "actual": [p.actual for p in judged],
                "expected": [p.expected for p in judged],
                "pace": [p.pace for p in judged],
                "pace_pct": [percent(p.pace) for p in judged],
                "health": [p.health for p in judged],
                "escalate_to": [p.escalate_to for p in judged],
            },
            severities=[
                Severity.ERROR if p.health == "off_track" else Severity.WARNING for p in judged
            ],
        )
        + short
    )


def _plan_short(
    stack: Stack,
    goals: pd.DataFrame,
    wanted: list[tuple[int, Any, float | None]],
    paces: list[Pace],
    spec: Spec,
) -> list[Finding]:
    shares = [
        p.forecast / target
        if p.health == "on_track" and not p.final and p.forecast is not None and target
        else None
        for (_, _, target), p in zip(wanted, paces, strict=True)
    ]
    keep = [s is not None and s < spec.rules.yellow_at for s in shares]
    hit = goals[pd.Series(keep, index=goals.index, dtype=bool)]
    picked = [(w, p, s) for w, p, s, k in zip(wanted, paces, shares, keep, strict=True) if k]
    return emit(
        "metric-plan-short",
        stack,
        "goals",
        hit,
        column="target",
        id_key="metric",
        params={
            "metric": hit["metric"],
            "forecast": [number(p.forecast) for _, p, _ in picked],
            "target": [number(w[2]) for w, _, _ in picked],
            "share_pct": [percent(s) for _, _, s in picked],
        },
    )


def defer_missing_evaluation(frames: CampaignFrames, as_of: dt.date) -> list[Finding]:
    """The reader's findings, with a missing table 5 before the end date made info.

    Table 5 is filled once the campaign is over, so its absence mid-campaign is
    expected (`evaluation-missing`); after the end date, or with no end date, the
    reader's `sheet-missing` warning stands.
    """
    end = frames.end_date
    if end is None or end < as_of:
        return frames.load_findings
    return [
        Finding("evaluation-missing", f.location, {"end": end.isoformat()})
        if f.code == "sheet-missing" and f.params.get("table") == EVALUATION
        else f
        for f in frames.load_findings
    ]


EVALUATION_CHECKS = (
    check_evaluation_rate,
    check_evaluation_below_target,
    check_goal_evaluated,
    check_metric_pace,
)
