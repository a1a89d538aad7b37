"""The pace twin (xltrack/kpi.py): expected to date, pace and health by every route.

test_writer_libreoffice.py proves the Dashboard's formulas compute what this twin
computes (its "pace" workbook takes the same routes as these tests).
"""

from __future__ import annotations

import datetime as dt

import pytest

from xltrack.kpi import DayRow, elapsed_share, health_of, metric_pace

START, END, AS_OF = dt.date(2024, 6, 1), dt.date(2024, 6, 30), dt.date(2024, 6, 15)
DAILY = [
    DayRow(dt.date(2024, 6, 10), "Sales", 100, 95),
    DayRow(dt.date(2024, 6, 12), "sales", 100, 70),
    DayRow(dt.date(2024, 6, 13), "Sales ", 100, 70),  # SUMIFS does not trim: another metric
    DayRow(dt.date(2024, 6, 20), "Sales", 100, 999),  # after as-of: not counted
    DayRow(dt.date(2024, 6, 11), "Views", None, 250),
]


@pytest.mark.parametrize(
    ("deviation", "health"),
    [
        (-0.5, "green"),
        (0.0999, "green"),
        (0.1, "yellow"),
        (0.2, "yellow"),
        (0.2001, "red"),
        (None, None),
    ],
)
def test_kpi_health_bands(deviation: float | None, health: str | None) -> None:
    assert health_of(deviation) == health


def test_kpi_daily_targets_to_date_set_the_pace() -> None:
    p = metric_pace("Sales", 1000, DAILY, None, START, END, AS_OF)
    assert (p.actual, p.expected, p.deviation, p.health) == (165, 200, 0.175, "yellow")
    assert p.achieved == pytest.approx(0.165) and p.expected_share == pytest.approx(0.2)


def test_kpi_without_daily_targets_the_period_sets_the_pace() -> None:
    views = metric_pace("Views", 600, DAILY, None, START, END, AS_OF)
    assert (views.actual, views.expected, views.health) == (250, 300, "yellow")
    # No daily actual mid-campaign: no pace, whatever table 5 says (issue 11).
    posts = metric_pace("Posts", 40, DAILY, 9, START, END, AS_OF)
    assert (posts.actual, posts.expected, posts.health) == (None, 20, None)
    # Once the campaign has ended, table 5's actual is final: pace is the final achievement.
    after = metric_pace("Views", 600, DAILY, 660, START, END, END + dt.timedelta(days=1))
    assert (after.actual, after.expected, after.pace, after.health) == (660, 600, 1.1, "green")
    members = metric_pace("Members", 300, DAILY, None, START, END, AS_OF)
    assert (members.actual, members.expected, members.pace) == (None, 150, None)


def test_kpi_zero_target_and_open_period_have_no_pace() -> None:
    assert metric_pace("Leads", 0, [], None, START, END, AS_OF).pace is None
    assert metric_pace("Posts", 40, [], 9, None, END, AS_OF).expected is None


def test_kpi_elapsed_share_counts_the_start_day_and_stops_at_the_end() -> None:
    assert elapsed_share(START, END, dt.date(2024, 6, 1)) == pytest.approx(1 / 30)
    assert elapsed_share(START, END, dt.date(2024, 5, 1)) == 0
    assert elapsed_share(START, END, dt.date(2024, 8, 1)) == 1
    assert elapsed_share(END, START, AS_OF) is None


def test_kpi_a_target_typed_ahead_is_not_due_until_its_actual_is_in() -> None:
    rows = [
        DayRow(dt.date(2024, 6, d), "Sales", 50000, a)
        for d, a in ((12, 55000), (13, 52000), (14, 51000), (15, None), (16, None))
    ]
    pace = metric_pace("Sales", 1_000_000, rows, None, START, END, dt.date(2024, 6, 15))
    assert (pace.actual, pace.expected, pace.health) == (158000, 150000, "green")
