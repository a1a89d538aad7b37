"""Merge the cell formats one sheet uses into another workbook's styles.xml, append-only.

A worksheet's cells point at `<cellXfs>` entries by index (`s="3"`), and each
entry points at fonts, fills, borders and number formats by index or id. To
move a sheet into a workbook whose styles.xml differs, its formats are
appended at the end of each list (custom number formats get fresh ids above
the workbook's own), and the sheet's `s=` indices are rewritten. Nothing that
exists moves, so every other sheet keeps its look byte for byte.

The edit is textual (see inject.py for why): the host's element prefix is
respected and `count` attributes are updated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xltrack.errors import OutputError

# (list element, child element) in the order they appear in styles.xml.
_SECTIONS = (
    ("numFmts", "numFmt"),
    ("fonts", "font"),
    ("fills", "fill"),
    ("borders", "border"),
    ("cellXfs", "xf"),
)
_FIRST_CUSTOM_NUMFMT = 164


@dataclass
class _Section:
    start: int
    end: int
    open_tag: str
    body: str
    self_closing: bool


def _find(text: str, prefix: str, name: str) -> _Section | None:
    m = re.search(rf"<{re.escape(prefix)}{name}\b([^>]*?)(/?)>", text)
    if m is None:
        return None
    if m.group(2):
        return _Section(m.start(), m.end(), m.group(0), "", True)
    close = text.find(f"</{prefix}{name}>", m.end())
    if close < 0:
        raise OutputError("styles.xml", f"<{name}> is not closed")
    end = close + len(f"</{prefix}{name}>")
    return _Section(m.start(), end, m.group(0), text[m.end() : close], False)


def _children(body: str, prefix: str, child: str) -> list[str]:
    tag = re.escape(prefix + child)
    return re.findall(
        rf"<{tag}(?=[\s/>])[^>]*/>|<{tag}(?=[\s/>])[^>]*>.*?</{tag}>", body, re.DOTALL
    )


def _prefix(text: str) -> str:
    m = re.search(r"<(\w+:)?styleSheet\b", text)
    if m is None:
        raise OutputError("styles.xml", "no <styleSheet> element")
    return m.group(1) or ""


def _attr(tag: str, name: str) -> int:
    m = re.search(rf'\b{name}="(\d+)"', tag)
    return int(m.group(1)) if m else 0


def _format_code(tag: str) -> str:
    m = re.search(r'formatCode="([^"]*)"', tag)
    return m.group(1) if m else ""


def _set_attr(tag: str, name: str, value: int) -> str:
    if re.search(rf'\b{name}="\d+"', tag):
        return re.sub(rf'\b{name}="\d+"', f'{name}="{value}"', tag, count=1)
    return re.sub(r"^<([\w:]+)", rf'<\1 {name}="{value}"', tag, count=1)


def _with_prefix(snippet: str, prefix: str) -> str:
    if not prefix:
        return snippet
    return re.sub(r"<(/?)(?=[A-Za-z])(?![A-Za-z]+:)", rf"<\1{prefix}", snippet)


def merge_styles(target: str, source: bytes, used: set[int]) -> tuple[str, dict[int, int]]:
    """Append the formats of `used` cellXfs entries of `source` to `target`.

    Args:
        target: the host workbook's styles.xml text.
        source: the styles.xml the sheet was written with (XlsxWriter's).
        used: the sheet's `s=` indices into the source's cellXfs.

    Returns:
        The new styles.xml text and the map old index -> new index (0 stays 0:
        the host's default format).

    Raises:
        OutputError: the host's styles.xml lacks a list we need to extend.
    """
    src = source.decode("utf-8")
    src_lists: dict[str, list[str]] = {}
    for name, child in _SECTIONS:
        section = _find(src, "", name)
        src_lists[name] = _children(section.body, "", child) if section else []
    prefix = _prefix(target)
    sections = {name: _find(target, prefix, name) for name, _ in _SECTIONS}
    for name in ("fonts", "fills", "borders", "cellXfs"):
        if sections[name] is None:
            raise OutputError("styles.xml", f"the workbook's styles have no <{name}> list")
    # What the host already has; an identical entry is reused, so a rerun adds nothing.
    host = {
        name: _children(sec.body, prefix, child) if sec else []
        for (name, child), sec in zip(_SECTIONS, sections.values(), strict=True)
    }
    counts = {name: len(entries) for name, entries in host.items()}
    host_numfmts = {_format_code(tag): _attr(tag, "numFmtId") for tag in host["numFmts"]}
    next_numfmt = max([_FIRST_CUSTOM_NUMFMT - 1, *host_numfmts.values()]) + 1
    src_numfmts = {_attr(t, "numFmtId"): t for t in src_lists["numFmts"]}

    added: dict[str, list[str]] = {name: [] for name, _ in _SECTIONS}
    memo: dict[tuple[str, int], int] = {}

    def place(name: str, entry: str) -> int:
        """Index of `entry` in the host's list `name`, appending it when new."""
        mine = _with_prefix(entry, prefix)
        if mine in host[name]:
            return host[name].index(mine)
        host[name].append(mine)
        added[name].append(entry)
        return len(host[name]) - 1

    def take(name: str, index: int, keep_below: int) -> int:
        """Index in the host for the source's entry `index` of list `name`."""
        if index < keep_below:
            return index  # the defaults every styles.xml has (font 0, fills 0-1, border 0)
        if (name, index) not in memo:
            memo[(name, index)] = place(name, src_lists[name][index])
        return memo[(name, index)]

    xf_map = {0: 0}
    for index in sorted(i for i in used if 0 < i < len(src_lists["cellXfs"])):
        xf = src_lists["cellXfs"][index]
        numfmt = _attr(xf, "numFmtId")
        if numfmt >= _FIRST_CUSTOM_NUMFMT and numfmt in src_numfmts:
            key = _format_code(src_numfmts[numfmt])
            if key not in host_numfmts:
                host_numfmts[key] = next_numfmt
                added["numFmts"].append(_set_attr(src_numfmts[numfmt], "numFmtId", next_numfmt))
                next_numfmt += 1
            numfmt = host_numfmts[key]
        new_xf = _set_attr(xf, "numFmtId", numfmt)
        new_xf = _set_attr(new_xf, "fontId", take("fonts", _attr(xf, "fontId"), 1))
        new_xf = _set_attr(new_xf, "fillId", take("fills", _attr(xf, "fillId"), 2))
        new_xf = _set_attr(new_xf, "borderId", take("borders", _attr(xf, "borderId"), 1))
        new_xf = _set_attr(new_xf, "xfId", 0)
        xf_map[index] = place("cellXfs", new_xf)

    # Edit from the end of the document backwards so earlier offsets stay valid.
    for name, _ in reversed(_SECTIONS):
        if not added[name]:
            continue
        snippet = _with_prefix("".join(added[name]), prefix)
        section = sections[name]
        total = counts[name] + len(added[name])
        if section is None:  # only numFmts may be absent: it goes first
            anchor = sections["fonts"]
            assert anchor is not None
            block = f'<{prefix}numFmts count="{total}">{snippet}</{prefix}numFmts>'
            target = target[: anchor.start] + block + target[anchor.start :]
            continue
        open_tag = section.open_tag
        if section.self_closing:
            open_tag = re.sub(r"\s*/>$", ">", open_tag)
        if re.search(r'\bcount="\d+"', open_tag):
            open_tag = re.sub(r'\bcount="\d+"', f'count="{total}"', open_tag, count=1)
        block = f"{open_tag}{section.body}{snippet}</{prefix}{name}>"
        target = target[: section.start] + block + target[section.end :]
    return target, xf_map


def remap_styles(sheet_xml: str, xf_map: dict[int, int]) -> str:
    """Rewrite a worksheet's `s=` (cells, rows) and `style=` (columns) through `xf_map`."""

    def swap(m: re.Match[str]) -> str:
        return f"{m.group(1)}{xf_map.get(int(m.group(2)), 0)}{m.group(3)}"

    sheet_xml = re.sub(r'(<(?:c|row)\b[^>]*?\bs=")(\d+)(")', swap, sheet_xml)
    return re.sub(r'(<col\b[^>]*?\bstyle=")(\d+)(")', swap, sheet_xml)
