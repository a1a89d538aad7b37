"""Check a workbook's zip before anything in it is inflated.

Every zip-based format (.xlsx/.xlsm, .xlsb, .ods) passes here: the central
directory (part count, declared sizes, compression ratios and methods,
encryption flags) is judged first, then the prolog of every XML part is scanned
for a DTD, inflating only each part's first bytes. Tells the format apart by
the parts present, never by the file name.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from typing import BinaryIO

from xltrack.errors import UnreadableWorkbookError, UnsupportedWorkbookError

# Limits for one part and the whole archive; a real 10,000-task sheet is ~5 MB of XML.
MAX_PART_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
# Spreadsheet XML compresses 5-30x; a bomb of repeated bytes compresses ~1000x.
MAX_RATIO = 200
RATIO_FROM_BYTES = 1024 * 1024  # tiny parts may compress well; only big ones are judged
MAX_PARTS = 10_000
DTD_SCAN_BYTES = 64 * 1024
PROLOG_SCAN_BYTES = 1024
_LOCAL_HEADER_BYTES = 30
_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_READ_BYTES = 4096
# What reading one member of a stranger's zip may raise (corrupt data, an odd method).
ZIP_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    RuntimeError,
    NotImplementedError,
)
_ZIP = b"PK\x03\x04"
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


def check_archive(archive: zipfile.ZipFile, name: str) -> str:
    """Check a zip's directory and XML prologs; returns its kind: xlsx, xlsb or ods."""
    infos = archive.infolist()
    if len(infos) > MAX_PARTS:
        raise UnreadableWorkbookError(name, f"too many parts in the zip ({len(infos)})")
    names = {i.filename.replace("\\", "/") for i in infos}
    if "xl/workbook.bin" in names:
        kind = "xlsb"
    elif "xl/workbook.xml" in names or office_document(archive, names).endswith(".xml"):
        kind = "xlsx"
    elif "content.xml" in names and "mimetype" in names and _mimetype(archive) == _ODS_MIMETYPE:
        kind = "ods"
    elif "mimetype" in names:
        raise UnsupportedWorkbookError(
            name, "an OpenDocument file that is not a spreadsheet (a text or presentation?)"
        )
    else:
        what = "a Word document" if "word/document.xml" in names else "a zip without a workbook"
        raise UnsupportedWorkbookError(name, f"{what}, not a workbook")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableWorkbookError(name, f"part {info.filename} is encrypted")
        if info.compress_type not in _COMPRESSIONS:
            # Office writes only stored and deflated parts; anything else is a broken or
            # foreign zip, and zipfile would raise NotImplementedError on it.
            raise UnreadableWorkbookError(
                name,
                f"part {info.filename} uses zip compression method {info.compress_type}, "
                "which workbooks do not use",
            )
        total += info.file_size
        if info.file_size > MAX_PART_BYTES:
            raise UnreadableWorkbookError(
                name,
                f"part {info.filename} would inflate to {info.file_size:,} bytes "
                f"(limit {MAX_PART_BYTES:,})",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise UnreadableWorkbookError(
                name, f"part {info.filename} is a zip bomb (compression ratio {ratio:,.0f}:1)"
            )
    if total > MAX_TOTAL_BYTES:
        raise UnreadableWorkbookError(name, f"the zip would inflate to {total:,} bytes")
    try:
        with open(name, "rb") as handle:
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    _check_no_dtd(archive, handle, info, name)
    except OSError as exc:
        raise UnreadableWorkbookError(name, f"cannot open: {exc.strerror or exc}") from exc
    return kind


def office_document(archive: zipfile.ZipFile, names: set[str]) -> str:
    """The main part `_rels/.rels` names (a workbook need not be at xl/workbook.xml)."""
    if "_rels/.rels" not in names:
        return ""
    info = next(i for i in archive.infolist() if i.filename.replace("\\", "/") == "_rels/.rels")
    if info.file_size > PROLOG_SCAN_BYTES * 64:
        return ""
    try:
        data = archive.read(info)
    except ZIP_READ_ERRORS:
        return ""
    hit = re.search(
        rb'Type="[^"]*/officeDocument"[^>]*?Target="([^"]+)"|Target="([^"]+)"[^>]*?'
        rb'Type="[^"]*/officeDocument"',
        data,
    )
    if hit is None:
        return ""
    target = (hit.group(1) or hit.group(2)).decode("utf-8", "replace")
    part = normalize_part(target.lstrip("/"))
    if part in names and not part.startswith(("word/", "ppt/")):
        return part
    return ""


def _mimetype(archive: zipfile.ZipFile) -> bytes:
    info = archive.getinfo("mimetype")
    if info.file_size > 200:
        return b""
    try:
        return archive.read(info).strip()
    except ZIP_READ_ERRORS:
        return b""


def _check_no_dtd(
    archive: zipfile.ZipFile, handle: BinaryIO, info: zipfile.ZipInfo, name: str
) -> None:
    # OOXML never needs a DTD; one in any part means entity tricks aimed at some parser.
    # A DTD can only stand in the prolog, before the root element, so the scan stops
    # there: a few hundred bytes of each part, not the first 64 KB of every sheet.
    try:
        head = _part_head(archive, handle, info, PROLOG_SCAN_BYTES)
        ends = _prolog_end(head)
        if ends is None:
            head = _part_head(archive, handle, info, DTD_SCAN_BYTES)
            ends = _prolog_end(head)
    except ZIP_READ_ERRORS as exc:
        raise UnreadableWorkbookError(name, f"part {info.filename} is corrupt: {exc}") from exc
    prolog = head if ends is None else head[: ends + 2]
    if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog or prolog.endswith(b"<!"):
        raise UnreadableWorkbookError(
            name, f"part {info.filename} declares a DTD/entities (XML entity tricks)"
        )


def _part_head(
    archive: zipfile.ZipFile, handle: BinaryIO, info: zipfile.ZipInfo, size: int
) -> bytes:
    """The first `size` inflated bytes of a part, read straight from the file.

    Opening a `ZipExtFile` per part costs more than the scan itself; a deflated
    part's first bytes only need its first compressed bytes.
    """
    if info.compress_type != zipfile.ZIP_DEFLATED:
        with archive.open(info) as part:
            return part.read(size)
    handle.seek(info.header_offset)
    header = handle.read(_LOCAL_HEADER_BYTES)
    if len(header) != _LOCAL_HEADER_BYTES or not header.startswith(_ZIP):
        raise zipfile.BadZipFile("bad local file header")
    name_bytes, extra_bytes = struct.unpack("<HH", header[26:30])
    handle.seek(info.header_offset + _LOCAL_HEADER_BYTES + name_bytes + extra_bytes)
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    out, left = b"", info.compress_size
    while len(out) < size and (left > 0 or inflater.unconsumed_tail):
        raw = handle.read(min(_READ_BYTES, left)) if left > 0 else b""
        left -= len(raw)
        if not raw and not inflater.unconsumed_tail:
            break
        out += inflater.decompress(inflater.unconsumed_tail + raw, size - len(out))
        if inflater.eof:
            break
    return out


def _prolog_end(data: bytes) -> int | None:
    """Where the prolog (declaration, comments, processing instructions) of XML `data` ends.

    Returns the position of the first markup that is neither, or None when `data`
    ends first.
    """
    i = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while i < len(data) and data[i] in b" \t\r\n":
            i += 1
        if i >= len(data):
            return None
        if data.startswith(b"<?", i):
            close = data.find(b"?>", i + 2)
            step = 2
        elif data.startswith(b"<!--", i):
            close = data.find(b"-->", i + 4)
            step = 3
        else:
            return i
        if close < 0:
            return None
        i = close + step


def normalize_part(part: str) -> str:
    """A part name with `.` and `..` resolved (`xl/../docProps/x.xml` -> `docProps/x.xml`)."""
    parts: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)
