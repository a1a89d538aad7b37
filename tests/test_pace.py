"""Pace and health: the source's bands on the rounded deviation, expected to date, forecast."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import pytest

from xltrack import derive
from xltrack.checks import run_checks
from xltrack.frames import CampaignFrames, empty_campaign, frame_from_records
from xltrack.spec import Spec
from xltrack.summary import build_summary

JUNE_1, JUNE_30 = dt.date(2024, 6, 1), dt.date(2024, 6, 30)


@pytest.mark.parametrize(
    ("actual", "expected", "light", "health", "escalate"),
    [
        (100, 100, "green", "on_track", None),
        (150, 100, "green", "on_track", None),  # ahead of pace
        (90.01, 100, "green", "on_track", None),  # 9.99 % below
        (90, 100, "yellow", "at_risk", "project_manager"),  # exactly 10 % below
        (12600, 14000, "yellow", "at_risk", "project_manager"),  # 0.9 in floating point
        (0.36, 0.4, "yellow", "at_risk", "project_manager"),  # 0.8999999999999999
        (85, 100, "yellow", "at_risk", "project_manager"),
        (80, 100, "yellow", "at_risk", "project_manager"),  # exactly 20 % below
        (40000, 50000, "yellow", "at_risk", "project_manager"),
        (11200, 14000, "yellow", "at_risk", "project_manager"),  # 0.8 via division
        (79.99, 100, "red", "off_track", "director"),
        (0, 100, "red", "off_track", "director"),
        (None, 100, None, None, None),
    ],
)
def test_pace_bands(
    spec: Spec,
    actual: float | None,
    expected: float,
    light: str | None,
    health: str | None,
    escalate: str | None,
) -> None:
    pace = pd.Series([math.nan if actual is None else actual / expected], dtype="float64")
    assert derive.light_of(pace, spec.rules).tolist() == [light]
    assert derive.health_of(pace, spec.rules).tolist() == [health]
    assert (derive.ESCALATE_TO[light] if light else None) == escalate


def test_pace_deviation_rounds_halves_away_from_zero() -> None:
    # Excel's ROUND(0.00005,4) is 0.0001; numpy's round-half-even would give 0.0.
    assert derive.round4(pd.Series([0.00005, -0.00005, 0.12344])).tolist() == [
        0.0001,
        -0.0001,
        0.1234,
    ]


@pytest.mark.parametrize(
    ("as_of", "elapsed", "expected"),
    [
        (dt.date(2024, 5, 20), 0, 0.0),  # before the start
        (JUNE_1, 1, 10000.0),  # the first day counts
        (dt.date(2024, 6, 15), 15, 150000.0),
        (JUNE_30, 30, 300000.0),
        (dt.date(2024, 7, 9), 30, 300000.0),  # after the end: clamped
    ],
)
def test_pace_expected_to_date_spreads_the_target(
    as_of: dt.date, elapsed: int, expected: float
) -> None:
    assert derive.campaign_days(JUNE_1, JUNE_30) == 30
    assert derive.elapsed_days(JUNE_1, JUNE_30, as_of) == elapsed
    assert derive.expected_to_date(300000, JUNE_1, JUNE_30, as_of) == expected


def test_pace_expected_needs_a_window() -> None:
    assert derive.expected_to_date(100, None, JUNE_30, JUNE_1) is None
    assert derive.expected_to_date(100, JUNE_30, JUNE_1, JUNE_1) is None  # reversed
    assert derive.expected_to_date(None, JUNE_1, JUNE_30, JUNE_1) is None


def campaign(spec: Spec, **tables: list[dict[str, Any]]) -> CampaignFrames:
    frames = empty_campaign(spec, "c.xlsx")
    frames.info = {"name": "c", "start_date": JUNE_1, "end_date": JUNE_30}
    for key, records in tables.items():
        frames.tables[key].data = frame_from_records(spec.table(key), records)
    return frames


def days(
    metric: str,
    first: int,
    last: int,
    target: float | None,
    actual: float | None,
) -> list[dict[str, Any]]:
    return [
        {"date": f"2024-06-{d:02d}", "metric": metric, "target": target, "actual": actual}
        for d in range(first, last + 1)
    ]


def metric(summary: Any, name: str) -> dict[str, Any]:
    return next(m for m in summary.to_dict()["metrics"] if m["name"] == name)


def test_pace_from_daily_targets_and_linear(spec: Spec) -> None:
    frames = campaign(
        spec,
        goals=[
            {"metric": "Sales", "target": 300000, "priority": "core"},
            {"metric": "Members", "target": 3000, "priority": "core"},
            {"metric": "Reach", "target": 1000, "priority": "supporting"},
            {"metric": "Quiet", "target": 10},
        ],
        # Sales: daily targets of 14,000 for 6.10-6.14, actuals 12,600 (exactly 10 % below);
        # a prefilled day after as-of does not count.
        daily=days("Sales", 10, 14, 14000, 12600)
        + days("sales ", 16, 16, 14000, 0)
        # Members: no daily targets, so 3,000 x 15/30 = 1,500 expected; 1,100 done.
        + days("Members", 1, 11, None, 100)
        + days("Reach", 1, 15, None, 10),
    )
    summary = build_summary(frames, [], dt.date(2024, 6, 15))
    assert metric(summary, "Sales") | {} == {
        "name": "Sales",
        "target": 300000,
        "actual": 63000,
        "rate": 0.21,
        "light": "yellow",  # the health's light (as on the Dashboard), not 21 % of the target
        "actual_to_date": 63000,
        "expected": 70000,
        "pace": 0.9,
        "forecast": 126000,
        "health": "at_risk",
        "escalate_to": "project_manager",
        "core": True,
        "final": False,
        "evaluation_actual": None,
    }
    members = metric(summary, "Members")
    assert (
        members["expected"],
        members["actual_to_date"],
        members["pace"],
        members["forecast"],
        members["health"],
    ) == (1500, 1100, 0.7333, 2200, "off_track")
    assert members["escalate_to"] == "director"
    assert metric(summary, "Reach")["health"] == "off_track"  # 150 of 500
    quiet = metric(summary, "Quiet")  # no daily data: no pace
    assert (quiet["pace"], quiet["health"], quiet["forecast"]) == (None, None, None)
    assert quiet["expected"] == 5
    # The campaign's health is its worst core metric: Members (Reach is supporting).
    assert summary.to_dict()["health"] == "off_track"


def test_pace_all_metrics_core_without_priorities(spec: Spec) -> None:
    frames = campaign(
        spec,
        goals=[{"metric": "A", "target": 30}, {"metric": "B", "target": 30}],
        daily=days("A", 1, 10, None, 1) + days("B", 1, 10, None, 0.85),
    )
    summary = build_summary(frames, [], dt.date(2024, 6, 10))
    assert [m["health"] for m in summary.to_dict()["metrics"]] == ["on_track", "at_risk"]
    assert summary.health == "at_risk"


def test_pace_final_once_ended_uses_table_5(spec: Spec) -> None:
    frames = campaign(
        spec,
        goals=[{"metric": "Sales", "target": 300000}],
        daily=days("Sales", 1, 10, 10000, 5000),
        evaluation=[{"metric": "Sales", "target": 300000, "actual": 350000}],
    )
    during = metric(build_summary(frames, [], dt.date(2024, 6, 10)), "Sales")
    assert (during["pace"], during["health"]) == (0.5, "off_track")
    after = metric(build_summary(frames, [], dt.date(2024, 7, 1)), "Sales")
    assert (after["actual_to_date"], after["expected"], after["pace"], after["health"]) == (
        350000,
        300000,
        1.1667,
        "on_track",
    )


def test_pace_before_start_has_no_forecast(spec: Spec) -> None:
    frames = campaign(spec, goals=[{"metric": "A", "target": 30}], daily=days("A", 1, 3, None, 1))
    m = metric(build_summary(frames, [], dt.date(2024, 5, 31)), "A")
    assert (m["expected"], m["pace"], m["forecast"], m["health"]) == (0, None, None, None)


def test_pace_supporting_metrics_are_not_core(spec: Spec) -> None:
    # No goal is marked core: every metric is core but the supporting one.
    frames = campaign(
        spec,
        goals=[
            {"metric": "A", "target": 30, "priority": "supporting"},
            {"metric": "B", "target": 30},
        ],
        daily=days("A", 1, 10, None, 0) + days("B", 1, 10, None, 0.95),
    )
    summary = build_summary(frames, [], dt.date(2024, 6, 10))
    assert [(m.name, m.core, m.health) for m in summary.metrics] == [
        ("A", False, "off_track"),
        ("B", True, "on_track"),
    ]
    assert summary.health == "on_track"


def test_pace_on_the_summary_sheet(spec: Spec) -> None:
    """The summary sheet (its layout is summary_sheet.py's) shows each metric's pace and health."""
    from xltrack.summary_sheet import layout_summary

    frames = campaign(
        spec,
        goals=[{"metric": "Sales", "target": 300000}],
        daily=days("Sales", 10, 14, 14000, 12600),
    )
    summary = build_summary(frames, [], dt.date(2024, 6, 15))
    for lang in ("en", "zh"):
        cells = {(c.row, c.col): c for c in layout_summary(summary, lang, spec).cells}
        row = next(r for (r, c), cell in cells.items() if c == 0 and cell.value == "Sales")
        assert cells[(row, 5)].value == 0.9
        assert cells[(row, 6)].style == "yellow"  # at risk: exactly 10 % behind
        assert spec.enum_label("light", "yellow", lang) in str(cells[(row, 6)].value)


def test_pace_on_track_against_daily_targets_that_fall_short_of_the_goal(spec: Spec) -> None:
    # The tester's case: a goal of 2,000,000 with daily targets of 50,000 (1,500,000 over
    # 30 days) and actuals on them. "On track" is true of the daily plan, not of the goal.
    frames = campaign(
        spec,
        goals=[
            {"metric": "Sales", "target": 2_000_000},
            {"metric": "Members", "target": 3000},
            {"metric": "Reach", "target": 1000},
        ],
        daily=days("Sales", 1, 10, 50000, 50000)
        + days("Members", 1, 10, 100, 100)  # 3,000 over 30 days: the plan meets the goal
        + days("Reach", 1, 10, 10, 6),  # off track already: metric-off-pace says so
    )
    found = run_checks(frames, dt.date(2024, 6, 10), spec)
    short = [f for f in found if f.code == "metric-plan-short"]
    assert [(f.location.record_id, f.params["forecast"], f.params["share_pct"]) for f in short] == [
        ("Sales", 1500000, "75%")
    ]
    assert metric(build_summary(frames, found, dt.date(2024, 6, 10)), "Sales")["health"] == (
        "on_track"
    )
