"""Where everything sits in a generated workbook, and formula templates turned into A1 formulas.

The writer and the dashboard both place cells from one `Layout`, so a
cross-sheet formula always points at the cell the writer filled. Formula
templates from the spec (`{col}`, `{table:col}`, `{enum:NAME.KEY}`,
`{label:KEY}`) are compiled once per table into a row-number template, so
writing 100,000 rows costs one `%` per formula cell. `grid.Grid` buffers
small sheets; `content` types the records that fill the tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from xlsxwriter.utility import quote_sheetname, xl_col_to_name

from xltrack.errors import SpecError
from xltrack.spec import LIST_SHEETS, STAMP_SHEET, Lang, Spec, TableSpec

# Rows (0-based) of every list sheet: title, a hint line, then the header.
TITLE_ROW = 0
HEADER_ROW = 2
# Campaign sheet: the form from row 2, the goals and budget blocks to its right.
FORM_FIRST_ROW = 2
BLOCK_COL = 3
BLOCK_ROWS = 6

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
