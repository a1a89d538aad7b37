"""Hostile and broken files: each one clear WorkbookError naming the file, quickly, bounded
memory."""

from __future__ import annotations

import os
import sys
import tracemalloc
import zipfile
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
    # .xls and .ods are read now: these two are a bare OLE2 header and an empty ODS.
    ("legacy.xls", UnreadableWorkbookError, "corrupt"),
    ("encrypted.xlsx", UnreadableWorkbookError, "encrypted"),
    ("ods-renamed.xlsx", UnreadableWorkbookError, "corrupt"),
    ("broken-sheet-xml.xlsx", UnreadableWorkbookError, "corrupt (XmlError"),
    ("bad-crc.xlsx", UnreadableWorkbookError, "corrupt"),
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
    kinds = {
        name: sniff(HOSTILE / name)
        for name in (
            "empty.xlsx",
            "csv-renamed.xlsx",
            "html-renamed.xlsx",
            "legacy.xls",
            "encrypted.xlsx",
            "no-tables.xlsx",
        )
    }
    assert kinds == {
        "empty.xlsx": "empty",
        "csv-renamed.xlsx": "text",
        "html-renamed.xlsx": "html",
        "legacy.xls": "ole2",
        "encrypted.xlsx": "encrypted",
        "no-tables.xlsx": "zip",
    }


def test_hostile_source_lists_sheets_and_hidden_ones() -> None:
    with open_source(SAMPLES / "handmade" / "en-generated-style.xlsx") as source:
        assert list(source.sheets)[:2] == ["Campaign", "Tasks"]
        assert source.hidden == {"_xltrack"}
        assert source.sheets["Tasks"].startswith("xl/worksheets/")


def test_hostile_cell_that_crashes_the_fast_engine_is_read_another_way(
    tmp_path: Path, spec: Spec
) -> None:
    # python-calamine panics (a BaseException) on a date-formatted -1e15; openpyxl reads it.
    import openpyxl

    path = tmp_path / "panic.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Task ID", "Task", "Owner", "End"])
    ws.append(["T1", "Posters", "Bo", -1e15])
    ws["D2"].number_format = "yyyy-mm-dd"
    ws.append(["T2", "Print", "Cy", "2024-06-08"])
    wb.save(path)
    frames = read_workbook(path, spec)
    assert frames.tasks.data["task_id"].tolist() == ["T1", "T2"]
    assert [
        (f.code, f.location.cell) for f in frames.load_findings if f.code == "cell-unparsed"
    ] == [("cell-unparsed", "D2")]


_DTD = b'<!DOCTYPE x [<!ENTITY e "boom">]>'
_XML = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


@pytest.mark.parametrize(
    ("prolog", "compression"),
    [
        (_XML + _DTD, zipfile.ZIP_DEFLATED),
        (_XML + b"<!-- <a> looks like an element -->" + _DTD, zipfile.ZIP_DEFLATED),
        (_XML + b"<!--" + b"padding " * 400 + b"-->" + _DTD, zipfile.ZIP_DEFLATED),
        (_XML + b"<?pi " + b"x" * 5000 + b"?>\n  " + _DTD, zipfile.ZIP_DEFLATED),
        (b"\xef\xbb\xbf" + _XML + _DTD, zipfile.ZIP_STORED),
    ],
    ids=["plain", "comment-with-markup", "long-comment", "long-pi", "stored-bom"],
)
def test_hostile_dtd_behind_any_prolog_is_refused(
    tmp_path: Path, spec: Spec, prolog: bytes, compression: int
) -> None:
    # The scan reads only each part's prolog; a DTD hidden behind comments and
    # processing instructions, in a deflated or stored part, is still found.
    source = SAMPLES / "example-en.xlsx"
    path = tmp_path / "dtd.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/styles.xml":
                data = prolog + data.split(b"?>", 1)[1]
            new.writestr(info.filename, data, compress_type=compression)
    with pytest.raises(UnreadableWorkbookError, match="DTD") as caught:
        read_workbook(path, spec)
    assert "xl/styles.xml" in str(caught.value) and str(path) in str(caught.value)


def test_hostile_prolog_scan_passes_every_sample(spec: Spec) -> None:
    for path in sorted((SAMPLES / "handmade").glob("*.xlsx")):
        with open_source(path) as source:
            assert source.sheets


_HOSTILE = Path(__file__).resolve().parent.parent / "samples" / "hostile"


@pytest.mark.parametrize("path", sorted(_HOSTILE.iterdir()), ids=lambda p: p.name)
def test_hostile_refusals_are_said_in_chinese_too(path: Path) -> None:
    import json

    from click.testing import CliRunner

    from xltrack.cli import cli

    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json", "--lang", "zh"])
    (book,) = json.loads(result.stdout)["workbooks"]
    if book["error"] is None:
        return  # a hostile file that is still a readable campaign
    reason = book["error"]["message"].split(": ", 1)[1]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in reason), reason


_XML_SPREADSHEETS = {
    # Excel 2003 "XML Spreadsheet", as Excel and many report exporters save it.
    "excel2003.xml": b'<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
    b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"\n'
    b' xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
    b' <Worksheet ss:Name="Tasks"><Table><Row><Cell><Data ss:Type="String">Task'
    b"</Data></Cell></Row></Table></Worksheet>\n</Workbook>\n",
    # The same with a NUL in a cell (the SheetJS corpus has one): still no "binary".
    "excel2003-nul.xls": b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:'
    b'office:spreadsheet"><Worksheet><Table><Row><Cell><Data>\x00</Data></Cell></Row>'
    b"</Table></Worksheet></Workbook>",
    # Flat OpenDocument (.fods), LibreOffice's one-file format.
    "flat.fods": b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n\n<office:document '
    b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    b'office:mimetype="application/vnd.oasis.opendocument.spreadsheet"></office:document>',
}


@pytest.mark.parametrize("name", sorted(_XML_SPREADSHEETS))
def test_hostile_xml_spreadsheet_is_named_as_such_not_text(
    name: str, tmp_path: Path, spec: Spec
) -> None:
    """An XML spreadsheet is refused as the spreadsheet it is, not as "a text/CSV file"."""
    path = tmp_path / name
    path.write_bytes(_XML_SPREADSHEETS[name])
    assert sniff(path) == "xml-sheet"
    with pytest.raises(UnsupportedWorkbookError) as caught:
        read_workbook(path, spec)
    assert str(path) in str(caught.value)
    assert caught.value.reason.startswith("an XML spreadsheet (Excel 2003 XML")
    assert "CSV" not in caught.value.reason


def test_hostile_other_xml_is_still_text(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(
        b'<?xml version="1.0"?>\n<rss><channel><title>Workbook</title></channel></rss>'
    )
    assert sniff(path) == "text"
