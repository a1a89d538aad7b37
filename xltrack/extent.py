"""Keep a sheet's grid as large as its cells, not as its farthest cell address.

python-calamine allocates the whole box from A1 to a sheet's farthest cell, and
`to_python` lays the same box out as Python lists: one value typed in
`AZ1048576` makes a 10 KB workbook take gigabytes, and in `XFD1048576` the
allocation fails inside the engine, which aborts the process. So before an
.xlsx sheet goes to the engine, its cell references are looked at (the
`<dimension>` element, and the `r="..."` references themselves since a
dimension can lie); a sheet whose box is huge and nearly empty goes to the
engine trimmed to the cells near the others, and every cell left out is reported.
"""

from __future__ import annotations

import contextlib
import functools
import re
import struct
from dataclasses import dataclass, field

from xltrack.excel import column_letter, column_number

# The box python-calamine and the grid may take: ~4 M cells is ~200 MB all told,
# twice a 100,000-task sheet laid out by xltrack.
MAX_GRID_CELLS = 4_000_000
# Below this size every reference is checked against the dimension (one search, ~1 ms
# a MB); above it a dimension that agrees with the last row is believed, since even
# that search would cost ~5% of a 10,000-task read.
FULL_SCAN_BYTES = 1 << 20
# Used rows (columns) further apart than this start the far area that is left out.
ROW_GAP = 1000
COL_GAP = 100
MAX_REPORTED = 20

_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\b[^>]*?\sref=\"\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?\""
)
_REF = re.compile(rb"\br=\"([A-Z]{0,3})(\d+)\"")
_ROW_REF = re.compile(rb"\sr=\"(\d+)\"")
_ROW = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)row\b([^>]*?)(?:/>|>(.*?)</\1row>)", re.DOTALL)
_CELL = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)c\b([^>]*?)(?:/>|>(.*?)</\1c>)", re.DOTALL)
_ATTR_R = re.compile(rb"\sr=\"([A-Z]{0,3})(\d+)\"")


@dataclass
class Trim:
    """A sheet cut down to the cells near the others.

    Attributes:
        xml: the sheet XML without the far cells.
        rows: rows kept (1..rows).
        cols: columns kept (1..cols).
        dropped: references of the cells left out, in sheet order.
    """

    xml: bytes
    rows: int
    cols: int
    dropped: list[str] = field(default_factory=list)

    @property
    def box(self) -> str:
        return f"A1:{column_letter(self.cols - 1)}{self.rows}"


def plan_trim(xml: bytes) -> Trim | None:
    """How to cut a sheet whose cells span a box far larger than they fill.

    Args:
        xml: the sheet part, inflated.

    Returns:
        None when the sheet can go to the engine as it is, else the `Trim`.
    """
    dimension = _dimension(xml)
    if dimension is not None:
        rows, cols = dimension
        last = _last_row(xml)
        if rows * cols <= MAX_GRID_CELLS and last is not None and last <= rows:
            if len(xml) > FULL_SCAN_BYTES:
                return None
            # Small sheets: one search (no match objects) for a reference with more
            # column letters or row digits than the dimension allows.
            width, digits = len(column_letter(cols - 1)), len(str(rows))
            if (
                26**width * 10**digits <= MAX_GRID_CELLS
                and _beyond(width, digits).search(xml) is None
            ):
                return None
    refs = _REF.findall(xml)
    if not refs:
        return None
    max_row = max(int(r) for _, r in refs)
    letters = {c for c, _ in refs if c}
    max_col = max((column_number(c.decode()) for c in letters), default=1)
    if max_row * max_col <= MAX_GRID_CELLS:
        return None
    used_rows = sorted({int(r) for _, r in refs})
    used_cols = sorted(column_number(c.decode()) for c in letters) or [1]
    keep_cols = before_gap(used_cols, COL_GAP)
    keep_rows = min(before_gap(used_rows, ROW_GAP), max(1, MAX_GRID_CELLS // keep_cols))
    return _cut(xml, keep_rows, keep_cols)


@functools.lru_cache(maxsize=64)
def _beyond(letters: int, digits: int) -> re.Pattern[bytes]:
    # `r="` is a literal prefix the regex engine jumps between (a leading \s would make
    # it try every byte); another attribute ending in r with such a value only costs a
    # full scan.
    return re.compile(rb'r="(?:[A-Z]{%d}|[A-Z]{1,3}\d{%d})' % (letters + 1, digits + 1))


def _dimension(xml: bytes) -> tuple[int, int] | None:
    hit = _DIMENSION.search(xml, 0, 8192)
    if hit is None:
        return None
    col, row = (hit.group(3), hit.group(4)) if hit.group(3) else (hit.group(1), hit.group(2))
    return int(row), column_number(col.decode())


def _last_row(xml: bytes) -> int | None:
    start = xml.rfind(b"<row ")
    if start < 0:
        return 0 if b"<sheetData/>" in xml or b"<sheetData />" in xml else None
    hit = _ROW_REF.search(xml, start, start + 200)
    return int(hit.group(1)) if hit else None


def before_gap(used: list[int], gap: int) -> int:
    """The last used index before the first gap wider than `gap` (and than the span so far)."""
    last = used[0]
    for value in used[1:]:
        if value - last > max(gap, last):
            break
        last = value
    return last


def _cut(xml: bytes, keep_rows: int, keep_cols: int) -> Trim:
    trim = Trim(b"", keep_rows, keep_cols)
    row_no = 0

    def cell(hit: re.Match[bytes], row: int, state: list[int]) -> bytes:
        ref = _ATTR_R.search(hit.group(2))
        if ref is not None and ref.group(1):
            col, row = column_number(ref.group(1).decode()), int(ref.group(2))
        else:
            col = state[0] + 1
        state[0] = col
        if row > keep_rows or col > keep_cols:
            trim.dropped.append(f"{column_letter(col - 1)}{row}")
            return b""
        return hit.group(0)

    def row(hit: re.Match[bytes]) -> bytes:
        nonlocal row_no
        ref = _ROW_REF.search(hit.group(2))
        row_no = int(ref.group(1)) if ref else row_no + 1
        body = hit.group(3)
        if body is None:
            return b"" if row_no > keep_rows else hit.group(0)
        state = [0]
        kept = _CELL.sub(lambda c: cell(c, row_no, state), body)
        if row_no > keep_rows and not kept.strip():
            return b""
        return hit.group(0).replace(body, kept, 1) if kept != body else hit.group(0)

    xml = _ROW.sub(row, xml)
    box = f"A1:{column_letter(keep_cols - 1)}{keep_rows}".encode()
    trim.xml = _DIMENSION.sub(lambda h: h.group(0)[: h.start(1) - h.start(0)] + box + b'"', xml, 1)
    return trim


# -- OpenDocument: python-calamine expands repeated rows and cells of every table
# when it opens the file, so content.xml is looked at before it is handed over.

_ODS_TABLE = re.compile(
    rb"<table:table\b[^>]*?\btable:name=\"([^\"]*)\"[^>]*>(.*?)</table:table>", re.DOTALL
)
_ODS_ROW = re.compile(rb"<table:table-row\b([^>]*?)(?:/>|>(.*?)</table:table-row>)", re.DOTALL)
_ODS_CELL = re.compile(
    rb"<table:(covered-table-cell|table-cell)\b([^>]*?)(?:/>|>(.*?)</table:\1>)", re.DOTALL
)
_ODS_ROWS_REPEATED = re.compile(rb"table:number-rows-repeated=\"(\d+)\"")
_ODS_COLS_REPEATED = re.compile(rb"table:number-columns-repeated=\"(\d+)\"")


@dataclass
class OdsTrim:
    """content.xml with far cells left out: the new XML and, per table, the cells dropped."""

    xml: bytes
    dropped: dict[str, list[str]]
    boxes: dict[str, str]


def plan_ods_trim(content: bytes) -> OdsTrim | None:
    """Cut the tables of an .ods whose cells span far more than they fill.

    Args:
        content: the package's content.xml.

    Returns:
        None when every table can go to the engine as it is.
    """
    dropped: dict[str, list[str]] = {}
    boxes: dict[str, str] = {}
    pieces: list[bytes] = []
    last = 0
    for table in _ODS_TABLE.finditer(content):
        body = table.group(2)
        rows = _ods_rows(body)
        used = [(r, c) for r, cols in rows for c in cols]
        if not used:
            continue
        max_row = max(r for r, _ in used) + 1
        max_col = max(c for _, c in used) + 1
        if max_row * max_col <= MAX_GRID_CELLS:
            continue
        keep_cols = before_gap(sorted({c + 1 for _, c in used}), COL_GAP)
        keep_rows = min(
            before_gap(sorted({r + 1 for r, _ in used}), ROW_GAP),
            max(1, MAX_GRID_CELLS // keep_cols),
        )
        name = table.group(1).decode("utf-8", "replace")
        dropped[name] = [
            f"{column_letter(c)}{r + 1}" for r, c in used if r + 1 > keep_rows or c + 1 > keep_cols
        ]
        boxes[name] = f"A1:{column_letter(keep_cols - 1)}{keep_rows}"
        start = table.start(2)
        pieces += [content[last:start], _ods_cut(body, keep_rows, keep_cols)]
        last = table.end(2)
    if not dropped:
        return None
    pieces.append(content[last:])
    return OdsTrim(b"".join(pieces), dropped, boxes)


def _repeat(attrs: bytes, pattern: re.Pattern[bytes]) -> int:
    hit = pattern.search(attrs)
    return max(1, int(hit.group(1))) if hit else 1


def _has_value(attrs: bytes, body: bytes | None) -> bool:
    return b"office:value-type" in attrs or bool(body and re.search(rb">[^<\s]", body))


def _ods_rows(body: bytes) -> list[tuple[int, list[int]]]:
    """(0-based row, 0-based columns holding a value) for every row with a value."""
    out: list[tuple[int, list[int]]] = []
    row = 0
    for hit in _ODS_ROW.finditer(body):
        repeat = _repeat(hit.group(1), _ODS_ROWS_REPEATED)
        cols: list[int] = []
        col = 0
        for cell in _ODS_CELL.finditer(hit.group(2) or b""):
            span = _repeat(cell.group(2), _ODS_COLS_REPEATED)
            if _has_value(cell.group(2), cell.group(3)):
                cols += [col, col + span - 1] if span > 1 else [col]
            col += span
        if cols:
            out.append((row, cols))
            if repeat > 1:
                out.append((row + repeat - 1, cols))
        row += repeat
    return out


def _ods_cut(body: bytes, keep_rows: int, keep_cols: int) -> bytes:
    row = 0

    def cut_row(hit: re.Match[bytes]) -> bytes:
        nonlocal row
        first, repeat = row, _repeat(hit.group(1), _ODS_ROWS_REPEATED)
        row += repeat
        if first >= keep_rows:
            return b""
        attrs = hit.group(1)
        if first + repeat > keep_rows:
            attrs = _ODS_ROWS_REPEATED.sub(
                b'table:number-rows-repeated="%d"' % (keep_rows - first), attrs
            )
        col = 0

        def cut_cell(cell: re.Match[bytes]) -> bytes:
            nonlocal col
            first_col, span = col, _repeat(cell.group(2), _ODS_COLS_REPEATED)
            col += span
            if first_col >= keep_cols:
                return b""
            if first_col + span > keep_cols:
                return cell.group(0).replace(
                    b'table:number-columns-repeated="%d"' % span,
                    b'table:number-columns-repeated="%d"' % (keep_cols - first_col),
                    1,
                )
            return cell.group(0)

        cells = _ODS_CELL.sub(cut_cell, hit.group(2) or b"")
        return b"<table:table-row" + attrs + b">" + cells + b"</table:table-row>"

    return _ODS_ROW.sub(cut_row, body)


# -- .xlsb: BIFF12 records; a sheet part is read on demand, like an .xlsx sheet.

_XLSB_ROW = 0x0000
_XLSB_BLANK = 0x0001
_XLSB_CELLS = frozenset(range(0x0002, 0x000C))  # Rk, Error, Bool, Real, St, Isst, Fmla*
_XLSB_END_DATA = 0x0092
_XLSB_BUNDLE_SHEET = 0x009C


def _xlsb_record(data: bytes, pos: int) -> tuple[int, int, int]:
    """(type, size, offset of the body) of the BIFF12 record at `pos`."""
    typ = data[pos]
    pos += 1
    if typ & 0x80:
        typ = (typ & 0x7F) | ((data[pos] & 0x7F) << 7)
        pos += 1
    size, shift = 0, 0
    for _ in range(4):
        byte = data[pos]
        pos += 1
        size |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return typ, size, pos


def xlsb_sheet_parts(workbook_bin: bytes, rels: dict[str, str]) -> dict[str, str]:
    """Sheet name -> part, from workbook.bin's BrtBundleSh records and the workbook's rels."""
    out: dict[str, str] = {}
    # On a damaged record: the names found so far; the rest go to the engine unguarded.
    with contextlib.suppress(IndexError, struct.error, UnicodeDecodeError):
        _bundle_sheets(workbook_bin, rels, out)
    return out


def xlsb_without_sheets(workbook_bin: bytes, rids: set[str]) -> bytes | None:
    """workbook.bin without the BrtBundleSh records of these relationship IDs.

    Returns:
        None when no record was left out (or a damaged record stopped the walk).
    """
    out, pos, dropped = bytearray(), 0, False
    try:
        while pos < len(workbook_bin):
            typ, size, body = _xlsb_record(workbook_bin, pos)
            end = body + size
            if typ == _XLSB_BUNDLE_SHEET and size >= 12:
                cch = struct.unpack_from("<I", workbook_bin, body + 8)[0]
                raw = b"" if cch == 0xFFFFFFFF else workbook_bin[body + 12 : body + 12 + 2 * cch]
                if raw.decode("utf-16-le") in rids:
                    pos, dropped = end, True
                    continue
            out += workbook_bin[pos:end]
            pos = end
    except (IndexError, struct.error, UnicodeDecodeError):
        return None
    return bytes(out) if dropped else None


def _bundle_sheets(workbook_bin: bytes, rels: dict[str, str], out: dict[str, str]) -> None:
    pos = 0
    while pos < len(workbook_bin):
        typ, size, body = _xlsb_record(workbook_bin, pos)
        if typ == _XLSB_BUNDLE_SHEET and size >= 12:
            at = body + 8
            cch = struct.unpack_from("<I", workbook_bin, at)[0]
            rid = (
                ""
                if cch == 0xFFFFFFFF
                else workbook_bin[at + 4 : at + 4 + 2 * cch].decode("utf-16-le")
            )
            at += 4 + (0 if cch == 0xFFFFFFFF else 2 * cch)
            cch = struct.unpack_from("<I", workbook_bin, at)[0]
            name = workbook_bin[at + 4 : at + 4 + 2 * cch].decode("utf-16-le", "replace")
            if rid in rels:
                out[name] = rels[rid]
        pos = body + size


def plan_xlsb_trim(sheet: bytes) -> Trim | None:
    """Like `plan_trim`, for a BIFF12 sheet part: far cells become BrtCellBlank (skipped).

    Returns:
        None when the sheet can go to the engine as it is.
    """
    cells: list[tuple[int, int, int]] = []  # (row, col, offset of the type byte)
    pos, row = 0, 0
    try:
        while pos < len(sheet):
            typ, size, body = _xlsb_record(sheet, pos)
            if typ == _XLSB_ROW and size >= 4:
                row = struct.unpack_from("<I", sheet, body)[0]
            elif typ in _XLSB_CELLS and size >= 4:
                cells.append((row, struct.unpack_from("<I", sheet, body)[0], pos))
            elif typ == _XLSB_END_DATA:
                break
            pos = body + size
    except (IndexError, struct.error):
        return None  # a part this walk cannot follow: the engine judges it
    if not cells:
        return None
    if (max(c[0] for c in cells) + 1) * (max(c[1] for c in cells) + 1) <= MAX_GRID_CELLS:
        return None
    keep_cols = before_gap(sorted({c[1] + 1 for c in cells}), COL_GAP)
    keep_rows = min(
        before_gap(sorted({c[0] + 1 for c in cells}), ROW_GAP), max(1, MAX_GRID_CELLS // keep_cols)
    )
    patched = bytearray(sheet)
    trim = Trim(b"", keep_rows, keep_cols)
    for r, c, at in cells:
        if r + 1 > keep_rows or c + 1 > keep_cols:
            patched[at] = _XLSB_BLANK  # every cell type is a one-byte type, as is the blank
            trim.dropped.append(f"{column_letter(c)}{r + 1}")
    trim.xml = bytes(patched)
    return trim
