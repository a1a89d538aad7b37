"""Generate a workbook, fill it with random records, read it back: the same records (Hypothesis)."""

from __future__ import annotations

import datetime as dt
import math
import tempfile
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import pytest
from conftest import SAMPLES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xltrack.cells import is_blank
from xltrack.content import load_example
from xltrack.reader import read_workbook
from xltrack.spec import Spec, load_spec
from xltrack.writer import generate_workbook

AS_OF = dt.date(2024, 6, 15)
SPEC = load_spec()

# Text as people type it (Latin, CJK, digits, spaces inside), at least 5 characters so
# that no value is a placeholder such as "-" or "无".
words = st.text(
    alphabet=st.sampled_from(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789 活动海报直播物料渠道会员"
    ),
    min_size=5,
    max_size=24,
).map(lambda s: f"x{s.strip()}y")
days = st.dates(min_value=dt.date(2024, 5, 1), max_value=dt.date(2024, 8, 31))
amounts = st.integers(min_value=0, max_value=10**7).map(float)


def _keys(enum: str) -> st.SearchStrategy[str]:
    return st.sampled_from([v.key for v in SPEC.enums[enum]])


@st.composite
def tasks(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(min_value=1, max_value=12))
    out = []
    for i in range(n):
        start = draw(days)
        out.append(
            {
                "task_id": draw(st.sampled_from([f"T{i:03d}", f"{i:03d}", f"A-{i}"])),
                "task_name": draw(words),
                "phase": draw(_keys("phase")),
                "owner": draw(words),
                "start_date": start,
                "end_date": start + dt.timedelta(days=draw(st.integers(0, 20))),
                "deliverable": draw(st.none() | words),
                "status": draw(_keys("task_status")),
                "delay_reason": draw(st.none() | words),
            }
        )
    return out


@st.composite
def issues(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(min_value=0, max_value=6))
    return [
        {
            "issue_id": f"Q{i:03d}",
            "description": draw(words),
            "found_date": draw(days),
            "owner": draw(st.none() | words),
            "severity": draw(_keys("severity")),
            "resolution": draw(_keys("resolution")),
            "solution": draw(st.none() | words),
        }
        for i in range(n)
    ]


@st.composite
def daily(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(min_value=0, max_value=8))
    return [
        {
            "date": draw(days),
            "metric": draw(st.sampled_from(["Sales", "销售额", "Members"])),
            "target": draw(amounts),
            "actual": draw(amounts),
        }
        for _ in range(n)
    ]


@st.composite
def evaluation(draw: st.DrawFn) -> list[dict[str, Any]]:
    n = draw(st.integers(min_value=1, max_value=4))
    return [
        {"metric": draw(words), "target": draw(amounts), "actual": draw(amounts)} for _ in range(n)
    ]


def _plain(value: Any) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _records(frame: pd.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    return [{k: _plain(r[k]) for k in keys} for r in frame.to_dict("records")]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    lang=st.sampled_from(["en", "zh"]),
    task_rows=tasks(),
    issue_rows=issues(),
    daily_rows=daily(),
    evaluation_rows=evaluation(),
    name=words,
    budget=amounts,
)
def test_roundtrip_generate_fill_read_back_equal(
    lang: str,
    task_rows: list[dict[str, Any]],
    issue_rows: list[dict[str, Any]],
    daily_rows: list[dict[str, Any]],
    evaluation_rows: list[dict[str, Any]],
    name: str,
    budget: float,
) -> None:
    spec: Spec = SPEC
    data = {
        "tasks": task_rows,
        "issues": issue_rows,
        "daily": daily_rows,
        "evaluation": evaluation_rows,
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "filled.xlsx"
        generate_workbook(
            path,
            lang=lang,
            spec=spec,
            data=data,
            name=name,
            owner="Ann",
            start=dt.date(2024, 6, 1),
            end=dt.date(2024, 6, 30),
            budget=budget,
            as_of=AS_OF,
        )
        frames = read_workbook(path, spec, as_of=AS_OF)
    assert frames.template_id == spec.id and frames.template_version == spec.version
    assert (frames.info["name"], frames.info["budget"]) == (name, budget)
    assert (frames.info["start_date"], frames.info["end_date"]) == (
        dt.date(2024, 6, 1),
        dt.date(2024, 6, 30),
    )
    for key, rows in data.items():
        keys = list(rows[0]) if rows else []
        got = _records(frames.tables[key].data, keys)
        assert got == rows, key
    problems = [
        f for f in frames.load_findings if f.code not in ("sheet-missing", "header-missing")
    ]
    assert problems == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_roundtrip_example_workbooks_read_as_the_example(lang: Literal["en", "zh"]) -> None:
    example = load_example(SPEC, lang)
    frames = read_workbook(SAMPLES / f"example-{lang}.xlsx", SPEC, as_of=AS_OF)
    assert frames.load_findings == []
    for key, value in example["campaign"].items():
        assert frames.info[key] == (float(value) if key == "budget" else value), key
    for key in ("goals", "budget_split", "tasks", "daily", "issues", "evaluation"):
        rows = example[key]
        want = [{k: None if is_blank(v) else v for k, v in r.items()} for r in rows]
        keys = sorted({k for r in rows for k in r})
        got = _records(frames.tables[key].data, keys)
        assert got == [{k: r.get(k) for k in keys} for r in want], key
