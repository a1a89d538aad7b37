"""Builders for check tests: frames made inline, findings flattened (frictionless style)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from xltrack.findings import Finding, sort_findings
from xltrack.frames import CampaignFrames, TableFrame, frame_from_records
from xltrack.spec import Spec

SHEETS = {
    "goals": "Campaign",
    "budget_split": "Campaign",
    "tasks": "Tasks",
    "daily": "Daily",
    "issues": "Issues",
    "evaluation": "Evaluation",
}
FIRST_ROW = {"goals": 14, "budget_split": 24, "tasks": 5, "daily": 5, "issues": 5, "evaluation": 5}

Build = Callable[..., CampaignFrames]


def _letters(spec: Spec, key: str) -> dict[str, str]:
    return {c.key: chr(ord("A") + i) for i, c in enumerate(spec.table(key).laid_out)}


@pytest.fixture
def build(spec: Spec) -> Build:
    """frames(info=..., tasks=[{...}, ...], ...): rows numbered from the table's first row."""

    def make(
        info: dict[str, Any] | None = None,
        info_cells: dict[str, tuple[str, str]] | None = None,
        **tables: list[dict[str, Any]],
    ) -> CampaignFrames:
        built = {}
        for key, sheet in SHEETS.items():
            records = [dict(r) for r in tables.get(key, [])]
            extra: dict[str, list[Any]] = {}
            for i, record in enumerate(records):
                record.setdefault("row", FIRST_ROW[key] + i)
                for name in [k for k in record if k not in spec.table(key).keys and k != "row"]:
                    extra.setdefault(name, [None] * len(records))[i] = record.pop(name)
            data = frame_from_records(spec.table(key), records)
            for name, values in extra.items():  # e.g. evaluation's rate_written
                data[name] = values
            built[key] = TableFrame(key, data, sheet, FIRST_ROW[key] - 1, _letters(spec, key))
        cells = (
            info_cells
            if info_cells is not None
            else {
                "name": ("Campaign", "B2"),
                "start_date": ("Campaign", "B5"),
                "end_date": ("Campaign", "B6"),
                "budget": ("Campaign", "B8"),
            }
        )
        return CampaignFrames(
            path="c.xlsx",
            info=dict(info or {}),
            tables=built,
            info_cells=cells,
            sheet_order=["Campaign", "Tasks", "Daily", "Issues", "Evaluation"],
        )

    return make


ORDER = {"Campaign": 0, "Tasks": 1, "Daily": 2, "Issues": 3, "Evaluation": 4}


def flatten(findings: list[Finding], *, codes: set[str] | None = None) -> list[tuple[Any, ...]]:
    """[(code, sheet, row, id)] in display order (sheet, row, column, code), maybe some codes."""
    return [
        (f.code, f.location.sheet, f.location.row, f.location.record_id)
        for f in sort_findings(findings, ORDER)
        if codes is None or f.code in codes
    ]


@pytest.fixture
def flat() -> Callable[..., list[tuple[Any, ...]]]:
    return flatten
