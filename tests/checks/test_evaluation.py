"""Evaluation checks: written vs computed rate, below target, goals left unevaluated."""

from __future__ import annotations

import datetime as dt

import pytest

from xltrack.checks import run_checks
from xltrack.checks.evaluation import EVALUATION_CHECKS
from xltrack.findings import Severity
from xltrack.labels import metric_key
from xltrack.spec import load_spec

INFO = {"name": "Summer", "start_date": dt.date(2024, 6, 1), "end_date": dt.date(2024, 6, 30)}
SOURCE = [
    {"metric": "销售额", "target": 300000, "actual": 350000, "rate_written": 1.17},
    {"metric": "新增会员", "target": 3000, "actual": 2800, "rate_written": 0.93},
    {"metric": "社交曝光", "target": 1000000, "actual": 1200000, "rate_written": 1.2},
]


def test_evaluation_source_example(build, flat, spec, as_of) -> None:
    frames = build(
        info=INFO,
        evaluation=SOURCE,
        goals=[{"metric": "销售额"}, {"metric": "新增会员"}, {"metric": "社交曝光"}],
    )
    found = run_checks(frames, as_of, spec, checks=EVALUATION_CHECKS)
    assert flat(found) == [("evaluation-below-target", "Evaluation", 6, "新增会员")]
    (f,) = found
    assert f.level is Severity.INFO  # 93% is still a green light
    assert f.params["rate_pct"] == "93.3%" and f.location.column == "C"


@pytest.mark.parametrize(
    ("written", "mismatch"),
    [(1.17, False), (1.16, False), (1.1667, False), (1.2, True), (117.0, True), (None, False)],
)
def test_evaluation_written_rate(build, flat, spec, as_of, written, mismatch) -> None:
    frames = build(
        evaluation=[
            {"metric": "销售额", "target": 300000, "actual": 350000, "rate_written": written}
        ]
    )
    found = run_checks(frames, as_of, spec, checks=EVALUATION_CHECKS)
    assert flat(found) == (
        [("evaluation-rate-mismatch", "Evaluation", 5, "销售额")] if mismatch else []
    )
    if mismatch:
        assert found[0].location.column == "D"
        assert found[0].params["computed_pct"] == "116.7%"


def test_evaluation_without_written_rates_checks_nothing_there(build, spec, as_of) -> None:
    frames = build(evaluation=[{"metric": "m", "target": 10, "actual": 20}])
    assert "rate_written" not in frames.evaluation.data.columns
    assert run_checks(frames, as_of, spec, checks=EVALUATION_CHECKS) == []


@pytest.mark.parametrize(
    ("actual", "severity"),
    [
        (100, None),
        (91, Severity.INFO),
        (90, Severity.WARNING),
        (80, Severity.WARNING),
        (79, Severity.ERROR),
    ],
)
def test_evaluation_below_target_graded_by_light(build, spec, as_of, actual, severity) -> None:
    frames = build(evaluation=[{"metric": "m", "target": 100, "actual": actual}])
    found = run_checks(frames, as_of, spec, checks=EVALUATION_CHECKS)
    assert [f.level for f in found] == ([severity] if severity else [])


def test_evaluation_goals_without_row(build, flat, spec, as_of) -> None:
    frames = build(
        info=INFO,
        goals=[{"metric": "銷售額(萬元)"}, {"metric": " New Members "}, {"metric": "复购率"}],
        evaluation=[
            {"metric": "销售额", "target": 1, "actual": 1},
            {"metric": "new members", "target": 1, "actual": 1},
        ],
    )
    found = run_checks(frames, as_of, spec, checks=EVALUATION_CHECKS)
    assert flat(found) == [("goal-not-evaluated", "Campaign", 16, "复购率")]
    assert found[0].location.column == "A"


def test_evaluation_goals_wait_for_the_review(build, flat, spec, as_of) -> None:
    goals = [{"metric": "销售额"}]
    assert run_checks(build(info=INFO, goals=goals), as_of, spec, checks=EVALUATION_CHECKS) == []
    after = dt.date(2024, 7, 1)
    assert flat(
        run_checks(build(info=INFO, goals=goals), after, spec, checks=EVALUATION_CHECKS)
    ) == [("goal-not-evaluated", "Campaign", 14, "销售额")]


def test_evaluation_metric_key_folds_script_width_and_hints() -> None:
    # goal-not-evaluated matches goals and table 5 by the summary's metric identity.
    spec = load_spec()
    assert (
        metric_key("銷售額（萬元）", spec)
        == metric_key("销售额", spec)
        == metric_key(" 销售额 ", spec)
    )
    assert metric_key("ＧＭＶ", spec) == metric_key("gmv", spec)
    assert metric_key("销售额", spec) != metric_key("销售量", spec)
    assert metric_key(None, spec) == ""
