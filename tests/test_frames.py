"""The one frame builder: parsed values, records and DataFrames give the same typed frame."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest

from xltrack.frames import build_frame, empty_frame, frame_from_records
from xltrack.spec import load_spec

TASKS = load_spec().table("tasks")
DAILY = load_spec().table("daily")


def test_frames_parsed_records_and_dataframe_agree() -> None:
    parsed: dict[str, list[Any]] = {
        "metric": ["Sales", None],
        "date": [dt.date(2026, 6, 1), None],
        "target": [0.5, None],
    }
    a = build_frame(DAILY, parsed, [4, 5], parsed=True)
    b = frame_from_records(
        DAILY,
        [
            {"metric": "Sales", "date": "2026-06-01", "target": "0.5", "row": 4},
            {"metric": "", "date": None, "target": None, "row": 5},
        ],
    )
    given = pd.DataFrame(parsed, index=[7, 9], dtype=object)
    c = build_frame(DAILY, {str(k): v for k, v in given.items()}, [4, 5])
    for frame in (b, c):
        pd.testing.assert_frame_equal(frame, a)
    assert list(a.columns) == [col.key for col in DAILY.laid_out] + ["row"]
    assert a["date"].dtype == "datetime64[ns]"
    assert a["date"].isna().tolist() == [False, True]
    assert a["target"].dtype == "float64"


def test_frames_coercion_empties_what_it_cannot_read() -> None:
    frame = frame_from_records(
        TASKS,
        [{"task_id": float("nan"), "start_date": "not a date", "overdue": float("nan")}],
    )
    assert frame.loc[0, "task_id"] is None  # NaN is empty, never the text "nan"
    assert frame["start_date"].isna().all()
    assert not frame.loc[0, "overdue"]  # an empty flag is off
    daily = frame_from_records(DAILY, [{"target": "abc"}])
    assert daily["target"].isna().all()


def test_frames_numbers_in_text_columns_become_text() -> None:
    frame = frame_from_records(TASKS, [{"task_id": 7, "owner": 3.5}])
    assert (frame.loc[0, "task_id"], frame.loc[0, "owner"]) == ("7", "3.5")


@pytest.mark.parametrize("n", [0, 3])
def test_frames_empty_columns_have_the_dtypes_of_the_empty_frame(n: int) -> None:
    frame = build_frame(TASKS, {}, [None] * n)
    assert frame.dtypes.to_dict() == empty_frame(TASKS).dtypes.to_dict()
    assert len(frame) == n


def test_frames_empty_frame_is_a_fresh_copy() -> None:
    first = empty_frame(TASKS)
    first["owner"] = pd.Series(dtype="float64")
    assert empty_frame(TASKS)["owner"].dtype == object


def test_frames_dates_in_several_formats_are_each_read() -> None:
    frame = frame_from_records(
        load_spec().table("issues"),
        [{"found_date": "2024-06-12 20:00"}, {"found_date": "2024-06-11"}, {"found_date": ""}],
    )
    found = frame["found_date"]
    assert found.tolist()[:2] == [pd.Timestamp(2024, 6, 12, 20), pd.Timestamp(2024, 6, 11)]
    assert found.isna().tolist() == [False, False, True]
