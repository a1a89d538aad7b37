"""Turn flagged frame rows into Findings: locations, and params as plain JSON-able facts.

Every check selects rows with a vectorised mask and hands the selection here, so
that building Findings (the only per-row Python work) touches flagged rows only.
Params hold facts, never display text: dates as ISO strings, numbers as int when
whole, enum and column *keys* (render.py turns those into labels). A fact that
is unknown is left out, so a message shows '?' rather than 'None'.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from xltrack.codes import CODES
from xltrack.excel import split_cell
from xltrack.findings import Finding, Location, Severity
from xltrack.frames import CampaignFrames, TableFrame
from xltrack.stack import CAMPAIGN, Stack

# One fact per flagged row: a column of the selection or a plain list.
FactColumn: TypeAlias = "Sequence[Any] | pd.Series[Any]"

# What people type in a cell to mean "nothing here" (the source writes "-").
BLANKS = frozenset(
    {"", "-", "--", "—", "–", "/", "\\", "n/a", "na", "none", "nil", "无", "暂无", "没有", "空"}
)
# Columns a reader may fill from another column's cell: a "start-end" range in
# one cell, or the daily sheet's "销售额5万/实际3.8万" in the metric column.
_FILLED_FROM = {
    "start_date": "period",
    "end_date": "period",
    "target": "metric",
    "actual": "metric",
}


def present(table: TableFrame, key: str) -> bool:
    """Whether a column was found in the workbook (so that empty means empty, not absent).

    Frames without column provenance (built in code) count every column as present.
    """
    if not table.columns:
        return True
    return key in table.columns or _FILLED_FROM.get(key, "") in table.columns


def letter(table: TableFrame, key: str) -> str | None:
    """The Excel column letter of `key`, or of the cell it was parsed out of."""
    return table.columns.get(key) or table.columns.get(_FILLED_FROM.get(key, ""))


def rows(stack: Stack, key: str, *needs: str) -> pd.DataFrame:
    """The rows of table `key` from the campaigns whose sheet has every column in `needs`.

    A column that was never found is absent, not empty: a check that needs it stays
    quiet for that campaign instead of flagging every row.
    """
    df = stack.tables[key]
    if df.empty or not needs:
        return df
    ok = [all(present(c.tables[key], need) for need in needs) for c in stack.campaigns]
    if all(ok):
        return df
    if not any(ok):
        return df.iloc[:0]
    kept: pd.DataFrame = df[np.asarray(ok)[df[CAMPAIGN].to_numpy()]]
    return kept


def blank(values: pd.Series) -> pd.Series:
    """True where a text cell is empty or holds a placeholder such as '-' or '无'."""
    # A plain loop: pandas string methods build several intermediate arrays per call.
    empty = [not isinstance(v, str) or v.strip().casefold() in BLANKS for v in values.tolist()]
    return pd.Series(empty, index=values.index, dtype=bool)


def iso(values: pd.Series | np.ndarray) -> list[str | None]:
    """ISO dates of a datetime64 column or array; None for NaT."""
    stamps = np.asarray(values, dtype="datetime64[ns]")
    text = np.datetime_as_string(stamps, unit="D").tolist()
    return [None if nat else day for day, nat in zip(text, np.isnat(stamps).tolist(), strict=True)]


def iso_moment(values: pd.Series) -> list[str | None]:
    """`iso`, with the time of day where one was typed (`2024-06-12 20:00`)."""
    stamps = values.dt.strftime("%Y-%m-%d %H:%M").tolist()
    return [
        None if text is None or not isinstance(text, str) else text.removesuffix(" 00:00")
        for text in stamps
    ]


def number(value: Any) -> int | float | None:
    """A JSON-friendly number: int when whole, else rounded to 4 places; None when empty."""
    if value is None:
        return None
    x = float(value)
    if math.isnan(x) or math.isinf(x):
        return None
    return int(x) if x.is_integer() and abs(x) < 2**53 else round(x, 4)


def percent(ratio: Any) -> str | None:
    """A ratio as a percentage for messages: 1.1667 -> '116.7%', 0.8 -> '80%'."""
    x = number(ratio)
    if x is None:
        return None
    pct = round(float(x) * 100, 1)
    return f"{int(pct)}%" if pct.is_integer() else f"{pct}%"


def ratio(value: Any) -> float | None:
    """A rate rounded for comparisons, so that 0.36/0.4 counts as the 0.9 it means."""
    x = number(value)
    return None if x is None else round(float(x), 9)


def cell_location(frames: CampaignFrames, key: str, fallback: str | None = None) -> Location:
    """Where a field of the campaign form lives, from `frames.info_cells`."""
    place = frames.info_cells.get(key) or (frames.info_cells.get(fallback) if fallback else None)
    sheet = column = None
    row = None
    if place:
        sheet = place[0]
        column, row = split_cell(str(place[1]))
    if sheet is None:
        sheet = frames.tables["goals"].sheet or frames.tables["budget_split"].sheet
    return Location(file=frames.path or None, sheet=sheet, row=row, column=column)


def emit(
    code: str,
    stack: Stack,
    key: str,
    selected: pd.DataFrame,
    *,
    column: str | None,
    id_key: str | None,
    params: dict[str, FactColumn],
    severities: Sequence[Severity | None] | None = None,
    columns: Sequence[str | None] | None = None,
) -> list[Finding]:
    """One Finding per selected row, located in its own campaign's file, sheet and column.

    Args:
        code: the finding code.
        stack: the campaigns (file names, sheets and column letters of each).
        key: the table the rows come from.
        selected: the flagged rows of `stack.tables[key]`.
        column: the column key the finding points at.
        id_key: the column holding the record ID, if the table has one.
        params: fact name -> one value per selected row; None values are left out.
        severities: per-row severity overriding the code's default.
        columns: per-row column key overriding `column`.

    Returns:
        The findings, in the order of `selected`.
    """
    if selected.empty:
        return []
    # Column-wise list comprehensions: a 10,000-finding worst case spends its time here.
    heads, count = stack.campaigns, len(selected)
    wanted = columns if columns else [column] * count
    if len(heads) == 1:  # one workbook: the same file and sheet for every row
        table = heads[0].tables[key]
        files, sheets = [heads[0].path or None] * count, [table.sheet] * count
        letters = {k: letter(table, k) if k else None for k in set(wanted)}
        cols = [letters[k] for k in wanted]
    else:
        owners: list[int] = selected[CAMPAIGN].tolist()
        paths = [c.path or None for c in heads]
        sheet_of = [c.tables[key].sheet for c in heads]
        files, sheets = [paths[c] for c in owners], [sheet_of[c] for c in owners]
        places = {
            pair: letter(heads[pair[0]].tables[key], pair[1]) if pair[1] else None
            for pair in set(zip(owners, wanted, strict=True))
        }
        cols = [places[pair] for pair in zip(owners, wanted, strict=True)]
    rows = _plain_column(selected["row"])
    ids = (
        [v if isinstance(v, str) else None for v in selected[id_key].tolist()]
        if id_key
        else [None] * count
    )
    default = Severity(CODES[code].severity)  # once, not per finding
    levels = [level or default for level in severities] if severities else [default] * count
    names = list(params)
    values = [_plain_column(params[name]) for name in names]
    facts = (
        [dict(zip(names, row_values, strict=True)) for row_values in zip(*values, strict=True)]
        if names
        else [{} for _ in range(count)]
    )
    for name, column_values in zip(names, values, strict=True):  # unknown facts are left out
        if None in column_values:
            for fact, value in zip(facts, column_values, strict=True):
                if value is None:
                    del fact[name]
    return [
        Finding(code, Location(file, sheet, row, col, record), fact, level)
        for file, sheet, row, col, record, fact, level in zip(
            files, sheets, rows, cols, ids, facts, levels, strict=True
        )
    ]


def duplicate_ids(code: str, stack: Stack, key: str, id_key: str) -> list[Finding]:
    """Rows whose ID (trimmed, case-folded) already appeared higher up the same campaign's table."""
    df = rows(stack, key, id_key)
    if df.empty:
        return []
    # IDs repeat only within a campaign: key them by campaign when the stack has several.
    folded: list[Any] = [
        v.strip().casefold() if isinstance(v, str) else "" for v in df[id_key].tolist()
    ]
    if len(stack.campaigns) > 1:
        folded = [
            (owner, ident) if ident else ""
            for owner, ident in zip(df[CAMPAIGN].tolist(), folded, strict=True)
        ]
    counts = Counter(folded)  # counted in C; the common case (no repeats) ends here
    shared = {ident for ident, n in counts.items() if n > 1 and ident}
    if not shared:
        return []
    first: dict[Any, int] = {}
    repeats = []
    for pos in (p for p, ident in enumerate(folded) if ident in shared):
        if first.setdefault(folded[pos], pos) != pos:
            repeats.append(pos)
    hit = df.iloc[repeats]
    excel_rows = df["row"].tolist()
    return emit(
        code,
        stack,
        key,
        hit,
        column=id_key,
        id_key=id_key,
        params={
            "id": hit[id_key],
            "count": [counts[folded[pos]] for pos in repeats],
            "first_row": [excel_rows[first[folded[pos]]] for pos in repeats],
        },
    )


def owner_missing(code: str, stack: Stack, key: str, id_key: str) -> list[Finding]:
    """Records of table `key` whose owner cell is empty or a placeholder ('-', '无')."""
    df = rows(stack, key, "owner")
    if df.empty:
        return []
    hit = df[blank(df["owner"])]
    return emit(code, stack, key, hit, column="owner", id_key=id_key, params={"id": hit[id_key]})


def _plain_column(values: FactColumn) -> list[Any]:
    """A column of facts as plain Python values, converted in bulk where the dtype allows."""
    if isinstance(values, pd.Series):
        if values.dtype.kind == "f":
            arr = values.to_numpy(dtype="float64")
            finite = np.isfinite(arr)
            whole = finite & (np.mod(arr, 1) == 0) & (np.abs(arr) < 2**53)
            return [
                (int(v) if w else round(v, 4)) if f else None
                for v, f, w in zip(arr.tolist(), finite.tolist(), whole.tolist(), strict=True)
            ]
        if values.dtype.kind in "iub" and not values.hasnans:
            return list(values.tolist())
        values = values.tolist()
    # Most facts are already text or None: skip the call for those.
    return [v if v is None or type(v) is str else _plain(v) for v in values]


def _plain(value: Any) -> Any:
    """numpy scalars and NaN to plain Python values (params must pickle and JSON-dump)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is list:
        return value
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (np.integer, np.floating, float)):
        return number(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value
