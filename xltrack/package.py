"""The OPC package model inject.py works on: parts, relationships, content types.

A workbook is a zip of parts; `*.rels` parts say which part refers to which.
These helpers resolve relationship targets, find the parts only one sheet
refers to, pick free part names, and add entries to rels and content-types
parts as text (prefix-preserving; see inject.py for why not ElementTree).
"""

from __future__ import annotations

import posixpath
import re
from xml.sax.saxutils import quoteattr

from defusedxml import ElementTree

from xltrack.errors import OutputError

PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


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


def targets(files: dict[str, bytes], part: str) -> list[tuple[dict[str, str], str]]:
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


def owned_parts(files: dict[str, bytes], sheet: str) -> set[str]:
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
