"""Typed frames from the cells of a located table, column by column.

The reader hands over each column's parsed values; this module fills a range
typed in one cell into the start and end columns, splits `销售额5万/实际3.8万` in the
daily metric column, and builds the DataFrame with the dtypes of `frames.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from xltrack.cells import parse_target_actual
from xltrack.frames import empty_frame
from xltrack.spec import TableSpec

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


_EMPTY: dict[int, tuple[TableSpec, pd.DataFrame]] = {}


def empty_typed(table: TableSpec) -> pd.DataFrame:
    # The typed empty frame of a table gives the dtypes; build it once per table spec.
    hit = _EMPTY.get(id(table))
    if hit is None or hit[0] is not table:
        hit = (table, empty_frame(table))
        _EMPTY[id(table)] = hit
    return hit[1]


def column_cells(columns: list[tuple[Any, ...]], c: int, n: int) -> list[Any]:
    return list(columns[c]) if c < len(columns) else [None] * n


def split_ranges(table: TableSpec, data: dict[str, list[Any]], n: int) -> None:
    """A start-end range typed in one cell fills the start and end columns where empty."""
    for col in table.columns:
        spans = data.pop(col.key, None) if col.is_virtual else None
        if spans is None:
            continue
        for target, part in zip(col.splits_into, (0, 1)):
            values = data.setdefault(target, [None] * n)
            for i, span in enumerate(spans):
                if span is not None and values[i] is None:
                    values[i] = span[part]


def split_daily_metric(data: dict[str, list[Any]], n: int) -> None:
    """`销售额5万/实际3.8万` in the metric column: metric, target and actual."""
    metric = data["metric"]
    target = data.setdefault("target", [None] * n)
    actual = data.setdefault("actual", [None] * n)
    for i, text in enumerate(metric):
        if not isinstance(text, str) or ("/" not in text and "／" not in text):
            continue
        parsed = parse_target_actual(text)
        if parsed.ok:
            metric[i], goal, done = parsed.value
            target[i] = goal if target[i] is None else target[i]
            actual[i] = done if actual[i] is None else actual[i]


def build_frame(table: TableSpec, data: dict[str, list[Any]], rows: list[int]) -> pd.DataFrame:
    """Typed frame in the frames.py convention, built column by column."""
    frame = empty_typed(table)
    if not rows:
        return frame.copy()
    n = len(rows)
    dtypes = frame.dtypes.to_dict()
    columns: dict[str, Any] = {}
    for col in table.laid_out:
        values = data.get(col.key)
        dtype = dtypes[col.key]
        if col.type == "date":
            # Ordinals through numpy: much faster than datetime64 from date objects.
            ordinals = np.array(
                [v.toordinal() if v is not None else 0 for v in values] if values else [0] * n,
                dtype="int64",
            )
            days = (ordinals - _EPOCH_ORDINAL).astype("datetime64[D]").astype("datetime64[ns]")
            days[ordinals == 0] = np.datetime64("NaT")
            columns[col.key] = days
        elif dtype == "float64":
            columns[col.key] = np.array(
                [np.nan if v is None else v for v in values] if values else [np.nan] * n,
                dtype="float64",
            )
        elif dtype == bool:
            columns[col.key] = np.array([bool(v) for v in values] if values else [False] * n, dtype=bool)
        else:
            # An explicit object Series: pandas 3 would infer its string dtype from an array.
            columns[col.key] = pd.Series(values if values else [None] * n, dtype=object)
    columns["row"] = pd.array(rows, dtype="Int64")
    return pd.DataFrame(columns)
