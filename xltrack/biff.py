"""Leave far stray cells of a legacy .xls out before python-calamine expands it.

python-calamine reads every sheet of an .xls when the file is opened and lays
each out from A1 to its farthest cell (and reserves what the DIMENSIONS record
claims): one value in IV65536 costs 1.3 GB and aborts under a 1 GB limit. The
OLE2 container is read here just far enough to walk the Workbook stream's
records; a sheet whose cells span more than `extent.MAX_GRID_CELLS` has its far
cell records turned into BLANK records of the same length (which the engine
skips) and its DIMENSIONS cut to the box kept, in an in-memory copy: the file is
never written, no offset in the stream moves.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from xltrack.excel import column_letter
from xltrack.extent import COL_GAP, MAX_GRID_CELLS, ROW_GAP, before_gap

_END = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")
_BOF, _EOF, _BOUNDSHEET, _DIMENSIONS, _FORMULA, _STRING = (
    0x0809,
    0x000A,
    0x0085,
    0x0200,
    0x0006,
    0x0207,
)
_BLANK = 0x0201
_FILEPASS = 0x002F
_CODEPAGE = 0x0042
_CODE_PAGE_SYNONYMS = {367: 1252, 0x8000: 10000, 0x8001: 1252}
_MINI = 64  # bytes in a mini sector
_BOFS = frozenset({_BOF, 0x0009, 0x0209, 0x0409})
_CELLS = frozenset({0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, _FORMULA})
_MULRK = 0x00BD


@dataclass
class XlsTrim:
    """The .xls bytes with far cells blanked, and per sheet the cells left out and the box kept."""

    data: bytes
    dropped: dict[str, list[str]] = field(default_factory=dict)
    boxes: dict[str, str] = field(default_factory=dict)


def plan_xls_trim(data: bytes) -> XlsTrim | None:
    """Blank the far cells of an .xls whose sheets span far more than they fill.

    The code page is renamed on the way when the engine knows it by another number.

    Args:
        data: the whole .xls file (size-checked when it was opened).

    Returns:
        None when the file can go to the engine as it is, or when the container
        is not one this reader follows (the engine then judges it).
    """
    try:
        found = _workbook_stream(data)
        if found is None:
            return None
        stream, offsets, sector = found
        patched = bytearray(stream)
        trim = XlsTrim(b"")
        _name_code_page(stream, patched)
        for name, start in _sheets(stream):
            _trim_sheet(stream, patched, start, name, trim)
    except (struct.error, IndexError, ValueError, OverflowError):
        return None  # a container or stream this walk cannot follow: the engine judges it
    if not trim.dropped and patched == stream:
        return None
    out = bytearray(data)
    for i, offset in enumerate(offsets):
        chunk = patched[i * sector : (i + 1) * sector]
        out[offset : offset + len(chunk)] = chunk
    trim.data = bytes(out)
    return trim


def _name_code_page(stream: bytes, patched: bytearray) -> None:
    """Give the CODEPAGE record the number the engine knows for the same encoding.

    MS-XLS lets 367 (US-ASCII), 0x8000 (Mac Roman) and 0x8001 (Windows-1252, as
    BIFF2/3 and Quattro Pro write it) stand for 1252, 10000 and 1252; python-calamine
    knows only the latter and called such a file corrupt ("Codepage 8001 not found").
    """
    pos = 0
    while pos + 4 <= len(stream):
        typ, length, body = _records(stream, pos)
        if typ == _CODEPAGE and length == 2:
            value = struct.unpack_from("<H", stream, body)[0]
            if value in _CODE_PAGE_SYNONYMS:
                struct.pack_into("<H", patched, body, _CODE_PAGE_SYNONYMS[value])
            return
        if typ == _EOF:
            return
        pos = body + length


def xls_encrypted(data: bytes) -> bool:
    """True when the workbook globals hold a FILEPASS record: the .xls has a password.

    python-calamine says so for RC4 encryption but reads an XOR-obfuscated file as
    if it were plain, and then fails on a scrambled record ("Codepage D7D4 not
    found"): a password-protected file is then called corrupt.
    """
    try:
        found = _workbook_stream(data)
        if found is None:
            return False
        stream = found[0]
        pos = 0
        while pos + 4 <= len(stream):
            typ, length, body = _records(stream, pos)
            if typ == _FILEPASS:
                return True
            if typ == _EOF or (pos == 0 and typ not in _BOFS):
                return False
            pos = body + length
    except (struct.error, IndexError, ValueError, OverflowError):
        pass  # a container this walk cannot follow: the engine judges it
    return False


def _workbook_stream(data: bytes) -> tuple[bytes, list[int], int] | None:
    """The Workbook stream, the file offset of each of its sectors, and the sector size.

    A stream under the cutoff (4096 bytes) lives in 64-byte mini sectors inside the
    root entry's stream; its offsets are then those of its mini sectors.
    """
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        return None
    sector = 1 << shift
    n_fat, first_dir = struct.unpack_from("<II", data, 0x2C)
    cutoff, first_mini = struct.unpack_from("<II", data, 0x38)
    first_difat, n_difat = struct.unpack_from("<II", data, 0x44)
    fat_sectors = [s for s in struct.unpack_from("<109I", data, 0x4C) if s < _END]
    difat, seen = first_difat, 0
    while difat < _END and seen < n_difat:
        entries = struct.unpack_from(f"<{sector // 4}I", data, (difat + 1) * sector)
        fat_sectors += [s for s in entries[:-1] if s < _END]
        difat, seen = entries[-1], seen + 1
    fat: list[int] = []
    for s in fat_sectors[:n_fat]:
        fat += struct.unpack_from(f"<{sector // 4}I", data, (s + 1) * sector)

    def chain(start: int, links: list[int]) -> list[int]:
        out: list[int] = []
        while start < _END and len(out) <= len(links):
            out.append(start)
            start = links[start] if start < len(links) else _END
        return out

    directory = b"".join(data[(s + 1) * sector : (s + 2) * sector] for s in chain(first_dir, fat))
    for at in range(0, len(directory) - 127, 128):
        entry = directory[at : at + 128]
        size = struct.unpack_from("<H", entry, 0x40)[0]
        name = entry[: max(size - 2, 0)].decode("utf-16-le", "replace")
        if entry[0x42] == 2 and name in _STREAMS:
            start, length = struct.unpack_from("<II", entry, 0x74)
            if length >= cutoff:
                offsets = [(s + 1) * sector for s in chain(start, fat)]
            else:
                minifat: list[int] = []
                for s in chain(first_mini, fat):
                    minifat += struct.unpack_from(f"<{sector // 4}I", data, (s + 1) * sector)
                root = chain(struct.unpack_from("<I", directory, 0x74)[0], fat)
                offsets = [
                    (root[m * _MINI // sector] + 1) * sector + m * _MINI % sector
                    for m in chain(start, minifat)
                ]
                sector = _MINI
            stream = b"".join(data[o : o + sector] for o in offsets)[:length]
            return stream, offsets, sector
    return None


def _records(stream: bytes, pos: int) -> tuple[int, int, int]:
    typ, length = struct.unpack_from("<HH", stream, pos)
    return typ, length, pos + 4


def _sheets(stream: bytes) -> list[tuple[str, int]]:
    """(name, stream offset of its BOF) of every worksheet, from the BOUNDSHEET records."""
    out, pos = [], 0
    while pos + 4 <= len(stream):
        typ, length, body = _records(stream, pos)
        if typ == _BOUNDSHEET and length >= 8:
            start, kind = struct.unpack_from("<I", stream, body)[0], stream[body + 5]
            cch, flags = stream[body + 6], stream[body + 7]
            raw = stream[body + 8 : body + 8 + (cch * 2 if flags & 1 else cch)]
            name = raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")
            if kind == 0:
                out.append((name, start))
        elif typ == _EOF:
            break
        pos = body + length
    return out


def _trim_sheet(stream: bytes, patched: bytearray, start: int, name: str, trim: XlsTrim) -> None:
    cells: list[tuple[int, int, int, int]] = []  # (row, first col, last col, record offset)
    dimensions = None
    pos, depth = start, 0
    while pos + 4 <= len(stream):
        typ, length, body = _records(stream, pos)
        if typ == _BOF:
            depth += 1
        elif typ == _EOF:
            depth -= 1
            if depth <= 0:
                break
        elif depth == 1 and length >= 4:
            if typ in _CELLS:
                row, col = struct.unpack_from("<HH", stream, body)
                cells.append((row, col, col, pos))
            elif typ == _MULRK and length >= 6:
                row, col = struct.unpack_from("<HH", stream, body)
                last = struct.unpack_from("<H", stream, body + length - 2)[0]
                cells.append((row, col, last, pos))
            elif typ == _DIMENSIONS and length >= 12:
                dimensions = body
        pos = body + length
    if not cells:
        return
    rows = max(c[0] for c in cells) + 1
    cols = max(c[2] for c in cells) + 1
    claimed = 0  # what the engine reserves up front: DIMENSIONS' rwMac x colMac
    if dimensions is not None:
        row_mac = struct.unpack_from("<I", stream, dimensions + 4)[0]
        col_mac = struct.unpack_from("<H", stream, dimensions + 10)[0]
        claimed = row_mac * col_mac
    if rows * cols <= MAX_GRID_CELLS and claimed <= MAX_GRID_CELLS:
        return
    keep_cols = before_gap(sorted({c[1] + 1 for c in cells} | {c[2] + 1 for c in cells}), COL_GAP)
    keep_rows = min(
        before_gap(sorted({c[0] + 1 for c in cells}), ROW_GAP), max(1, MAX_GRID_CELLS // keep_cols)
    )
    dropped = []
    for row, col, last, at in cells:
        if row + 1 > keep_rows or last + 1 > keep_cols:
            dropped.append(f"{column_letter(col)}{row + 1}")
            typ = struct.unpack_from("<H", stream, at)[0]
            struct.pack_into("<H", patched, at, _BLANK)
            following = at + 4 + struct.unpack_from("<H", stream, at + 2)[0]
            if (
                typ == _FORMULA
                and following + 4 <= len(stream)
                and struct.unpack_from("<H", stream, following)[0] == _STRING
            ):
                struct.pack_into("<H", patched, following, _BLANK)  # its string value
    if dimensions is not None:
        struct.pack_into("<IIHH", patched, dimensions, 0, keep_rows, 0, keep_cols)
    if dropped:
        trim.dropped[name] = dropped
        trim.boxes[name] = f"A1:{column_letter(keep_cols - 1)}{keep_rows}"
