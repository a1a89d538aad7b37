"""Where everything sits in a generated workbook, and formula templates turned into A1 formulas.

The writer and the dashboard both place cells from one `Layout`, so a
cross-sheet formula always points at the cell the writer filled. Formula
templates from the spec (`{col}`, `{table:col}`, `{enum:NAME.KEY}`,
`{label:KEY}`) are compiled once per table into a row-number template, so
writing 100,000 rows costs one `%` per formula cell. The records that fill
the tables (the example, or a caller's data) are typed here too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

import pandas as pd
import yaml
from xlsxwriter.utility import quote_sheetname, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from xltrack.errors import SpecError
from xltrack.frames import frame_from_records
from xltrack.spec import (
    LANGS,
    LIST_SHEETS,
    LIST_TABLES,
    STAMP_SHEET,
    Lang,
    Spec,
    TableSpec,
    default_template_path,
)

# Rows (0-based) of every list sheet: title, a hint line, then the header.
TITLE_ROW = 0
HEADER_ROW = 2
# Campaign sheet: the form from row 2, the goals and budget blocks to its right.
FORM_FIRST_ROW = 2
BLOCK_COL = 3
BLOCK_ROWS = 6

# A table's content: records keyed by column key, or a DataFrame with those columns.
Records = Union[Sequence[Mapping[str, Any]], pd.DataFrame]  # noqa: UP007 (runtime alias, py3.10)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([A-Za-z_.]+))?\}")


@dataclass(frozen=True)
class TableLayout:
    """One list table: its sheet, header row, data rows and column positions (0-based)."""

    key: str
    sheet: str
    header_row: int
    first_row: int
    last_row: int
    first_col: int
    cols: dict[str, int]

    @property
    def n_rows(self) -> int:
        return self.last_row - self.first_row + 1

    def letter(self, key: str) -> str:
        return str(xl_col_to_name(self.cols[key]))

    def cell(self, key: str, row: int, *, absolute: bool = False) -> str:
        """A1 reference of a column's cell in `row` (0-based), on this sheet."""
        dollar = "$" if absolute else ""
        return f"{dollar}{self.letter(key)}{dollar}{row + 1}"

    def column_range(self, key: str, *, sheet: bool = False) -> str:
        """Absolute A1 range of a column's data cells, optionally sheet-qualified."""
        letter = self.letter(key)
        ref = f"${letter}${self.first_row + 1}:${letter}${self.last_row + 1}"
        return f"{quote_sheetname(self.sheet)}!{ref}" if sheet else ref

    def ref(self, key: str, row: int) -> str:
        """Sheet-qualified reference to one cell (for other sheets' formulas)."""
        return f"{quote_sheetname(self.sheet)}!{self.cell(key, row, absolute=True)}"


@dataclass
class Layout:
    """Sheet names, table positions and named cells of one workbook."""

    spec: Spec
    lang: Lang
    sheets: dict[str, str]
    tables: dict[str, TableLayout] = field(default_factory=dict)
    form_cells: dict[str, tuple[int, int]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def form_ref(self, key: str) -> str:
        row, col = self.form_cells[key]
        return f"{quote_sheetname(self.sheets['campaign'])}!${xl_col_to_name(col)}${row + 1}"

    def define(self, name: str, sheet: str, row: int, col: int, last_row: int | None = None) -> str:
        """Record a defined name for a cell (or a one-column range) and return its formula."""
        letter = xl_col_to_name(col)
        target = f"${letter}${row + 1}"
        if last_row is not None:
            target += f":${letter}${last_row + 1}"
        formula = f"={quote_sheetname(sheet)}!{target}"
        self.names[name] = formula
        return formula


def sheet_names(spec: Spec, lang: Lang) -> dict[str, str]:
    """Sheet name of each part: dashboard, instructions, campaign, the four lists, lists, meta."""
    names = {"dashboard": spec.label("dashboard", lang)}
    if "instructions" in spec.labels:
        names["instructions"] = spec.label("instructions", lang)
    for key in ("campaign", *LIST_SHEETS):
        table = spec.table(key)
        if table.sheet is None:
            raise SpecError(f"tables.{key} needs its own sheet")
        names[key] = table.sheet(lang)
    names["lists"] = spec.label("lists", lang)
    names["meta"] = STAMP_SHEET
    if len({n.casefold() for n in names.values()}) != len(names):
        raise SpecError(f"two sheets would share a name: {sorted(names.values())}")
    return names


def block_rows(n_records: int) -> int:
    """Rows of a small block on the campaign sheet (goals, budget split)."""
    return max(BLOCK_ROWS, n_records)


def campaign_layout(spec: Spec, layout: Layout, n_goals: int, n_budget: int) -> None:
    """Place the form fields (label in A, value in B) and the two blocks to their right."""
    sheet = layout.sheets["campaign"]
    row = FORM_FIRST_ROW
    for col in spec.table("campaign").laid_out:
        layout.form_cells[col.key] = (row, 1)
        row += 1
    block_row = FORM_FIRST_ROW
    for key, n in (("goals", n_goals), ("budget_split", n_budget)):
        table = spec.table(key)
        header = block_row + 1  # the block's title sits above its header
        cols = {c.key: BLOCK_COL + i for i, c in enumerate(table.laid_out)}
        last = header + block_rows(n)
        layout.tables[key] = TableLayout(key, sheet, header, header + 1, last, BLOCK_COL, cols)
        block_row = last + 2


def list_layout(spec: Spec, layout: Layout, key: str, n_rows: int) -> TableLayout:
    """Place a list table on its own sheet, header on HEADER_ROW, from column A."""
    table = spec.table(key)
    cols = {c.key: i for i, c in enumerate(table.laid_out)}
    first = HEADER_ROW + 1
    placed = TableLayout(key, layout.sheets[key], HEADER_ROW, first, first + n_rows - 1, 0, cols)
    layout.tables[key] = placed
    return placed


def compile_formula(template: str, table: TableSpec, placed: TableLayout, layout: Layout) -> str:
    """Turn a spec formula template into a `%`-template of the row number.

    `compile_formula(...) % {"row": excel_row}` gives the formula for that row
    (`excel_row` is 1-based).

    Raises:
        SpecError: a placeholder names an unknown column, enum value or label.
    """
    spec, lang = layout.spec, layout.lang
    parts: list[str] = []
    pos = 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(template[pos : match.start()].replace("%", "%%"))
        pos = match.end()
        name, arg = match.group(1), match.group(2)
        try:
            if arg is None:
                parts.append(f"{placed.letter(name)}%(row)d")
            elif name == "table":
                parts.append(placed.column_range(arg))
            elif name == "enum":
                enum, _, key = arg.partition(".")
                parts.append(quote(spec.enum_label(enum, key, lang)))
            elif name == "label":
                parts.append(quote(spec.label(arg, lang)))
            else:
                raise KeyError(name)
        except KeyError as exc:
            raise SpecError(
                f"tables.{table.key}: formula placeholder {match.group(0)} is unknown ({exc})"
            ) from exc
    parts.append(template[pos:].replace("%", "%%"))
    return "".join(parts)


def quote(text: str) -> str:
    """A formula string literal (quotes doubled)."""
    return '"' + text.replace('"', '""') + '"'


class Grid:
    """Cells of a small sheet collected in any order, written in row order.

    constant_memory mode flushes a row as soon as a later row is written, so
    sheets laid out block by block (campaign, dashboard) are buffered here.
    It offers the worksheet's write_* methods, so table code writes to either.
    """

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], tuple[str, tuple[Any, ...]]] = {}

    def put(self, row: int, col: int, method: str, *args: Any) -> None:
        """Queue `worksheet.<method>(row, col, *args)`; a later put on the cell wins."""
        self._cells[(row, col)] = (method, args)

    def write_string(self, row: int, col: int, *args: Any) -> None:
        self.put(row, col, "write_string", *args)

    def write_number(self, row: int, col: int, *args: Any) -> None:
        self.put(row, col, "write_number", *args)

    def write_formula(self, row: int, col: int, *args: Any) -> None:
        self.put(row, col, "write_formula", *args)

    def write_blank(self, row: int, col: int, *args: Any) -> None:
        self.put(row, col, "write_blank", *args)

    def merge(self, row: int, col: int, last_col: int, method: str, *args: Any) -> None:
        """Queue a cell merged across columns col..last_col of one row, written by `method`.

        One row only: a merge over several rows would write later rows first.
        """
        self._cells[(row, col)] = ("_merge", (last_col, method, args))

    def cached(self, row: int, col: int) -> Any:
        """The cached value queued with a formula cell ("" when none)."""
        method, args = self._cells.get((row, col), ("", ()))
        return args[2] if method == "write_formula" and len(args) > 2 else ""

    def flush(self, worksheet: Worksheet) -> None:
        """Write every queued cell, row by row."""
        for (row, col), (method, args) in sorted(self._cells.items()):
            if method == "_merge":
                last_col, method, args = args
                if last_col > col:
                    worksheet.merge_range(row, col, row, last_col, "", args[1])
            getattr(worksheet, method)(row, col, *args)
        self._cells.clear()


def load_example(spec: Spec, lang: Lang) -> dict[str, Any]:
    """The source's example campaign (workbook_templates/example.yaml) in one language.

    Raises:
        SpecError: the example file is missing or malformed.
    """
    path = default_template_path().parent / "example.yaml"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SpecError(f"{path.name}: cannot load the example: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("campaign"), dict):
        raise SpecError(f"{path.name}: the example must be a mapping of tables")

    def pick(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == set(LANGS):
            return value[lang]
        return value

    example: dict[str, Any] = {"campaign": {k: pick(v) for k, v in raw["campaign"].items()}}
    if isinstance(raw.get("as_of"), dt.date):
        example["as_of"] = raw["as_of"]
    for key in LIST_TABLES:
        example[key] = [{k: pick(v) for k, v in rec.items()} for rec in raw.get(key) or []]
    return example


def table_frame(spec: Spec, table: TableSpec, rows: Records | None) -> pd.DataFrame:
    """Typed frame (frames.py convention) of a table's records or DataFrame.

    Enum cells given as a label (in any language) become the enum key, so the
    formulas' cached values (computed on keys) agree with the labels written.
    """
    if rows is None:
        frame = frame_from_records(table, [])
    elif isinstance(rows, pd.DataFrame):
        frame = _coerce(table, rows)
    else:
        frame = frame_from_records(table, [dict(r) for r in rows])
    for col in table.laid_out:
        if col.type == "enum" and col.enum and col.is_input:
            lookup = {v.key: v.key for v in spec.enums[col.enum]}
            for value in spec.enums[col.enum]:
                for lang in LANGS:
                    lookup.setdefault(value.label(lang), value.key)
            frame[col.key] = frame[col.key].map(
                lambda v, known=lookup: known.get(v, v), na_action="ignore"
            )
    return frame


def _coerce(table: TableSpec, df: pd.DataFrame) -> pd.DataFrame:
    """frame_from_records for a DataFrame, column by column (no per-row dicts)."""
    data: dict[str, pd.Series] = {}
    empty = pd.Series([None] * len(df), index=df.index, dtype=object)
    for col in table.laid_out:
        values = df[col.key] if col.key in df.columns else empty
        if col.type == "date":
            data[col.key] = pd.to_datetime(values, errors="coerce").astype("datetime64[ns]")
        elif col.type in ("number", "money", "percent", "count"):
            data[col.key] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif col.type == "flag":
            data[col.key] = values.fillna(False).astype(bool)
        elif values.dtype != object and pd.api.types.is_string_dtype(values.dtype):
            # A compact (e.g. Arrow) text column stays compact: the writer turns it
            # into Python strings chunk by chunk.
            data[col.key] = values.where(values.ne(""))
        else:
            text = values.astype(object)
            data[col.key] = text.where(text.notna() & text.ne(""), None).map(
                lambda v: v if v is None or isinstance(v, str) else str(v)
            )
    data["row"] = pd.Series([None] * len(df), index=df.index, dtype="Int64")
    return pd.DataFrame(data).reset_index(drop=True)
