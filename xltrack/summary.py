"""Summarize one campaign: what it achieved by an as-of date, as plain data (no I/O).

`build_summary(frames, findings, as_of)` condenses the five tables into a
`Summary`: each metric's target, actual, achievement rate and traffic light
(metric_figures.py decides which metrics and their figures, for every output);
task counts by status with the overdue list; open high-severity issues; the
daily trend; findings by severity. `Summary.to_dict()` is the JSON shape of
`xltrack summarize --format json` (and of each campaign in batch output).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from xltrack.checks.facts import present
from xltrack.derive import UNKNOWN, overdue_mask, unresolved
from xltrack.findings import Finding, count_by_severity
from xltrack.frames import CampaignFrames
from xltrack.metric_figures import MetricResult, campaign_metrics
from xltrack.money import Money, campaign_money
from xltrack.pace import worst_health
from xltrack.spec import Spec, load_spec
from xltrack.stack import CAMPAIGN, Stack

TASK_STATUSES = ("not_started", "in_progress", "done", "delayed")

#: Where the metric figures come from: table 5 (the campaign has ended), the daily
#: tracking to date, both (ended, some metrics not in table 5), or nowhere.
SOURCE_EVALUATION = "evaluation"
SOURCE_GOALS_DAILY = "goals+daily"
SOURCE_MIXED = "evaluation+daily"
SOURCE_NONE = "none"


@dataclass(frozen=True)
class OverdueTask:
    task_id: str
    name: str | None
    end: dt.date | None
    days_late: int | None


@dataclass(frozen=True)
class OpenIssue:
    issue_id: str
    description: str | None
    found: dt.date | None
    owner: str | None
    resolution: str | None  # enum key, None when empty


@dataclass(frozen=True)
class DayPoint:
    """One date of one metric in the daily tracking: summed target and actual."""

    date: dt.date
    metric: str
    target: float | None
    actual: float | None


@dataclass
class Summary:
    """What one campaign achieved by `as_of`."""

    campaign: str | None
    as_of: dt.date
    path: str = ""
    owner: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    metrics: list[MetricResult] = field(default_factory=list)
    metrics_source: str = SOURCE_NONE
    health: str | None = None  # the worst health of the core metrics
    task_counts: dict[str, int] = field(default_factory=dict)  # status key (or "unknown")
    tasks_total: int = 0
    overdue: list[OverdueTask] = field(default_factory=list)
    high_unresolved: list[OpenIssue] = field(default_factory=list)
    issues_total: int = 0
    issues_open: int = 0  # not resolved, any severity
    daily: list[DayPoint] = field(default_factory=list)
    findings_by_severity: dict[str, int] = field(default_factory=dict)
    # Figures that could not be computed (their table or a column they need was not
    # found): "tasks.overdue", "issues.high_unresolved", ... They are null in JSON and
    # "unknown" on the sheet, never a confident 0.
    unknown: frozenset[str] = frozenset()
    # Issues whose severity / resolution text is none of the allowed values.
    issues_unknown: dict[str, int] = field(default_factory=dict)
    money: Money = field(default_factory=Money)  # budget lines, spend, channels

    def known(self, figure: str) -> bool:
        """Whether `figure` ("tasks.overdue", "issues.open", ...) could be computed."""
        return figure not in self.unknown

    @property
    def tasks_done(self) -> int:
        return self.task_counts.get("done", 0)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of the issue; more keys may be added, none renamed."""
        return {
            "campaign": self.campaign,
            "as_of": self.as_of.isoformat(),
            "start": _iso(self.start),
            "end": _iso(self.end),
            "owner": self.owner,
            "metrics_source": self.metrics_source,
            "health": self.health,
            "metrics": [
                {
                    "name": m.name,
                    "target": _num(m.target),
                    "actual": _num(m.actual),
                    "rate": None if m.rate is None else round(m.rate, 4),
                    "light": m.light,
                    "actual_to_date": _num(m.actual_to_date),
                    "expected": _num(None if m.expected is None else round(m.expected, 4)),
                    "pace": None if m.pace is None else round(m.pace, 4),
                    "forecast": _num(None if m.forecast is None else round(m.forecast, 4)),
                    "health": m.health,
                    "escalate_to": m.escalate_to,
                    "core": m.core,
                    "final": m.final,
                    "evaluation_actual": _num(m.evaluation_actual),
                }
                for m in self.metrics
            ],
            "tasks": {
                "total": self.tasks_total,
                "done": self._known("tasks.by_status", self.tasks_done),
                "by_status": self._known("tasks.by_status", dict(self.task_counts)),
                "overdue": self._known("tasks.overdue", [t.task_id for t in self.overdue]),
            },
            "issues": {
                "total": self.issues_total,
                "open": self._known("issues.open", self.issues_open),
                "high_unresolved": self._known(
                    "issues.high_unresolved", [i.issue_id for i in self.high_unresolved]
                ),
                "unknown_values": dict(self.issues_unknown),
            },
            "budget": {
                "total": _num(self.money.total),
                "spent": _num(self.money.spent),
                "remaining": _num(self.money.remaining),
                "lines": [
                    {
                        "category": line.category,
                        "planned": _num(line.planned),
                        "spent": _num(line.spent),
                        "variance": _rounded(line.variance),
                    }
                    for line in self.money.lines
                ],
            },
            "channels": [
                {
                    "name": c.name,
                    "target": _num(c.target),
                    "actual": _num(c.actual),
                    "rate": _rounded(c.rate),
                    "spend": _num(c.spend),
                    "roi": _rounded(c.roi),
                }
                for c in self.money.channels
            ],
            "daily": [
                {
                    "date": p.date.isoformat(),
                    "metric": p.metric,
                    "target": _num(p.target),
                    "actual": _num(p.actual),
                }
                for p in self.daily
            ],
            "findings": dict(self.findings_by_severity),
        }

    def _known(self, figure: str, value: Any) -> Any:
        return value if self.known(figure) else None


#: The columns each figure needs; a campaign whose table was found without one of
#: them has the figure unknown (a table not found at all is said by sheet-missing).
_FIGURES_NEED = {
    "tasks.by_status": ("tasks", ("status",)),
    "tasks.overdue": ("tasks", ("status", "end_date")),
    "issues.open": ("issues", ("resolution",)),
    "issues.high_unresolved": ("issues", ("severity", "resolution")),
}


def _unknown_figures(frames: CampaignFrames) -> frozenset[str]:
    missing = set()
    for figure, (key, needs) in _FIGURES_NEED.items():
        table = frames.tables[key]
        if not all(present(table, need) for need in needs):
            missing.add(figure)
    return frozenset(missing)


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _num(value: float | None) -> float | int | None:
    """JSON numbers as people wrote them: 300000, not 300000.0."""
    if value is None or math.isnan(value):
        return None
    return int(value) if float(value).is_integer() else float(value)


def _opt(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _date(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _text(value: Any) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _record_id(value: Any, row: Any) -> str:
    text = _text(value)
    if text:
        return text
    return f"row {int(row)}" if row is not None and not pd.isna(row) else "?"


def build_summary(
    frames: CampaignFrames,
    findings: list[Finding],
    as_of: dt.date,
    spec: Spec | None = None,
) -> Summary:
    """Condense a campaign's tables and findings into a `Summary`.

    Args:
        frames: the campaign as read (see frames.py).
        findings: the reader's and the checks' findings.
        as_of: the date overdue is measured against; never the clock.
        spec: the template (traffic-light thresholds); the built-in one when None.

    Returns:
        The `Summary` (pure data).
    """
    return build_summaries(Stack.of(frames), [findings], as_of, spec)[0]


def build_summaries(
    stack: Stack,
    findings: list[list[Finding]],
    as_of: dt.date,
    spec: Spec | None = None,
) -> list[Summary]:
    """`build_summary` for every campaign of a stack, each table grouped once.

    Args:
        stack: the campaigns.
        findings: each campaign's findings, in stack order.
        as_of: the date overdue is measured against.
        spec: the template (traffic-light thresholds); the built-in one when None.

    Returns:
        One `Summary` per campaign, in stack order.
    """
    spec = spec or load_spec()
    summaries = [
        Summary(
            campaign=frames.name,
            as_of=as_of,
            path=frames.path,
            owner=_text(frames.info.get("owner")) or None,
            start=frames.start_date,
            end=frames.end_date,
            unknown=_unknown_figures(frames),
        )
        for frames in stack.campaigns
    ]
    for summary, metrics in zip(summaries, campaign_metrics(stack, as_of, spec), strict=True):
        summary.metrics = metrics
        summary.metrics_source = _source(metrics)
        # The campaign's health is its worst core metric's.
        summary.health = worst_health([m.health for m in metrics if m.core])
    _tasks(summaries, stack.tables["tasks"], as_of)
    _issues(summaries, stack.tables["issues"])
    _daily(summaries, stack.tables["daily"])
    for summary, money in zip(summaries, campaign_money(stack, spec), strict=True):
        summary.money = money
    for summary, found in zip(summaries, findings, strict=True):
        summary.findings_by_severity = count_by_severity(found)
    return summaries


def _source(metrics: list[MetricResult]) -> str:
    if not metrics:
        return SOURCE_NONE
    final = sum(m.final for m in metrics)
    if not final:
        return SOURCE_GOALS_DAILY
    # A metric without an actual anywhere takes its figure from neither table.
    figured = sum(m.actual is not None for m in metrics)
    return SOURCE_EVALUATION if final == figured else SOURCE_MIXED


def _tasks(summaries: list[Summary], tasks: pd.DataFrame, as_of: dt.date) -> None:
    owners = tasks[CAMPAIGN].tolist()
    found = Counter(zip(owners, tasks["status"].tolist(), strict=True))
    totals = Counter(owners)
    for owner, summary in enumerate(summaries):
        counts = {status: found.get((owner, status), 0) for status in TASK_STATUSES}
        others = totals.get(owner, 0) - sum(counts.values())
        if others:
            counts["unknown"] = others
        summary.task_counts = counts
        summary.tasks_total = totals.get(owner, 0)
    # The frames may have been read for another as-of date: apply the rule afresh.
    late = tasks[overdue_mask(tasks["end_date"], tasks["status"], as_of)]
    # Overdue implies an end date, so days late is whole; whole columns convert at C speed.
    for owner, task_id, row, name, end, days in zip(
        late[CAMPAIGN].tolist(),
        late["task_id"].tolist(),
        late["row"].tolist(),
        late["task_name"].tolist(),
        late["end_date"].dt.date.tolist(),
        (pd.Timestamp(as_of) - late["end_date"]).dt.days.tolist(),
        strict=True,
    ):
        summaries[owner].overdue.append(
            OverdueTask(_record_id(task_id, row), _text(name), end, int(days))
        )


def _issues(summaries: list[Summary], issues: pd.DataFrame) -> None:
    for owner, n in Counter(issues[CAMPAIGN].tolist()).items():
        summaries[owner].issues_total = n
    still_open = unresolved(issues["resolution"])
    for owner, n in Counter(issues.loc[still_open, CAMPAIGN].tolist()).items():
        summaries[owner].issues_open = n
    for column in ("severity", "resolution"):
        for owner, n in Counter(issues.loc[issues[column].eq(UNKNOWN), CAMPAIGN].tolist()).items():
            summaries[owner].issues_unknown[column] = n
    high = issues[issues["severity"].eq("high") & still_open]
    r: Any  # a row of a mixed frame (pandas-stubs narrows its fields to scalars)
    for r in high.itertuples(index=False):
        summaries[r.campaign].high_unresolved.append(
            OpenIssue(
                _record_id(r.issue_id, r.row),
                _text(r.description),
                _date(r.found_date),
                _text(r.owner),
                _text(r.resolution),
            )
        )


def _daily(summaries: list[Summary], daily: pd.DataFrame) -> None:
    """Per metric (in order of first appearance), per date: summed target and actual."""
    rows = daily[daily["date"].notna()]
    if not len(rows):
        return
    rows = rows.assign(_metric=rows["metric"].fillna("").astype(str).str.strip())
    grouped = rows.groupby([CAMPAIGN, "_metric", "date"], sort=False)[["target", "actual"]].sum(
        min_count=1
    )
    order = {
        key: i
        for i, key in enumerate(dict.fromkeys(zip(rows[CAMPAIGN], rows["_metric"], strict=True)))
    }
    points = [
        (
            order[(owner, metric)],
            owner,
            DayPoint(pd.Timestamp(day).date(), metric, _opt(t), _opt(a)),
        )
        for (owner, metric, day), t, a in zip(
            grouped.index, grouped["target"], grouped["actual"], strict=True
        )
    ]
    points.sort(key=lambda p: (p[0], p[2].date))
    for _, owner, point in points:
        summaries[owner].daily.append(point)
