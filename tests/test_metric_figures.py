"""One rule for a campaign's metrics: summary, portfolio, exports and Dashboard agree.

Regression tests for four silently wrong results: the portfolio dropped every
goal when table 5 was empty, one table-5 row hid every other goal (and flipped
the health), the summary took table 5 before the end date while the Dashboard
does not, and the portfolio health fell back to achievement of the whole target.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from dashboard_cells import agree, dashboard_metrics
from workbooks import load_generated

from xltrack.analyze import analyze_workbook
from xltrack.export import export_tables
from xltrack.portfolio import Portfolio, analyze_many
from xltrack.portfolio_sheet import write_portfolio
from xltrack.writer import generate_workbook

START, END = dt.date(2025, 3, 1), dt.date(2025, 3, 31)
MID = dt.date(2025, 3, 5)
GOALS = [
    {"metric": "Sales", "target": 1000, "priority": "core"},
    {"metric": "Members", "target": 100, "priority": "core"},
]
DAILY = [
    {"date": dt.date(2025, 3, 2), "metric": "Sales", "target": 100, "actual": 100},
    {"date": dt.date(2025, 3, 2), "metric": "Members", "target": 10, "actual": 5},
]


def running(path: Path, evaluation: list[dict[str, Any]] | None = None) -> Path:
    """The tester's running campaign: two core goals, one day tracked, table 5 as given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data: dict[str, Any] = {"goals": GOALS, "daily": DAILY}
    if evaluation:
        data["evaluation"] = evaluation
    return generate_workbook(
        path, name="Run", owner="A", start=START, end=END, budget=100000, data=data, force=True
    )


def figures(path: Path, as_of: dt.date) -> dict[str, dict[str, Any]]:
    summary = analyze_workbook(path, as_of).summary.to_dict()
    return {m["name"]: m for m in summary["metrics"]}


def _overview(path: Path) -> list[list[Any]]:
    ws = openpyxl.load_workbook(path)["Overview"]
    return [[c.value for c in row] for row in ws.iter_rows(min_row=4)]


def _column(rows: list[list[Any]], header: str) -> list[Any]:
    j = rows[0].index(header)
    return [r[j] for r in rows[1:] if r[0]]


def test_portfolio_keeps_every_goal_when_table_5_is_empty(tmp_path: Path) -> None:
    """(1) A running campaign (table 5 empty) has its goals in metrics, counts and Overview."""
    running(tmp_path / "c" / "run.xlsx")
    p = analyze_many([tmp_path / "c"], as_of=MID, jobs=1)
    figures = p.metrics[["metric", "target", "actual", "rate", "health"]].to_numpy().tolist()
    assert figures == [
        ["Sales", 1000, 100, 0.1, "on_track"],
        ["Members", 100, 5, 0.05, "off_track"],
    ]
    row = p.campaigns.iloc[0]
    assert (row["metrics_count"], row["achievement_mean"]) == (2, pytest.approx(0.075))
    export_tables(p.tables(), tmp_path / "out", formats=("csv",))
    csv = pd.read_csv(tmp_path / "out" / "metrics.csv", encoding="utf-8-sig")
    assert csv["metric"].tolist() == ["Sales", "Members"]
    write_portfolio(p, tmp_path / "pf.xlsx")
    rows = _overview(tmp_path / "pf.xlsx")
    assert _column(rows, "Sales achieved") == [pytest.approx(0.1)]
    assert _column(rows, "Members achieved") == [pytest.approx(0.05)]


def test_one_evaluation_row_hides_no_goal(tmp_path: Path) -> None:
    """(2) A goal missing from table 5 still counts in the summary, its health and the batch."""
    path = running(
        tmp_path / "c" / "run-eval.xlsx", [{"metric": "Sales", "target": 1000, "actual": 100}]
    )
    analysis = analyze_workbook(path, MID)
    assert [m.name for m in analysis.summary.metrics] == ["Sales", "Members"]
    members = next(m for m in analysis.summary.metrics if m.name == "Members")
    assert (members.pace, members.health) == (0.5, "off_track")
    # The summary says what `check` says: Members is off pace.
    assert analysis.summary.health == "off_track"
    assert any(f.code == "metric-off-pace" for f in analysis.findings)
    p = analyze_many([tmp_path / "c"], as_of=MID, jobs=1)
    assert p.metrics["metric"].tolist() == ["Sales", "Members"]
    assert p.campaigns["metrics_count"].tolist() == [2]


def test_table_5_counts_only_once_the_campaign_has_ended(tmp_path: Path) -> None:
    """(3) Before the end, achievement is the actual to date (as on the Dashboard)."""
    path = running(tmp_path / "early.xlsx", [{"metric": "Sales", "target": 1000, "actual": 1200}])
    during = figures(path, MID)["Sales"]
    assert (during["actual"], during["rate"], during["light"]) == (100, 0.1, "green")
    assert during["health"] == "on_track"  # 100 of 100 due by now
    after = figures(path, dt.date(2025, 4, 2))["Sales"]
    assert (after["actual"], after["rate"], after["light"]) == (1200, 1.2, "green")
    # Members has no table-5 row: after the end its daily actuals are its result.
    members = figures(path, dt.date(2025, 4, 2))["Members"]
    assert (members["actual"], members["rate"]) == (5, 0.05)


def test_example_summary_at_mid_campaign_is_the_dashboards(tmp_path: Path) -> None:
    """(3) The built-in example at 2024-06-15: the summary shows the Dashboard's figures
    (the cached values; test_writer_libreoffice checks them recalculated)."""
    as_of = dt.date(2024, 6, 15)
    path = generate_workbook(tmp_path / "ex.xlsx", example=True, as_of=as_of, force=True)
    summary = analyze_workbook(path, as_of).summary
    ws = load_generated(path, data_only=True)["Dashboard"]
    board = dashboard_metrics(ws, "en")
    assert "Sales" in board
    agree(summary, board, "en")


def test_portfolio_health_is_the_summarys(tmp_path: Path) -> None:
    """(4) Before the start there is no pace: no health in the summary, none in the Overview."""
    running(tmp_path / "c" / "run.xlsx")
    early = dt.date(2025, 1, 24)
    assert analyze_workbook(tmp_path / "c" / "run.xlsx", early).summary.health is None
    p = analyze_many([tmp_path / "c"], as_of=early, jobs=1)
    write_portfolio(p, tmp_path / "pf.xlsx")
    assert _column(_overview(tmp_path / "pf.xlsx"), "Health") in ([None], [""])
    # ... and mid-campaign the Overview shows the summary's health (Members off track).
    p = analyze_many([tmp_path / "c"], as_of=MID, jobs=1)
    write_portfolio(p, tmp_path / "pf2.xlsx")
    assert _column(_overview(tmp_path / "pf2.xlsx"), "Health") == ["■ Off track"]


def test_overview_metric_columns_by_identity_across_languages(tmp_path: Path) -> None:
    """(1) en and zh campaigns: each language's metrics have columns; no merge by guess."""
    folder = tmp_path / "c"
    folder.mkdir()
    generate_workbook(folder / "a-zh.xlsx", example=True, lang="zh", force=True)
    generate_workbook(folder / "b-en.xlsx", example=True, force=True)
    p: Portfolio = analyze_many([folder], as_of=dt.date(2024, 7, 1), jobs=1)
    write_portfolio(p, tmp_path / "pf.xlsx")
    rows = _overview(tmp_path / "pf.xlsx")
    sales = _column(rows, "Sales achieved")
    assert sales[0] is None and sales[1] == pytest.approx(350000 / 300000)
    assert _column(rows, "销售额 achieved")[0] == pytest.approx(350000 / 300000)


def test_overview_columns_follow_the_templates_synonyms(tmp_path: Path) -> None:
    """(1) Where the team's template says 销售额 is Sales, they are one column, labelled as
    first seen."""
    folder = tmp_path / "c"
    folder.mkdir()
    generate_workbook(folder / "a-zh.xlsx", example=True, lang="zh", force=True)
    generate_workbook(folder / "b-en.xlsx", example=True, force=True)
    team = tmp_path / "team.yaml"
    team.write_text("extends: builtin\nmetrics: {销售额: [Sales]}\n", encoding="utf-8")
    p = analyze_many([folder], as_of=dt.date(2024, 7, 1), jobs=1, template=team)
    write_portfolio(p, tmp_path / "pf.xlsx")
    rows = _overview(tmp_path / "pf.xlsx")
    assert "Sales achieved" not in rows[0]
    assert _column(rows, "销售额 achieved") == [pytest.approx(350000 / 300000)] * 2


def test_table_5_is_final_when_no_end_date_is_known(tmp_path: Path) -> None:
    """Without an end date nothing says the review is early: table 5's actual is the result
    (pace.py, and so the summary, as the Dashboard's formula)."""
    path = tmp_path / "undated.xlsx"
    generate_workbook(
        path,
        name="Undated",
        data={"goals": GOALS, "evaluation": [{"metric": "Sales", "target": 1000, "actual": 900}]},
        force=True,
    )
    sales = figures(path, MID)["Sales"]
    assert (sales["actual"], sales["rate"], sales["final"], sales["light"]) == (
        900,
        0.9,
        True,
        "yellow",
    )
