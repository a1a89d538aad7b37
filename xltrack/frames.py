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
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from xltrack.findings import Finding
from xltrack.spec import LIST_TABLES, Spec, TableSpec

_NUMERIC = frozenset({"number", "money", "percent", "count"})


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


def empty_frame(table: TableSpec) -> pd.DataFrame:
    """A zero-row DataFrame with the table's columns and dtypes (and `row`)."""
    return frame_from_records(table, [])


def frame_from_records(table: TableSpec, records: list[dict[str, Any]]) -> pd.DataFrame:
    """Build a typed DataFrame for `table` from dicts keyed by column key (+ `row`).

    Missing keys become empty values; the dtypes follow the module docstring.
    Used by the reader and by tests that build frames inline.
    """
    data: dict[str, Any] = {}
    for col in table.laid_out:
        values = [r.get(col.key) for r in records]
        if col.type == "date":
            dates = pd.to_datetime(pd.Series(values, dtype=object), errors="coerce")
            data[col.key] = dates.astype("datetime64[ns]")
        elif col.type in _NUMERIC:
            data[col.key] = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(
                "float64"
            )
        elif col.type == "flag":
            data[col.key] = pd.Series([bool(v) for v in values], dtype=bool)
        else:
            data[col.key] = pd.Series(
                [None if v is None or v == "" else str(v) for v in values], dtype=object
            )
    data["row"] = pd.Series([r.get("row") for r in records], dtype="Int64")
    return pd.DataFrame(data)


def empty_campaign(spec: Spec, path: str = "") -> CampaignFrames:
    """A campaign with no data: the starting point for readers and tests."""
    tables = {key: TableFrame(key=key, data=empty_frame(spec.table(key))) for key in LIST_TABLES}
    return CampaignFrames(path=path, info={}, tables=tables)
