"""Campaign checks: the form's required fields, reversed dates, the budget split."""

from __future__ import annotations

import datetime as dt

from xltrack.checks import run_checks
from xltrack.checks.campaign import CAMPAIGN_CHECKS

FULL = {
    "name": "2024年夏季新品促销",
    "start_date": dt.date(2024, 6, 1),
    "end_date": dt.date(2024, 6, 30),
    "budget": 500000.0,
}


def test_campaign_complete_form_no_findings(build, spec, as_of) -> None:
    frames = build(
        info=FULL,
        budget_split=[
            {"category": "推广", "share": 0.6},
            {"category": "物料", "share": 0.3},
            {"category": "备用", "share": 0.1},
        ],
    )
    assert run_checks(frames, as_of, spec, checks=CAMPAIGN_CHECKS) == []


def test_campaign_missing_fields(build, flat, spec, as_of) -> None:
    frames = build(info={"name": "  ", "start_date": dt.date(2024, 6, 1), "budget": None})
    found = run_checks(frames, as_of, spec, checks=CAMPAIGN_CHECKS)
    assert flat(found) == [
        ("campaign-name-missing", "Campaign", 2, None),
        ("campaign-dates-missing", "Campaign", 6, None),
        ("campaign-budget-missing", "Campaign", 8, None),
    ]
    assert [f.location.column for f in found] == ["B", "B", "B"]
    assert found[1].params == {"missing": ["end_date"]}


def test_campaign_dates_from_one_period_cell(build, flat, spec, as_of) -> None:
    frames = build(
        info={"name": "x", "budget": 1.0},
        info_cells={"name": ("Info", "C3"), "period": ("Info", "C6"), "budget": ("Info", "C8")},
    )
    found = run_checks(frames, as_of, spec, checks=CAMPAIGN_CHECKS)
    assert flat(found) == [("campaign-dates-missing", "Info", 6, None)]
    assert found[0].params["missing"] == ["start_date", "end_date"]


def test_campaign_form_not_found_stays_quiet(build, spec, as_of) -> None:
    assert run_checks(build(info={}, info_cells={}), as_of, spec, checks=CAMPAIGN_CHECKS) == []


def test_campaign_dates_reversed(build, flat, spec, as_of) -> None:
    frames = build(
        info={**FULL, "start_date": dt.date(2024, 6, 30), "end_date": dt.date(2024, 6, 1)}
    )
    found = run_checks(frames, as_of, spec, checks=CAMPAIGN_CHECKS)
    assert flat(found) == [("campaign-dates-reversed", "Campaign", 6, None)]
    assert found[0].params == {"start": "2024-06-30", "end": "2024-06-01"}


def test_campaign_budget_split_not_100(build, flat, spec, as_of) -> None:
    frames = build(
        info=FULL,
        budget_split=[
            {"category": "推广", "share": 0.6},
            {"category": "物料", "share": 0.3},
            {"category": "其他", "share": None},
        ],
    )
    found = run_checks(frames, as_of, spec, checks=CAMPAIGN_CHECKS)
    assert flat(found) == [("budget-split-mismatch", "Campaign", 25, None)]
    assert found[0].params == {"total": 0.9, "total_pct": "90%", "count": 2}
    assert found[0].location.column == "B"
    assert found[0].message("zh") == "预算分配合计 90%,不等于100%"


def test_campaign_budget_split_thirds_add_up(build, spec, as_of) -> None:
    frames = build(info=FULL, budget_split=[{"category": c, "share": 0.333} for c in "abc"])
    assert run_checks(frames, as_of, spec, checks=CAMPAIGN_CHECKS) == []


def test_campaign_budget_split_empty_is_not_checked(build, spec, as_of) -> None:
    frames = build(info=FULL, budget_split=[{"category": "推广"}])
    assert run_checks(frames, as_of, spec, checks=CAMPAIGN_CHECKS) == []
