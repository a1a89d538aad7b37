"""Make text from workbooks safe to show: control characters dropped for a terminal,
escaped in JSON.

A campaign name, a sheet name or a cell can carry escape sequences that retitle
the terminal, write the clipboard (OSC 52), ring the bell, clear the screen, or
bidi overrides that reorder what is shown. The text renderings pass workbook
text through `terminal_safe` (xltrack's own colours are added after), CSV
exports through `drop_controls` (a `cat` of the file is a terminal too), and every
JSON output goes through `json_text`/`iter_json`, which escape what
`json.dumps(ensure_ascii=False)` leaves raw (DEL, C1, bidi controls, U+2028/9).
`iter_json` writes a document in pieces, so a long findings list never becomes
one string.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

# C0 (but tab/newline/CR, handled apart), DEL, C1, and the bidi controls that reorder text.
_CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)
_LINE_BREAKS = re.compile("[\t\r\n\u2028\u2029]")
# What json.dumps(ensure_ascii=False) leaves raw although a terminal may act on it.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str, *, keep_newlines: bool = False) -> str:
    """Text from a workbook made fit for a terminal: control characters dropped.

    Tabs, carriage returns and (unless `keep_newlines`) line breaks become
    spaces, so a cell cannot draw a fake line either.
    """
    if keep_newlines:
        text = text.replace("\r\n", "\n")
        text = re.sub("[\t\r\u2028\u2029]", " ", text)
    else:
        text = _LINE_BREAKS.sub(" ", text)
    return drop_controls(text)


def drop_controls(text: str) -> str:
    """`text` without the control characters a terminal acts on; tabs and line breaks kept."""
    return _CONTROL.sub("", text)


def _json_safe(text: str) -> str:
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def finite(data: Any) -> Any:
    """`data` with every infinite or NaN float as None (JSON has no such numbers).

    Python's json writes them as `Infinity`/`NaN`, which no JSON parser accepts;
    a ratio over a tiny target or a sum of huge figures can reach them. Lazy
    lists stay lazy.
    """
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {key: finite(value) for key, value in data.items()}
    if isinstance(data, LazyList):
        items = data
        return LazyList(len(items), lambda: (finite(value) for value in items))
    if isinstance(data, list | tuple):
        return [finite(value) for value in data]
    return data


def json_text(data: Any) -> str:
    """`data` as indented JSON, UTF-8 characters kept, every control character escaped,
    non-finite numbers as null."""
    return _json_safe(json.dumps(finite(data), ensure_ascii=False, indent=2, allow_nan=False))


def iter_json(data: Any, *, flush_at: int = 1 << 16) -> Iterator[str]:
    """`json_text(data)` in pieces of about `flush_at` characters (lazy lists stay lazy)."""
    data = finite(data)
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2, allow_nan=False)
    buffer: list[str] = []
    size = 0
    for piece in encoder.iterencode(data):
        buffer.append(piece)
        size += len(piece)
        if size >= flush_at:
            yield _json_safe("".join(buffer))
            buffer, size = [], 0
    if buffer:
        yield _json_safe("".join(buffer))


class LazyList(list[Any]):  # json's encoder walks real lists only
    """A list the JSON encoder iterates without the items ever existing all at once."""

    def __init__(self, length: int, items: Callable[[], Iterable[Any]]) -> None:
        super().__init__()
        self._length = length
        self._items = items

    def __len__(self) -> int:
        return self._length

    def __bool__(self) -> bool:
        return self._length > 0

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items())
