"""The OPC package model inject.py works on: parts, relationships, content types.

A workbook is a zip of parts; `*.rels` parts say which part refers to which.
These helpers resolve relationship targets, find the parts only one sheet
refers to, pick free part names, and add entries to rels and content-types
parts as text (prefix-preserving; see inject.py for why not ElementTree).
"""

from __future__ import annotations

import posixpath
import re
import shutil
import struct
import zipfile
import zlib
from collections.abc import Iterator, Mapping, MutableMapping
from xml.sax.saxutils import quoteattr

from defusedxml import ElementTree

from xltrack.errors import OutputError, UnreadableWorkbookError

_LOCAL_HEADER = b"PK\x03\x04"
_SMALL = 1 << 31  # members below this size need no ZIP64 records
_BLOCK = 1 << 20  # raw copies move this much at a time, whatever the part's size

PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class LazyParts(Mapping[str, bytes]):
    """The parts of an open package by name, each inflated only when (and once) it is read.

    Adding a sheet reads the rels, the workbook, its styles and content types;
    the media, sheets and everything else stay compressed in the file.
    """

    def __init__(self, z: zipfile.ZipFile, label: str) -> None:
        self.z = z
        self.label = label
        self.infos = {i.filename: i for i in z.infolist()}
        self._cache: dict[str, bytes] = {}

    def __getitem__(self, name: str) -> bytes:
        if name not in self._cache:
            info = self.infos[name]
            try:
                self._cache[name] = self.z.read(info)
            except (OSError, zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise UnreadableWorkbookError(self.label, f"cannot read {name}: {exc}") from exc
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.infos)

    def __len__(self) -> int:
        return len(self.infos)

    def __contains__(self, name: object) -> bool:
        return name in self.infos


class Overlay(MutableMapping[str, bytes]):
    """A package being edited: the original parts, minus the removed, plus the changed."""

    def __init__(self, base: Mapping[str, bytes]) -> None:
        self.base = base
        self.changed: dict[str, bytes] = {}
        self.removed: set[str] = set()

    def __getitem__(self, name: str) -> bytes:
        if name in self.changed:
            return self.changed[name]
        if name in self.removed:
            raise KeyError(name)
        return self.base[name]

    def __setitem__(self, name: str, data: bytes) -> None:
        self.changed[name] = data
        self.removed.discard(name)

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self.changed.pop(name, None)
        self.removed.add(name)

    def __iter__(self) -> Iterator[str]:
        yield from (n for n in self.base if n not in self.removed)
        yield from (n for n in self.changed if n not in self.base)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __contains__(self, name: object) -> bool:
        return name in self.changed or (name in self.base and name not in self.removed)


def rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), target))


def relationships(data: bytes) -> list[dict[str, str]]:
    root = ElementTree.fromstring(data)
    return [dict(el.attrib) for el in root.iter(f"{PKG_REL_NS}Relationship")]


def targets(files: Mapping[str, bytes], part: str) -> list[tuple[dict[str, str], str]]:
    rels = files.get(rels_path(part))
    if rels is None:
        return []
    return [
        (rel, resolve(part, rel.get("Target", "")))
        for rel in relationships(rels)
        if rel.get("TargetMode") != "External"
    ]


def owner_of(rels_part: str) -> str:
    folder, name = posixpath.split(rels_part)
    return posixpath.join(posixpath.dirname(folder), name[: -len(".rels")])


def owned_parts(files: Mapping[str, bytes], sheet: str) -> set[str]:
    """The sheet, its rels, and the parts reachable from it that nothing else refers to."""
    owned, stack = {sheet}, [sheet]
    while stack:
        part = stack.pop()
        if rels_path(part) in files:
            owned.add(rels_path(part))
        for _, target in targets(files, part):
            if target in files and target not in owned:
                owned.add(target)
                stack.append(target)
    shared = set()
    for rels in files:
        if rels.endswith(".rels") and rels not in owned and owner_of(rels) != "":
            shared |= {t for _, t in targets(files, owner_of(rels))}
    shared.discard(sheet)  # the workbook refers to it; we reuse that entry
    keep = {p for p in owned if p in shared}
    keep |= {rels_path(p) for p in keep}
    return owned - keep


def free_name(taken: set[str], folder: str, stem: str, ext: str) -> str:
    numbers = [
        int(m.group(1))
        for p in taken
        if (m := re.fullmatch(re.escape(f"{folder}/{stem}") + r"(\d+)" + re.escape(ext), p))
    ]
    n = max(numbers, default=0) + 1
    return f"{folder}/{stem}{n}{ext}"


def add_relationship(data: bytes, rel_type: str, target: str) -> tuple[bytes, str]:
    """A rels part with one more relationship (a fresh `rIdN`), and that id."""
    ids = {r.get("Id") for r in relationships(data)}
    n = len(ids) + 1
    while f"rId{n}" in ids:
        n += 1
    rid = f"rId{n}"
    text = data.decode("utf-8")
    entry = f'<Relationship Id="{rid}" Type="{rel_type}" Target={quoteattr(target)}/>'
    return insert_before_close(text, "Relationships", entry).encode("utf-8"), rid


def drop_relationship(data: bytes, rid: str) -> bytes:
    """A rels part without the relationship `rid`."""
    pattern = r'<(?:\w+:)?Relationship\b[^>]*\bId="' + re.escape(rid) + r'"[^>]*/>'
    return re.sub(pattern, "", data.decode("utf-8")).encode("utf-8")


def insert_before_close(text: str, tag: str, entry: str) -> str:
    closing = list(re.finditer(rf"</(\w+:)?{tag}>", text))
    if closing:
        m = closing[-1]
        prefix = m.group(1) or ""
        return text[: m.start()] + prefixed(entry, prefix) + text[m.start() :]
    empty = re.search(rf"<(\w+:)?{tag}\b([^>]*)/>", text)
    if empty is None:
        raise OutputError("", f"no <{tag}> element to extend")
    prefix = empty.group(1) or ""
    return (
        text[: empty.start()]
        + f"<{prefix}{tag}{empty.group(2)}>"
        + prefixed(entry, prefix)
        + f"</{prefix}{tag}>"
        + text[empty.end() :]
    )


def prefixed(snippet: str, prefix: str) -> str:
    """Put unprefixed element names of our snippet in the host document's prefix."""
    if not prefix:
        return snippet
    return re.sub(r"<(/?)(?=[A-Za-z])(?![A-Za-z]+:)", rf"<\1{prefix}", snippet)


def update_content_types(text: str, removed: set[str], added: dict[str, str]) -> str:
    for part in removed:
        text = re.sub(
            r'<(?:\w+:)?Override\b[^>]*PartName="/' + re.escape(part) + r'"[^>]*/>', "", text
        )
    for part, content_type in added.items():
        entry = f'<Override PartName="/{part}" ContentType="{content_type}"/>'
        text = insert_before_close(text, "Types", entry)
    return text


def copy_member_raw(
    source: zipfile.ZipFile, target: zipfile.ZipFile, info: zipfile.ZipInfo
) -> bool:
    """Copy one member's compressed bytes as they are, without inflating and deflating again.

    Recompressing every untouched part is most of the cost of adding a sheet; a raw
    copy is also the strongest form of "unchanged". Uses zipfile's documented
    on-disk format and its long-stable writer attributes (fp, filelist,
    NameToInfo, start_dir). Returns False (copy nothing) for members it does not
    handle (encrypted, ZIP64-sized, odd compression): the caller rewrites those.
    """
    if (
        info.flag_bits & 0x1
        or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        or max(info.file_size, info.compress_size, info.header_offset) >= _SMALL
        or source.fp is None
        or target.fp is None
    ):
        return False
    source.fp.seek(info.header_offset)
    head = source.fp.read(30)
    if len(head) != 30 or head[:4] != _LOCAL_HEADER:
        return False
    name_length, extra_length = struct.unpack("<HH", head[26:30])
    start = info.header_offset + 30 + name_length + extra_length
    source.fp.seek(0, 2)
    if source.fp.tell() < start + info.compress_size:
        return False
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    copy.compress_type = info.compress_type
    copy.CRC = info.CRC
    copy.compress_size = info.compress_size
    copy.file_size = info.file_size
    copy.external_attr = info.external_attr
    copy.flag_bits = info.flag_bits & 0x800  # keep the UTF-8 name flag; sizes now precede data
    copy.header_offset = target.fp.tell()
    target.fp.write(copy.FileHeader(False))
    source.fp.seek(start)
    left = info.compress_size
    while left:  # block by block: a 250 MB image never sits in memory whole
        block = source.fp.read(min(_BLOCK, left))
        if not block:
            raise zipfile.BadZipFile(f"{info.filename} ends early")
        target.fp.write(block)
        left -= len(block)
    target.filelist.append(copy)
    target.NameToInfo[copy.filename] = copy
    target.start_dir = target.fp.tell()
    return True


def copy_member_stream(
    source: zipfile.ZipFile, target: zipfile.ZipFile, info: zipfile.ZipInfo
) -> None:
    """Copy a member `copy_member_raw` declined (ZIP64-sized, odd flags), inflating in blocks."""
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    copy.compress_type = (
        info.compress_type
        if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
        else zipfile.ZIP_DEFLATED
    )
    copy.external_attr = info.external_attr
    copy.file_size = info.file_size  # lets zipfile decide on ZIP64 up front
    with (
        source.open(info) as inp,
        target.open(copy, "w", force_zip64=info.file_size >= _SMALL) as out,
    ):
        shutil.copyfileobj(inp, out, _BLOCK)
