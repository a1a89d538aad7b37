"""Issue 9 item 8: memory and time follow the cells present; every failure is an XltrackError."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from limits import read_under_1_gb

from xltrack.analyze import analyze_workbook
from xltrack.errors import UnreadableWorkbookError
from xltrack.extent import plan_trim
from xltrack.reader import read_workbook
from xltrack.source import open_source
from xltrack.spec import Spec

SAMPLES = Path(__file__).resolve().parent.parent / "samples"

AS_OF = dt.date(2024, 6, 15)


def test_formula_without_cached_value_below_the_grid(tmp_path: Path, spec: Spec) -> None:
    # openpyxl stores "=0" with no cached value: the engine's grid ends above it.
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    assert sheet is not None
    for c, col in enumerate(spec.table("campaign").columns, start=1):
        sheet.cell(1, c, col.label.zh)
    sheet.cell(2, 1, "=0")
    sheet.cell(2, 3, "Li")  # owner
    tasks = wb.create_sheet("Tasks")  # evidence that this is a campaign
    tasks.append(["Task ID", "Task", "Owner", "Start", "End", "Status"])
    tasks.append(["T1", "Poster", "Li", dt.datetime(2024, 6, 1), dt.datetime(2024, 6, 5), "Done"])
    wb.save(tmp_path / "f.xlsx")
    frames = read_workbook(tmp_path / "f.xlsx", spec, as_of=AS_OF)
    assert frames.info["name"] == "0"


def _far_workbook(tmp_path: Path, ref: str, name: str = "far.xlsx") -> Path:
    book = openpyxl.load_workbook(SAMPLES / "example-en.xlsx")
    book["Tasks"][ref] = "stray"
    book.save(tmp_path / name)
    return tmp_path / name


def _part(path: Path, sheet: str) -> str:
    with open_source(path) as source:
        return source.sheets[sheet]


def _rewrite_part(src: Path, dst: Path, part: str, old: bytes, new: bytes) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                assert old in data
                data = data.replace(old, new, 1)
            zout.writestr(info.filename, data)
    return dst


def test_far_cell_xfd_read_under_memory_limit(tmp_path: Path) -> None:
    # XFD1048576 used to abort the process inside the engine; under 1 GB it must read.
    path = _far_workbook(tmp_path, "XFD1048576")
    result = read_under_1_gb(path)
    assert (result["tasks"], result["far"]) == (
        ["T001", "T002", "T003"],
        [["Tasks", "XFD", 1048576]],
    )


@pytest.mark.parametrize("ref", ["AZ1048576", "CV1048576", "ZZ900000"])
def test_far_cell_ignored_with_finding(tmp_path: Path, spec: Spec, ref: str) -> None:
    plain = analyze_workbook(SAMPLES / "example-en.xlsx", AS_OF, spec)
    far = analyze_workbook(_far_workbook(tmp_path, ref), AS_OF, spec)
    found = [f for f in far.findings if f.code == "cell-far-ignored"]
    assert [(f.location.sheet, f"{f.location.column}{f.location.row}") for f in found] == [
        ("Tasks", ref)
    ]
    assert ref in found[0].message()
    assert far.frames.tasks.data.drop(columns="row").equals(
        plain.frames.tasks.data.drop(columns="row")
    )
    rest = [(f.code, f.location.sheet, f.location.row) for f in far.findings if f not in found]
    assert rest == [(f.code, f.location.sheet, f.location.row) for f in plain.findings]


def test_far_cell_behind_a_lying_dimension(tmp_path: Path) -> None:
    far = _far_workbook(tmp_path, "XFD1048576")
    liar = _rewrite_part(
        far,
        tmp_path / "liar.xlsx",
        _part(far, "Tasks"),
        b'<dimension ref="A1:XFD1048576"',
        b'<dimension ref="A1:L6"',
    )
    frames = read_workbook(liar, as_of=AS_OF)
    assert [f.code for f in frames.load_findings].count("cell-far-ignored") == 1


def test_plan_trim_leaves_dense_sheets_alone() -> None:
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c><c r="L%d"><v>2</v></c></row>' % (r, r, r)
        for r in range(1, 2001)
    )
    xml = b'<worksheet><dimension ref="A1:L2000"/><sheetData>' + rows + b"</sheetData></worksheet>"
    assert plan_trim(xml) is None
    far = xml.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>3</v></c></row></sheetData>'
    )
    trim = plan_trim(far)
    assert trim is not None and trim.dropped == ["XFD1048576"] and trim.box == "A1:L2000"
    assert b"XFD" not in trim.xml and trim.xml.count(b"<c ") == 4000


def test_deep_formula_is_a_finding(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(SAMPLES / "example-en.xlsx")
    book["Campaign"]["B9"] = "=" + "ABS(" * 150 + "1" + ")" * 150
    book["Campaign"]["B3"] = "=1" + "+1" * 3000
    book.save(tmp_path / "deep.xlsx")
    frames = read_workbook(tmp_path / "deep.xlsx", as_of=AS_OF)
    reasons = sorted(
        str(f.params["reason"]) for f in frames.load_findings if f.code == "formula-unevaluated"
    )
    assert reasons == ["nested 150 levels deep (Excel allows 64)", "too deeply nested to evaluate"]


def test_infinite_stamp_version_is_no_version(tmp_path: Path) -> None:
    example = SAMPLES / "example-en.xlsx"
    path = _rewrite_part(
        example,
        tmp_path / "inf.xlsx",
        _part(example, "_xltrack"),
        b'<c r="B2"><v>1</v></c>',
        b'<c r="B2"><v>1e999</v></c>',
    )
    frames = read_workbook(path, as_of=AS_OF)
    assert frames.template_version is None  # a number, but no version (was OverflowError)


def test_odd_zip_compression_is_unreadable(tmp_path: Path) -> None:
    data = bytearray((SAMPLES / "example-en.xlsx").read_bytes())
    # Compression method 93 (Zstandard) in the central directory entry of the first part.
    central = data.find(b"PK\x01\x02")
    data[central + 10 : central + 12] = (93).to_bytes(2, "little")
    path = tmp_path / "odd.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableWorkbookError, match="compression method 93"):
        read_workbook(path, as_of=AS_OF)


def test_plan_trim_sees_a_far_column_behind_a_dimension_that_agrees_with_the_rows() -> None:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(1, 300))
    stray = b'<row r="300"><c r="A300"><v>1</v></c><c r="XFD300"><v>2</v></c></row>'
    xml = (
        b'<worksheet><dimension ref="A1:A300"/><sheetData>'
        + rows
        + stray
        + b"</sheetData></worksheet>"
    )
    trim = plan_trim(xml)
    assert trim is not None and trim.dropped == ["XFD300"] and trim.box == "A1:A300"


def test_far_cell_and_a_cell_the_engine_panics_on(tmp_path: Path) -> None:
    # The engine panics on a date-formatted -1e15 and openpyxl reads the sheet instead:
    # it must read only the box kept, not 1,048,576 x 16,384 cells.
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    assert sheet is not None
    sheet.append(["Task ID", "Task", "Owner", "End", "Status"])
    sheet.append(["T1", "Posters", "Bo", -1e15, "Done"])
    sheet["D2"].number_format = "yyyy-mm-dd"
    sheet.append(["T2", "Print", "Cy", "2024-06-08", "Done"])
    sheet["XFD1048576"] = "stray"
    book.save(tmp_path / "both.xlsx")
    codes = read_under_1_gb(tmp_path / "both.xlsx")["codes"]
    assert {"cell-far-ignored", "cell-unparsed"} <= set(codes)
