"""Nothing lost: adding the summary sheet keeps every other part of the package.

Workbooks holding values, formulas, styles, conditional formats (2010 data
bars, icon sets), validation, defined names, comments, a chart, an image, a
text box, a pivot table, a hidden sheet and VBA are summarized; the packages
are then compared part by part, and LibreOffice opens and recalculates them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import warnings
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import openpyxl
import pytest
from conftest import ROOT
from defusedxml import ElementTree
from libreoffice import needs_soffice, recalculate
from workbooks import build_openpyxl, build_rich

import xltrack
from xltrack import inject, marker
from xltrack.analyze import analyze_workbook
from xltrack.errors import OutputError, UnreadableWorkbookError, XltrackError
from xltrack.sheetparts import render_layout
from xltrack.spec import load_spec
from xltrack.summary import Summary
from xltrack.summary_sheet import layout_summary, write_summary

AS_OF = dt.date(2024, 6, 15)
# The parts that must change to register a sheet; everything else is byte-identical.
REGISTRY = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}
SUMMARY_PART = re.compile(
    r"xl/(worksheets/sheet\d+\.xml|worksheets/_rels/sheet\d+\.xml\.rels|drawings/drawing\d+\.xml"
    r"|drawings/_rels/drawing\d+\.xml\.rels|charts/chart\d+\.xml"
    r"|styles\.xml)"  # only new when the package had no styles part
)
HANDMADE = sorted((ROOT / "samples" / "handmade").glob("*.xlsx"))
HOSTILE = sorted((ROOT / "samples" / "hostile").glob("*.xls*"))
BUILDERS = {"rich.xlsx": build_rich, "rich.xlsm": build_rich, "openpyxl.xlsx": build_openpyxl}


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Summary]]:
    folder = tmp_path_factory.mktemp("made")
    result = {}
    for name, build in BUILDERS.items():
        path = build(folder / name)
        result[name] = (path, analyze_workbook(path, AS_OF).summary)
    return result


def fresh(made: dict[str, tuple[Path, Summary]], name: str, folder: Path) -> tuple[Path, Summary]:
    path, summary = made[name]
    copy = folder / path.name
    shutil.copy2(path, copy)
    return copy, summary


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def elements(data: bytes) -> Counter[tuple[Any, ...]]:
    """Every element as (ancestor tags, tag, attributes but count, text): a multiset."""
    found: Counter[tuple[Any, ...]] = Counter()

    def walk(el: Any, path: tuple[str, ...]) -> None:
        attrs = tuple(sorted((k, v) for k, v in el.attrib.items() if k != "count"))
        found[(path, el.tag, attrs, (el.text or "").strip())] += 1
        for child in el:
            walk(child, (*path, el.tag))

    walk(ElementTree.fromstring(data), ())
    return found


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def by_sheet_name(data: bytes) -> bytes:
    """workbook.xml with sheet-local names keyed by sheet name, not position.

    A sheet inserted before others moves their positions: the names must follow.
    """
    if b"<sheets" not in data and b":sheets" not in data:
        return data
    names = sheet_entries(data)
    return re.sub(
        rb'localSheetId="(\d+)"',
        lambda m: b'localSheetId="' + names[int(m.group(1))].encode() + b'"',
        data,
    )


def sheet_entries(data: bytes) -> list[str]:
    root = ElementTree.fromstring(data)
    return [el.get("name", "") for el in root.iter() if local(el.tag) == "sheet"]


def assert_only_gained(before: dict[str, bytes], after: dict[str, bytes], sheet: str) -> None:
    """Untouched parts byte-identical; registry parts only gain the summary's entries."""
    new_parts = set(after) - set(before)
    assert all(SUMMARY_PART.fullmatch(p) for p in new_parts), new_parts
    for name, data in before.items():
        assert name in after, f"{name} was dropped"
        if name not in REGISTRY:
            assert after[name] == data, f"{name} changed"
            continue
        old, new = elements(by_sheet_name(data)), elements(by_sheet_name(after[name]))
        assert not old - new, f"{name} lost {old - new}"
        for path, tag, attrs, _text in (new - old).elements():
            where = [local(t) for t in (*path, tag)]
            attr = dict(attrs)
            if name == "xl/workbook.xml":  # the sheet, and the marker that names it
                if where[-1] == "definedName":
                    assert attr == {"name": "_xltrack_summary", "hidden": "1"}
                    assert _text == f"'{sheet}'!$A$1"
                elif where[-1] != "definedNames":
                    assert where[-1] == "sheet" and attr["name"] == sheet
            elif name == "xl/_rels/workbook.xml.rels":
                assert attr["Target"].lstrip("/").removeprefix("xl/") in {
                    p.removeprefix("xl/") for p in new_parts
                }
            elif name == "[Content_Types].xml":
                assert attr["PartName"].lstrip("/") in new_parts
            else:  # styles: only entries of the lists a cell format is built from
                assert where[1] in {"numFmts", "fonts", "fills", "borders", "cellXfs"}, where
    # Stronger still: the registry texts are the old texts plus insertions, byte for byte
    # (prefixes, mc:Ignorable, attribute order, whitespace untouched).
    news = "|".join(re.escape(p.removeprefix("xl/")) for p in new_parts)
    plain = {
        "xl/workbook.xml": rf'<(\w+:)?sheet name="{re.escape(sheet)}"[^>]*/>',
        "xl/_rels/workbook.xml.rels": (
            rf'<Relationship Id="\w+" Type="[^"]+" Target="/?(xl/)?({news})"/>'
        ),
        "[Content_Types].xml": rf'<Override PartName="/xl/({news})" [^>]*/>',
    }
    marker = r'<(\w+:)?definedName name="_xltrack_summary" hidden="1">[^<]*</(\w+:)?definedName>'
    plain["xl/workbook.xml"] += "|" + marker
    for name, added in plain.items():
        if name in before and before[name] != after[name]:
            text, old_text = after[name], before[name]
            if name == "xl/workbook.xml":  # sheet-local names follow their sheets
                text, old_text = by_sheet_name(text), by_sheet_name(old_text)
            empty = r"<(\w+:)?definedNames(\s*/>|\s*></(\w+:)?definedNames>)"
            got = re.sub(empty, "", re.sub(added, "", text.decode()))
            assert got == re.sub(empty, "", old_text.decode()), name
    if "xl/styles.xml" in before:
        for section in ("fonts", "fills", "borders", "cellXfs"):
            old_list = _children(before["xl/styles.xml"], section)
            assert _children(after["xl/styles.xml"], section)[: len(old_list)] == old_list


def _children(styles: bytes, section: str) -> list[bytes]:
    root = ElementTree.fromstring(styles)
    block = next(el for el in root if local(el.tag) == section)
    return [ElementTree.tostring(child) for child in block]


@pytest.mark.parametrize("name", list(BUILDERS))
def test_inject_keeps_every_other_part(
    made: dict[str, tuple[Path, Summary]], name: str, tmp_path: Path
) -> None:
    path, summary = fresh(made, name, tmp_path)
    before = parts(path)
    out = write_summary(path, summary)
    assert out == path.with_name(f"{path.stem}.summary{path.suffix}")
    assert parts(path) == before  # the input itself is never touched
    after = parts(out)
    assert_only_gained(before, after, "Achievement summary")
    assert sheet_entries(after["xl/workbook.xml"])[-1] == "Achievement summary"
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(out) as zout:
        assert zout.testzip() is None
        for info in zin.infolist():  # untouched parts are copied compressed, as they were
            if info.filename not in REGISTRY:
                copied = zout.getinfo(info.filename)
                assert (copied.CRC, copied.compress_size) == (info.CRC, info.compress_size)
    if name == "rich.xlsm":
        assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    if name.startswith("rich"):
        kinds = {
            "pivotTables/pivotTable1.xml",
            "pivotCache/pivotCacheDefinition1.xml",
            "comments1.xml",
            "drawings/vmlDrawing1.vml",
            "media/image1.png",
            "charts/chart1.xml",
        }
        assert {f"xl/{k}" for k in kinds} <= set(after)


def test_inject_second_run_replaces_the_sheet(
    made: dict[str, tuple[Path, Summary]], tmp_path: Path
) -> None:
    path, summary = fresh(made, "rich.xlsx", tmp_path)
    first = write_summary(path, summary)
    once = parts(first)
    again = write_summary(first, summary, in_place=True, lang="zh")
    assert again == first
    twice = parts(first)
    names = sheet_entries(twice["xl/workbook.xml"])
    assert names.count("达成总结") == 1 and "Achievement summary" not in names
    assert len(names) == len(sheet_entries(once["xl/workbook.xml"]))
    assert set(twice) == set(once)  # old drawing and charts replaced, none left behind
    for part, data in once.items():
        if part not in REGISTRY and not SUMMARY_PART.fullmatch(part):
            assert twice[part] == data, part
    assert twice["xl/_rels/workbook.xml.rels"] == once["xl/_rels/workbook.xml.rels"]
    third = parts(write_summary(first, summary, in_place=True, lang="zh"))
    assert third == twice  # stable: nothing accumulates in styles or content types


def load(path: Path, **kwargs: Any) -> Any:
    """openpyxl as a reader of values, quiet about the parts it cannot model
    (x14 extensions, shapes: the reason inject.py exists)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return openpyxl.load_workbook(path, **kwargs)


def summary_cells(path: Path, sheet: str = "Achievement summary") -> dict[str, Any]:
    book = load(path)
    return {c.coordinate: c for row in book[sheet].iter_rows() for c in row if c.value is not None}


def test_inject_text_from_the_workbook_stays_text(
    made: dict[str, tuple[Path, Summary]], tmp_path: Path
) -> None:
    path, summary = fresh(made, "rich.xlsx", tmp_path)
    out = write_summary(path, summary)
    cells = summary_cells(out)
    formulas = [c for c in cells.values() if c.data_type == "f"]
    assert formulas == []
    values = {c.value: c.data_type for c in cells.values()}
    assert values['=HYPERLINK("http://example.com","KOL")'] == "s"
    assert values["=cmd|' /C calc'!A0"] == "s"
    sheet_xml = [d for p, d in parts(out).items() if p.startswith("xl/worksheets/sheet")][-1]
    assert b"<f>" not in sheet_xml and b"<f " not in sheet_xml


def test_inject_in_place_keeps_a_backup(
    made: dict[str, tuple[Path, Summary]], tmp_path: Path
) -> None:
    path, summary = fresh(made, "rich.xlsm", tmp_path)
    original = path.read_bytes()
    assert write_summary(path, summary, in_place=True) == path
    assert (tmp_path / "rich.bak.xlsm").read_bytes() == original
    assert_only_gained(parts(tmp_path / "rich.bak.xlsm"), parts(path), "Achievement summary")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rich.bak.xlsm", "rich.xlsm"]


def test_inject_refuses_while_excel_has_the_file_open(
    made: dict[str, tuple[Path, Summary]], tmp_path: Path
) -> None:
    path, summary = fresh(made, "rich.xlsx", tmp_path)
    original = path.read_bytes()
    (tmp_path / "~$rich.xlsx").write_bytes(b"owner")
    with pytest.raises(OutputError, match="open in Excel"):
        write_summary(path, summary, in_place=True)
    assert path.read_bytes() == original
    assert not (tmp_path / "rich.bak.xlsx").exists()


@pytest.mark.parametrize("fail_at", ["write", "replace"])
def test_inject_failure_leaves_the_original_intact(
    made: dict[str, tuple[Path, Summary]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fail_at: str,
) -> None:
    path, summary = fresh(made, "rich.xlsx", tmp_path)
    original = path.read_bytes()
    calls = {"n": 0}
    real_writestr = zipfile.ZipFile.writestr

    def broken_writestr(self: zipfile.ZipFile, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(28, "No space left on device")
        real_writestr(self, *args, **kwargs)

    def broken_replace(*args: Any) -> None:
        raise PermissionError(13, "Permission denied")

    sheet = render_layout(layout_summary(summary))  # XlsxWriter zips too: draw before breaking
    if fail_at == "write":
        monkeypatch.setattr(zipfile.ZipFile, "writestr", broken_writestr)
    else:
        monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OutputError) as err:
        inject.add_sheet(path, sheet, in_place=True)
    assert isinstance(err.value, OSError)
    assert calls["n"] == 5 or fail_at == "replace"
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir() if p.name != "rich.bak.xlsx"] == ["rich.xlsx"]


def test_inject_output_choices(made: dict[str, tuple[Path, Summary]], tmp_path: Path) -> None:
    path, summary = fresh(made, "rich.xlsm", tmp_path)
    assert write_summary(path, summary).name == "rich.summary.xlsm"
    with pytest.raises(OutputError, match="xlsm"):
        write_summary(path, summary, out=tmp_path / "lost-macros.xlsx")
    with pytest.raises(OutputError):
        write_summary(path, summary, out=tmp_path / "x.xlsm", in_place=True)
    with pytest.raises(OutputError):
        write_summary(path, summary, out=tmp_path / "no-such-folder" / "x.xlsm")
    assert not (tmp_path / "lost-macros.xlsx").exists()


def test_inject_rejects_a_file_that_is_not_a_package(
    tmp_path: Path, made: dict[str, tuple[Path, Summary]]
) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(UnreadableWorkbookError, match="bad.xlsx"):
        write_summary(bad, made["rich.xlsx"][1])


def test_inject_into_a_workbook_with_prefixed_xml(
    made: dict[str, tuple[Path, Summary]], tmp_path: Path
) -> None:
    """Some generators (OpenXML SDK) write `x:`-prefixed SpreadsheetML."""
    path, summary = fresh(made, "openpyxl.xlsx", tmp_path)
    files = parts(path)
    main = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    for name in ("xl/workbook.xml", "xl/styles.xml"):
        text = files[name].decode()
        text = re.sub(r"<(/?)(?![?!])(?![\w]+:)(\w+)", r"<\1x:\2", text)
        files[name] = text.replace(
            main.decode(), main.decode().replace("xmlns=", "xmlns:x=")
        ).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    out = write_summary(path, summary)
    after = parts(out)
    assert_only_gained(files, after, "Achievement summary")
    assert b'<x:sheet name="Achievement summary"' in after["xl/workbook.xml"]
    assert load(out)["Achievement summary"]["B2"].value == "Spring"


@needs_soffice
def test_inject_libreoffice_opens_it_and_computes_the_same(
    made: dict[str, tuple[Path, Summary]], tmp_path: Path
) -> None:
    sources, outputs = [], []
    cases = [made[name] for name in BUILDERS]
    cases += [(p, analyze_workbook(p, AS_OF).summary) for p in HANDMADE]
    for i, (original, summary) in enumerate(cases):
        path = tmp_path / f"{i}-{original.name}"  # LibreOffice names its output by stem only
        shutil.copy2(original, path)
        sources.append(path)
        outputs.append(write_summary(path, summary, lang="zh"))
    computed = recalculate(sources + outputs, tmp_path / "lo")
    for before, after in zip(computed[: len(sources)], computed[len(sources) :], strict=True):
        assert before != after
        old = load(before, data_only=True)
        new = load(after, data_only=True)
        assert [n for n in new.sheetnames if n != "达成总结"] == old.sheetnames
        # Right after the Dashboard, else after the last visible sheet (never behind
        # hidden ones); print titles and areas stay with their sheets.
        visible = [i for i, ws in enumerate(old) if ws.sheet_state == "visible"]
        dashboard = [i for i, n in enumerate(old.sheetnames) if n in ("Dashboard", "仪表盘")]
        expected = dashboard[0] + 1 if dashboard else visible[-1] + 1
        assert new.sheetnames.index("达成总结") == expected
        for ws in old:
            assert new[ws.title].print_title_rows == ws.print_title_rows, ws.title
            assert new[ws.title].print_area == ws.print_area, ws.title
        for ws in old.worksheets:
            values = [[c.value for c in row] for row in ws.iter_rows()]
            assert values == [[c.value for c in row] for row in new[ws.title].iter_rows()], ws.title
        assert new["达成总结"]["A1"].value == "达成总结"
    rich = load(computed[len(sources)], data_only=True)
    assert rich["Evaluation"]["D2"].value == pytest.approx(350000 / 300000)
    assert rich["Notes"].sheet_state == "hidden"
    assert rich["Tasks"].data_validations.dataValidation
    assert rich.defined_names["Rate"].attr_text == "Notes!$A$2"
    # LibreOffice understood and saved back what it found: the pivot table, the
    # user's chart and our three, the comment, the image.
    saved = set(parts(computed[len(sources)]))
    assert {"xl/pivotTables/pivotTable1.xml", "xl/comments1.xml", "xl/media/image1.png"} <= saved
    assert len([p for p in saved if p.startswith("xl/charts/chart")]) == 4
    assert os.path.getsize(computed[len(sources)]) > 0


_MINIMAL = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxml'
        'formats.org/officeDocument/2006/relationships/officeDocument" Target="/xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets><sheet name="Data" sheetId="5" r:id="r1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
        '.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxml'
        'formats.org/officeDocument/2006/relationships/worksheet" '
        'Target="/xl/worksheets/sheet1.xml"/></Relationships>'
    ),
    "xl/worksheets/sheet1.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>42</v></c></row></sheetData>'
        "</worksheet>"
    ),
}


def test_inject_into_a_minimal_package_without_styles(
    made: dict[str, tuple[Path, Summary]], tmp_path: Path
) -> None:
    """No styles part, absolute relationship targets, a sheetId that is not 1."""
    path = tmp_path / "minimal.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for name, text in _MINIMAL.items():
            z.writestr(name, text)
    out = write_summary(path, made["rich.xlsx"][1])
    after = parts(out)
    assert after["xl/worksheets/sheet1.xml"] == _MINIMAL["xl/worksheets/sheet1.xml"].encode()
    assert b'sheetId="6"' in after["xl/workbook.xml"]
    assert b"/styles" in after["xl/_rels/workbook.xml.rels"]
    ids = re.findall(rb'Id="(\w+)"', after["xl/_rels/workbook.xml.rels"])
    assert len(ids) == len(set(ids)) == 3
    book = load(out)
    assert book.sheetnames == ["Data", "Achievement summary"]
    assert book["Data"]["A1"].value == 42
    assert book["Achievement summary"]["A1"].font.b


def test_inject_replacing_a_sheet_with_formulas_drops_the_stale_calc_chain(
    made: dict[str, tuple[Path, Summary]], tmp_path: Path
) -> None:
    path, summary = fresh(made, "openpyxl.xlsx", tmp_path)
    files = parts(path)
    book = openpyxl.load_workbook(path)
    book.create_sheet("达成总结")["A1"] = "=1+1"  # a user typed into an old summary sheet
    book.save(path)
    files = parts(path)
    # marked as xltrack's summary (a sheet is never recognised by its name)
    files["xl/workbook.xml"] = marker.set_marker(
        files["xl/workbook.xml"].decode(), marker.SUMMARY_MARKER, "达成总结"
    ).encode()
    chain = (
        '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<c r="G2" i="2"/><c r="A1" i="3"/></calcChain>'
    )
    files["xl/calcChain.xml"] = chain.encode()
    files["xl/_rels/workbook.xml.rels"] = files["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId77" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>',
    )
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>',
    )
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    after = parts(write_summary(path, summary))
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in after["[Content_Types].xml"]
    assert sheet_entries(after["xl/workbook.xml"]) == ["Campaign", "Tasks", "Achievement summary"]
    assert after["xl/worksheets/sheet2.xml"] == files["xl/worksheets/sheet2.xml"]


@pytest.mark.parametrize("sample", HANDMADE, ids=lambda p: p.name)
def test_inject_into_the_handmade_samples(sample: Path, tmp_path: Path) -> None:
    path = tmp_path / sample.name
    shutil.copy2(sample, path)
    summary = analyze_workbook(path, AS_OF).summary
    out = write_summary(path, summary, lang="zh")
    assert_only_gained(parts(path), parts(out), "达成总结")


@pytest.mark.parametrize("sample", HOSTILE, ids=lambda p: p.name)
def test_inject_into_hostile_files_fails_cleanly(
    made: dict[str, tuple[Path, Summary]], sample: Path, tmp_path: Path
) -> None:
    """Never a traceback: either a sheet is added, or an XltrackError names the file."""
    path = tmp_path / sample.name
    shutil.copy2(sample, path)
    try:
        out = write_summary(path, made["rich.xlsx"][1])
    except XltrackError as err:
        assert sample.name in str(err)
        assert sorted(p.name for p in tmp_path.iterdir()) == [sample.name]
    else:
        assert_only_gained(parts(path), parts(out), "Achievement summary")
    assert path.read_bytes() == sample.read_bytes()


_EXCEL_ROOT = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'mc:Ignorable="x15 xr xr6 xr10 xr2" '
    'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
    'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
    'xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" '
    'xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" '
    'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2">'
    '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/>'
    '<workbookPr defaultThemeVersion="166925"/>'
    '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    '<mc:Choice Requires="x15"><x15ac:absPath url="C:\\Users\\mia\\" '
    'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice>'
    "</mc:AlternateContent>"
    '<xr:revisionPtr revIDLastSave="0" documentId="8_{6C3D}" xr6:coauthVersionLast="47" '
    'xr6:coauthVersionMax="47" xr10:uidLastSave="{00000000-0000-0000-0000-000000000000}"/>'
)


def test_inject_keeps_an_excel_workbook_part_as_excel_wrote_it(
    made: dict[str, tuple[Path, Summary]], tmp_path: Path
) -> None:
    """mc:Ignorable prefixes must survive: re-serialised XML would break them."""
    path, summary = fresh(made, "openpyxl.xlsx", tmp_path)
    files = parts(path)
    book = files["xl/workbook.xml"].decode()
    rest = (
        book[book.index("<bookViews") :] if "<bookViews" in book else book[book.index("<sheets") :]
    )
    files["xl/workbook.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n' + _EXCEL_ROOT + rest
    ).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    after = parts(write_summary(path, summary))
    assert_only_gained(files, after, "Achievement summary")
    assert _EXCEL_ROOT.encode() in after["xl/workbook.xml"]
    assert load(tmp_path / "openpyxl.summary.xlsx").sheetnames[-1] == "Achievement summary"


# Params of the example's findings that hold enum keys (a pace health, an escalation
# role, a resolution), and what the summary sheet must say instead.
_ENUM_KEYS = ("at_risk", "project_manager", "in_progress")
_ENUM_WORDS = {
    "en": ("is at risk", "the project manager follows up", "now in progress"),
    "zh": ("有风险", "由项目经理跟进", "当前处理中"),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_inject_public_write_summary_shows_finding_params_as_labels(
    lang: Literal["en", "zh"], tmp_path: Path
) -> None:
    path = xltrack.generate_workbook(tmp_path / "x.xlsx", example=True, as_of=AS_OF)
    analysis = xltrack.analyze_workbook(path, AS_OF)
    params = {str(v) for f in analysis.findings for v in f.params.values()}
    assert set(_ENUM_KEYS) <= params  # the findings do carry raw keys
    written = xltrack.write_summary(path, analysis, out=tmp_path / "s.xlsx", lang=lang)
    cells = summary_cells(written, load_spec().label("summary_sheet", lang))
    text = "\n".join(str(c.value) for c in cells.values() if isinstance(c.value, str))
    for words in _ENUM_WORDS[lang]:
        assert words in text
    for key in _ENUM_KEYS:
        assert key not in text


def test_inject_write_summary_message_still_overrides(tmp_path: Path) -> None:
    path = xltrack.generate_workbook(tmp_path / "x.xlsx", example=True, as_of=AS_OF)
    analysis = xltrack.analyze_workbook(path, AS_OF)
    written = xltrack.write_summary(
        path, analysis, out=tmp_path / "s.xlsx", message=lambda f: f"mine: {f.code}"
    )
    values = {c.value for c in summary_cells(written).values()}
    assert {f"mine: {f.code}" for f in analysis.findings} <= values


def test_inject_takes_an_analysis_and_is_deterministic(tmp_path: Path) -> None:
    path = build_rich(tmp_path / "rich.xlsx")
    analysis = analyze_workbook(path, AS_OF)
    first = parts(write_summary(path, analysis, out=tmp_path / "a.xlsx"))
    second = parts(write_summary(path, analysis, out=tmp_path / "b.xlsx"))
    assert first == second
    # An Analysis also lists its findings; a bare Summary has only their counts.
    bare = parts(write_summary(path, analysis.summary, out=tmp_path / "c.xlsx"))
    assert sum(map(len, bare.values())) < sum(map(len, first.values()))
