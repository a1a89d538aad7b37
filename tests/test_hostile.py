"""Hostile and broken files: each one clear WorkbookError naming the file, quickly, bounded memory."""

from __future__ import annotations

import os
import sys
import tracemalloc
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

from xltrack.errors import (
    UnreadableWorkbookError,
    UnrecognizedWorkbookError,
    UnsupportedWorkbookError,
    WorkbookError,
)
from xltrack.reader import read_workbook
from xltrack.source import open_source, sniff
from xltrack.spec import Spec

sys.path.insert(0, str(ROOT / "samples"))
from build_corpus import build_zip_bomb

HOSTILE = SAMPLES / "hostile"

EXPECTED: list[tuple[str, type[WorkbookError], str]] = [
    ("empty.xlsx", UnreadableWorkbookError, "empty"),
    ("truncated.xlsx", UnreadableWorkbookError, "corrupt or truncated zip"),
    ("corrupt.xlsx", UnreadableWorkbookError, "corrupt or truncated zip"),
    ("csv-renamed.xlsx", UnsupportedWorkbookError, "CSV"),
    ("html-renamed.xlsx", UnsupportedWorkbookError, "HTML"),
    ("legacy.xls", UnsupportedWorkbookError, ".xls"),
    ("encrypted.xlsx", UnreadableWorkbookError, "encrypted"),
    ("ods-renamed.xlsx", UnsupportedWorkbookError, "OpenDocument"),
    ("broken-sheet-xml.xlsx", UnreadableWorkbookError, "corrupt (XmlError"),
    ("bad-crc.xlsx", UnreadableWorkbookError, "Bad CRC"),
    ("billion-laughs.xlsx", UnreadableWorkbookError, "entit"),
    ("external-entity.xlsx", UnreadableWorkbookError, "entit"),
    ("empty-workbook.xlsx", UnrecognizedWorkbookError, "none of the five"),
    ("no-tables.xlsx", UnrecognizedWorkbookError, "none of the five"),
]


@pytest.mark.parametrize(("name", "cls", "reason"), EXPECTED, ids=[e[0] for e in EXPECTED])
def test_hostile_file_raises_the_right_error_naming_the_file(
    name: str, cls: type[WorkbookError], reason: str, spec: Spec
) -> None:
    path = HOSTILE / name
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    with pytest.raises(cls) as caught:
        read_workbook(path, spec)
    err = caught.value
    assert type(err) is cls
    assert err.path == str(path) and str(path) in str(err)
    assert reason.casefold() in err.reason.casefold()
    assert err.code == cls.code
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


def test_hostile_every_sample_is_covered() -> None:
    assert {p.name for p in HOSTILE.iterdir()} == {e[0] for e in EXPECTED}


def test_hostile_zip_bomb_is_refused_before_inflating(tmp_path: Path, spec: Spec) -> None:
    bomb = build_zip_bomb(tmp_path / "bomb.xlsx", inflated_mb=300)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(UnreadableWorkbookError) as caught:
            read_workbook(bomb, spec)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "zip bomb" in caught.value.reason or "inflate" in caught.value.reason
    assert str(bomb) in str(caught.value)
    assert peak < 20 * 1024 * 1024


def test_hostile_missing_file_is_unreadable(tmp_path: Path, spec: Spec) -> None:
    with pytest.raises(UnreadableWorkbookError, match="cannot open"):
        read_workbook(tmp_path / "nope.xlsx", spec)


def test_hostile_sniff_tells_kinds_apart() -> None:
    kinds = {name: sniff(HOSTILE / name) for name in ("empty.xlsx", "csv-renamed.xlsx",
                                                      "html-renamed.xlsx", "legacy.xls",
                                                      "encrypted.xlsx", "no-tables.xlsx")}
    assert kinds == {"empty.xlsx": "empty", "csv-renamed.xlsx": "text", "html-renamed.xlsx": "html",
                     "legacy.xls": "ole2", "encrypted.xlsx": "encrypted", "no-tables.xlsx": "zip"}


def test_hostile_source_lists_sheets_and_hidden_ones() -> None:
    with open_source(SAMPLES / "handmade" / "en-generated-style.xlsx") as source:
        assert list(source.sheets)[:2] == ["Campaign", "Tasks"]
        assert source.hidden == {"_xltrack"}
        assert source.sheets["Tasks"].startswith("xl/worksheets/")
