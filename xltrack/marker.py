"""The mark that tells xltrack's own sheet from a user's: a hidden defined name, never a sheet name.

`inject.add_sheet` writes `<definedName name="_xltrack_summary" hidden="1">
'Achievement summary'!$A$1</definedName>` into the workbook part. Excel and
LibreOffice keep defined names and rewrite their reference when the sheet is
renamed, so the mark follows the sheet; a user's own sheet that happens to be
called "Achievement summary" carries no mark and is kept, and the new sheet
takes a free name (`_free_sheet_name`), its charts pointed at it.
Edits are made on the text, like the rest of inject.py.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr, unescape

from xltrack.errors import OutputError
from xltrack.package import insert_before_close, prefixed

SUMMARY_MARKER = "_xltrack_summary"  # the hidden defined name that marks the summary sheet

_DEFINED_NAME = re.compile(
    r"<(?:\w+:)?definedName\b(?P<attrs>[^>]*?)(?:/>|>(?P<text>.*?)</(?:\w+:)?definedName>)",
    re.DOTALL,
)
_SHEET_MAX = 31  # Excel's limit on a sheet name's length


def marked_sheet(book_xml: str, marker: str) -> str | None:
    """The name of the sheet the hidden defined name `marker` points to, if any.

    Excel and LibreOffice keep defined names and rewrite their reference when
    the sheet is renamed, so the mark follows the sheet, not its name.
    """
    for m in _DEFINED_NAME.finditer(book_xml):
        if not re.search(r'\bname=["\']' + re.escape(marker) + r'["\']', m.group("attrs")):
            continue
        ref = unescape(m.group("text") or "", {"&apos;": "'", "&quot;": '"'}).strip()
        quoted = re.match(r"'((?:[^']|'')+)'!", ref)
        if quoted:
            return quoted.group(1).replace("''", "'")
        bare = re.match(r"([^!'#]+)!", ref)
        if bare:
            return bare.group(1)
    return None


def set_marker(book_xml: str, marker: str, sheet: str) -> str:
    """The workbook part with exactly one `marker` defined name, pointing to `sheet`."""

    def drop(m: re.Match[str]) -> str:
        if re.search(r'\bname=["\']' + re.escape(marker) + r'["\']', m.group("attrs")):
            return ""
        return m.group(0)

    book_xml = _DEFINED_NAME.sub(drop, book_xml)
    ref = "'" + sheet.replace("'", "''") + "'!$A$1"
    entry = f'<definedName name={quoteattr(marker)} hidden="1">{escape(ref)}</definedName>'
    if re.search(r"<(?:\w+:)?definedNames\b", book_xml):
        return insert_before_close(book_xml, "definedNames", entry)
    # CT_Workbook order: sheets, functionGroups, externalReferences, definedNames, calcPr ...
    anchor = None
    for tag in ("externalReferences", "functionGroups", "sheets"):
        anchor = re.search(rf"</((?:\w+:)?){tag}>|<((?:\w+:)?){tag}\b[^>]*/>", book_xml)
        if anchor:
            break
    if anchor is None:
        raise OutputError("", "no <sheets> element in the workbook")
    prefix = anchor.group(1) or anchor.group(2) or ""
    block = prefixed(f"<definedNames>{entry}</definedNames>", prefix)
    return book_xml[: anchor.end()] + block + book_xml[anchor.end() :]


def free_sheet_name(name: str, taken: set[str]) -> str:
    """`name`, or `name (2)`, `name (3)` ... when another sheet has it (any case)."""
    if name.casefold() not in taken:
        return name
    n = 2
    while True:
        tail = f" ({n})"
        candidate = name[: _SHEET_MAX - len(tail)] + tail
        if candidate.casefold() not in taken:
            return candidate
        n += 1


def retarget_charts(part: str, data: bytes, old: str, new: str) -> bytes:
    """Point a chart's series formulas at the sheet's new name."""
    if "/charts/" not in part or part.endswith(".rels"):
        return data
    quoted_old = "'" + old.replace("'", "''") + "'!"
    quoted_new = "'" + new.replace("'", "''") + "'!"

    def fix(m: re.Match[str]) -> str:
        ref = unescape(m.group(2), {"&apos;": "'"})
        if ref.startswith(quoted_old):
            ref = quoted_new + ref[len(quoted_old) :]
        elif ref.startswith(old + "!"):
            ref = quoted_new + ref[len(old) + 1 :]
        return f"<{m.group(1)}f>{escape(ref)}</{m.group(1)}f>"

    text = re.sub(r"<(\w+:)?f>(.*?)</\1?f>", fix, data.decode("utf-8"))
    return text.encode("utf-8")
