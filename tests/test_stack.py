"""A stack of campaigns gives each one exactly what it gets alone: frames, findings, summary."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_roundtrip import amounts, daily, days, evaluation, issues, tasks, words

from xltrack.analyze import analyze_workbook
from xltrack.checks import run_stack_checks
from xltrack.findings import sort_findings
from xltrack.reader import read_campaign, read_workbook
from xltrack.spec import load_spec
from xltrack.stack import Stack, build_stack
from xltrack.summary import build_summaries
from xltrack.writer import generate_workbook

AS_OF = dt.date(2024, 6, 15)
SPEC = load_spec()


@st.composite
def campaigns(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(days)
    return {
        "name": draw(words),
        "lang": draw(st.sampled_from(["en", "zh"])),
        "start": start,
        # Sometimes ending before it starts: that campaign's tasks are not judged "outside".
        "end": start + dt.timedelta(days=draw(st.integers(-5, 40))),
        "budget": draw(amounts),
        "data": {
            # The same IDs and metric names recur across campaigns: a stack must keep
            # duplicates, streaks and running sums within each campaign.
            "tasks": draw(tasks()),
            "issues": draw(issues()),
            "daily": draw(daily()),
            "evaluation": draw(st.just([]) | evaluation()),
        },
    }


def _same(stacked: pd.DataFrame, alone: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(stacked.reset_index(drop=True), alone.reset_index(drop=True))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(campaigns(), min_size=2, max_size=3))
def test_stack_each_campaign_gets_what_it_gets_alone(plans: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        paths: list[str] = []
        for i, plan in enumerate(plans):
            target = Path(tmp) / f"c{i}.xlsx"
            generate_workbook(
                target,
                lang=plan["lang"],
                spec=SPEC,
                data=plan["data"],
                name=plan["name"],
                owner="Ann",
                start=plan["start"],
                end=plan["end"],
                budget=plan["budget"],
                as_of=AS_OF,
            )
            paths.append(str(target))
        stack = build_stack([read_campaign(p, SPEC, as_of=AS_OF) for p in paths], SPEC, AS_OF)
        found = run_stack_checks(stack, AS_OF, SPEC)
        for i, path in enumerate(paths):
            alone = analyze_workbook(path, AS_OF, spec=SPEC)
            mine = stack.frames(i)
            for key, table in alone.frames.tables.items():
                _same(mine.tables[key].data, table.data)
                assert mine.tables[key].columns == table.columns
            order = {name: n for n, name in enumerate(mine.sheet_order)}
            findings = sort_findings(mine.load_findings + found[i], order)
            assert findings == alone.findings
            summary = build_summaries(
                stack, [[]] * i + [findings] + [[]] * (len(paths) - i - 1), AS_OF, SPEC
            )[i]
            assert summary.to_dict() == alone.summary.to_dict()


def test_stack_of_one_is_the_campaign_itself() -> None:
    frames = read_workbook(
        Path(__file__).parent.parent / "samples" / "example-en.xlsx", SPEC, as_of=AS_OF
    )
    back = Stack.of(frames).frames(0)
    for key, table in frames.tables.items():
        _same(back.tables[key].data, table.data)


def test_stack_checks_refuse_two_campaigns_of_one_file() -> None:
    sample = Path(__file__).parent.parent / "samples" / "example-en.xlsx"
    twice = build_stack([read_campaign(sample, SPEC, as_of=AS_OF)] * 2, SPEC, AS_OF)
    with pytest.raises(ValueError, match="its own file"):
        run_stack_checks(twice, AS_OF, SPEC)
