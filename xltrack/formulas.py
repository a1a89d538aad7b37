"""Evaluate formulas that people typed into input cells, from the cells they reference.

Cached values cannot be trusted (files written by Python libraries carry none or
a fake 0), so each formula found in an input cell of a located table, or in a
value cell of table 1, is evaluated with `xltrack.evaluate` from the workbook's
own cells, following references into other sheets and other formulas.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from typing import Any, Protocol

from xltrack.cells import show_value
from xltrack.evaluate import ExcelError, FormulaError, evaluate, shift_formula
from xltrack.excel import column_letter, column_number, split_cell
from xltrack.findings import Finding, Location
from xltrack.frames import CampaignFrames
from xltrack.labels import fold
from xltrack.locate import Located
from xltrack.source import Source
from xltrack.spec import Spec

_FORMULA_CELL = re.compile(rb"<c\b([^>]*)>\s*<f\b([^>]*?)(?:/>|>([^<]*)</f>)")
_SHARED_MASTER = re.compile(rb"<c\b([^>]*)>\s*<f\b([^>]*\bt=\"shared\"[^>]*)>([^<]+)</f>")
_CELL_REF = re.compile(rb"\br=\"([A-Z]{1,3})(\d+)\"")
_SHARED_INDEX = re.compile(rb"\bsi=\"(\d+)\"")
_MISSING = object()


class WorkbookReader(Protocol):
    """What the formula pass needs from the reader."""

    path: str
    spec: Spec
    as_of: dt.date | None
    source: Source
    findings: list[Finding]

    def grid(self, sheet: str) -> list[list[Any]]: ...


def apply_input_formulas(
    reader: WorkbookReader, located: dict[str, Located], frames: CampaignFrames
) -> None:
    """Evaluate formulas typed into input cells (and table 1's value cells), in place.

    The sheet grids (and `frames.info`) get the evaluated values; a formula that
    cannot be evaluated keeps its cached value and becomes a `formula-unevaluated`
    finding. Derived columns are not looked at: they are recomputed, never read.

    Args:
        reader: the reader holding the workbook's grids, source and findings.
        located: the tables found, by key.
        frames: the frames being filled (their info cells are evaluated too).
    """
    # Input cells only: derived columns are recomputed, never read.
    wanted: dict[str, dict[str, set[int]]] = {}
    for table in located.values():
        spec_table = reader.spec.table(table.table)
        rows = {r + 1 for r in table.rows}
        for key, col in table.columns.items():
            if spec_table.column(key).is_input:
                letters = wanted.setdefault(table.sheet, {})
                letters.setdefault(column_letter(col), set()).update(rows)
    for sheet, cell in frames.info_cells.values():
        letter, row = split_cell(cell)
        wanted.setdefault(sheet, {}).setdefault(letter or "", set()).add(row or 0)
    for sheet, letters in wanted.items():
        last = max((max(rows) for rows in letters.values() if rows), default=0)
        if last < 1:
            continue  # a table found with no records: no input cell to look at
        found = formula_cells(reader.source, sheet, set(letters), last_row=last)
        cells = {
            (letter, row): text for (letter, row), text in found.items() if row in letters[letter]
        }
        if cells:
            evaluator = _Formulas(reader)
            for (letter, row), text in cells.items():
                evaluator.apply(sheet, letter, row, text)
            for key, (info_sheet, cell) in frames.info_cells.items():
                letter, row = split_cell(cell)
                if info_sheet == sheet and (letter, row) in cells:
                    frames.info[key] = evaluator.result(sheet, letter or "A", row or 1)


class _Formulas:
    """Evaluates formulas typed into input cells, from the cells they reference."""

    def __init__(self, reader: WorkbookReader) -> None:
        self.reader = reader
        self.all: dict[str, dict[tuple[str, int], str]] = {}
        self.done: dict[tuple[str, str, int], Any] = {}
        self.busy: set[tuple[str, str, int]] = set()
        self.names = {fold(n): n for n in reader.source.sheets}

    def apply(self, sheet: str, col: str, row: int, text: str) -> None:
        grid = self.reader.grid(sheet)
        r, c = row - 1, column_number(col) - 1
        cached = grid[r][c] if r < len(grid) and c < len(grid[r]) else None
        loc = Location(self.reader.path, sheet, row, col)
        try:
            try:
                value = self.value(sheet, col, row, text)
            except RecursionError as exc:  # a chain of formulas referencing formulas
                raise FormulaError("references formulas nested too deeply") from exc
        except FormulaError as exc:
            self.reader.findings.append(
                Finding(
                    "formula-unevaluated",
                    loc,
                    {"formula": "=" + text, "reason": str(exc), "cached": show_value(cached)},
                )
            )
            return  # the cached value stays, flagged by the finding
        if isinstance(value, ExcelError):
            self.reader.findings.append(
                Finding("formula-unevaluated", loc, {"formula": "=" + text, "reason": value.name})
            )
            value = None
        if r < len(grid) and c < len(grid[r]):
            grid[r][c] = "" if value is None else value

    def result(self, sheet: str, col: str, row: int) -> Any:
        """What a cell holds after `apply`: its evaluated value, else what the grid shows.

        A formula with no cached value may lie outside the grid the engine gave
        (nothing stored below or right of it), so the evaluation is asked first.
        """
        done = self.done.get((sheet, col, row), _MISSING)
        if done is not _MISSING and not isinstance(done, ExcelError):
            return "" if done is None else done
        grid = self.reader.grid(sheet)
        r, c = row - 1, column_number(col) - 1
        return grid[r][c] if r < len(grid) and c < len(grid[r]) else None

    def value(self, sheet: str, col: str, row: int, text: str) -> Any:
        key = (sheet, col, row)
        if key in self.done:
            return self.done[key]
        if key in self.busy:
            raise FormulaError(f"circular reference at {sheet}!{col}{row}")
        self.busy.add(key)
        try:
            result = evaluate(
                text,
                lambda s, c, r: self.lookup(sheet if s is None else s, c, r),
                self.reader.as_of,
            )
        finally:
            self.busy.discard(key)
        self.done[key] = result
        return result

    def lookup(self, sheet: str, col: str, row: int) -> Any:
        name = self.names.get(fold(sheet), sheet)
        if name not in self.reader.source.sheets:
            raise FormulaError(f"no sheet named {sheet}")
        if name not in self.all:
            self.all[name] = formula_cells(self.reader.source, name)
        text = self.all[name].get((col, row))
        if text is not None:
            return self.value(name, col, row, text)
        grid = self.reader.grid(name)
        r, c = row - 1, column_number(col) - 1
        value = grid[r][c] if r < len(grid) and c < len(grid[r]) else None
        return None if value == "" else value


def formula_cells(
    source: Source, sheet: str, letters: set[str] | None = None, last_row: int | None = None
) -> dict[tuple[str, int], str]:
    """Formulas on a sheet, (column letters, row) -> text without `=`.

    Scans the sheet XML with a regular expression (no XML parser, so no entity
    expansion; the parts were checked for DTDs on opening); shared formulas are
    expanded for their dependent cells.

    Args:
        source: the opened workbook.
        sheet: the sheet name.
        letters: only cells in these columns; all when None.
        last_row: rows below it may be left out (a generated sheet lays out thousands of
            rows of formulas below the few records filled in).

    Raises:
        UnreadableWorkbookError: the sheet part is missing or corrupt.
    """
    part = source.sheets.get(sheet)
    if not part or not source.has_part(part):
        return {}
    xml = source.read_part(part)
    if last_row:
        xml = _rows_up_to(xml, last_row)
    if b"<f" not in xml:
        return {}
    masters: dict[str, tuple[str, int, str]] = {}
    shared = _SHARED_MASTER.finditer(xml) if b'"shared"' in xml else iter(())
    for hit in shared:
        ref = _CELL_REF.search(hit.group(1))
        index = _SHARED_INDEX.search(hit.group(2))
        if ref and index:
            masters[index.group(1).decode()] = (
                ref.group(1).decode(),
                int(ref.group(2)),
                _unescape(hit.group(3)),
            )
    found: dict[tuple[str, int], str] = {}
    for hit in _formula_hits(xml, letters):
        ref = _CELL_REF.search(hit.group(1))
        if ref is None:
            continue
        col, row = ref.group(1).decode(), int(ref.group(2))
        if letters is not None and col not in letters:
            continue
        text = _unescape(hit.group(3) or b"")
        index = _SHARED_INDEX.search(hit.group(2))
        if not text and index and index.group(1).decode() in masters:
            m_col, m_row, m_text = masters[index.group(1).decode()]
            text = shift_formula(m_text, row - m_row, column_number(col) - column_number(m_col))
        if text:
            found[(col, row)] = text
    return found


_SHARED_INDEX = re.compile(rb"\bsi=\"(\d+)\"")


def _formula_hits(xml: bytes, letters: set[str] | None) -> Iterator[re.Match[bytes]]:
    """`_FORMULA_CELL` matches, only in the given columns when `letters` is set."""
    if letters is None:
        yield from _FORMULA_CELL.finditer(xml)
        return
    wanted = [x for x in letters if x.isascii() and x.isalpha()]
    if not wanted:
        return
    # Writers put r= first in <c>; naming the wanted columns there lets the engine
    # drop the other cells within a few bytes each.
    columns = b"|".join(re.escape(x.encode()) for x in sorted(wanted))
    pattern = re.compile(
        rb'<c (r="(?:' + columns + rb')\d+"[^>]*)>\s*<f\b([^>]*?)(?:/>|>([^<]*)</f>)'
    )
    yield from pattern.finditer(xml)


def _rows_up_to(xml: bytes, last_row: int) -> bytes:
    """The sheet XML cut before the row after `last_row` (rows are written in order).

    Shared formulas are defined on their first cell, above the cells that use them,
    so a cut below the last wanted row keeps every definition those rows need.
    """
    start = xml.find(b'<row r="%d"' % last_row)
    cut = xml.find(b"<row ", start + 1) if start >= 0 else -1
    return xml[:cut] if cut > 0 else xml


def _unescape(raw: bytes) -> str:
    return html.unescape(raw.decode("utf-8", errors="replace"))
