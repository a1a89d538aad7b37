"""Daily checks: traffic lights by the source's thresholds, streaks below target."""

from __future__ import annotations

import pytest

from xltrack.checks import run_checks
from xltrack.checks.daily import DAILY_CHECKS, STREAK_DAYS
from xltrack.findings import Severity


def day(date: str, target: float | None, actual: float | None, metric: str = "销售额") -> dict:
    return {"date": date, "metric": metric, "target": target, "actual": actual}


def test_daily_source_example_is_red_then_yellow(build, flat, spec, as_of) -> None:
    frames = build(daily=[day("2024-06-10", 50000, 38000), day("2024-06-11", 50000, 42000)])
    found = run_checks(frames, as_of, spec, checks=DAILY_CHECKS)
    assert flat(found) == [("daily-below-target", "Daily", 5, None),
                           ("daily-below-target", "Daily", 6, None)]
    assert [f.level for f in found] == [Severity.ERROR, Severity.WARNING]
    assert [f.params["light"] for f in found] == ["red", "yellow"]
    assert found[0].location.column == "D"
    assert found[0].message() == "销售额 on 2024-06-10: 38000 of 50000 (76%), red light"


@pytest.mark.parametrize(
    ("actual", "severity"),
    [
        (90, None),                 # exactly 10% below: still green
        (89.99, Severity.WARNING),
        (80, Severity.WARNING),     # exactly 20% below: yellow
        (79.99, Severity.ERROR),
        (100, None),
        (120, None),
    ],
)
def test_daily_traffic_light_boundaries(build, spec, as_of, actual, severity) -> None:
    frames = build(daily=[day("2024-06-10", 100, actual, metric=f"m{actual}")])
    found = run_checks(frames, as_of, spec, checks=DAILY_CHECKS)
    assert [f.level for f in found] == ([severity] if severity else [])


def test_daily_boundary_survives_float_division(build, spec, as_of) -> None:
    # 0.36 / 0.4 is 0.8999999999999999 in binary floating point; it means 90%.
    frames = build(daily=[day("2024-06-10", 0.4, 0.36)])
    assert run_checks(frames, as_of, spec, checks=DAILY_CHECKS) == []


def test_daily_no_target_or_no_actual_is_not_judged(build, spec, as_of) -> None:
    frames = build(daily=[day("2024-06-10", None, 5), day("2024-06-11", 0, 5),
                          day("2024-06-12", 100, None)])
    assert run_checks(frames, as_of, spec, checks=DAILY_CHECKS) == []


def test_daily_streak_per_metric(build, flat, spec, as_of) -> None:
    rows = [
        day("2024-06-10", 100, 95), day("2024-06-10", 10, 20, "会员"),
        day("2024-06-11", 100, 85), day("2024-06-11", 10, 5, "会员"),
        day("2024-06-12", 100, 99), day("2024-06-12", 10, 5, "会员"),
        day("2024-06-13", 100, 100), day("2024-06-13", 10, 12, "会员"),
        day("2024-06-14", 100, 50),
    ]
    frames = build(daily=rows)
    found = run_checks(frames, as_of, spec, checks=DAILY_CHECKS)
    streaks = [f for f in found if f.code == "daily-below-target-streak"]
    # 销售额 is below 100% on 06-10..06-12 (rows 5, 7, 9); 会员 only twice running.
    assert flat(streaks) == [("daily-below-target-streak", "Daily", 9, None)]
    assert streaks[0].params == {"metric": "销售额", "days": 3,
                                 "first": "2024-06-10", "last": "2024-06-12"}


def test_daily_streak_in_date_order_and_folded_metric(build, flat, spec, as_of) -> None:
    frames = build(daily=[
        day("2024-06-12", 100, 50, "Sales "), day("2024-06-10", 100, 50, "sales"),
        day("2024-06-11", 100, 50, "ＳＡＬＥＳ"), day("2024-06-13", 100, 100, "Sales"),
        day("2024-06-14", 100, 10, "Sales"), day("2024-06-15", 100, 10, "Sales"),
    ])
    found = run_checks(frames, as_of, spec, checks=DAILY_CHECKS)
    streaks = [f for f in found if f.code == "daily-below-target-streak"]
    assert [(f.location.row, f.params["first"], f.params["last"], f.params["days"])
            for f in streaks] == [(5, "2024-06-10", "2024-06-12", 3)]


def test_daily_streak_length_is_the_rule(build, spec, as_of) -> None:
    rows = [day(f"2024-06-{d:02d}", 100, 95) for d in range(1, STREAK_DAYS)]
    assert run_checks(build(daily=rows), as_of, spec, checks=DAILY_CHECKS) == []
    rows.append(day(f"2024-06-{STREAK_DAYS:02d}", 100, 95))
    (f,) = run_checks(build(daily=rows), as_of, spec, checks=DAILY_CHECKS)
    assert f.params["days"] == STREAK_DAYS and f.level is Severity.WARNING


def test_daily_target_actual_typed_in_the_metric_cell(build, flat, spec, as_of) -> None:
    # "销售额5万/实际3.8万": the reader fills target and actual from the metric column.
    frames = build(daily=[day("2024-06-10", 50000, 38000)])
    frames.daily.columns = {"date": "A", "metric": "B"}
    (f,) = run_checks(frames, as_of, spec, checks=DAILY_CHECKS)
    assert (f.code, f.location.column, f.level) == ("daily-below-target", "B", Severity.ERROR)


def test_daily_days_after_as_of_are_not_judged(build, flat, spec, as_of) -> None:
    rows = [day("2024-06-15", 100, 50), day("2024-06-16", 100, 0), day("2024-06-17", 100, 0),
            day("2024-06-18", 100, 0)]
    found = run_checks(build(daily=rows), as_of, spec, checks=DAILY_CHECKS)
    assert flat(found) == [("daily-below-target", "Daily", 5, None)]
