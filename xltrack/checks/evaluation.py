"""Checks over table 5, the effect evaluation, and its link to the goals of table 1.

The achievement rate is always recomputed as actual/target. The rate written in
the file (frames' `rate_written` column: what the cell said, typed or cached)
disagrees when it is more than `RATE_TOLERANCE` away, so `117%` for 35/30
(116.7%) is fine, as is a rate truncated to whole percents.

A metric below target is graded by the traffic lights of `spec.rules`: still
green (at least 90%) is info, yellow a warning, red an error.

A goal of table 1 needs a row in table 5 once the review has started (table 5
has rows) or the campaign has ended; names match loosely (width, case, script,
spaces, punctuation and bracketed hints such as units are folded away).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from xltrack.checks.facts import emit, percent, present, rows
from xltrack.derive import achievement
from xltrack.findings import Finding, Severity
from xltrack.labels import fold
from xltrack.spec import Spec
from xltrack.stack import CAMPAIGN, Stack

# One percentage point: written rates are usually rounded or truncated to whole percents.
RATE_TOLERANCE = 0.01
EVALUATION = "evaluation"


def metric_key(name: object) -> str:
    """The loose form of a metric name: `销售额(万元)`, ` 銷售額 ` and `销售额` agree."""
    if not isinstance(name, str):
        return ""
    return fold(name, keep_hints=False) or fold(name)


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
        "evaluation-rate-mismatch", stack, EVALUATION, hit, column="rate", id_key="metric",
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
    rate = achievement(df["actual"], df["target"]).round(9)
    mask = rate.notna() & (rate < 1.0)
    hit = df[mask]
    hit_rate = rate[mask].tolist()
    green, yellow = spec.rules.green_at, spec.rules.yellow_at
    lights = ["green" if r >= green else "yellow" if r >= yellow else "red" for r in hit_rate]
    grade = {"green": Severity.INFO, "yellow": Severity.WARNING, "red": Severity.ERROR}
    return emit(
        "evaluation-below-target", stack, EVALUATION, hit, column="actual", id_key="metric",
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
    for owner, metric in zip(owners, evaluated["metric"].tolist()):
        names = done[owner]
        if names is not None:
            names.add(metric_key(metric))
    mask = [
        bool(key) and (names := done[owner]) is not None and key not in names
        for key, owner in zip(map(metric_key, goals["metric"].tolist()), goals[CAMPAIGN].tolist())
    ]
    hit = goals[pd.Series(mask, index=goals.index, dtype=bool)]
    return emit(
        "goal-not-evaluated", stack, "goals", hit, column="metric", id_key="metric",
        params={"metric": hit["metric"]},
    )


EVALUATION_CHECKS = (check_evaluation_rate, check_evaluation_below_target, check_goal_evaluated)
