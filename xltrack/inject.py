"""Add or replace one sheet in an existing .xlsx/.xlsm package, keeping every other part.

Works at the zip level because no Python library round-trips everything a
workbook may hold (pivot tables, 2010 data bars, shapes, VBA ...). Every zip
member is copied byte for byte except the ones that must change to register a
sheet, and those only gain the new sheet's entries:

- `[Content_Types].xml`: Override entries for the new parts;
- the workbook part (`xl/workbook.xml`): one `<sheet>` before `</sheets>`;
- its rels: one worksheet relationship;
- `xl/styles.xml`: the sheet's fonts, fills, borders, number formats and cell
  formats appended at the end of their lists (existing indices never move).

- the workbook part also gains (or keeps) one hidden defined name, the
  marker (`_xltrack_summary`), pointing to the sheet xltrack wrote.

Edits are made on the text, not by re-serialising parsed XML: ElementTree
rewrites namespace prefixes, which breaks `mc:Ignorable` and Excel with it.
The sheet the marker points to is replaced in its slot: its parts and
everything only it refers to are dropped, its `<sheet>` entry and relationship
are reused. A sheet is never recognised by its name: a user's own sheet called
"Achievement summary" is kept and the new one takes a free name.

The input is opened once and every output byte comes from that open file;
untouched parts are copied compressed, block by block. The output (and, in
place, the backup) is written by `atomic.write_atomic`: temp file, fsync,
rename, after checking that the input file has not changed meanwhile.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree

from xltrack.atomic import Fingerprint, check_target, fingerprint, verify_unchanged, write_atomic
from xltrack.errors import OutputError, OutputNameError, UnreadableWorkbookError
from xltrack.marker import (
    SUMMARY_MARKER,
    free_sheet_name,
    marked_sheet,
    retarget_charts,
    set_marker,
)
from xltrack.package import (
    LazyParts,
    Overlay,
    add_relationship,
    copy_member_raw,
    copy_member_stream,
    drop_relationship,
    free_name,
    insert_before_close,
    owned_parts,
    owner_of,
    relationships,
    rels_path,
    resolve,
    update_content_types,
)
from xltrack.stylesheet import merge_styles, remap_styles

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_WORKSHEET_TYPE = _REL_NS + "/worksheet"
_STYLES_TYPE = _REL_NS + "/styles"
_STYLES_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
_STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_BLOCK = 1 << 20


@dataclass
class SheetParts:
    """A worksheet and the parts it brings, as produced in another package.

    Attributes:
        name: the sheet's tab name.
        sheet: the worksheet part's path within `parts`.
        parts: worksheet, its rels, drawings, charts and their rels, by source path.
        content_types: content type of each non-rels part.
        styles: the styles.xml the worksheet's `s=` indices refer to.
    """

    name: str
    sheet: str
    parts: dict[str, bytes]
    content_types: dict[str, str]
    styles: bytes


def default_output(path: Path) -> Path:
    """`NAME.summary.xlsx` (or `.xlsm`) next to the input."""
    return path.with_name(f"{path.stem}.summary{path.suffix}")


def backup_path(path: Path) -> Path:
    """`NAME.bak.xlsx` (or `.xlsm`) next to the file."""
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def lock_files(path: Path) -> list[Path]:
    """Excel's owner files for `path` (`~$NAME`; long names lose two characters)."""
    return [path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:])]


def add_sheet(
    path: str | Path,
    parts: SheetParts,
    *,
    out: str | Path | None = None,
    in_place: bool = False,
    marker: str = SUMMARY_MARKER,
    expect: Fingerprint | None = None,
    after: Iterable[str] = (),
) -> Path:
    """Write a copy of a workbook with one sheet added (or replaced).

    The input is opened once: every part of the output comes from that one open
    file, untouched parts as their compressed bytes (memory follows the parts
    that change, not the package), and just before the rename the input is
    checked to be the same file with the same bytes.

    Args:
        path: the existing .xlsx/.xlsm.
        parts: the sheet to add (see `SheetParts`).
        out: the output file; default `default_output(path)`.
        in_place: replace `path` itself (atomically), keeping `backup_path(path)`.
        marker: the hidden defined name that marks the sheet xltrack wrote; a
            sheet it points to is replaced, and no sheet is ever recognised by
            its name (a user's own sheet of the same name is kept, and the new
            sheet takes a free name: `Achievement summary (2)`).
        expect: the input's fingerprint when it was analysed; a different file
            now is refused.
        after: sheet names (any case) a new sheet goes right after (the first
            found); otherwise it goes after the last visible sheet, never
            behind hidden ones. A replaced sheet keeps its place.

    Returns:
        The path written (the real file when `path` or `out` is a symlink).

    Raises:
        OutputError: the output cannot be written, is locked by Excel, read-only,
            hard-linked, or would lose macros; existing files are left as they were.
        OutputNameError: the output's extension does not fit the workbook.
        InputChangedError: the input changed since it was analysed or while writing.
        UnreadableWorkbookError: the input is not a workbook package.
    """
    src = Path(path)
    if in_place and out is not None:
        raise OutputError(str(out), "give an output file or in-place, not both")
    dest = src if in_place else Path(out) if out is not None else default_output(src)
    in_place = in_place or _same_file(src, dest)
    real = check_target(dest)
    for lock in {*lock_files(dest), *lock_files(real)}:
        if lock.exists():
            raise OutputError(
                str(dest), f"the file is open in Excel ({lock.name} exists); close it first"
            )
    try:
        handle = open(src, "rb")  # noqa: SIM115 (closed below; the one read of the input)
    except OSError as exc:
        raise UnreadableWorkbookError(str(src), f"cannot open: {exc.strerror or exc}") from exc
    with handle:
        try:
            snapshot = fingerprint(handle)
        except OSError as exc:
            raise UnreadableWorkbookError(str(src), f"cannot read: {exc.strerror or exc}") from exc
        if expect is not None and snapshot != expect:
            verify_unchanged(src, expect)
        with _open_zip(handle, src) as z:
            files = LazyParts(z, str(src))
            try:
                order, result = _inject(files, parts, marker, src, {n.casefold() for n in after})
            except (ElementTree.ParseError, ValueError, KeyError, UnicodeDecodeError) as exc:
                # defusedxml's refusals (entities, DTDs) are ValueErrors: a hostile or broken
                # package.
                raise UnreadableWorkbookError(
                    str(src), f"cannot add a sheet to this package: {exc}"
                ) from exc
            _check_suffix(dest, files.get("[Content_Types].xml", b""))

            def write(tmp: Path) -> None:
                _write_package(tmp, dest, order, result, files, z)

            return write_atomic(
                dest,
                write,
                backup=(backup_path(real), handle) if in_place else None,
                before_commit=lambda: verify_unchanged(src, snapshot),
            )


def _check_suffix(dest: Path, content_types: bytes) -> None:
    macros = b"macroEnabled" in content_types
    suffix = dest.suffix.lower()
    if macros and suffix != ".xlsm":
        raise OutputNameError(str(dest), "a workbook with macros must keep the .xlsm extension")
    if not macros and suffix != ".xlsx":
        raise OutputNameError(
            str(dest), f"the output is an .xlsx workbook; name it .xlsx, not {suffix or 'nothing'}"
        )


def _same_file(a: Path, b: Path) -> bool:
    try:
        return b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _check_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, label: str) -> None:
    """Inflate a part block by block and drop the bytes: zipfile checks its CRC at the end.

    A raw copy would carry a damaged part into the output unnoticed.
    """
    try:
        with z.open(info) as part:
            while part.read(_BLOCK):
                pass
    except (OSError, zipfile.BadZipFile, EOFError, zlib.error, NotImplementedError) as exc:
        raise UnreadableWorkbookError(label, f"damaged part {info.filename}: {exc}") from exc


@contextlib.contextmanager
def _open_zip(handle: BinaryIO, src: Path) -> Iterator[zipfile.ZipFile]:
    try:
        z = zipfile.ZipFile(handle)
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise UnreadableWorkbookError(str(src), f"not a readable workbook package: {exc}") from exc
    with z:
        yield z


def _write_package(
    tmp: Path,
    dest: Path,
    order: list[str],
    result: Overlay,
    files: LazyParts,
    original: zipfile.ZipFile,
) -> None:
    try:
        with open(tmp, "wb") as handle, zipfile.ZipFile(handle, "w") as z:
            for name in order:
                old = files.infos.get(name)
                if name not in result.changed and old is not None:
                    _check_member(original, old, files.label)
                    if not copy_member_raw(original, z, old):
                        copy_member_stream(original, z, old)
                    continue
                info = zipfile.ZipInfo(name, old.date_time if old else _FIXED_TIME)
                info.compress_type = old.compress_type if old else zipfile.ZIP_DEFLATED
                info.external_attr = old.external_attr if old else 0o600 << 16
                z.writestr(info, result[name])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, zlib.error) as exc:
        raise OutputError(str(dest), f"cannot copy the workbook's parts: {exc}") from exc


# -- package model -------------------------------------------------------------


def _inject(
    files: LazyParts, parts: SheetParts, marker: str, src: Path, after: set[str] | None = None
) -> tuple[list[str], Overlay]:
    try:
        root_rels = relationships(files["_rels/.rels"])
        office = next(r for r in root_rels if r.get("Type", "").endswith("/officeDocument"))
        book = resolve("", office["Target"])
        book_xml = files[book].decode("utf-8")
        book_rels_part = rels_path(book)
        book_rels = relationships(files[book_rels_part])
        sheets = _sheets(files[book])
        types_xml = files["[Content_Types].xml"].decode("utf-8")
    except (KeyError, StopIteration, UnicodeDecodeError, ElementTree.ParseError) as exc:
        raise UnreadableWorkbookError(str(src), f"not a workbook package: {exc}") from exc
    if _STRICT_NS in book_xml:
        raise OutputError(str(src), "Strict Open XML workbooks are not supported; save as .xlsx")
    targets = {r["Id"]: resolve(book, r.get("Target", "")) for r in book_rels}
    marked = marked_sheet(book_xml, marker)
    previous = next((s for s in sheets if marked is not None and s["name"] == marked), None)
    others = {s["name"].casefold() for s in sheets if s is not previous}
    name = free_sheet_name(parts.name, others)
    out = Overlay(files)
    if previous is not None:
        if previous["rid"] not in targets:
            raise OutputError(str(src), f"sheet {previous['name']!r} has no worksheet part")
        sheet_part = targets[previous["rid"]]
        removed = owned_parts(files, sheet_part)
        calc = _stale_calc_chain(files, sheet_part, book, book_rels)
        if calc is not None:  # Excel "repairs" a chain naming cells that lost their formulas
            removed.add(calc[1])
            out[book_rels_part] = drop_relationship(out[book_rels_part], calc[0])
    else:
        removed = set()
        sheet_part = free_name(
            set(files), posixpath.join(posixpath.dirname(book), "worksheets"), "sheet", ".xml"
        )
    for part in removed:
        out.pop(part, None)
    mapping = _allocate(parts, sheet_part, set(out) | {sheet_part}, posixpath.dirname(book))
    new_parts = _rename(parts, mapping)
    if name != parts.name:
        new_parts = {p: retarget_charts(p, d, parts.name, name) for p, d in new_parts.items()}

    styles_rel = next((r for r in book_rels if r.get("Type") == _STYLES_TYPE), None)
    sheet_xml = new_parts[sheet_part].decode("utf-8")
    used = {int(i) for i in re.findall(r'<(?:c|row)\b[^>]*?\bs="(\d+)"', sheet_xml)}
    used |= {int(i) for i in re.findall(r'<col\b[^>]*?\bstyle="(\d+)"', sheet_xml)}
    content_types = {mapping[p]: ct for p, ct in parts.content_types.items()}
    if styles_rel is not None:
        styles_part = resolve(book, styles_rel["Target"])
        merged, xf_map = merge_styles(files[styles_part].decode("utf-8"), parts.styles, used)
        out[styles_part] = merged.encode("utf-8")
        new_parts[sheet_part] = remap_styles(sheet_xml, xf_map).encode("utf-8")
    else:  # a package without styles takes the sheet's own
        styles_part = posixpath.join(posixpath.dirname(book), "styles.xml")
        if styles_part in out:
            styles_part = free_name(set(out), posixpath.dirname(book), "styles", ".xml")
        new_parts[styles_part] = parts.styles
        content_types[styles_part] = _STYLES_CT
        out[book_rels_part] = add_relationship(
            out[book_rels_part],
            _STYLES_TYPE,
            posixpath.relpath(styles_part, posixpath.dirname(book)),
        )[0]
    if previous is not None:
        book_xml = _rename_sheet(book_xml, previous["name"], name)
    else:
        rels, rid = add_relationship(
            out[book_rels_part],
            _WORKSHEET_TYPE,
            posixpath.relpath(sheet_part, posixpath.dirname(book)),
        )
        out[book_rels_part] = rels
        next_id = max((int(s["sheetId"]) for s in sheets if s["sheetId"].isdigit()), default=0) + 1
        book_xml = _add_sheet_entry(book_xml, name, next_id, rid, _position(sheets, after or set()))
    out[book] = set_marker(book_xml, marker, name).encode("utf-8")
    out["[Content_Types].xml"] = update_content_types(types_xml, removed, content_types).encode(
        "utf-8"
    )
    out.update(new_parts)
    kept = [n for n in files if n in out]
    return kept + [n for n in new_parts if n not in kept], out


def _stale_calc_chain(
    files: Mapping[str, bytes], sheet: str, book: str, book_rels: list[dict[str, str]]
) -> tuple[str, str] | None:
    """(rId, part) of the calculation chain when the sheet being replaced had formulas."""
    if not re.search(rb"<(?:\w+:)?f[\s>/]", files.get(sheet, b"")):
        return None
    for rel in book_rels:
        if rel.get("Type", "").endswith("/calcChain"):
            return rel["Id"], resolve(book, rel.get("Target", ""))
    return None


def _sheets(book: bytes) -> list[dict[str, str]]:
    root = ElementTree.fromstring(book)
    found = []
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), "")
        found.append(
            {
                "name": el.get("name", ""),
                "sheetId": el.get("sheetId", ""),
                "rid": rid,
                "state": el.get("state", "visible"),
            }
        )
    return found


def _allocate(parts: SheetParts, sheet: str, taken: set[str], base: str) -> dict[str, str]:
    """New package paths for the sheet's parts: the sheet's own, then free numbers."""
    mapping = {parts.sheet: sheet}
    for part in sorted(p for p in parts.parts if not p.endswith(".rels") and p != parts.sheet):
        folder = posixpath.join(base, posixpath.basename(posixpath.dirname(part)))
        m = re.fullmatch(r"([A-Za-z_]+)\d*(\.\w+)", posixpath.basename(part))
        stem, ext = (m.group(1), m.group(2)) if m else ("part", ".xml")
        mapping[part] = free_name(taken, folder, stem, ext)
        taken.add(mapping[part])
    for part in parts.parts:
        if part.endswith(".rels"):
            mapping[part] = rels_path(mapping[owner_of(part)])
    return mapping


def _rename(parts: SheetParts, mapping: dict[str, str]) -> dict[str, bytes]:
    renamed = {}
    for part, data in parts.parts.items():
        if part.endswith(".rels"):
            owner, new_owner = owner_of(part), mapping[owner_of(part)]

            def retarget(m: re.Match[str], owner: str = owner, new_owner: str = new_owner) -> str:
                target = mapping.get(resolve(owner, m.group(1)))
                if target is None:
                    return m.group(0)
                return f'Target="{posixpath.relpath(target, posixpath.dirname(new_owner))}"'

            data = re.sub(r'Target="([^"]*)"', retarget, data.decode("utf-8")).encode("utf-8")
        renamed[mapping[part]] = data
    return renamed


def _position(sheets: list[dict[str, str]], after: set[str]) -> int:
    """Where a new sheet goes: after the first sheet named in `after`, else the last visible."""
    for i, sheet in enumerate(sheets):
        if sheet["name"].casefold() in after:
            return i + 1
    visible = [i for i, s in enumerate(sheets) if s["state"] == "visible"]
    return visible[-1] + 1 if visible else len(sheets)


def _add_sheet_entry(
    book_xml: str, name: str, sheet_id: int, rid: str, position: int | None = None
) -> str:
    """Add a <sheet> entry at `position` (None: last).

    Sheet-local defined names (print areas, titles) and the active tab refer to
    sheets by position, so those at or after the new one move up by one.
    """
    m = re.search(r'xmlns:(\w+)="' + re.escape(_REL_NS) + '"', book_xml)
    # Without a prefix for the namespace, declare it on the element itself.
    rel_attr = f'{m.group(1)}:id="{rid}"' if m else f'xmlns:xr_="{_REL_NS}" xr_:id="{rid}"'
    entry = f'<sheet name={quoteattr(name)} sheetId="{sheet_id}" {rel_attr}/>'
    tags = list(re.finditer(r"<(\w+:)?sheet\b[^>]*/>", book_xml))
    if position is None or position >= len(tags):
        return insert_before_close(book_xml, "sheets", entry)
    at = tags[position]
    prefix = at.group(1) or ""
    if prefix:
        entry = "<" + prefix + entry[1:]
    book_xml = book_xml[: at.start()] + entry + book_xml[at.start() :]

    def shift(match: re.Match[str]) -> str:
        index = int(match.group(2))
        return f'{match.group(1)}"{index + 1 if index >= position else index}"'

    book_xml = re.sub(r'(\blocalSheetId=)"(\d+)"', shift, book_xml)
    return re.sub(r'(\b(?:activeTab|firstSheet)=)"(\d+)"', shift, book_xml)


def _rename_sheet(book_xml: str, old: str, new: str) -> str:
    if old == new:
        return book_xml
    pattern = re.compile(r"<(?:\w+:)?sheet\b[^>]*>")
    for m in pattern.finditer(book_xml):
        tag = m.group(0)
        if re.search(r'\bname=(["\'])' + re.escape(escape(old, {'"': "&quot;"})) + r"\1", tag):
            renamed = re.sub(r'\bname=(["\'])[^"\']*\1', f"name={quoteattr(new)}", tag, count=1)
            return book_xml[: m.start()] + renamed + book_xml[m.end() :]
    return book_xml
