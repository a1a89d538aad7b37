"""Issue 9 item 12: an empty plan-version cell is empty, not the goals' header beside it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from xltrack.portfolio import analyze_many
from xltrack.reader import read_workbook
from xltrack.writer import generate_workbook


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_blank_workbook_plan_version_empty(tmp_path: Path, lang: str) -> None:
    path = generate_workbook(tmp_path / f"blank-{lang}.xlsx", lang=lang, rows=5)
    frames = read_workbook(path, as_of=dt.date(2024, 6, 15))
    assert frames.info["plan_version"] is None


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_filled_plan_version_still_read(tmp_path: Path, lang: str) -> None:
    path = generate_workbook(tmp_path / f"ex-{lang}.xlsx", lang=lang, example=True)
    frames = read_workbook(path, as_of=dt.date(2024, 6, 15))
    assert frames.info["plan_version"] not in (None, "Metric", "指标")


def test_blank_plan_version_not_in_portfolio(tmp_path: Path) -> None:
    for lang in ("en", "zh"):
        generate_workbook(tmp_path / f"blank-{lang}.xlsx", lang=lang, rows=5)
    portfolio = analyze_many([tmp_path], as_of=dt.date(2024, 6, 15), jobs=1)
    values = set(portfolio.campaigns["plan_version"].tolist())
    assert not values & {"Metric", "指标"}
