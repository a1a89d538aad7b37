"""Issue checks: severity, the 48 h solution window, owners, IDs."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from xltrack.checks import run_checks
from xltrack.checks.issues import ISSUE_CHECKS


def issue(qid: str, found: str | None, severity: str | None, resolution: str | None,
          **more: Any) -> dict[str, Any]:
    return {"issue_id": qid, "description": "x", "found_date": found, "owner": "Wang",
            "severity": severity, "resolution": resolution, **more}


def test_issues_source_example(build, flat, spec, as_of) -> None:
    frames = build(issues=[
        issue("Q001", "2024-06-12", "medium", "in_progress"),
        issue("Q002", "2024-06-13", "high", "resolved"),
        issue("Q003", "2024-06-14", "high", "open"),
    ])
    found = run_checks(frames, as_of, spec, checks=ISSUE_CHECKS)
    assert flat(found) == [
        ("issue-solution-late", "Issues", 5, "Q001"),
        ("issue-high-unresolved", "Issues", 7, "Q003"),
    ]
    late, high = sorted(found, key=lambda f: f.location.row or 0)
    assert late.params == {"id": "Q001", "found": "2024-06-12", "hours": 72, "limit": 48,
                           "resolution": "in_progress"}
    assert high.location.column == "F"


@pytest.mark.parametrize(
    ("found", "late"),
    [("2024-06-13", False), ("2024-06-12", True), ("2024-06-15", False), (None, False)],
    ids=["48h-exactly", "72h", "same-day", "no-date"],
)
def test_issues_solution_window_boundary(build, flat, spec, as_of, found, late) -> None:
    frames = build(issues=[issue("Q1", found, "low", "open")])
    codes = [c for c, *_ in flat(run_checks(frames, as_of, spec, checks=ISSUE_CHECKS))]
    assert codes == (["issue-solution-late"] if late else [])


def test_issues_solution_window_from_spec_rules(build, flat, spec, as_of) -> None:
    tight = dataclasses.replace(spec, rules=dataclasses.replace(spec.rules, issue_solution_hours=24))
    frames = build(issues=[issue("Q1", "2024-06-13", "low", None)])
    (f,) = run_checks(frames, as_of, tight, checks=ISSUE_CHECKS)
    assert f.code == "issue-solution-late" and f.params["limit"] == 24
    assert f.params["resolution"] == "open"  # an empty resolution counts as open


def test_issues_resolved_never_late(build, spec, as_of) -> None:
    frames = build(issues=[issue("Q1", "2024-01-01", "high", "resolved")])
    assert run_checks(frames, as_of, spec, checks=ISSUE_CHECKS) == []


@pytest.mark.parametrize(
    ("severity", "resolution", "flagged"),
    [("high", "open", True), ("high", "in_progress", True), ("high", None, True),
     ("high", "resolved", False), ("medium", "open", False), (None, "open", False)],
)
def test_issues_high_unresolved(build, flat, spec, as_of, severity, resolution, flagged) -> None:
    frames = build(issues=[issue("Q1", "2024-06-15", severity, resolution)])
    assert flat(run_checks(frames, as_of, spec, checks=ISSUE_CHECKS)) == (
        [("issue-high-unresolved", "Issues", 5, "Q1")] if flagged else [])


def test_issues_no_owner_and_duplicate_id(build, flat, spec, as_of) -> None:
    frames = build(issues=[
        issue("Q1", "2024-06-15", "low", "open", owner=""),
        issue("Q2", "2024-06-15", "low", "open"),
        issue("Q1", "2024-06-15", "low", "open"),
    ])
    found = run_checks(frames, as_of, spec, checks=ISSUE_CHECKS)
    assert flat(found) == [
        ("issue-owner-missing", "Issues", 5, "Q1"),
        ("issue-id-duplicate", "Issues", 7, "Q1"),
    ]
    assert found[1].params == {"id": "Q1", "count": 2, "first_row": 5}
    assert found[1].message("zh") == "问题编号 Q1 重复出现 2 次"


def test_issues_hours_use_as_of_not_the_clock(build, spec) -> None:
    frames = build(issues=[issue("Q1", "2024-06-12", "low", "open")])
    assert run_checks(frames, dt.date(2024, 6, 14), spec, checks=ISSUE_CHECKS) == []
    (f,) = run_checks(frames, dt.date(2024, 6, 20), spec, checks=ISSUE_CHECKS)
    assert f.params["hours"] == 192
