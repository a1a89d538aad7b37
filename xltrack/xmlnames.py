"""Names XlsxWriter writes into a part's XML as they are: make them XML-safe.

XlsxWriter turns control characters in cell strings into `_xHHHH_` escapes,
but table column names, sheet names, defined names and chart titles go into
the XML unescaped. A metric named with a vertical tab (how Excel stores a soft
line break pasted from Word, `_x000B_`) or an ESC then makes the whole file
unreadable: XML 1.0 forbids those characters even as character references.
Every such name xltrack writes passes through `xml_safe`; table headers through
`table_headers`, which also keeps them unique as Excel requires.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A vertical tab or form feed stands for a line break: it becomes a space.
_BREAKS = re.compile("[\x0b\x0c]")
# The rest of what XML 1.0 forbids (C0 but tab/LF/CR, lone surrogates, U+FFFE/FFFF).
_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (line-break ones as spaces)."""
    return _FORBIDDEN.sub("", _BREAKS.sub(" ", text))


def table_headers(names: Iterable[str]) -> list[str]:
    """Table column names: XML-safe, never blank, unique ignoring case.

    XlsxWriter silently drops a table whose headers repeat (case-insensitively),
    and two names may become one once made safe: a repeat gets " (2)", " (3)"...
    """
    out: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(names, start=1):
        base = xml_safe(name).strip() or f"Column{i}"
        header, n = base, 1
        while header.lower() in seen:
            n += 1
            header = f"{base} ({n})"
        seen.add(header.lower())
        out.append(header)
    return out


__all__ = ["table_headers", "xml_safe"]
