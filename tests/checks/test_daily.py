"""Daily checks: traffic lights by the source's thresholds, streaks below target."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pytest

from xltrack.checks import run_checks
from xltrack.checks.daily import (
    DAILY_CHECKS,
    STREAK_DAYS,
    check_channel_two_weeks,
    check_daily_duplicate,
    check_daily_negative,
    check_daily_streak,
    check_metric_two_weeks,
)
from xltrack.findings import Severity


def day(
    date: str, target: float | None, actual: float | None, metric: str = "销售额"
) -> dict[str, Any]:
    return {"date": date, "metric": metric, "target": target, "actual": actual}


def test_daily_source_example_is_red_then_yellow(build, flat, spec, as_of) -> None:
    frames = build(daily=[day("2024-06-10", 50000, 38000), day("2024-06-11", 50000, 42000)])
    found = run_checks(frames, as_of, spec, checks=DAILY_CHECKS)
    assert flat(found) == [
        ("daily-below-target", "Daily", 5, None),
        ("daily-below-target", "Daily", 6, None),
    ]
    # One day below target is a warning, yellow or red; the red one names the director.
    assert [f.level for f in found] == [Severity.WARNING, Severity.WARNING]
    assert [f.params["light"] for f in found] == ["red", "yellow"]
    assert [f.params["escalate_to"] for f in found] == ["director", "project_manager"]
    assert found[0].location.column == "D"
    assert found[0].message() == (
        "销售额 on 2024-06-10: 38000 of 50000 (76%), red light: the director follows up"
    )


@pytest.mark.parametrize(
    ("target", "actual", "light"),
    [
        (100, 90.01, None),  # 9.99% below: green
        (100, 90, "yellow"),  # exactly 10% below: yellow (the source's 10-20%)
        (14000, 12600, "yellow"),  # 12,600 / 14,000 is 0.9 in floating point
        (0.4, 0.36, "yellow"),  # 0.36 / 0.4 is 0.8999999999999999
        (100, 89.99, "yellow"),
        (100, 80, "yellow"),  # exactly 20% below: still yellow (inclusive)
        (50000, 40000, "yellow"),
        (100, 79.99, "red"),
        (100, 100, None),
        (100, 120, None),
    ],
)
def test_daily_traffic_light_boundaries(build, spec, as_of, target, actual, light) -> None:
    frames = build(daily=[day("2024-06-10", target, actual, metric=f"m{actual}")])
    found = run_checks(frames, as_of, spec, checks=DAILY_CHECKS)
    assert [f.params["light"] for f in found] == ([light] if light else [])
    assert all(f.level is Severity.WARNING for f in found)


def test_daily_no_target_or_no_actual_is_not_judged(build, spec, as_of) -> None:
    frames = build(
        daily=[day("2024-06-10", None, 5), day("2024-06-11", 0, 5), day("2024-06-12", 100, None)]
    )
    assert run_checks(frames, as_of, spec, checks=DAILY_CHECKS) == []


def test_daily_streak_per_metric(build, flat, spec, as_of) -> None:
    rows = [
        day("2024-06-10", 100, 95),
        day("2024-06-10", 10, 20, "会员"),
        day("2024-06-11", 100, 85),
        day("2024-06-11", 10, 5, "会员"),
        day("2024-06-12", 100, 99),
        day("2024-06-12", 10, 5, "会员"),
        day("2024-06-13", 100, 100),
        day("2024-06-13", 10, 12, "会员"),
        day("2024-06-14", 100, 50),
    ]
    frames = build(daily=rows)
    found = run_checks(frames, as_of, spec, checks=DAILY_CHECKS)
    streaks = [f for f in found if f.code == "daily-below-target-streak"]
    # 销售额 is below 100% on 06-10..06-12 (rows 5, 7, 9); 会员 only twice running.
    assert flat(streaks) == [("daily-below-target-streak", "Daily", 9, None)]
    assert streaks[0].params == {
        "metric": "销售额",
        "days": 3,
        "first": "2024-06-10",
        "last": "2024-06-12",
    }


def test_daily_streak_in_date_order_and_folded_metric(build, flat, spec, as_of) -> None:
    frames = build(
        daily=[
            day("2024-06-12", 100, 50, "Sales "),
            day("2024-06-10", 100, 50, "sales"),
            day("2024-06-11", 100, 50, "ＳＡＬＥＳ"),
            day("2024-06-13", 100, 100, "Sales"),
            day("2024-06-14", 100, 10, "Sales"),
            day("2024-06-15", 100, 10, "Sales"),
        ]
    )
    found = run_checks(frames, as_of, spec, checks=DAILY_CHECKS)
    streaks = [f for f in found if f.code == "daily-below-target-streak"]
    assert [
        (f.location.row, f.params["first"], f.params["last"], f.params["days"]) for f in streaks
    ] == [(5, "2024-06-10", "2024-06-12", 3)]


def test_daily_streak_length_is_the_rule(build, spec, as_of) -> None:
    rows = [day(f"2024-06-{d:02d}", 100, 95) for d in range(1, STREAK_DAYS)]
    assert run_checks(build(daily=rows), as_of, spec, checks=(check_daily_streak,)) == []
    rows.append(day(f"2024-06-{STREAK_DAYS:02d}", 100, 95))
    (f,) = run_checks(build(daily=rows), as_of, spec, checks=(check_daily_streak,))
    assert f.params["days"] == STREAK_DAYS and f.level is Severity.INFO


def test_daily_target_actual_typed_in_the_metric_cell(build, flat, spec, as_of) -> None:
    # "销售额5万/实际3.8万": the reader fills target and actual from the metric column.
    frames = build(daily=[day("2024-06-10", 50000, 38000)])
    frames.daily.columns = {"date": "A", "metric": "B"}
    (f,) = run_checks(frames, as_of, spec, checks=DAILY_CHECKS)
    assert (f.code, f.location.column, f.level) == ("daily-below-target", "B", Severity.WARNING)


def test_daily_days_after_as_of_are_not_judged(build, flat, spec, as_of) -> None:
    rows = [
        day("2024-06-15", 100, 50),
        day("2024-06-16", 100, 0),
        day("2024-06-17", 100, 0),
        day("2024-06-18", 100, 0),
    ]
    found = run_checks(build(daily=rows), as_of, spec, checks=DAILY_CHECKS)
    assert flat(found) == [("daily-below-target", "Daily", 5, None)]


def week(
    monday: str, target: float, actuals: Sequence[float], metric: str = "销售额"
) -> list[dict[str, Any]]:
    """A calendar week of daily rows from `monday`, one per actual."""
    first = dt.date.fromisoformat(monday)
    assert first.weekday() == 0
    return [
        day((first + dt.timedelta(days=i)).isoformat(), target, a, metric)
        for i, a in enumerate(actuals)
    ]


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        # Mon 6.3, 6.10, 6.17: week sums against week targets (100 a day).
        ([[100] * 7, [90] * 7, [99] * 7], [("2024-06-10", "2024-06-23", 2)]),
        ([[90] * 7, [100] * 7, [90] * 7], []),  # never two running
        ([[90] * 7, [90] * 7, [90] * 7], [("2024-06-03", "2024-06-23", 3)]),
        ([[50, 150] + [100] * 5, [90] * 7, [99] * 7], [("2024-06-10", "2024-06-23", 2)]),
        ([[100] * 7, [100] * 7, [99.9] * 7], []),  # one week only
        ([[150, 0, 0, 0, 0, 0, 0], [100] * 7, [100] * 7], []),  # the week's sum counts
    ],
)
def test_metric_two_calendar_weeks_below(build, spec, weeks, expected) -> None:
    rows = [
        r
        for monday, actuals in zip(("2024-06-03", "2024-06-10", "2024-06-17"), weeks, strict=True)
        for r in week(monday, 100, actuals)
    ]
    found = run_checks(
        build(daily=rows), dt.date(2024, 7, 1), spec, checks=(check_metric_two_weeks,)
    )
    assert [(f.params["first"], f.params["last"], f.params["weeks"]) for f in found] == expected
    assert all(f.level is Severity.WARNING for f in found)


def test_metric_two_weeks_are_calendar_weeks_not_14_days(build, spec) -> None:
    # Sat 6.8 - Fri 6.14 below target, 7 days running, but the week of 6.3 as a
    # whole (Mon-Fri well above) is not below its weekly target.
    rows = week("2024-06-03", 100, [140] * 5 + [10, 10]) + week("2024-06-10", 100, [10] * 5)
    found = run_checks(
        build(daily=rows), dt.date(2024, 7, 1), spec, checks=(check_metric_two_weeks,)
    )
    assert found == []


def test_metric_two_weeks_per_metric_and_not_after_as_of(build, spec) -> None:
    rows = (
        week("2024-06-03", 100, [90] * 7)
        + week("2024-06-10", 100, [90] * 7)
        + week("2024-06-03", 10, [20] * 7, "会员")
        + week("2024-06-10", 10, [5] * 7, "会员")
    )
    found = run_checks(
        build(daily=rows), dt.date(2024, 7, 1), spec, checks=(check_metric_two_weeks,)
    )
    assert [(f.params["metric"], f.location.row) for f in found] == [("销售额", 5 + 13)]
    assert found[0].message() == (
        "销售额 below its weekly target 2 weeks running (2024-06-03 to 2024-06-16): "
        "start the replacement plan"
    )
    # As of Sunday 6.9 only one week is judged.
    assert (
        run_checks(build(daily=rows), dt.date(2024, 6, 9), spec, checks=(check_metric_two_weeks,))
        == []
    )


def test_metric_two_weeks_per_channel_where_a_channel_column_exists(build, spec) -> None:
    def with_channel(rows: list[dict[str, Any]], channel: str | None) -> list[dict[str, Any]]:
        return [dict(r, channel=channel) for r in rows]

    rows = (
        with_channel(week("2024-06-03", 100, [90] * 7) + week("2024-06-10", 100, [90] * 7), "KOL")
        + with_channel(
            week("2024-06-03", 100, [120] * 7) + week("2024-06-10", 100, [120] * 7), "Offline"
        )
        + with_channel(week("2024-06-03", 10, [5] * 7) + week("2024-06-10", 10, [5] * 7), None)
    )
    both = (check_metric_two_weeks, check_channel_two_weeks)
    found = run_checks(build(daily=rows), dt.date(2024, 7, 1), spec, checks=both)
    # A week: KOL 630 of 700, Offline 840 of 700, no channel 35 of 70; summed over
    # channels the metric (1,505 of 1,470) is above target; the KOL channel is below;
    # rows without a channel count for the metric only.
    assert [(f.code, f.params.get("channel"), f.location.row) for f in found] == [
        ("channel-below-target-2-weeks", "KOL", 5 + 13)
    ]
    assert found[0].message() == (
        "channel KOL: 销售额 below its weekly target 2 weeks running (2024-06-03 to 2024-06-16): "
        "start the channel's replacement plan"
    )


def test_metric_two_weeks_over_all_channels(build, spec) -> None:
    rows = [
        dict(r, channel="KOL")
        for r in week("2024-06-03", 100, [95] * 7) + week("2024-06-10", 100, [95] * 7)
    ] + [
        dict(r, channel="Offline")
        for r in week("2024-06-03", 100, [99] * 7) + week("2024-06-10", 100, [99] * 7)
    ]
    both = (check_metric_two_weeks, check_channel_two_weeks)
    found = run_checks(build(daily=rows), dt.date(2024, 7, 1), spec, checks=both)
    assert sorted((f.code, f.params.get("channel")) for f in found) == [
        ("channel-below-target-2-weeks", "KOL"),
        ("channel-below-target-2-weeks", "Offline"),
        ("metric-below-target-2-weeks", None),
    ]


def test_daily_duplicate_rows_per_day_metric_and_channel(build, flat, spec, as_of) -> None:
    rows = [
        day("2024-06-10", 100, 90),
        day("2024-06-10", 100, 90, metric="銷售額"),  # the same metric, Traditional
        {**day("2024-06-11", 100, 90), "channel": "Douyin"},
        {**day("2024-06-11", 100, 90), "channel": "RED"},  # another channel: no repeat
        {**day("2024-06-11", 100, 90), "channel": "douyin"},
        day("2024-06-12", 100, 90, metric="会员"),
    ]
    found = run_checks(build(daily=rows), as_of, spec, checks=(check_daily_duplicate,))
    assert flat(found) == [
        ("daily-duplicate-row", "Daily", 6, None),
        ("daily-duplicate-row", "Daily", 9, None),
    ]
    assert [f.params["first_row"] for f in found] == [5, 7]


def test_daily_negative_figures(build, flat, spec, as_of) -> None:
    rows = [day("2024-06-10", 100, -30), {**day("2024-06-11", 100, 90), "spend": -10}]
    found = run_checks(build(daily=rows), as_of, spec, checks=(check_daily_negative,))
    assert [(f.location.row, f.params["column"], f.params["value"]) for f in found] == [
        (5, "actual", -30),
        (6, "spend", -10),
    ]
