"""Builders of campaign workbooks that hold every kind of content a user may add.

Used by test_inject.py and test_cli_summarize.py: cell values, formulas,
styles, conditional formatting (2010 data bars, icon sets), data validation,
defined names, comments, a chart, an image, a text box, a hand-made pivot
table, a hidden sheet and, for .xlsm, a VBA project part.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter

TASKS = [
    ["T001", "Poster design", "Ann", "2024-06-01", "2024-06-05", "Done", ""],
    [
        "T002",
        '=HYPERLINK("http://example.com","KOL")',
        "Bob",
        "2024-06-03",
        "2024-06-08",
        "Delayed",
        "KOL schedule",
    ],
    ["T003", "+Offline materials", "Cy", "2024-06-10", "2024-06-20", "In progress", ""],
]


def tiny_png() -> bytes:
    """A valid 2x2 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def stand_in_vba() -> bytes:
    """An OLE compound-file header padded to one sector: a stand-in vbaProject.bin.

    Not a working VBA project (nothing here can compile one); the test proves the
    part and its relationships are carried over byte for byte.
    """
    header = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 16 + struct.pack("<HHH", 0x3E, 3, 0xFFFE)
    return header + b"\x00" * (512 - len(header))


def build_rich(path: Path) -> Path:
    """A campaign workbook with every kind of content (an .xlsm gets a VBA part)."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    bold = book.add_format({"bold": True, "bg_color": "#FFFF00", "num_format": "0.000"})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    camp = book.add_worksheet("Campaign")
    facts = [
        ("Campaign name", "Summer push"),
        ("Owner", "Mia"),
        ("Start date", dt.date(2024, 6, 1)),
        ("End date", dt.date(2024, 6, 30)),
        ("Total budget", 500000),
    ]
    for row, (label, value) in enumerate(facts):
        camp.write_string(row, 0, label, bold)
        if isinstance(value, dt.date):
            camp.write_datetime(row, 1, dt.datetime.combine(value, dt.time()), date)
        elif isinstance(value, str):
            camp.write_string(row, 1, value)
        else:
            camp.write_number(row, 1, value)
    camp.write_comment("B1", "Named by marketing")
    camp.insert_image("D2", "logo.png", {"image_data": io.BytesIO(tiny_png())})
    camp.insert_textbox("D8", "Plan v2 approved", {"width": 200, "height": 60})

    tasks = book.add_worksheet("Tasks")
    tasks.write_row(
        0, 0, ["Task ID", "Task", "Owner", "Start", "End", "Status", "Delay reason", "Days"], bold
    )
    for r, task in enumerate(TASKS, start=1):
        for c, value in enumerate(task):
            tasks.write_string(r, c, value)
        tasks.write_formula(r, 7, f'=IF(E{r + 1}="","",DATEVALUE(E{r + 1})-DATEVALUE(D{r + 1})+1)')
    tasks.data_validation(
        1,
        5,
        50,
        5,
        {"validate": "list", "source": ["Not started", "In progress", "Done", "Delayed"]},
    )

    daily = book.add_worksheet("Daily")
    daily.write_row(0, 0, ["Date", "Metric", "Target", "Actual", "Achievement"], bold)
    for r in range(1, 8):
        daily.write_datetime(r, 0, dt.datetime(2024, 6, 8 + r), date)
        daily.write_string(r, 1, "Sales")
        daily.write_number(r, 2, 50000)
        daily.write_number(r, 3, 30000 + 3000 * r)
        daily.write_formula(r, 4, f"=D{r + 1}/C{r + 1}", None, (30000 + 3000 * r) / 50000)
    daily.conditional_format("D2:D8", {"type": "data_bar", "data_bar_2010": True})
    daily.conditional_format("E2:E8", {"type": "icon_set", "icon_style": "3_traffic_lights"})
    daily.conditional_format(
        "C2:C8", {"type": "cell", "criteria": ">", "value": 40000, "format": bold}
    )
    chart = book.add_chart({"type": "column"})
    chart.add_series({"categories": "=Daily!$A$2:$A$8", "values": "=Daily!$D$2:$D$8"})
    daily.insert_chart("G2", chart)

    issues = book.add_worksheet("Issues")
    issues.write_row(
        0, 0, ["Issue ID", "Description", "Found", "Owner", "Severity", "Resolution"], bold
    )
    issues.write_row(1, 0, ["Q001", "Low turnout", "2024-06-12", "Mia", "Medium", "In progress"])
    issues.write_row(2, 0, ["Q002", "=cmd|' /C calc'!A0", "2024-06-13", "Li", "High", "Open"])

    evaluation = book.add_worksheet("Evaluation")
    evaluation.write_row(
        0, 0, ["Metric", "Target", "Actual", "Achievement", "Cause analysis"], bold
    )
    for r, (metric, target, actual) in enumerate(
        [("Sales", 300000, 350000), ("New members", 3000, 2800)], start=1
    ):
        evaluation.write_row(r, 0, [metric, target, actual])
        evaluation.write_formula(r, 3, f"=C{r + 1}/B{r + 1}", None, actual / target)
    evaluation.write_formula(4, 1, "=SUM(B2:B3)*Rate", None, 303000 * 0.5)

    hidden = book.add_worksheet("Notes")
    hidden.write_string(0, 0, "internal")
    hidden.write_number(1, 0, 0.5)
    hidden.hide()
    book.add_worksheet("Pivot").write_row(0, 0, ["Metric", "Sum of Target"])
    book.define_name("Rate", "=Notes!$A$2")
    book.define_name("Daily!LocalTotal", "=Daily!$D$2:$D$8")
    if path.suffix == ".xlsm":
        vba = path.with_name("vbaProject.bin")
        vba.write_bytes(stand_in_vba())
        book.add_vba_project(str(vba))
    book.close()
    _add_pivot(path, "Pivot")
    return path


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PIVOT_CACHE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<pivotCacheDefinition xmlns="{_MAIN}" xmlns:r="{_REL}" r:id="rId1" recordCount="2"'
    ' refreshOnLoad="1"><cacheSource type="worksheet"><worksheetSource ref="A1:C3"'
    ' sheet="Evaluation"/></cacheSource><cacheFields count="3"><cacheField name="Metric"'
    ' numFmtId="0"><sharedItems count="2"><s v="Sales"/><s v="New members"/></sharedItems>'
    '</cacheField><cacheField name="Target" numFmtId="0"><sharedItems containsSemiMixedTypes="0"'
    ' containsString="0" containsNumber="1" containsInteger="1" minValue="3000"'
    ' maxValue="300000"/></cacheField><cacheField name="Actual" numFmtId="0"><sharedItems'
    ' containsSemiMixedTypes="0" containsString="0" containsNumber="1" containsInteger="1"'
    ' minValue="2800" maxValue="350000"/></cacheField></cacheFields></pivotCacheDefinition>'
)
_PIVOT_RECORDS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<pivotCacheRecords xmlns="{_MAIN}" xmlns:r="{_REL}" count="2"><r><x v="0"/><n v="300000"/>'
    '<n v="350000"/></r><r><x v="1"/><n v="3000"/><n v="2800"/></r></pivotCacheRecords>'
)
_PIVOT_TABLE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<pivotTableDefinition xmlns="{_MAIN}" name="PivotTable1" cacheId="7" dataCaption="Values"'
    ' applyNumberFormats="0" applyBorderFormats="0" applyFontFormats="0" applyPatternFormats="0"'
    ' applyAlignmentFormats="0" applyWidthHeightFormats="1" updatedVersion="6"'
    ' minRefreshableVersion="3" createdVersion="6" useAutoFormatting="1" itemPrintTitles="1"'
    ' indent="0" outline="1" outlineData="1"><location ref="A1:B4" firstHeaderRow="1"'
    ' firstDataRow="1" firstDataCol="1"/><pivotFields count="3"><pivotField axis="axisRow"'
    ' showAll="0"><items count="3"><item x="1"/><item x="0"/><item t="default"/></items>'
    '</pivotField><pivotField dataField="1" showAll="0"/><pivotField showAll="0"/></pivotFields>'
    '<rowFields count="1"><field x="0"/></rowFields><rowItems count="3"><i><x/></i><i><x v="1"/>'
    '</i><i t="grand"><x/></i></rowItems><colItems count="1"><i/></colItems><dataFields count="1">'
    '<dataField name="Sum of Target" fld="1" baseField="0" baseItem="0"/></dataFields>'
    "</pivotTableDefinition>"
)
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml."
_RT = _REL + "/"


def _rels(*entries: tuple[str, str, str]) -> bytes:
    body = "".join(f'<Relationship Id="{i}" Type="{_RT}{t}" Target="{g}"/>' for i, t, g in entries)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
        f'"http://schemas.openxmlformats.org/package/2006/relationships">{body}'
        "</Relationships>"
    ).encode()


def _add_pivot(path: Path, sheet_name: str) -> None:
    """Add a hand-made pivot cache + pivot table (no Python library writes one)."""
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    book = files["xl/workbook.xml"].decode()
    index = book.split("<sheets>")[1].split("</sheets>")[0].count("<sheet ")
    names = [s.split('name="')[1].split('"')[0] for s in book.split("<sheet ")[1:]]
    sheet = f"xl/worksheets/sheet{names.index(sheet_name) + 1}.xml"
    assert index == len(names)
    files["xl/workbook.xml"] = book.replace(
        "</workbook>",
        '<pivotCaches><pivotCache cacheId="7" r:id="rId99"/></pivotCaches></workbook>',
    ).encode()
    files["xl/_rels/workbook.xml.rels"] = files["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        f'<Relationship Id="rId99" Type="{_RT}pivotCacheDefinition" '
        'Target="pivotCache/pivotCacheDefinition1.xml"/></Relationships>'.encode(),
    )
    files["xl/pivotCache/pivotCacheDefinition1.xml"] = _PIVOT_CACHE.encode()
    files["xl/pivotCache/_rels/pivotCacheDefinition1.xml.rels"] = _rels(
        ("rId1", "pivotCacheRecords", "pivotCacheRecords1.xml")
    )
    files["xl/pivotCache/pivotCacheRecords1.xml"] = _PIVOT_RECORDS.encode()
    files["xl/pivotTables/pivotTable1.xml"] = _PIVOT_TABLE.encode()
    files["xl/pivotTables/_rels/pivotTable1.xml.rels"] = _rels(
        ("rId1", "pivotCacheDefinition", "../pivotCache/pivotCacheDefinition1.xml")
    )
    sheet_rels = sheet.replace("worksheets/", "worksheets/_rels/") + ".rels"
    assert sheet_rels not in files
    files[sheet_rels] = _rels(("rId1", "pivotTable", "../pivotTables/pivotTable1.xml"))
    files["[Content_Types].xml"] = files["[Content_Types].xml"].replace(
        b"</Types>",
        (
            f'<Override PartName="/xl/pivotCache/pivotCacheDefinition1.xml" '
            f'ContentType="{_CT}pivotCacheDefinition+xml"/>'
            f'<Override PartName="/xl/pivotCache/pivotCacheRecords1.xml" '
            f'ContentType="{_CT}pivotCacheRecords+xml"/>'
            f'<Override PartName="/xl/pivotTables/pivotTable1.xml" '
            f'ContentType="{_CT}pivotTable+xml"/></Types>'
        ).encode(),
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)


def build_openpyxl(path: Path) -> Path:
    """The same tables saved by openpyxl (another package layout, no numFmts list)."""
    book = openpyxl.Workbook()
    camp = book.active
    assert camp is not None
    camp.title = "Campaign"
    for row in [
        ("Campaign name", "Spring"),
        ("Owner", "Kai"),
        ("Start date", dt.date(2024, 3, 1)),
        ("End date", dt.date(2024, 3, 31)),
    ]:
        camp.append(list(row))
    tasks = book.create_sheet("Tasks")
    tasks.append(["Task ID", "Task", "Owner", "Start", "End", "Status"])
    tasks.append(["T1", "Flyers", "Kai", dt.date(2024, 3, 1), dt.date(2024, 3, 5), "Done"])
    tasks.append(["T2", "Ads", "Lu", dt.date(2024, 3, 2), dt.date(2024, 3, 9), "In progress"])
    tasks["G2"] = "=E2-D2+1"
    book.save(path)
    return path


def load_generated(path: Path, **kwargs: Any) -> openpyxl.Workbook:
    """openpyxl on a workbook xltrack generated: it drops the data-bar extension it
    cannot model, and says so; nothing to fix, so that one warning is silenced."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message=".*extension is not supported", category=UserWarning
        )
        return openpyxl.load_workbook(path, **kwargs)
