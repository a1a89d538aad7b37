"""Find the tables on a sheet by their headers, never by position.

A sheet is a grid of cell values (row 0 = Excel row 1). A header row is a row
whose cells name at least two columns of one table (one of them a required
column or a label); the table's body runs from the next row to the next header
row or the end of the sheet, skipping blank rows and notes. Table 1 may also be
written as label/value pairs, side by side or in rows: `find_form` reads those.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from xltrack.cells import parse_amount
from xltrack.dates import parse_date
from xltrack.labels import WORDS, HeaderIndex, fold, looks_like_title
from xltrack.spec import Spec

_NOTE = re.compile(
    r"^(?:注|备注|備註|说明|說明|填写|填寫|填表|note|notes|remark|\*|※)", re.IGNORECASE
)
_MAX_HEADER_TEXT = 60
# A numbered table title on a row of its own ("表3 执行进度每日跟踪表", "Table 3 · Daily"):
# the table above has ended, whatever follows (a table xltrack may not read).
_TABLE_TITLE = re.compile(r"^\s*(?:表|table)\s*[0-9一二三四五六七八九十]+(?![0-9])", re.IGNORECASE)


@dataclass
class Located:
    """One table found on a sheet.

    Attributes:
        table: the table key.
        sheet: the sheet name.
        header_row: 0-based grid row of the header.
        columns: column key -> 0-based grid column.
        rows: 0-based grid rows holding records.
        score: (all required columns named, columns named, of them by label).
    """

    table: str
    sheet: str
    header_row: int
    columns: dict[str, int]
    rows: list[int] = field(default_factory=list)
    lone: list[tuple[int, Any]] = field(default_factory=list)  # rows with a single value
    score: tuple[int, int, int] = (0, 0, 0)
    sureness: dict[str, float] = field(default_factory=dict)  # column key -> match score
    unmatched: list[int] = field(default_factory=list)  # header cells that named no column
    sections: list[tuple[int, str]] = field(default_factory=list)  # group rows: (row, label)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, str) and not value.strip())


_Header = tuple[str, dict[str, tuple[float, int]], tuple[int, int, int]]


def _header_candidates(row: list[Any], index: HeaderIndex, spec: Spec) -> _Header | None:
    """The table a row is the header of, its columns (with sureness) and score; None if no
    header."""
    per_table: dict[str, list[tuple[float, int, str]]] = {}
    # A row holding a number or a date is a record: there, only a header's own names
    # count, not its words (a task called "Report number 3" names no column).
    by_words = not any(_is_figure(v) for v in row)
    texts = sum(1 for v in row if isinstance(v, str) and v.strip())
    for col, value in enumerate(row):
        if not isinstance(value, str) or not value.strip() or len(value) > _MAX_HEADER_TEXT:
            continue
        for hit in index.match_any(value):
            if by_words or hit.how != WORDS:
                per_table.setdefault(hit.table, []).append((hit.score, col, hit.key))
    best: _Header | None = None
    best_weight: tuple[int, float, tuple[int, int, int]] = (0, 0.0, (0, 0, 0))
    for table, hits in per_table.items():
        found = assign_columns(hits)
        if len(found) < 2:
            continue
        required = {c.key for c in spec.table(table).columns if c.required}
        exact = sum(1 for score, _ in found.values() if score >= 1.0)
        sure = sum(1 for score, _ in found.values() if score >= 0.9)
        if not (required & found.keys()) and exact < 2:
            continue
        # Two or three words-only guesses are no header: a row of prose names columns
        # by chance. Four or more with a required one, in a row without figures, are;
        # so are three when every text cell of the row names a column.
        enough = 4 if len(found) < texts else 3
        if not sure and (len(found) < enough or not (required & found.keys())):
            continue
        complete = int(required <= found.keys())
        score = (complete, len(found), exact)
        # The table whose required columns the row names by name, then the one it
        # names most surely: four aliases of the task table beat an issue log's ID
        # alias plus a description guessed from its words.
        named = {k for k, (sure, _) in found.items() if sure >= 0.9}
        weight = (int(required <= named), round(sum(sure for sure, _ in found.values()), 4), score)
        if best is None or weight > best_weight:
            best, best_weight = (table, found, score), weight
    return best


def _is_figure(value: Any) -> bool:
    """A number or a date, typed or as text ("2024.6.1", "30万"): what records hold, not headers."""
    if isinstance(value, (int, float, dt.date)):
        return True
    if (
        type(value) is not str
        or not value
        or len(value) > 20
        or not any(ch.isdigit() for ch in value)
    ):
        return False
    return parse_date(value).value is not None or parse_amount(value).value is not None


def assign_columns(hits: list[tuple[float, int, str]]) -> dict[str, tuple[float, int]]:
    """The best assignment of one header row: each column to one cell, each cell to one column.

    Surest matches are taken first, leftmost cell first on a tie, so "Found On"
    cannot take `found_date` from a "Found date" cell, and a cell that names two
    columns by meaning goes to the one no surer cell claims.

    Args:
        hits: (score, cell column, column key) for every candidate of the row.

    Returns:
        column key -> (score, cell column).
    """
    found: dict[str, tuple[float, int]] = {}
    used: set[int] = set()
    for score, col, key in sorted(hits, key=lambda h: (-h[0], h[1])):
        if key in found or col in used:
            continue
        found[key] = (score, col)
        used.add(col)
    return found


# Footer rows people add under a table; folded, so 合計, "Total:" and "TOTAL" agree.
_TOTAL_WORDS = (
    "合计",
    "总计",
    "小计",
    "总和",
    "总数",
    "total",
    "totals",
    "subtotal",
    "grand total",
    "sum",
)
_TOTALS = frozenset(fold(word) for word in _TOTAL_WORDS)


def looks_like_total(value: Any) -> bool:
    """A cell that labels a total row (`合计`, `Total:`), which sums records and is none."""
    return isinstance(value, str) and len(value) <= 20 and fold(value) in _TOTALS


def looks_like_note(text: str) -> bool:
    """A lone cell below or between tables: a note, a title, an instruction."""
    stripped = text.strip()
    return bool(_NOTE.match(stripped)) or len(stripped) > 80 or looks_like_title(stripped)


# Group rows people put above a run of records: "一、预热期（8项）", "第二阶段",
# "Phase 1 – Warm-up", "Stage II: launch", "1. Preparation". Folded forms are not used: the
# numbering is the sign.
_SECTION = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．:：]"
    r"|[（(]\s*[一二三四五六七八九十]+\s*[)）]"
    r"|第\s*[一二三四五六七八九十\d]+\s*(?:阶段|部分|期|周|步|批|轮|波)"
    r"|(?:phase|stage|part|section|step|week|wave|sprint|milestone)\s*[\divx]+\b"
    r"|[ivx]+\s*[.:)]\s"
    r"|\d+\s*[、．]|\d+\.\s+(?=[^\d\s])"
    r")",
    re.IGNORECASE,
)
# "(8项)", "（3 tasks）", "- 5 items" after a section's name.
_SECTION_COUNT = re.compile(
    r"[（(]?\s*(?:共\s*)?\d+\s*(?:项|个|条|项任务|tasks?|items?)\s*[)）]?\s*$", re.IGNORECASE
)
_SECTION_PREFIX = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．:：]|[（(]\s*[一二三四五六七八九十]+\s*[)）]"
    r"|第\s*[一二三四五六七八九十\d]+\s*(?:阶段|部分|期|周|步|批|轮|波)\s*[:：、.\-–—]?"
    r"|(?:phase|stage|part|section|step|week|wave|sprint|milestone)\s*[\divx]+\s*[:：.\-–—]?"
    r"|[ivx]+\s*[.:)]|\d+\s*[、．]|\d+\.\s+(?=[^\d\s]))\s*",
    re.IGNORECASE,
)


def looks_like_section(text: str) -> bool:
    """A lone cell that names a group of the records below it (a phase, a stage)."""
    return bool(_SECTION.match(text)) or bool(_SECTION_COUNT.search(text.strip()))


def section_name(text: str) -> str:
    """The group's own name: "一、预热期（8项）" -> "预热期"; "Phase 1 – Warm-up" -> "Warm-up"."""
    name = _SECTION_COUNT.sub("", _SECTION_PREFIX.sub("", text)).strip(" -–—:：、")
    return name or text.strip()


def find_tables(
    grid: list[list[Any]],
    sheet: str,
    spec: Spec,
    index: HeaderIndex,
    wide_rows: frozenset[int] = frozenset(),
) -> list[Located]:
    """Every table whose header row is on this sheet, in order.

    Args:
        grid: the sheet's values, row 0 = Excel row 1.
        sheet: its name.
        spec: the template definition.
        index: the header index of `spec`.
        wide_rows: rows whose first filled cell is merged across columns.

    Returns:
        The located tables, each with its body rows and group rows.
    """
    found: list[Located] = []
    r = 0
    while r < len(grid):
        hit = _header_candidates(grid[r], index, spec)
        if hit is None:
            r += 1
            continue
        table, found_columns, score = hit
        columns = {k: c for k, (_, c) in found_columns.items()}
        located = Located(
            table,
            sheet,
            r,
            columns,
            score=score,
            sureness={k: sure for k, (sure, _) in found_columns.items()},
        )
        found.append(located)
        if r + 1 < len(grid) and _sub_header(grid[r + 1], located, index):
            r += 1  # a second header row: 起止时间 over 开始 | 结束
        located.unmatched = _unmatched(grid[located.header_row], located.columns)
        r = _read_body(grid, r + 1, located, index, spec)
    for located in found:
        # A row with one lone text cell that reads as a note or a title is not a record,
        # and neither is a total row labelled in the table's first column. A group row
        # ("一、预热期（8项）", or one cell merged across the table) labels the records below.
        notes = {
            r
            for r, value in located.lone
            if isinstance(value, str) and (looks_like_note(value) or value.isspace())
        }
        located.sections = [
            (r, value.strip())
            for r, value in located.lone
            if r not in notes
            and isinstance(value, str)
            and (looks_like_section(value) or (r in wide_rows and len(located.columns) > 2))
        ]
        notes |= {r for r, _ in located.sections}
        first = min(located.columns.values())
        notes |= {
            r for r in located.rows if first < len(grid[r]) and looks_like_total(grid[r][first])
        }
        if notes:
            located.rows = [r for r in located.rows if r not in notes]
    return found


def _unmatched(header: list[Any], columns: dict[str, int]) -> list[int]:
    """Header cells of the table that named no column: the run of filled cells around it.

    Only the unbroken run counts: past an empty cell another block may begin (the
    campaign form beside the goals table), whose labels are not this table's. A
    header whose own cells stand apart (an export that spaces its columns, one to
    three empty cells between them) runs on past gaps as wide as its widest inner
    one: its far cells are its own.
    """
    taken = set(columns.values())
    lo, hi = min(taken), max(taken)
    gap = width = 0
    for c in range(lo, hi + 1):
        width = 0 if _filled(header[c]) else width + 1
        gap = max(gap, width)
    lo, hi = _run_end(header, lo, -1, gap), _run_end(header, hi, 1, gap)
    return [
        c
        for c in range(lo, hi + 1)
        if c not in taken and type(header[c]) is str and header[c].strip()
    ]


def _run_end(header: list[Any], at: int, step: int, gap: int) -> int:
    """The last filled cell from `at` going `step`, skipping no more than `gap` empty cells."""
    end, c = at, at + step
    while 0 <= c < len(header) and abs(c - end) <= gap + 1:
        if _filled(header[c]):
            end = c
        c += step
    return end


def _sub_header(row: list[Any], table: Located, index: HeaderIndex) -> bool:
    """Merge a second header row into `table` if every filled cell of it names a column."""
    extra: dict[str, int] = {}
    for c, value in enumerate(row):
        if not _filled(value):
            continue
        hit = index.match(table.table, value) if type(value) is str else None
        if hit is None:
            return False
        extra[hit[0]] = c
    if not extra:
        return False
    taken = set(extra.values())
    # A merged group header above the sub-headers ("起止时间" over start and end) gives way.
    table.columns = {k: c for k, c in table.columns.items() if c not in taken or k in extra}
    table.columns.update(extra)
    return True


def _filled(value: Any) -> bool:
    return not (value is None or value == "" or (type(value) is str and value.isspace()))


def _read_body(
    grid: list[list[Any]], start: int, table: Located, index: HeaderIndex, spec: Spec
) -> int:
    """Collect the body rows of `table` from `start`; returns the row of the next header.

    Works column by column (comprehensions, not a call per row), as bodies run to
    10,000 rows. A new table can start after a blank row, a title or a note, or at a
    row whose first cell is a header word as written; only those rows are tried.
    """
    rows = grid[start:]
    if not rows:
        return len(grid)
    columns = list(zip_longest(*rows))
    # Only input columns say whether a row holds a record: a formula column shows values
    # (0, #VALUE!) in rows nobody has filled in yet.
    spec_table = spec.table(table.table)
    mapped = [
        columns[c]
        for k, c in table.columns.items()
        if c < len(columns) and spec_table.column(k).is_input
    ] or [columns[c] for c in table.columns.values() if c < len(columns)]
    # Empty cells are "" (calamine) or None; tuple.count runs at C speed.
    counts = [
        len(mapped) - cells.count("") - cells.count(None) for cells in zip(*mapped, strict=False)
    ]
    names = index.raw_names
    starts = [False] * len(rows)
    for c in {0, min(table.columns.values())}:
        if c < len(columns):
            starts = [
                flag or (type(v) is str and v.strip().casefold() in names)
                for flag, v in zip(starts, columns[c], strict=False)
            ]
    may_start = False
    for i, count in enumerate(counts):
        if count <= 1 and _is_table_title(rows[i]):
            return start + i
        if (may_start or starts[i]) and _header_candidates(rows[i], index, spec) is not None:
            # A lone cell just above the next header is that table's title ("Budget split").
            last = table.rows[-1] if table.rows else None
            if (
                table.lone
                and last == table.lone[-1][0]
                and not any(_filled(v) for r in range(last + 1, start + i) for v in grid[r])
            ):
                table.rows.pop()
            return start + i
        if count:
            table.rows.append(start + i)
            if count == 1:
                value = next(
                    cells[i] for cells in mapped if cells[i] != "" and cells[i] is not None
                )
                table.lone.append((start + i, value))
        may_start = count <= 1
    return len(grid)


def _is_table_title(row: tuple[Any, ...] | list[Any]) -> bool:
    """A row whose one filled cell is a numbered table title."""
    filled = [v for v in row if _filled(v)]
    return len(filled) == 1 and type(filled[0]) is str and bool(_TABLE_TITLE.match(filled[0]))


#: Fewest date cells across a row for it to be a table laid out one column per date.
WIDE_DATES = 3


def find_wide_dates(grid: list[list[Any]], skip: frozenset[int] = frozenset()) -> list[int]:
    """Rows that head a table laid out wide: a label, then dates across the columns, and
    figures under those dates in the row below (`指标 | 6.10 | 6.11 | 6.12`, `目标 | 20 | 20`).

    xltrack reads one row per date; such a table is reported, never read (a Gantt's
    date scale has no figures below it and is not one).

    Args:
        grid: the sheet's values.
        skip: rows that belong to tables already found.

    Returns:
        0-based grid rows of such header rows.
    """
    found = []
    for r, row in enumerate(grid[:-1]):
        if r in skip or not row or not any(type(v) is str and v.strip() for v in row[:2]):
            continue
        dated = [c for c, v in enumerate(row) if _filled(v) and _is_date(v)]
        if len(dated) < WIDE_DATES:
            continue
        below = grid[r + 1]
        figures = sum(
            1
            for c in dated
            if c < len(below) and _filled(below[c]) and parse_amount(below[c]).value is not None
        )
        if figures >= 2:
            found.append(r)
    return found


def _is_date(value: Any) -> bool:
    if isinstance(value, dt.date):
        return True
    if type(value) is not str or len(value) > 20:
        return False
    return parse_date(value, 2000).value is not None


@dataclass
class FormField:
    """One field of table 1 found as a label with its value."""

    key: str
    value: Any
    row: int  # 0-based grid row of the value
    col: int
    label: str = ""  # the label as typed ("预算总额(万元)": its unit scales the value)


def find_form(
    grid: list[list[Any]], spec: Spec, index: HeaderIndex, skip: dict[int, frozenset[int]]
) -> dict[str, FormField]:
    """Table 1 written as label/value pairs: value right of its label, or below it.

    Args:
        grid: the sheet's values.
        spec: the template definition.
        index: the header index of `spec`.
        skip: row -> columns that belong to list tables (their headers are not labels).

    Returns:
        Field key -> the first value found for it (empty values included).
    """
    labels: dict[tuple[int, int], str] = {}
    free: dict[tuple[frozenset[int], int], list[int]] = {}  # the columns left, per (taken, width)
    for r, row in enumerate(grid):
        taken = skip.get(r)
        if taken is None:
            columns: Any = range(len(row))
        else:
            columns = free.get((taken, len(row)))
            if columns is None:
                columns = free[(taken, len(row))] = [c for c in range(len(row)) if c not in taken]
        for c in columns:
            value = row[c]
            if isinstance(value, str) and value.strip() and len(value) <= _MAX_HEADER_TEXT:
                hit = index.match("campaign", value)
                if hit is None:
                    hit = _inline_label(value, index)
                # "Owner | *Manager": a cell naming the same field as its left neighbour is its
                # value.
                if hit is not None and labels.get((r, c - 1)) != hit[0]:
                    labels[(r, c)] = hit[0]
    fields: dict[str, FormField] = {}
    titles = _titles(spec)
    for (r, c), key in labels.items():
        if key in fields:
            continue
        inline = _inline_value(grid[r][c], index)
        if inline is not None:
            fields[key] = FormField(key, inline, r, c, str(grid[r][c]).split("：")[0].split(":")[0])
            continue
        found = _value_near(grid, labels, r, c, key, titles, skip.get(r, frozenset()))
        found.label = str(grid[r][c])
        fields[key] = found
    return fields


def _titles(spec: Spec) -> frozenset[str]:
    """Every table's title, folded: a block title beside a blank field is not its value."""
    return frozenset(
        fold(table.title(lang)) for table in spec.tables.values() for lang in ("en", "zh")
    )


def _inline_label(text: str, index: HeaderIndex) -> tuple[str, bool] | None:
    for sep in (":", "：", "="):
        if sep in text:
            return index.match("campaign", text.split(sep, 1)[0])
    return None


def _inline_value(text: str, index: HeaderIndex) -> str | None:
    for sep in (":", "：", "="):
        if sep in text:
            label, value = text.split(sep, 1)
            if index.match("campaign", label) and value.strip():
                return value.strip()
    return None


def _value_near(
    grid: list[list[Any]],
    labels: dict[tuple[int, int], str],
    r: int,
    c: int,
    key: str,
    titles: frozenset[str] = frozenset(),
    taken: frozenset[int] = frozenset(),
) -> FormField:
    row = grid[r]
    # Labels side by side in one row: a header row, the values are below.
    if (r, c + 1) in labels or (r, c - 1) in labels:
        below = grid[r + 1][c] if r + 1 < len(grid) and c < len(grid[r + 1]) else None
        if (r + 1, c) not in labels:
            return FormField(key, None if _is_empty(below) else below, r + 1, c)
    # To the right: the first non-empty cell within a few columns (merged value cells).
    # A cell of a list table beside the form (the goals' "Metric" header beside an
    # empty plan version) ends the search: it is never this field's value.
    for cc in range(c + 1, min(c + 5, len(row))):
        if (
            (r, cc) in labels
            or cc in taken
            or (isinstance(row[cc], str) and fold(row[cc]) in titles)
        ):
            break
        if not _is_empty(row[cc]):
            return FormField(key, row[cc], r, cc)
    return FormField(key, None, r, c + 1)
