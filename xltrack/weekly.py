"""The source's weekly progress report for one calendar week, as plain data (no I/O).

Every Friday the source's teams send a report: key results, delayed tasks and
their reasons, next week's plan and the resources to coordinate (seed 000).
`build_weekly_report(frames, findings, week_of, as_of)` gathers it for the
calendar week (Monday to Sunday) holding `week_of`:

- metrics: per daily metric, the week's target and actual (days with both, up
  to as-of), the deviation 1 - actual/target rounded to 4 places (偏差率) and
  the health of the source's bands (`derive.health_of`);
- done: tasks marked done whose end date falls in the week;
- delayed: tasks marked delayed, or overdue as of as-of, with their reason;
- next_week: tasks not done whose span (start to end) meets the following week;
- open_issues: issues not resolved, found by the week's end (or with no date);
- resources: the daily table's "resources needed" texts of the week;
- findings: those whose date (a day, a found or end date, a run's last week)
  falls in the week, after a `week-outside-campaign` warning when the whole
  week lies before the campaign's start or after its end.

`WeeklyReport.to_dict()` is the JSON of `xltrack report --format json`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from xltrack import derive
from xltrack.checks.facts import blank
from xltrack.findings import Finding, Location
from xltrack.frames import CampaignFrames
from xltrack.labels import metric_key
from xltrack.spec import Spec, load_spec

# Finding params that date what a finding is about.
_DATE_PARAMS = ("date", "found", "end", "last")


@dataclass(frozen=True)
class WeekMetric:
    name: str
    target: float | None
    actual: float | None
    deviation: float | None  # 1 - actual/target, rounded to 4 places
    health: str | None


@dataclass(frozen=True)
class ReportTask:
    task_id: str
    name: str | None
    start: dt.date | None
    end: dt.date | None
    reason: str | None = None


@dataclass(frozen=True)
class ReportIssue:
    issue_id: str
    description: str | None
    severity: str | None  # enum key
    found: dt.date | None
    age_days: int | None


@dataclass
class WeeklyReport:
    """One campaign's week: results, delays, next week's plan, issues, resources."""

    campaign: str | None
    as_of: dt.date
    start: dt.date  # Monday
    end: dt.date  # Sunday
    path: str = ""
    metrics: list[WeekMetric] = field(default_factory=list)
    done: list[ReportTask] = field(default_factory=list)
    delayed: list[ReportTask] = field(default_factory=list)
    next_week: list[ReportTask] = field(default_factory=list)
    open_issues: list[ReportIssue] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # The week's spend by channel ("" for rows without one); empty when nothing was spent.
    spend: dict[str, float] = field(default_factory=dict)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The issue's JSON shape; more keys may be added, none renamed."""
        return {
            "campaign": self.campaign,
            "week": {"start": self.start.isoformat(), "end": self.end.isoformat()},
            "as_of": self.as_of.isoformat(),
            "metrics": [
                {
                    "name": m.name,
                    "target": _num(m.target),
                    "actual": _num(m.actual),
                    "deviation": m.deviation,
                    "health": m.health,
                }
                for m in self.metrics
            ],
            "done": [t.task_id for t in self.done],
            "delayed": [{"id": t.task_id, "reason": t.reason} for t in self.delayed],
            "next_week": [t.task_id for t in self.next_week],
            "open_issues": [i.issue_id for i in self.open_issues],
            "resources": list(self.resources),
            "spend": {
                "total": _num(sum(self.spend.values())) if self.spend else None,
                "channels": [
                    {"name": name or None, "spend": _num(value)}
                    for name, value in self.spend.items()
                ],
            },
            "findings": [f.to_dict(lang) for f in self.findings],
        }


def week_window(day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar week (Monday, Sunday) holding `day`."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def build_weekly_report(
    frames: CampaignFrames,
    findings: list[Finding],
    week_of: dt.date,
    as_of: dt.date | None = None,
    spec: Spec | None = None,
) -> WeeklyReport:
    """Gather the weekly report of the calendar week holding `week_of`.

    Args:
        frames: the campaign as read.
        findings: its findings (reader's and checks'), as of `as_of`.
        week_of: any day of the week to report.
        as_of: the day the report is made (overdue, issue ages, days counted);
            `week_of` when None.
        spec: the template (traffic-light thresholds); the built-in one when None.

    Returns:
        The `WeeklyReport` (pure data).
    """
    as_of = as_of or week_of
    spec = spec or load_spec()
    start, end = week_window(week_of)
    report = WeeklyReport(frames.name, as_of, start, end, path=frames.path)
    report.metrics = _metrics(frames.daily.data, start, min(end, as_of), spec)
    _tasks(report, frames.tasks.data, as_of)
    report.open_issues = _issues(frames.issues.data, end, as_of)
    report.resources = _resources(frames.daily.data, start, end)
    report.spend = _spend(frames.daily.data, start, end)
    report.findings = [f for f in findings if _in_week(f, start, end)]
    outside = _outside_campaign(frames, start, end)
    if outside is not None:
        report.findings.insert(0, outside)
    return report


def _outside_campaign(frames: CampaignFrames, start: dt.date, end: dt.date) -> Finding | None:
    """A finding when the week lies wholly before the campaign's start or after its end.

    A report of such a week is empty; the finding says why in every rendering
    (sheet, text, JSON), so an empty sheet mailed around is never mistaken for a
    quiet week.
    """
    first, last = frames.start_date, frames.end_date
    if (first is None or end >= first) and (last is None or start <= last):
        return None
    return Finding(
        "week-outside-campaign",
        Location(file=frames.path or None),
        {
            "week_start": start.isoformat(),
            "week_end": end.isoformat(),
            "campaign_start": first.isoformat() if first else "?",
            "campaign_end": last.isoformat() if last else "?",
        },
    )


def _metrics(daily: pd.DataFrame, first: dt.date, last: dt.date, spec: Spec) -> list[WeekMetric]:
    if daily.empty:
        return []
    days = daily[
        daily["date"].notna()
        & daily["target"].notna()
        & daily["actual"].notna()
        & (daily["date"] >= pd.Timestamp(first))
        & (daily["date"] <= pd.Timestamp(last))
    ]
    names: dict[str, str] = {}  # key -> the first spelling met in the table
    sums: dict[str, list[float]] = {}
    for name in daily["metric"].tolist():
        if isinstance(name, str) and name.strip():
            names.setdefault(metric_key(name, spec), name.strip())
    for name, target, actual in zip(
        days["metric"].tolist(), days["target"].tolist(), days["actual"].tolist(), strict=True
    ):
        pair = sums.setdefault(metric_key(name, spec), [0.0, 0.0])
        pair[0] += target
        pair[1] += actual
    out = []
    for key, name in names.items():
        target, actual = sums.get(key, (math.nan, math.nan))
        rate = actual / target if target else math.nan
        ratio = pd.Series([rate], dtype="float64")
        deviation = derive.deviation(ratio).iloc[0]
        out.append(
            WeekMetric(
                name,
                _opt(target),
                _opt(actual),
                None if math.isnan(deviation) else float(deviation),
                derive.health_of(ratio, spec.rules).iloc[0],
            )
        )
    return out


def _tasks(report: WeeklyReport, tasks: pd.DataFrame, as_of: dt.date) -> None:
    if tasks.empty:
        return
    start, end = report.start, report.end
    next_start, next_end = start + dt.timedelta(days=7), end + dt.timedelta(days=7)
    overdue = derive.overdue_mask(tasks["end_date"], tasks["status"], as_of).tolist()
    for r, late in zip(tasks.itertuples(index=False), overdue, strict=True):
        task = ReportTask(
            _id(r.task_id, r.row),
            _text(r.task_name),
            _date(r.start_date),
            _date(r.end_date),
            _text(r.delay_reason),
        )
        if r.status == "done":
            if task.end is not None and start <= task.end <= end:
                report.done.append(task)
            continue
        if r.status == "delayed" or late:
            report.delayed.append(task)
        if _overlaps(task, next_start, next_end):
            report.next_week.append(task)


def _overlaps(task: ReportTask, first: dt.date, last: dt.date) -> bool:
    """Whether a task's span meets [first, last]: a task running through the whole
    week is on the plan as much as one starting or ending in it. A task with one
    date spans that day."""
    begin, finish = task.start or task.end, task.end or task.start
    if begin is None or finish is None:
        return False
    return begin <= last and finish >= first


def _issues(issues: pd.DataFrame, end: dt.date, as_of: dt.date) -> list[ReportIssue]:
    if issues.empty:
        return []
    still_open = derive.unresolved(issues["resolution"]).tolist()
    out = []
    for r, is_open in zip(issues.itertuples(index=False), still_open, strict=True):
        found = _date(r.found_date)
        if not is_open or (found is not None and found > end):
            continue
        age = None if found is None else max(0, (as_of - found).days)
        out.append(
            ReportIssue(_id(r.issue_id, r.row), _text(r.description), _text(r.severity), found, age)
        )
    return out


def _resources(daily: pd.DataFrame, start: dt.date, end: dt.date) -> list[str]:
    if daily.empty:
        return []
    week = daily[(daily["date"] >= pd.Timestamp(start)) & (daily["date"] <= pd.Timestamp(end))]
    week = week.sort_values("date", kind="stable")
    texts = week["resources"][~blank(week["resources"])].tolist()
    return list(dict.fromkeys(str(t).strip() for t in texts))


def _spend(daily: pd.DataFrame, start: dt.date, end: dt.date) -> dict[str, float]:
    """The week's spend per channel (the daily table's spend column, source 003)."""
    if daily.empty or "spend" not in daily:
        return {}
    week = daily[(daily["date"] >= pd.Timestamp(start)) & (daily["date"] <= pd.Timestamp(end))]
    week = week[week["spend"].notna()]
    if week.empty:
        return {}
    channel = week["channel"] if "channel" in week else pd.Series("", index=week.index)
    names = channel.map(lambda v: v.strip() if isinstance(v, str) else "")
    return {str(k): float(v) for k, v in week.groupby(names, sort=False)["spend"].sum().items()}


def _in_week(finding: Finding, start: dt.date, end: dt.date) -> bool:
    for key in _DATE_PARAMS:
        value = finding.params.get(key)
        if isinstance(value, str):
            try:
                day = dt.date.fromisoformat(value)
            except ValueError:
                continue
            if start <= day <= end:
                return True
    return False


def _opt(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _num(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _date(value: Any) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def _id(value: Any, row: Any) -> str:
    text = _text(value)
    if text:
        return text
    return f"row {int(row)}" if row is not None and not pd.isna(row) else "?"


__all__ = [
    "ReportIssue",
    "ReportTask",
    "WeekMetric",
    "WeeklyReport",
    "build_weekly_report",
    "week_window",
]
