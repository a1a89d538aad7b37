"""CampaignFrames: one campaign's tables as typed pandas DataFrames, with provenance.

This is the contract between the reader and everything after it (checks,
summary, batch). Each table is a `TableFrame`:

- `data` has one column per spec column key of that table (inputs and derived
  columns, derived ones recomputed from inputs, never trusted from the file),
  plus `row`: the 1-based Excel row the record came from.
- Column dtypes by spec type: date -> datetime64[ns] (NaT when empty),
  number/money/percent/count -> float64 (NaN when empty), id/text -> object
  (str or None; identifiers keep leading zeros), enum -> object holding the
  enum *key* (`done`, `high`, ...) whatever the language of the cell, or None.
  An open enum (phase) keeps an unknown value as typed. flag -> bool
  (overdue, sla_breach, response_breach).
- `columns` maps each column key found to its Excel column letter.
- `rate_written` (evaluation, optional): the achievement rate as the file
  wrote it (a typed value, or a formula's cached value) as a float64 ratio
  (1.17 for "117%"), NaN when empty, next to the recomputed `rate`. The
  check `evaluation-rate-mismatch` compares the two; absent means not checked.

The campaign form (table 1) is a plain dict `info` keyed by spec column keys
(name, plan_version, owner, start_date (datetime.date), end_date, core_goals,
budget (float), stakeholders) with `info_cells` giving each field's cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xltrack.findings import Finding
from xltrack.spec import LIST_TABLES, Spec, TableSpec

_NUMERIC = frozenset({"number", "money", "percent", "count"})
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


@dataclass
class TableFrame:
    """One table as found in a workbook."""

    key: str
    data: pd.DataFrame
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, str] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return self.sheet is not None

    def letter(self, column_key: str) -> str | None:
        return self.columns.get(column_key)


@dataclass(frozen=True)
class HeaderRead:
    """One header cell of a located table and the column it was read as (the load report).

    Attributes:
        table: the table key.
        sheet: the sheet name.
        cell: the header cell (A1).
        text: the header as typed.
        column: the column key it was read as, None when it named none.
        sureness: 1.0 a label as written, 0.9 an alias, below that by its words; 0 unread.
    """

    table: str
    sheet: str
    cell: str
    text: str
    column: str | None
    sureness: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "sheet": self.sheet,
            "cell": self.cell,
            "header": self.text,
            "column": self.column,
            "sureness": self.sureness,
        }


@dataclass
class CampaignFrames:
    """The five tables of one campaign workbook, and what reading it found."""

    path: str
    info: dict[str, Any]
    tables: dict[str, TableFrame]
    info_cells: dict[str, tuple[str, str]] = field(default_factory=dict)
    load_findings: list[Finding] = field(default_factory=list)
    template_id: str | None = None
    template_version: int | None = None
    sheet_order: list[str] = field(default_factory=list)
    headers: list[HeaderRead] = field(default_factory=list)
    lang: str = "en"  # the workbook's language: its stamp's, else its headers' ("en" | "zh")

    @property
    def name(self) -> str | None:
        value = self.info.get("name")
        return str(value) if value not in (None, "") else None

    @property
    def start_date(self) -> dt.date | None:
        return _as_date(self.info.get("start_date"))

    @property
    def end_date(self) -> dt.date | None:
        return _as_date(self.info.get("end_date"))

    @property
    def goals(self) -> TableFrame:
        return self.tables["goals"]

    @property
    def budget_split(self) -> TableFrame:
        return self.tables["budget_split"]

    @property
    def tasks(self) -> TableFrame:
        return self.tables["tasks"]

    @property
    def daily(self) -> TableFrame:
        return self.tables["daily"]

    @property
    def issues(self) -> TableFrame:
        return self.tables["issues"]

    @property
    def evaluation(self) -> TableFrame:
        return self.tables["evaluation"]


def _as_date(value: Any) -> dt.date | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def build_frame(
    table: TableSpec,
    columns: Mapping[str, Sequence[Any] | pd.Series],
    rows: Sequence[int | None],
    *,
    parsed: bool = False,
) -> pd.DataFrame:
    """The one builder of typed table frames (the dtypes of the module docstring).

    Args:
        table: the table whose columns (`laid_out`) the frame gets; a column absent
            from `columns` is empty.
        columns: values by column key, one per row: lists, or a DataFrame's Series.
        rows: the 1-based Excel row of each record (None where it has none); gives
            the frame's length.
        parsed: the values are already typed by `cells` (a date, a float, a bool,
            a str or None), as the reader hands them over; they skip pandas'
            coercion, which is most of the cost on large tables. Otherwise any value
            is coerced: unreadable dates and numbers become empty, text becomes str.
    """
    n = len(rows)
    data: dict[str, Any] = {}
    for col in table.laid_out:
        values = columns.get(col.key)
        if values is None:
            data[col.key] = _empty_column(col.type, n)
        elif parsed:
            data[col.key] = _typed_column(col.parse_as, values)
        else:
            if isinstance(values, pd.Series):
                values = values.reset_index(drop=True)
            data[col.key] = _coerced_column(col.type, values)
    data["row"] = pd.array(list(rows), dtype="Int64")
    return pd.DataFrame(data)


def _empty_column(column_type: str, n: int) -> Any:
    if column_type == "date":
        return np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    if column_type in _NUMERIC:
        return np.full(n, np.nan, dtype="float64")
    if column_type == "flag":
        return np.zeros(n, dtype=bool)
    return pd.Series([None] * n, dtype=object)


def _typed_column(column_type: str, values: Sequence[Any] | pd.Series) -> Any:
    if column_type == "moment":  # dates and datetimes (a few issue cells): pandas converts
        return pd.to_datetime(pd.Series(list(values), dtype=object)).astype("datetime64[ns]")
    if column_type == "date":
        # Ordinals through numpy: much faster than datetime64 from date objects.
        ordinals = np.array([0 if v is None else v.toordinal() for v in values], dtype="int64")
        days = (ordinals - _EPOCH_ORDINAL).astype("datetime64[D]").astype("datetime64[ns]")
        days[ordinals == 0] = np.datetime64("NaT")
        return days
    if column_type in _NUMERIC:
        return np.array([np.nan if v is None else v for v in values], dtype="float64")
    if column_type == "flag":
        return np.array([bool(v) for v in values], dtype=bool)
    # An explicit object Series: pandas 3 would infer its string dtype from a list.
    return pd.Series(list(values), dtype=object)


def _coerced_column(column_type: str, values: Sequence[Any] | pd.Series) -> Any:
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if column_type == "date":
        dates = pd.to_datetime(series, errors="coerce")
        # pandas takes the format of the first text for all: '2024-06-12 20:00' would
        # empty a later '2024-06-11'. What the shared format missed is read one by one.
        missed = dates.isna() & series.notna() & series.ne("")
        if missed.any():
            dates = dates.mask(
                missed, pd.to_datetime(series[missed], errors="coerce", format="mixed")
            )
        return dates.astype("datetime64[ns]")
    if column_type in _NUMERIC:
        return pd.to_numeric(series, errors="coerce").astype("float64")
    if column_type == "flag":
        return np.array([False if pd.isna(v) else bool(v) for v in series], dtype=bool)
    if series.dtype != object and pd.api.types.is_string_dtype(series.dtype):
        # A compact (e.g. Arrow) text column stays compact: the writer turns it
        # into Python strings chunk by chunk.
        return series.where(series.ne(""))
    # An explicit object Series: pandas 3 would infer its string dtype from a map.
    return pd.Series([_text(v) for v in series], dtype=object)


def _text(value: Any) -> str | None:
    if value is None or value is pd.NA or value is pd.NaT or value != value:  # NaN
        return None
    return (value or None) if isinstance(value, str) else str(value)


_EMPTY: dict[int, tuple[TableSpec, pd.DataFrame]] = {}


def empty_frame(table: TableSpec) -> pd.DataFrame:
    """A zero-row frame with the table's columns and dtypes (and `row`).

    Built once per table spec (a frame costs a millisecond; a copy, a fiftieth of that).
    """
    hit = _EMPTY.get(id(table))
    if hit is None or hit[0] is not table:
        hit = (table, build_frame(table, {}, []))
        _EMPTY[id(table)] = hit
    return hit[1].copy()


def frame_from_records(table: TableSpec, records: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """A typed frame from dicts keyed by column key (and `row`); missing keys are empty.

    For callers and tests that build a table inline.
    """
    columns = {c.key: [r.get(c.key) for r in records] for c in table.laid_out}
    return build_frame(table, columns, [r.get("row") for r in records])


def empty_campaign(spec: Spec, path: str = "") -> CampaignFrames:
    """A campaign with no data: the starting point for readers and tests."""
    tables = {key: TableFrame(key=key, data=empty_frame(spec.table(key))) for key in LIST_TABLES}
    return CampaignFrames(path=path, info={}, tables=tables)
