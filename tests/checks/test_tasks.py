"""Task checks: frames built inline, findings flattened to (code, sheet, row, id)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xltrack.checks import run_checks
from xltrack.checks.tasks import TASK_CHECKS
from xltrack.findings import Severity

INFO = {
    "name": "Summer",
    "start_date": dt.date(2024, 6, 1),
    "end_date": dt.date(2024, 6, 30),
    "budget": 500000.0,
}


def task(
    tid: str, start: str | None, end: str | None, status: str | None, **more: Any
) -> dict[str, Any]:
    return {
        "task_id": tid,
        "task_name": "x",
        "owner": "Li",
        "start_date": start,
        "end_date": end,
        "status": status,
        **more,
    }


def test_tasks_source_example_flags_t002_overdue_and_nothing_else(build, flat, spec, as_of) -> None:
    frames = build(
        info=INFO,
        tasks=[
            task("T001", "2024-06-01", "2024-06-05", "done", delay_reason="-"),
            task("T002", "2024-06-03", "2024-06-08", "delayed", delay_reason="KOL档期调整"),
            task("T003", "2024-06-10", "2024-06-20", "in_progress", delay_reason="印刷厂产能不足"),
        ],
    )
    found = run_checks(frames, as_of, spec, checks=TASK_CHECKS)
    assert flat(found) == [("task-overdue", "Tasks", 6, "T002")]
    (f,) = found
    assert f.location.column == "F" and f.level is Severity.ERROR
    assert f.params == {
        "id": "T002",
        "end": "2024-06-08",
        "days_late": 7,
        "status": "delayed",
        "as_of": "2024-06-15",
    }
    assert f.message() == "task T002 ended 2024-06-08 and is not done (7 days late)"


@pytest.mark.parametrize(
    ("end", "status", "overdue"),
    [
        ("2024-06-15", "in_progress", False),  # ends on the as-of date: not yet overdue
        ("2024-06-14", "in_progress", True),
        ("2024-06-14", "delayed", True),  # delayed is not done
        ("2024-06-14", None, True),  # no status is not done
        ("2024-06-14", "not_started", True),
        ("2024-06-14", "done", False),
        (None, "in_progress", False),
    ],
)
def test_tasks_overdue_boundaries(build, flat, spec, as_of, end, status, overdue) -> None:
    frames = build(info=INFO, tasks=[task("T1", "2024-06-01", end, status, delay_reason="r")])
    found = run_checks(frames, as_of, spec, checks=TASK_CHECKS)
    assert (
        ("task-overdue", "Tasks", 5, "T1") in flat(found)
        if overdue
        else "task-overdue" not in {f.code for f in found}
    )


def test_tasks_overdue_counts_days_against_as_of(build, spec) -> None:
    frames = build(info=INFO, tasks=[task("T1", "2024-06-01", "2024-06-10", "in_progress")])
    (f,) = run_checks(frames, dt.date(2024, 6, 13), spec, checks=TASK_CHECKS)
    assert f.params["days_late"] == 3 and f.params["as_of"] == "2024-06-13"


@pytest.mark.parametrize("reason", [None, "", "  ", "-", "无", "N/A"])
def test_tasks_delayed_without_reason(build, flat, spec, as_of, reason) -> None:
    frames = build(
        info=INFO,
        tasks=[
            task("T1", "2024-06-10", "2024-06-20", "delayed", delay_reason=reason),
            task("T2", "2024-06-10", "2024-06-20", "delayed", delay_reason="printer late"),
            task("T3", "2024-06-10", "2024-06-20", "in_progress", delay_reason=reason),
        ],
    )
    found = run_checks(frames, as_of, spec, checks=TASK_CHECKS)
    assert flat(found) == [("task-delay-reason-missing", "Tasks", 5, "T1")]
    assert found[0].location.column == "I"


def test_tasks_end_before_start(build, flat, spec, as_of) -> None:
    frames = build(
        info=INFO,
        tasks=[
            task("T1", "2024-06-20", "2024-06-18", "in_progress"),
            task("T2", "2024-06-18", "2024-06-18", "in_progress"),  # one-day task is fine
        ],
    )
    found = run_checks(frames, as_of, spec, checks=TASK_CHECKS)
    assert flat(found) == [("task-dates-reversed", "Tasks", 5, "T1")]
    assert found[0].params == {"id": "T1", "start": "2024-06-20", "end": "2024-06-18"}


def test_tasks_outside_campaign_window(build, flat, spec, as_of) -> None:
    frames = build(
        info=INFO,
        tasks=[
            task("T1", "2024-05-25", "2024-06-02", "done"),
            task("T2", "2024-06-01", "2024-06-30", "in_progress"),  # exactly the window
            task("T3", "2024-06-28", "2024-07-03", "not_started"),
        ],
    )
    found = run_checks(frames, as_of, spec, checks=TASK_CHECKS)
    assert flat(found) == [
        ("task-outside-campaign", "Tasks", 5, "T1"),
        ("task-outside-campaign", "Tasks", 7, "T3"),
    ]
    assert [f.location.column for f in found] == ["E", "F"]
    assert found[1].params["campaign_end"] == "2024-06-30"


def test_tasks_outside_campaign_needs_a_window(build, spec, as_of) -> None:
    frames = build(info={"name": "x"}, tasks=[task("T1", "2020-01-01", "2020-01-02", "done")])
    assert run_checks(frames, as_of, spec, checks=TASK_CHECKS) == []


def test_tasks_no_owner(build, flat, spec, as_of) -> None:
    frames = build(
        info=INFO,
        tasks=[
            task("T1", "2024-06-10", "2024-06-20", "in_progress", owner=None),
            task("T2", "2024-06-10", "2024-06-20", "in_progress", owner="-"),
            task("T3", "2024-06-10", "2024-06-20", "in_progress", owner="*设计"),
        ],
    )
    assert flat(run_checks(frames, as_of, spec, checks=TASK_CHECKS)) == [
        ("task-owner-missing", "Tasks", 5, "T1"),
        ("task-owner-missing", "Tasks", 6, "T2"),
    ]


def test_tasks_duplicate_id_reported_on_each_repeat(build, flat, spec, as_of) -> None:
    frames = build(
        info=INFO,
        tasks=[
            task("T1", "2024-06-10", "2024-06-20", "in_progress"),
            task("T2", "2024-06-10", "2024-06-20", "in_progress"),
            task(" t1", "2024-06-10", "2024-06-20", "in_progress"),
            task("T1", "2024-06-10", "2024-06-20", "in_progress"),
        ],
    )
    found = run_checks(frames, as_of, spec, checks=TASK_CHECKS)
    assert flat(found) == [
        ("task-id-duplicate", "Tasks", 7, " t1"),
        ("task-id-duplicate", "Tasks", 8, "T1"),
    ]
    assert [(f.params["count"], f.params["first_row"]) for f in found] == [(3, 5), (3, 5)]


def test_tasks_done_but_starting_in_future(build, flat, spec, as_of) -> None:
    frames = build(
        info=INFO,
        tasks=[
            task("T1", "2024-06-16", "2024-06-20", "done"),
            task("T2", "2024-06-15", "2024-06-20", "done"),  # starts on as-of: fine
            task("T3", "2024-06-16", "2024-06-20", "not_started"),
        ],
    )
    found = run_checks(frames, as_of, spec, checks=TASK_CHECKS)
    assert flat(found) == [("task-done-in-future", "Tasks", 5, "T1")]
    assert found[0].location.column == "E"


def test_tasks_missing_dates_are_info(build, flat, spec, as_of) -> None:
    frames = build(
        info=INFO,
        tasks=[
            task("T1", None, "2024-06-20", "in_progress"),
            task("T2", "2024-06-10", None, "in_progress"),
            task("T3", None, None, "in_progress"),
        ],
    )
    found = run_checks(frames, as_of, spec, checks=TASK_CHECKS)
    assert flat(found) == [("task-dates-missing", "Tasks", r, f"T{r - 4}") for r in (5, 6, 7)]
    assert [f.params["missing"] for f in found] == [
        ["start_date"],
        ["end_date"],
        ["start_date", "end_date"],
    ]
    assert [f.location.column for f in found] == ["E", "F", "E"]
    assert {f.level for f in found} == {Severity.INFO}


def test_tasks_columns_not_in_workbook_are_not_reported_empty(build, spec, as_of) -> None:
    frames = build(info=INFO, tasks=[{"task_id": "T1", "task_name": "x", "row": 5}])
    frames.tasks.columns = {"task_id": "A", "task_name": "B"}
    assert run_checks(frames, as_of, spec, checks=TASK_CHECKS) == []


def test_tasks_period_column_gives_the_date_letter(build, spec, as_of) -> None:
    frames = build(info=INFO, tasks=[task("T1", "2024-06-01", "2024-06-02", "in_progress")])
    frames.tasks.columns = {"task_id": "A", "owner": "C", "period": "D", "status": "E"}
    (f,) = run_checks(frames, as_of, spec, checks=TASK_CHECKS)
    assert (f.code, f.location.column) == ("task-overdue", "D")


def test_tasks_empty_table_no_findings(build, spec, as_of) -> None:
    assert run_checks(build(info=INFO), as_of, spec, checks=TASK_CHECKS) == []


def test_tasks_outside_campaign_quiet_when_campaign_dates_reversed(build, spec, as_of) -> None:
    info = {**INFO, "start_date": dt.date(2024, 6, 30), "end_date": dt.date(2024, 6, 1)}
    frames = build(info=info, tasks=[task("T1", "2024-06-10", "2024-06-20", "in_progress")])
    assert run_checks(frames, as_of, spec, checks=TASK_CHECKS) == []
