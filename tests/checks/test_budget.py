"""Money checks at their thresholds: a line 15 % over, the budget 5 % over, 90 % spent,
ROI 1 and 3."""

from __future__ import annotations

import datetime as dt

import pytest

from xltrack.checks import run_checks
from xltrack.checks.budget import BUDGET_CHECKS
from xltrack.derive import derive_budget_split
from xltrack.money import campaign_money
from xltrack.stack import Stack

INFO = {
    "name": "C",
    "start_date": dt.date(2024, 6, 1),
    "end_date": dt.date(2024, 6, 30),
    "budget": 100000.0,
}


def _money(build, spent: list[float], shares: list[float], budget: float = 100000.0, **tables):
    frames = build(
        info={**INFO, "budget": budget},
        budget_split=[
            {"category": f"L{i}", "share": share, "spent": s}
            for i, (share, s) in enumerate(zip(shares, spent, strict=True))
        ],
        **tables,
    )
    split = frames.tables["budget_split"]
    split.data = derive_budget_split(split.data, budget)
    return frames


@pytest.mark.parametrize(
    ("spent", "fires"),
    [
        (57500.0, False),  # exactly 15 % over its 50,000: not more than 15 %
        (57505.0, True),  # 15.01 % over
        (40000.0, False),
    ],
)
def test_budget_line_over_at_15_percent(build, spec, spent, fires) -> None:
    frames = _money(build, [spent, 0.0], [0.5, 0.5])
    codes = [f.code for f in run_checks(frames, dt.date(2024, 6, 29), spec, checks=BUDGET_CHECKS)]
    assert ("budget-line-over" in codes) is fires
    if fires:
        found = next(
            f for f in run_checks(frames, dt.date(2024, 6, 29), spec, checks=BUDGET_CHECKS)
        )
        assert (found.location.sheet, found.location.row, found.location.column) == (
            "Campaign",
            24,
            "D",
        )
        assert found.severity is not None
        assert found.params["over_pct"] == "15%" and found.severity.value == "error"


@pytest.mark.parametrize(("spent", "fires"), [(105000.0, False), (105010.0, True)])
def test_budget_over_at_5_percent(build, spec, spent, fires) -> None:
    frames = _money(build, [spent / 2, spent / 2], [0.6, 0.4])
    codes = [f.code for f in run_checks(frames, dt.date(2024, 6, 29), spec, checks=BUDGET_CHECKS)]
    assert ("budget-over" in codes) is fires


@pytest.mark.parametrize(
    ("spent", "as_of", "fires"),
    [
        (90000.0, dt.date(2024, 6, 20), True),  # exactly 90 % spent, 10 of 30 days to go (33 %)
        (89990.0, dt.date(2024, 6, 20), False),  # just under 90 %
        (90000.0, dt.date(2024, 6, 24), False),  # 6 of 30 days to go: exactly 20 %, not more
        (90000.0, dt.date(2024, 6, 23), True),  # 7 of 30 days to go
    ],
)
def test_budget_near_cap_at_90_percent_with_20_percent_of_days_left(
    build, spec, spent, as_of, fires
) -> None:
    frames = _money(build, [spent, 0.0], [0.95, 0.05])
    found = [
        f
        for f in run_checks(frames, as_of, spec, checks=BUDGET_CHECKS)
        if f.code == "budget-near-cap"
    ]
    assert bool(found) is fires


@pytest.mark.parametrize(
    ("revenue", "code"),
    [
        (999.9, "channel-roi-low"),
        (1000.0, None),
        (2999.0, None),
        (3000.0, "channel-roi-high"),
    ],
)
def test_channel_roi_at_1_and_3(build, spec, revenue, code) -> None:
    daily = [
        {
            "date": "2024-06-10",
            "metric": "销售额",
            "target": 2000,
            "actual": revenue,
            "channel": "抖音",
            "spend": 600,
        },
        {
            "date": "2024-06-11",
            "metric": "新增会员",
            "target": 10,
            "actual": 5000,
            "channel": "抖音",
            "spend": 400,
        },
    ]  # not revenue: counts for spend, not for ROI
    frames = build(info=INFO, daily=daily)
    found = [f for f in run_checks(frames, dt.date(2024, 6, 15), spec, checks=BUDGET_CHECKS)]
    assert [f.code for f in found] == ([code] if code else [])
    if code:
        assert found[0].params["channel"] == "抖音" and found[0].params["spend"] == 1000
        assert (found[0].location.sheet, found[0].location.row) == ("Daily", 6)


def test_money_spent_falls_back_to_daily_spend(build, spec) -> None:
    frames = build(
        info=INFO,
        daily=[
            {"date": "2024-06-10", "metric": "Sales", "actual": 10, "spend": 70},
            {"date": "2024-06-11", "metric": "Sales", "actual": 10, "spend": 30},
        ],
    )
    (money,) = campaign_money(Stack.of(frames), spec)
    assert (money.total, money.spent, money.remaining, money.used) == (
        100000.0,
        100.0,
        99900.0,
        0.001,
    )


@pytest.mark.parametrize(("share", "fires"), [(0.0, True), (None, True), (0.5, False)])
def test_budget_spend_on_a_line_with_nothing_planned(build, spec, share, fires) -> None:
    frames = _money(build, [500.0, 0.0], [share, 0.5])
    found = run_checks(frames, dt.date(2024, 6, 29), spec, checks=BUDGET_CHECKS)
    unplanned = [f for f in found if f.code == "budget-line-unplanned"]
    assert [(f.location.row, f.params["spent"]) for f in unplanned] == (
        [(24, 500)] if fires else []
    )


def test_budget_negative_spend_gets_no_roi_advice(build, spec) -> None:
    daily = [
        {"date": "2024-06-10", "metric": "销售额", "actual": 500.0, "channel": "A", "spend": -10.0}
    ]
    frames = _money(build, [0.0], [1.0], daily=daily)
    found = run_checks(frames, dt.date(2024, 6, 29), spec, checks=BUDGET_CHECKS)
    assert not [f for f in found if f.code.startswith("channel-roi")]
