"""Issue 9 item 9: the formats teams email (.xls, .xlsb, .ods), macro sheets and Strict OOXML."""

from __future__ import annotations

import datetime as dt
import json
import os
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from libreoffice import SOFFICE, convert
from limits import read_under_1_gb
from pandas.testing import assert_frame_equal

from xltrack.analyze import analyze_workbook
from xltrack.cli import cli
from xltrack.discover import expand_paths
from xltrack.errors import (
    UnreadableWorkbookError,
    UnrecognizedWorkbookError,
    UnsupportedWorkbookError,
)
from xltrack.extent import plan_xlsb_trim
from xltrack.portfolio import analyze_many
from xltrack.reader import read_workbook
from xltrack.source import open_source, workbook_format

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
AS_OF = dt.date(2024, 6, 15)
XLSB = SAMPLES / "formats" / "calamine-date.xlsb"

libreoffice = pytest.mark.libreoffice


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """example-en/zh.xlsx saved by LibreOffice as .xls and .ods (its own cached values)."""
    if SOFFICE is None:
        pytest.skip("soffice is not installed")
    root = tmp_path_factory.mktemp("formats")
    sources = [SAMPLES / "example-en.xlsx", SAMPLES / "example-zh.xlsx"]
    out = {}
    for ext in ("xls", "ods"):
        for path in convert(sources, root / ext, ext):
            out[path.name] = path
    return out


def _flat(path: Path) -> list[tuple[str, str | None, int | None]]:
    analysis = analyze_workbook(path, AS_OF)
    return [(f.code, f.location.sheet, f.location.row) for f in analysis.findings]


@libreoffice
@pytest.mark.parametrize(
    "name", ["example-en.xls", "example-zh.xls", "example-en.ods", "example-zh.ods"]
)
def test_formats_read_like_the_xlsx(converted: dict[str, Path], name: str) -> None:
    original = SAMPLES / (Path(name).stem + ".xlsx")
    path = converted[name]
    assert workbook_format(path) == path.suffix[1:]
    got, want = read_workbook(path, as_of=AS_OF), read_workbook(original, as_of=AS_OF)
    assert got.info == want.info
    for key in ("tasks", "daily", "issues", "evaluation", "goals", "budget_split"):
        # ODS keeps cached values to 15 significant digits: 1.16666666666667
        assert_frame_equal(
            got.tables[key].data, want.tables[key].data, check_exact=False, rtol=1e-12
        )
    assert _flat(path) == _flat(original)


@libreoffice
def test_formats_summarize_writes_a_new_xlsx_and_leaves_the_original(
    converted: dict[str, Path], tmp_path: Path
) -> None:
    source = tmp_path / "plan.ods"
    source.write_bytes(converted["example-zh.ods"].read_bytes())
    before = (source.read_bytes(), os.stat(source).st_mtime_ns)
    result = CliRunner().invoke(
        cli, ["summarize", str(source), "--as-of", "2024-06-15", "--lang", "zh", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    written = tmp_path / "plan.summary.xlsx"
    assert json.loads(result.stdout)["tasks"]["total"] == 3
    assert (source.read_bytes(), os.stat(source).st_mtime_ns) == before
    book = openpyxl.load_workbook(written)
    assert book.sheetnames[-1] == "达成总结"
    # the copy is itself a campaign workbook: it reads back to the same tasks and summary
    again = analyze_workbook(written, AS_OF)
    assert list(again.frames.tasks.data["task_id"]) == ["T001", "T002", "T003"]
    assert (
        again.summary.to_dict()["tasks"]
        == analyze_workbook(source, AS_OF).summary.to_dict()["tasks"]
    )


@libreoffice
def test_formats_summarize_in_place_is_a_usage_error(
    converted: dict[str, Path], tmp_path: Path
) -> None:
    source = tmp_path / "old.xls"
    source.write_bytes(converted["example-en.xls"].read_bytes())
    result = CliRunner().invoke(cli, ["summarize", str(source), "--in-place"])
    assert result.exit_code == 2
    assert ".xls workbook, which xltrack never rewrites" in result.output
    assert "old.summary.xlsx" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.xls"]
    bad_out = CliRunner().invoke(cli, ["summarize", str(source), "-o", str(tmp_path / "x.xls")])
    assert bad_out.exit_code == 2 and "name it .xlsx" in bad_out.output


@libreoffice
def test_formats_batch_includes_them(converted: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("example-en.xls", "example-zh.ods"):
        (folder / name).write_bytes(converted[name].read_bytes())
    (folder / "c.xlsx").write_bytes((SAMPLES / "example-en.xlsx").read_bytes())
    (folder / "d.xlsb").write_bytes(XLSB.read_bytes())
    (folder / "notes.csv").write_text("a,b\n", encoding="utf-8")
    assert sorted(Path(t.path).name for t in expand_paths([folder])) == [
        "c.xlsx",
        "d.xlsb",
        "example-en.xls",
        "example-zh.ods",
    ]
    portfolio = analyze_many([folder], as_of=AS_OF, jobs=1)
    assert len(portfolio.campaigns) == 3
    assert [f["error"]["code"] for f in portfolio.failed] == ["file-unrecognized"]


def test_formats_xlsb_is_read_by_the_engine() -> None:
    with open_source(XLSB) as source:
        assert source.kind == "xlsb"
    with pytest.raises(UnrecognizedWorkbookError, match="none of the five"):
        read_workbook(XLSB)


def _rewrite(
    src: Path, dst: Path, edit: dict[str, tuple[bytes, bytes]], extra: dict[str, bytes]
) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            for part, (old, new) in edit.items():
                if part in ("*", info.filename) and info.filename.endswith((".xml", ".rels")):
                    data = data.replace(old, new)
            zout.writestr(info.filename, data)
        for name, data in extra.items():
            zout.writestr(name, data)
    return dst


_MACRO_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<xm:macrosheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><sheetData>'
    b'<row r="1"><c r="A1"><f>ALERT("hi")</f><v>1</v></c></row>'
    b'<row r="2"><c r="A2"><f>RETURN()</f><v>1</v></c></row></sheetData></xm:macrosheet>'
)


def test_formats_xlsm_with_an_excel4_macro_sheet(tmp_path: Path) -> None:
    # Laid out as Excel saves one (ECMA-376 + MS-XLSX): a hidden xlMacrosheet in workbook.xml.
    content_type = (
        b'<Override PartName="/xl/macrosheets/sheet1.xml" '
        b'ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>'
    )
    relationship = (
        b'<Relationship Id="rIdM1" Type="http://schemas.microsoft.com/office/2006/'
        b'relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/></Relationships>'
    )
    sheet = b'<sheet name="Macro1" sheetId="99" state="hidden" r:id="rIdM1"/></sheets>'
    path = _rewrite(
        SAMPLES / "example-en.xlsx",
        tmp_path / "macro.xlsm",
        {
            "[Content_Types].xml": (b"</Types>", content_type),
            "xl/_rels/workbook.xml.rels": (b"</Relationships>", relationship),
            "xl/workbook.xml": (b"</sheets>", sheet),
        },
        {"xl/macrosheets/sheet1.xml": _MACRO_SHEET},
    )
    with open_source(path) as source:
        assert "Macro1" not in source.sheets
    assert _flat(path) == _flat(SAMPLES / "example-en.xlsx")


def test_formats_strict_ooxml(tmp_path: Path) -> None:
    path = _rewrite(
        SAMPLES / "example-en.xlsx",
        tmp_path / "strict.xlsx",
        {
            "*": (
                b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                b"http://purl.oclc.org/ooxml/spreadsheetml/main",
            )
        },
        {},
    )
    path = _rewrite(
        path,
        tmp_path / "strict2.xlsx",
        {
            "*": (
                b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                b"http://purl.oclc.org/ooxml/officeDocument/relationships",
            )
        },
        {},
    )
    assert b"purl.oclc.org" in zipfile.ZipFile(path).read("xl/workbook.xml")
    assert _flat(path) == _flat(SAMPLES / "example-en.xlsx")


def test_formats_ods_gets_the_zip_checks(tmp_path: Path) -> None:
    path = tmp_path / "bomb.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", b"<a>" + b" " * (300 * 1024 * 1024) + b"</a>")
    with pytest.raises(UnreadableWorkbookError, match="inflate|zip bomb"):
        read_workbook(path)
    dtd = tmp_path / "dtd.ods"
    with zipfile.ZipFile(dtd, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')
    with pytest.raises(UnreadableWorkbookError, match="DTD"):
        read_workbook(dtd)
    text = tmp_path / "text.odt"
    with zipfile.ZipFile(text, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(UnsupportedWorkbookError, match="not a spreadsheet"):
        read_workbook(text)


def test_formats_xls_size_limit_and_non_workbook_ole2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1016
    doc = tmp_path / "letter.xls"
    doc.write_bytes(header + "WordDocument".encode("utf-16-le") + b"\x00" * 1024)
    with pytest.raises(UnsupportedWorkbookError, match="without a workbook stream"):
        read_workbook(doc)
    big = tmp_path / "big.xls"
    big.write_bytes(header + "Workbook".encode("utf-16-le") + b"\x00" * 4096)
    monkeypatch.setattr("xltrack.source.MAX_PART_BYTES", 1024)
    with pytest.raises(UnreadableWorkbookError, match="limit"):
        read_workbook(big)


def test_formats_csv_and_html_renamed_still_refused(tmp_path: Path) -> None:
    for name, data, what in (
        ("a.xls", b"Task ID,Owner\nT1,Li\n", "CSV"),
        ("b.ods", b"<html><table><tr><td>x</td></tr></table></html>", "HTML"),
    ):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(UnsupportedWorkbookError, match=what):
            read_workbook(tmp_path / name)


_OLD_SPREADSHEETS = [
    # The first bytes of files in SheetJS/test_files (crlf/, artifacts/quattro/), which
    # were refused as "not a workbook (unknown binary content)" or, for Quattro Pro's
    # OLE2 notebooks, as "a .doc or .ppt?".
    ("CRLFX5_2.XLS", bytes.fromhex("09000400070010000b020c00"), "Excel 2.x-4.0 worksheet"),
    ("CRLFX5_4.XLS", bytes.fromhex("09040600000010006c095c00"), "Excel 2.x-4.0 worksheet"),
    ("plan.wk1", bytes.fromhex("000002000604060010000000"), "Lotus 1-2-3, Quattro Pro"),
    ("plan.wk4", bytes.fromhex("00001a000210040000000000"), "Lotus 1-2-3, Quattro Pro"),
    ("plan.wq1", bytes.fromhex("000002002051cc0002000004"), "Lotus 1-2-3, Quattro Pro"),
    ("works.wks", bytes.fromhex("ff0002000404055402007553"), "Lotus 1-2-3, Quattro Pro"),
    (
        "plan.qpw",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 1016
        + "NativeContent_MAIN".encode("utf-16-le"),
        "Quattro Pro notebook",
    ),
]


@pytest.mark.parametrize(("name", "head", "what"), _OLD_SPREADSHEETS, ids=lambda v: str(v)[:12])
def test_formats_old_spreadsheet_formats_are_named(
    name: str, head: bytes, what: str, tmp_path: Path
) -> None:
    path = tmp_path / name
    path.write_bytes(head + bytes(range(256)) * 8)
    with pytest.raises(UnsupportedWorkbookError) as caught:
        read_workbook(path)
    assert str(path) in str(caught.value)
    assert what in caught.value.reason
    assert caught.value.reason.endswith("(save it from Excel as .xlsx)") or "qpw" in name
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json", "--lang", "zh"])
    assert result.exit_code == 3
    message = json.loads(result.stdout)["workbooks"][0]["error"]["message"]
    assert "不读取此格式" in message


def test_formats_binary_that_only_starts_like_lotus_stays_unknown(tmp_path: Path) -> None:
    path = tmp_path / "blob.xls"
    path.write_bytes(b"\x00\x00\x02\x00\x99\x99" + bytes(range(256)))
    with pytest.raises(UnreadableWorkbookError, match="unknown binary content"):
        read_workbook(path)


@libreoffice
@pytest.mark.parametrize(("ext", "ref"), [("ods", "AZ1048576"), ("xls", "IV65536")])
def test_formats_far_cell_under_memory_limit(tmp_path: Path, ext: str, ref: str) -> None:
    # python-calamine expands .ods and .xls on opening: AZ1048576 in an .ods aborted it
    # even under 4 GB; IV65536 in an .xls took 1.3 GB and aborted under 1 GB.
    if SOFFICE is None:
        pytest.skip("soffice is not installed")
    book = openpyxl.load_workbook(SAMPLES / "example-en.xlsx")
    book["Tasks"][ref] = "stray"
    book.save(tmp_path / "far.xlsx")
    (converted,) = convert([tmp_path / "far.xlsx"], tmp_path / ext, ext)
    result = read_under_1_gb(converted)
    column = ref.rstrip("0123456789")
    assert (result["tasks"], result["far"]) == (
        ["T001", "T002", "T003"],
        [["Tasks", column, int(ref[len(column) :])]],
    )


def test_formats_small_xls_far_cell_under_memory_limit() -> None:
    # A Workbook stream under 4096 bytes lives in the OLE2 mini stream, which the far
    # cell walk skipped as "too small to hold a far cell worth cutting": one cell moved
    # to IV65536 in SheetJS's 6.6 KB minimal_112.xls hung or aborted the engine under
    # 1 GB ("memory allocation failed"). It is now cut like any other.
    from xltrack.biff import plan_xls_trim

    path = SAMPLES / "formats" / "sheetjs-minimal-far-cell.xls"
    trim = plan_xls_trim(path.read_bytes())
    assert trim is not None
    assert (trim.dropped, trim.boxes) == ({"Sheet 1": ["IV65536"]}, {"Sheet 1": "A1:B3"})
    assert read_under_1_gb(path) == {"campaign": False}  # read, and refused as no campaign


def test_formats_zip_with_backslash_paths(tmp_path: Path) -> None:
    # Some Windows tools write part names as xl\\worksheets\\sheet1.xml; Excel opens them.
    path = tmp_path / "windows.xlsx"
    with (
        zipfile.ZipFile(SAMPLES / "example-en.xlsx") as zin,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            zout.writestr(info.filename.replace("/", "\\"), zin.read(info.filename))
    with open_source(path) as source:
        part = source.sheets["Tasks"]
        assert part.startswith("xl/worksheets/") and source.has_part(part)
    assert _flat(path) == _flat(SAMPLES / "example-en.xlsx")


def test_formats_xlsb_far_cell_blanked_under_memory_limit(tmp_path: Path) -> None:
    # A BrtRowHdr for row 1,048,576 and a BrtCellReal in column XFD, before BrtEndSheetData:
    # unguarded, the engine asks for 512 GB and aborts (AZ: 2.3 GB and 20 s).
    far = (
        b"\x00\x04" + struct.pack("<I", 1048575) + b"\x05\x10" + struct.pack("<IId", 16383, 0, 1.0)
    )
    path = tmp_path / "far.xlsb"
    with zipfile.ZipFile(XLSB) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.bin":
                end = data.index(b"\x92\x01\x00")  # BrtEndSheetData
                sheet = data = data[:end] + far + data[end:]
            zout.writestr(info, data)
    trim = plan_xlsb_trim(sheet)
    assert trim is not None and trim.dropped == ["XFD1048576"] and trim.box == "A1:B3"
    assert read_under_1_gb(path) == {"campaign": False}  # read, and refused as no campaign


@pytest.mark.parametrize(
    "name",
    [
        # BIFF8 with XOR obfuscation: the engine reads it as plain and fails on the
        # scrambled CODEPAGE record; it was called "corrupt (Codepage D7D4 not found)".
        "sheetjs-password-xor.xls",
        # RC4, its Workbook stream kept in the OLE2 mini stream (under 4096 bytes).
        "sheetjs-password-rc4-small.xls",
    ],
)
def test_formats_password_protected_xls_is_called_encrypted(name: str) -> None:
    from xltrack.biff import xls_encrypted

    path = SAMPLES / "formats" / name
    assert xls_encrypted(path.read_bytes())
    with pytest.raises(UnreadableWorkbookError) as caught:
        read_workbook(path)
    assert str(path) in str(caught.value)
    assert caught.value.reason.startswith("the workbook is encrypted")
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json", "--lang", "zh"])
    assert result.exit_code == 3
    assert "加密" in json.loads(result.stdout)["workbooks"][0]["error"]["message"]


def test_formats_plain_xls_is_not_called_encrypted(tmp_path: Path) -> None:
    from xltrack.biff import xls_encrypted

    assert not xls_encrypted(b"")
    assert not xls_encrypted(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)


def _with_code_page(tmp_path: Path, value: int) -> Path:
    """SheetJS's biff5/merge_cells.xls (Excel 5, code page 1252) with CODEPAGE `value`."""
    from xltrack.biff import _records, _workbook_stream

    data = bytearray((SAMPLES / "formats" / "sheetjs-biff5-merge-cells.xls").read_bytes())
    found = _workbook_stream(bytes(data))
    assert found is not None
    stream, offsets, sector = found
    pos = 0
    while True:
        typ, length, body = _records(stream, pos)
        if typ == 0x0042:
            break
        pos = body + length
    at = offsets[body // sector] + body % sector  # the record does not cross a sector
    struct.pack_into("<H", data, at, value)
    path = tmp_path / f"cp{value}.xls"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("value", [0x8001, 0x8000, 367])
def test_formats_xls_code_page_synonyms_are_read(value: int, tmp_path: Path) -> None:
    # Quattro Pro writes CODEPAGE 0x8001 (MS-XLS: Windows-1252); python-calamine knows
    # only 1252 and the file was refused as "corrupt (Codepage 8001 not found)".
    import io

    import python_calamine

    from xltrack.biff import plan_xls_trim

    path = _with_code_page(tmp_path, value)
    trim = plan_xls_trim(path.read_bytes())
    assert trim is not None and not trim.dropped
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(trim.data))
    first = ["A1:B2", "", "C1:C2", "Separate blocks"]
    assert book.get_sheet_by_name("Merge").to_python()[0] == first
    with pytest.raises(UnrecognizedWorkbookError):
        read_workbook(path)


def test_formats_xls_unknown_code_page_is_said_plainly(tmp_path: Path) -> None:
    path = _with_code_page(tmp_path, 437)  # IBM PC: no encoding the engine has
    with pytest.raises(UnreadableWorkbookError) as caught:
        read_workbook(path)
    assert str(path) in str(caught.value)
    assert caught.value.reason.startswith("the workbook's text encoding (code page 437)")
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json", "--lang", "zh"])
    assert "代码页 437" in json.loads(result.stdout)["workbooks"][0]["error"]["message"]


def _xlsb_with_macro_sheet(path: Path) -> Path:
    """calamine-date.xlsb with an Excel 4 macro sheet "Macro1" listed after its sheet."""
    macro_rel = "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet"
    with zipfile.ZipFile(XLSB) as zin, zipfile.ZipFile(path, "w") as zout:
        sheet = zin.read("xl/worksheets/sheet1.bin")
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.bin":
                rid, name = "rId9".encode("utf-16-le"), "Macro1".encode("utf-16-le")
                body = struct.pack("<II", 0, 2) + struct.pack("<I", 4) + rid
                body += struct.pack("<I", 6) + name
                at = data.index(b"\x9c\x01")  # the first BrtBundleSh
                size = data[at + 2]  # one-byte size (under 128)
                data = (
                    data[: at + 3 + size]
                    + b"\x9c\x01"
                    + bytes([len(body)])
                    + body
                    + data[at + 3 + size :]
                )
            elif info.filename == "xl/_rels/workbook.bin.rels":
                rel = (
                    f'<Relationship Id="rId9" Type="{macro_rel}" Target="macrosheets/sheet1.bin"/>'
                )
                data = data.replace(b"</Relationships>", rel.encode() + b"</Relationships>")
            zout.writestr(info.filename, data)
        zout.writestr("xl/macrosheets/sheet1.bin", sheet)
    return path


def test_formats_xlsb_with_an_excel4_macro_sheet_is_read(tmp_path: Path) -> None:
    # SheetJS's BlankSheetTypes.xlsb was refused as "the workbook is corrupt
    # (CalamineError: Unrecognized BoundSheet8:dt: xl/macrosheets/sheet1.bin)"; the
    # engine refuses macro sheets in .xlsb as in .xlsx, where they were already left out.
    path = _xlsb_with_macro_sheet(tmp_path / "macro.xlsb")
    with open_source(path) as source:
        assert list(source.binary_sheets) == ["Sheet1"]
    with pytest.raises(UnrecognizedWorkbookError):
        read_workbook(path)
