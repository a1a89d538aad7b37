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

Edits are made on the text, not by re-serialising parsed XML: ElementTree
rewrites namespace prefixes, which breaks `mc:Ignorable` and Excel with it.
A previous sheet of the same name (any of `replace`) is replaced in its slot:
its parts and everything only it refers to are dropped, its `<sheet>` entry
and relationship are reused. Output is always written to a temp file in the
target folder and then renamed, so a failure leaves every existing file intact.
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree

from xltrack.errors import OutputError, UnreadableWorkbookError
from xltrack.package import (
    add_relationship,
    copy_member_raw,
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
    replace: Iterable[str] = (),
    after: Iterable[str] = (),
) -> Path:
    """Write a copy of a workbook with one sheet added (or replaced).

    Args:
        path: the existing .xlsx/.xlsm.
        parts: the sheet to add (see `SheetParts`).
        out: the output file; default `default_output(path)`.
        in_place: replace `path` itself (atomically), keeping `backup_path(path)`.
        replace: sheet names (any case) that mark a previous copy to replace;
            `parts.name` always counts.
        after: sheet names (any case) a new sheet goes right after (the first
            found); otherwise it goes after the last visible sheet, never
            behind hidden ones. A replaced sheet keeps its place.

    Returns:
        The path written.

    Raises:
        OutputError: the output cannot be written, is locked by Excel, or would
            lose macros; existing files are left as they were.
        UnreadableWorkbookError: the input is not a workbook package.
    """
    src = Path(path)
    if in_place and out is not None:
        raise OutputError(str(out), "give an output file or in-place, not both")
    dest = src if in_place else Path(out) if out is not None else default_output(src)
    in_place = in_place or _same_file(src, dest)
    for lock in lock_files(dest):
        if lock.exists():
            raise OutputError(
                str(dest), f"the file is open in Excel ({lock.name} exists); close it first"
            )
    infos, files = _read_package(src)
    names = {parts.name.casefold()} | {n.casefold() for n in replace}
    try:
        order, result = _inject(files, [i.filename for i in infos], parts, names, src,
                                {n.casefold() for n in after})
    except (ElementTree.ParseError, ValueError, KeyError, UnicodeDecodeError) as exc:
        # defusedxml's refusals (entities, DTDs) are ValueErrors: a hostile or broken package.
        raise UnreadableWorkbookError(
            str(src), f"cannot add a sheet to this package: {exc}"
        ) from exc
    ct = files.get("[Content_Types].xml", b"").decode("utf-8", "replace")
    if "macroEnabled" in ct and dest.suffix.lower() not in (".xlsm", ".xltm"):
        raise OutputError(str(dest), "a workbook with macros must keep the .xlsm extension")
    by_name = {i.filename: i for i in infos}
    untouched = {name for name in order if result[name] is files.get(name)}
    _write_atomic(
        dest,
        order,
        result,
        by_name,
        untouched=untouched,
        backup=backup_path(src) if in_place else None,
        source=src,
    )
    return dest


def _same_file(a: Path, b: Path) -> bool:
    try:
        return b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _read_package(src: Path) -> tuple[list[zipfile.ZipInfo], dict[str, bytes]]:
    try:
        with zipfile.ZipFile(src) as z:
            infos = z.infolist()
            return infos, {i.filename: z.read(i) for i in infos}
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as exc:
        raise UnreadableWorkbookError(str(src), f"not a readable workbook package: {exc}") from exc


def _write_atomic(
    dest: Path,
    order: list[str],
    files: dict[str, bytes],
    infos: dict[str, zipfile.ZipInfo],
    *,
    untouched: set[str],
    backup: Path | None,
    source: Path,
) -> None:
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".~xltrack-", suffix=dest.suffix, dir=dest.parent)
        with (
            os.fdopen(fd, "wb") as handle,
            zipfile.ZipFile(source) as original,
            zipfile.ZipFile(handle, "w") as z,
        ):
            for name in order:
                if name in untouched and copy_member_raw(original, z, infos[name]):
                    continue
                old = infos.get(name)
                info = zipfile.ZipInfo(name, old.date_time if old else _FIXED_TIME)
                info.compress_type = old.compress_type if old else zipfile.ZIP_DEFLATED
                info.external_attr = old.external_attr if old else 0o600 << 16
                z.writestr(info, files[name])
        shutil.copymode(source, tmp)
        if backup is not None:
            shutil.copy2(source, backup)
        os.replace(tmp, dest)
        tmp = None
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise OutputError(str(dest), f"cannot write: {exc}") from exc
    finally:
        if tmp is not None and os.path.exists(tmp):
            os.unlink(tmp)


# -- package model -------------------------------------------------------------


def _inject(
    files: dict[str, bytes], order: list[str], parts: SheetParts, names: set[str], src: Path,
    after: set[str] | None = None,
) -> tuple[list[str], dict[str, bytes]]:
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
    previous = next((s for s in sheets if s["name"].casefold() in names), None)
    out = dict(files)
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
        out[book] = _rename_sheet(book_xml, previous["name"], parts.name).encode("utf-8")
    else:
        rels, rid = add_relationship(
            out[book_rels_part],
            _WORKSHEET_TYPE,
            posixpath.relpath(sheet_part, posixpath.dirname(book)),
        )
        out[book_rels_part] = rels
        next_id = max((int(s["sheetId"]) for s in sheets if s["sheetId"].isdigit()), default=0) + 1
        position = _position(sheets, after or set())
        out[book] = _add_sheet_entry(book_xml, parts.name, next_id, rid, position).encode("utf-8")
    out["[Content_Types].xml"] = update_content_types(types_xml, removed, content_types).encode(
        "utf-8"
    )
    out.update(new_parts)
    kept = [name for name in order if name in out]
    return kept + [name for name in new_parts if name not in kept], out


def _stale_calc_chain(
    files: dict[str, bytes], sheet: str, book: str, book_rels: list[dict[str, str]]
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
        found.append({"name": el.get("name", ""), "sheetId": el.get("sheetId", ""), "rid": rid,
                      "state": el.get("state", "visible")})
    return found


def _position(sheets: list[dict[str, str]], after: set[str]) -> int:
    """Where a new sheet goes: after the first sheet named in `after`, else the last visible."""
    for i, sheet in enumerate(sheets):
        if sheet["name"].casefold() in after:
            return i + 1
    visible = [i for i, s in enumerate(sheets) if s["state"] == "visible"]
    return visible[-1] + 1 if visible else len(sheets)


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


def _add_sheet_entry(book_xml: str, name: str, sheet_id: int, rid: str,
                     position: int | None = None) -> str:
    """Add a <sheet> entry at `position` (None: last).

    Sheet-local defined names (print areas, titles) and the active tab refer to
    sheets by position, so those at or after the new one move up by one.
    """
    m = re.search(r'xmlns:(\w+)="' + re.escape(_REL_NS) + '"', book_xml)
    if m:
        rel_attr = f'{m.group(1)}:id="{rid}"'
    else:  # declare it on the element itself
        rel_attr = f'xmlns:xr_="{_REL_NS}" xr_:id="{rid}"'
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
