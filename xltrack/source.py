"""Open an input file safely: sniff its type, check zip limits, parse XML with defusedxml.

Everything that comes from a stranger's file passes here first. The file is
opened read-only and never written. A zip is checked (central directory, declared
sizes, compression ratios, no DTDs in XML parts; see `archive`) before anything is inflated, and
every third-party error becomes one of our `WorkbookError`s naming the file.

Formats read: .xlsx/.xlsm (Transitional and Strict OOXML), and, through
python-calamine alone, .xlsb and .ods (zips, checked like any other) and legacy
.xls (an OLE2 file, checked for size and for a workbook stream). The format is
told by content, never by the file name.
"""

from __future__ import annotations

import errno
import io
import os
import re
import stat
import struct
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_et
from defusedxml import DefusedXmlException

from xltrack.archive import (
    MAX_PART_BYTES,
    check_archive,
    normalize_part,
    office_document,
)
from xltrack.errors import (
    UnreadableWorkbookError,
    UnsupportedWorkbookError,
    WorkbookError,
)
from xltrack.extent import xlsb_sheet_parts, xlsb_without_sheets

ENCRYPTED = "the workbook is encrypted (password-protected); save it without a password"
_UNKNOWN_CODE_PAGE = re.compile(r"Codepage ([0-9A-Fa-f]{1,4}) not found")
_ZIP = b"PK\x03\x04"
_ZIP_EMPTY = b"PK\x05\x06"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_HTML = re.compile(
    rb"^\s*(?:<!doctype\s+html|<html|<table|<head|<body|<meta|<\?xml[^>]*>\s*<html)", re.IGNORECASE
)
# Spreadsheets saved as one XML file: Excel 2003's "XML Spreadsheet" and flat
# OpenDocument (.fods). Text to `sniff`, but a workbook to the user who saved it.
_XML_SHEET = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<\?mso-application[^>]*>\s*)?"
    rb"(?:<!--.*?-->\s*)*<(?:(?:ss:)?Workbook\b|office:document\b)",
    re.DOTALL,
)
# Quattro Pro keeps its notebook in an OLE2 stream of its own (.qpw, .wb3).
_QUATTRO_STREAMS = (
    "NativeContent_MAIN".encode("utf-16-le"),
    "PerfectOffice_MAIN".encode("utf-16-le"),
)
# The BOF record that opens a spreadsheet saved before Excel 5: a raw BIFF2/3/4
# stream (Excel 2.x-4.0), and Lotus 1-2-3, Quattro Pro (DOS) and Works files, whose
# BOF (0x0000, Works 0x00FF) holds a version word.
_BIFF_OLD_BOFS = frozenset({0x0009, 0x0209, 0x0409})
_LOTUS_VERSIONS = frozenset({0x0404, 0x0405, 0x0406, 0x5120, 0x1001, 0x1002})
_OLE_WORKBOOK_STREAMS = (
    "Workbook".encode("utf-16-le"),
    "Book".encode("utf-16-le"),
    "WORKBOOK".encode("utf-16-le"),
    "BOOK".encode("utf-16-le"),
)
# Transitional and Strict (ISO 29500 strict) namespaces of the workbook part.
_NS_MAINS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
_NS_RELS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
# Sheets that hold cells; chart sheets, dialog sheets and Excel 4 macro sheets do not.
_WORKSHEET_REL = "/worksheet"
_ENGINE_SHEET_RELS = ("/worksheet", "/chartsheet", "/dialogsheet")  # what python-calamine takes

# What `Source.kind` may be: the package formats xltrack can also write into.
PACKAGE_KINDS = frozenset({"xlsx"})
KINDS = frozenset({"xlsx", "xlsb", "ods", "xls"})
_NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"


@dataclass
class Source:
    """A checked workbook: its format, sheets and parts, ready to hand to an engine.

    Attributes:
        path: the file as given.
        sheets: worksheet name -> part name of its XML (`xl/worksheets/sheet1.xml`), in
            workbook order (.xlsx/.xlsm only; empty for the other formats, whose
            sheets the engine lists).
        hidden: names of hidden sheets.
        kind: "xlsx" (also .xlsm), "xlsb", "ods" or "xls".
    """

    path: str
    sheets: dict[str, str] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    kind: str = "xlsx"
    _zip: zipfile.ZipFile | None = None
    _kept: dict[str, bytes] = field(default_factory=dict)
    # Parts the engine must see changed: workbook.xml without the sheets it rejects.
    _engine_edits: dict[str, bytes] = field(default_factory=dict)
    # Part name with "/" -> its name in the zip (some Windows tools write "xl\\workbook.xml").
    _names: dict[str, str] = field(default_factory=dict)
    workbook_part: str = "xl/workbook.xml"
    # .xlsb: worksheet name -> its BIFF12 part (kept apart: `sheets` parts are XML).
    binary_sheets: dict[str, str] = field(default_factory=dict)
    # .xlsx/.xlsm: the workbook's defined names (name -> what it refers to, as written).
    defined_names: dict[str, str] = field(default_factory=dict)

    def read_part(self, name: str, *, keep: bool = False) -> bytes:
        """The bytes of one part (already size-checked when the source was opened).

        Args:
            name: the part name.
            keep: hold the inflated bytes until the source closes, for a second reader
                (a sheet's references are looked at before the engine reads it, and
                the formula scan reads it again).

        Raises:
            UnreadableWorkbookError: the part is missing or corrupt.
        """
        if name in self._kept:
            return self._kept[name]
        assert self._zip is not None
        try:
            data = self._zip.read(self._names.get(name, name))
        except KeyError as exc:
            raise UnreadableWorkbookError(self.path, f"part {name} is missing") from exc
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise UnreadableWorkbookError(self.path, f"part {name} is corrupt: {exc}") from exc
        if keep:
            self._kept[name] = data
        return data

    def engine_file(self, replace: dict[str, bytes] | None = None) -> str | io.BytesIO:
        """What to hand the engine: the path, or an in-memory copy of the package.

        A copy is made when parts must change for the engine: a sheet trimmed of far
        cells (`replace`), or workbook.xml (workbook.bin) without Excel 4 macro
        sheets, which python-calamine refuses as an "unrecognized sheet type"
        ("Unrecognized BoundSheet8:dt"). The copy is stored
        uncompressed, so it costs the inflated size of the package (within the limits
        checked on opening); the file itself is never written.

        Raises:
            UnreadableWorkbookError: a part is missing or corrupt.
        """
        edits = {**self._engine_edits, **(replace or {})}
        if not edits:
            return self.path
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
            for name in self.part_names():
                out.writestr(name, edits.get(name) or self.read_part(name))
        buffer.seek(0)
        return buffer

    def part_names(self) -> list[str]:
        """Every part of the package, in zip order (names with "/")."""
        if self._zip is None:
            return []
        return [info.filename.replace("\\", "/") for info in self._zip.infolist()]

    def has_part(self, name: str) -> bool:
        return self._zip is not None and (name in self._zip.NameToInfo or name in self._names)

    def parse_xml(self, name: str) -> Element:
        """Parse one XML part with defusedxml (no DTDs, no entities, no external refs).

        Raises:
            UnreadableWorkbookError: the part is missing, corrupt, or uses XML tricks.
        """
        return parse_xml_bytes(self.read_part(name), self.path, name)

    def custom_properties(self) -> dict[str, str]:
        """Custom document properties (docProps/custom.xml), name -> value text."""
        if not self.has_part("docProps/custom.xml"):
            return {}
        root = self.parse_xml("docProps/custom.xml")
        props = {}
        for prop in root.findall(f"{{{_NS_CUSTOM}}}property"):
            name = prop.get("name")
            if name and len(prop):
                props[name] = (prop[0].text or "").strip()
        return props

    def close(self) -> None:
        self._kept.clear()
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def __enter__(self) -> Source:  # noqa: PYI034 (Self needs Python 3.11)
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def parse_xml_bytes(data: bytes, path: str, part: str) -> Element:
    """Parse XML from a stranger safely.

    Raises:
        UnreadableWorkbookError: naming the file and part, for bad or unsafe XML.
    """
    try:
        root: Element = safe_et.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise UnreadableWorkbookError(
            path, f"{part} uses XML entity or DTD tricks ({type(exc).__name__})"
        ) from exc
    except safe_et.ParseError as exc:
        raise UnreadableWorkbookError(path, f"{part} is not well-formed XML: {exc}") from exc
    return root


def not_a_file(path: str | Path) -> str | None:
    """Why `path` is no regular file (a named pipe, a device, a folder, a symlink loop),
    or None when it is one or does not exist.

    Asked before opening: opening a named pipe waits for a writer forever, and
    reading /dev/zero never ends.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink loop, not a file"
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return "a broken symlink (its target does not exist)"
        return None  # missing or unreadable: opening it says so
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    return "not a regular file"


def sniff(path: str | Path) -> str:
    """What kind of file this is by its first bytes.

    One of zip, ole2, encrypted, html, xml-sheet (a one-file XML spreadsheet),
    excel-old (a raw Excel 2.x-4.0 worksheet), lotus (Lotus 1-2-3, Quattro Pro for
    DOS, Works), text, empty, binary.

    Raises:
        UnreadableWorkbookError: the file cannot be opened, or is no regular file.
    """
    special = not_a_file(path)
    if special is not None:
        raise UnreadableWorkbookError(str(path), special)
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
            if head.startswith(_OLE2):
                return "encrypted" if _ole_has_encrypted_package(handle, head) else "ole2"
    except OSError as exc:
        raise UnreadableWorkbookError(str(path), f"cannot open: {exc.strerror or exc}") from exc
    if not head:
        return "empty"
    if head.startswith((_ZIP, _ZIP_EMPTY)):
        return "zip"
    body = head.lstrip(b"\xef\xbb\xbf")
    if _HTML.match(body):
        return "html"
    if _XML_SHEET.match(body):
        return "xml-sheet"
    old = _old_spreadsheet(head)
    if old is not None:
        return old
    if b"\x00" not in head and _decodes(head):
        return "text"
    return "binary"


def _old_spreadsheet(head: bytes) -> str | None:
    """excel-old or lotus when the file opens with the BOF record of one of those formats."""
    if len(head) < 6:
        return None
    typ, size, version = struct.unpack_from("<HHH", head)
    if typ in _BIFF_OLD_BOFS and size in (4, 6, 8):
        return "excel-old"
    if typ in (0x0000, 0x00FF) and (
        (size == 2 and version in _LOTUS_VERSIONS)
        or (size == 26 and (version & 0xFF00 == 0x1000 or version == 0x8007))
    ):
        return "lotus"
    return None


def _decodes(data: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start > len(data) - 4:  # cut inside a multi-byte character
                return True
    return False


def _ole_has_encrypted_package(handle: Any, head: bytes) -> bool:
    # An encrypted OOXML file is an OLE2 container whose directory names an
    # "EncryptedPackage" stream.
    return _ole_has_stream(handle, head, (_ENCRYPTED_STREAM,))


def _ole_has_stream(handle: Any, head: bytes, names: tuple[bytes, ...]) -> bool:
    # The OLE2 directory may sit anywhere in the file, so scan it in chunks for the
    # stream names (UTF-16 in the directory entries).
    data = head
    while True:
        if any(stream in data for stream in names):
            return True
        chunk = handle.read(1024 * 1024)
        if not chunk:
            return False
        data = data[-64:] + chunk


def open_source(path: str | Path) -> Source:
    """Check a file and open it as a workbook.

    Args:
        path: the input file; opened read-only, never modified.

    Returns:
        A `Source` (close it, or use it as a context manager).

    Raises:
        UnreadableWorkbookError: empty, corrupt, truncated, encrypted, over limits, unsafe XML.
        UnsupportedWorkbookError: CSV, HTML, a Word document or another non-workbook.
    """
    name = str(path)
    kind = sniff(path)
    if kind == "empty":
        raise UnreadableWorkbookError(name, "the file is empty (0 bytes)")
    if kind == "encrypted":
        raise UnreadableWorkbookError(name, ENCRYPTED)
    if kind == "ole2":
        return _open_ole2(name)
    if kind == "html":
        raise UnsupportedWorkbookError(
            name, "an HTML page, not a workbook (save it from Excel as .xlsx)"
        )
    if kind == "xml-sheet":
        raise UnsupportedWorkbookError(
            name,
            "an XML spreadsheet (Excel 2003 XML or flat OpenDocument), a format xltrack "
            "does not read (save it from Excel as .xlsx)",
        )
    if kind == "excel-old":
        raise UnsupportedWorkbookError(
            name,
            "an Excel 2.x-4.0 worksheet (older than Excel 5), a format xltrack does not "
            "read (save it from Excel as .xlsx)",
        )
    if kind == "lotus":
        raise UnsupportedWorkbookError(
            name,
            "a Lotus 1-2-3, Quattro Pro or Works spreadsheet, a format xltrack does not "
            "read (save it from Excel as .xlsx)",
        )
    if kind == "text":
        raise UnsupportedWorkbookError(
            name, "a text/CSV file, not a workbook (save it from Excel as .xlsx)"
        )
    if kind == "binary":
        raise UnreadableWorkbookError(name, "not a workbook (unknown binary content)")
    try:
        archive = zipfile.ZipFile(name, "r")
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        ValueError,
        NotImplementedError,
    ) as exc:
        raise UnreadableWorkbookError(name, f"corrupt or truncated zip: {exc}") from exc
    except OSError as exc:
        raise UnreadableWorkbookError(name, f"cannot open: {exc.strerror or exc}") from exc
    try:
        zip_kind = check_archive(archive, name)
        source = Source(
            path=name,
            _zip=archive,
            kind=zip_kind,
            _names={
                i.filename.replace("\\", "/"): i.filename
                for i in archive.infolist()
                if "\\" in i.filename
            },
        )
        if zip_kind == "xlsx":
            _load_sheets(source)
        elif zip_kind == "xlsb":
            _load_binary_sheets(source)
    except BaseException:
        archive.close()
        raise
    return source


def _open_ole2(name: str) -> Source:
    """A legacy .xls: an OLE2 compound file with a Workbook (BIFF8) or Book (BIFF5) stream."""
    try:
        size = Path(name).stat().st_size
        quattro = False
        with open(name, "rb") as handle:
            head = handle.read(8192)
            has_workbook = _ole_has_stream(handle, head, _OLE_WORKBOOK_STREAMS)
            if not has_workbook:
                handle.seek(len(head))
                quattro = _ole_has_stream(handle, head, _QUATTRO_STREAMS)
    except OSError as exc:
        raise UnreadableWorkbookError(name, f"cannot open: {exc.strerror or exc}") from exc
    if size > MAX_PART_BYTES:
        raise UnreadableWorkbookError(
            name, f"the .xls file is {size:,} bytes (limit {MAX_PART_BYTES:,})"
        )
    if not has_workbook and quattro:
        raise UnsupportedWorkbookError(
            name,
            "a Quattro Pro notebook (.qpw/.wb3), a format xltrack does not read (save it as .xlsx)",
        )
    if not has_workbook:
        raise UnsupportedWorkbookError(
            name, "an OLE2 document without a workbook stream (a .doc or .ppt?), not a workbook"
        )
    return Source(path=name, kind="xls")


def _load_binary_sheets(source: Source) -> None:
    rels_name = "xl/_rels/workbook.bin.rels"
    if not source.has_part(rels_name):
        return
    rels = {}
    rejected: set[str] = set()  # as in _load_sheets: sheets the engine refuses, no table
    for rel in source.parse_xml(rels_name).findall(f"{{{_NS_PKG_REL}}}Relationship"):
        kind = rel.get("Type", "")
        if kind.endswith(_WORKSHEET_REL):
            target = rel.get("Target", "").replace("\\", "/")
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            rels[rel.get("Id", "")] = normalize_part(part)
        elif not kind.endswith(_ENGINE_SHEET_RELS):
            rejected.add(rel.get("Id", ""))  # an Excel 4 macro sheet (or not a sheet at all)
    workbook_bin = source.read_part("xl/workbook.bin")
    source.binary_sheets = xlsb_sheet_parts(workbook_bin, rels)
    kept = xlsb_without_sheets(workbook_bin, rejected) if rejected else None
    if kept is not None:
        source._engine_edits["xl/workbook.bin"] = kept


def _load_sheets(source: Source) -> None:
    if not source.has_part(source.workbook_part):
        assert source._zip is not None
        found = office_document(source._zip, set(source.part_names()))
        source.workbook_part = found or source.workbook_part
    book = PurePosixPath(source.workbook_part)
    root = source.parse_xml(source.workbook_part)
    rels_name = str(book.parent / "_rels" / f"{book.name}.rels").removeprefix("./")
    targets: dict[str, tuple[str, str]] = {}
    if source.has_part(rels_name):
        for rel in source.parse_xml(rels_name).findall(f"{{{_NS_PKG_REL}}}Relationship"):
            target = rel.get("Target", "").replace("\\", "/")
            part = target.lstrip("/") if target.startswith("/") else str(book.parent / target)
            targets[rel.get("Id", "")] = (normalize_part(part), rel.get("Type", ""))
    # B007: the pair that finds the sheets is used after the loop
    for main, rel_ns in zip(_NS_MAINS, _NS_RELS, strict=True):  # noqa: B007
        sheets = root.find(f"{{{main}}}sheets")
        if sheets is not None:
            break
    else:
        raise UnreadableWorkbookError(source.path, f"{source.workbook_part} lists no sheets")
    names = root.find(f"{{{main}}}definedNames")
    for name in names.findall(f"{{{main}}}definedName") if names is not None else ():
        source.defined_names.setdefault(name.get("name", ""), (name.text or "").strip())
    rejected: list[str] = []
    for sheet in sheets.findall(f"{{{main}}}sheet"):
        title = sheet.get("name", "")
        rid = sheet.get(f"{{{rel_ns}}}id", "")
        part, kind = targets.get(rid, ("", ""))
        if kind and not kind.endswith(_WORKSHEET_REL):
            # A chart or dialog sheet holds no table; an Excel 4 macro sheet neither,
            # and the engine refuses the whole workbook over one.
            if not kind.endswith(_ENGINE_SHEET_RELS):
                rejected.append(rid)
            continue
        source.sheets[title] = part
        if sheet.get("state") in ("hidden", "veryHidden"):
            source.hidden.add(title)
    if rejected:
        xml = source.read_part(source.workbook_part)
        for rid in rejected:
            xml = re.sub(
                rb"<(?:[\w.-]+:)?sheet\b[^>]*?:id=\"" + re.escape(rid.encode()) + rb"\"[^>]*/>",
                b"",
                xml,
            )
        source._engine_edits[source.workbook_part] = xml


# The file name extensions of each format (templates and macro files included).
EXTENSIONS = {
    "xlsx": (".xlsx", ".xlsm", ".xltx", ".xltm"),
    "xlsb": (".xlsb",),
    "ods": (".ods",),
    "xls": (".xls", ".xlt"),
}


def misnamed(source: Source) -> bool:
    """Whether the file's extension says another format than its content (an .xls
    renamed .xlsx): engines that go by the name must then be given the bytes."""
    return Path(source.path).suffix.lower() not in EXTENSIONS.get(source.kind, ())


def workbook_format(path: str | Path) -> str:
    """The format of a workbook by its content: "xlsx" (also .xlsm), "xlsb", "ods" or "xls".

    Raises:
        WorkbookError: as `open_source`.
    """
    with open_source(path) as source:
        return source.kind


def wrap_engine_error(path: str, exc: BaseException) -> WorkbookError:
    """Turn an engine's exception (calamine, openpyxl, zipfile) into ours.

    Args:
        path: the file being read.
        exc: what the engine raised.

    Returns:
        An `UnreadableWorkbookError` naming the file (raise it `from exc`).
    """
    if type(exc).__name__ == "PasswordError":
        return UnreadableWorkbookError(path, ENCRYPTED)
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    code_page = _UNKNOWN_CODE_PAGE.search(detail)
    if code_page:
        return UnreadableWorkbookError(
            path,
            f"the workbook's text encoding (code page {int(code_page[1], 16)}) is one "
            "xltrack cannot read (save it from Excel as .xlsx)",
        )
    reason = f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
    return UnreadableWorkbookError(path, f"the workbook is corrupt ({reason[:200]})")


def is_engine_panic(exc: BaseException) -> bool:
    """True for a Rust panic surfacing from python-calamine (a BaseException, not an Exception)."""
    return type(exc).__name__ == "PanicException"


def read_sheet_slowly(path: str, sheet: str, box: tuple[int, int] | None = None) -> list[list[Any]]:
    """One sheet's values through openpyxl, for when the fast engine gives up on a cell.

    Args:
        path: the workbook (.xlsx/.xlsm; openpyxl reads no other format).
        sheet: the sheet name.
        box: (rows, columns) to read at most: a sheet cut of far cells stays cut.

    Raises:
        UnreadableWorkbookError: openpyxl cannot read the sheet either.
    """
    import openpyxl  # only for the rare sheet python-calamine cannot convert

    try:
        with warnings.catch_warnings():
            # openpyxl warns about the very cells that sent us here; they become findings.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            try:
                rows = book[sheet].iter_rows(
                    min_row=1,
                    min_col=1,
                    max_row=box[0] if box else None,
                    max_col=box[1] if box else None,
                    values_only=True,
                )
                return [list(row) for row in rows]
            finally:
                book.close()
    except (KeyError, OSError, ValueError, TypeError, zipfile.BadZipFile) as exc:
        raise UnreadableWorkbookError(path, f"cannot read the sheet: {exc}", sheet=sheet) from exc
