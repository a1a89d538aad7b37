"""Draw a sheet layout with XlsxWriter and lift out its parts for inject.py.

A `SheetLayout` is engine-independent: cells (0-based row/col, value, style
name), column widths, named styles and native chart definitions.
`render_layout` draws it into a throw-away in-memory workbook and returns the
worksheet, drawing and chart parts with the styles.xml their indices refer to.
Shared strings are turned into inline strings, so the sheet needs no
shared-strings table in the target. Every text goes through `write_string`:
a value starting with `=` stays text, never a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import xlsxwriter
from defusedxml import ElementTree

from xltrack.inject import SheetParts
from xltrack.xmlnames import xml_safe

CellValue = str | float | int | dt.date | None

_MAX_TEXT = 32767  # Excel's limit for one cell


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    value: CellValue
    style: str = "plain"
    link: str | None = None  # "Sheet!A1": an in-workbook hyperlink showing `value`
    span: int | None = None  # the last column of a merge across this row


@dataclass(frozen=True)
class ChartSpec:
    """A native chart: kind, title, categories and (name, values) series as cell ranges.

    Ranges are (first_row, first_col, last_row, last_col), 0-based, on the sheet itself.
    """

    kind: str  # "bar" | "line" | "pie"
    title: str
    categories: tuple[int, int, int, int]
    series: tuple[tuple[str, tuple[int, int, int, int]], ...]
    anchor: tuple[int, int]
    percent_axis: bool = False
    colours: tuple[str, ...] = ()  # one fill per point (a bar per category)
    line: tuple[str, tuple[int, int, int, int]] | None = None  # a reference line series
    size: tuple[int, int] = (480, 288)


ONE_PAGE_ROWS = 75  # beyond this a sheet prints on as many pages as it needs


@dataclass
class SheetLayout:
    name: str
    cells: list[Cell] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    charts: list[ChartSpec] = field(default_factory=list)
    styles: dict[str, dict[str, Any]] = field(default_factory=dict)  # XlsxWriter format props
    heights: dict[int, float] = field(default_factory=dict)
    tab_colour: str = "#1F3864"


def render_layout(layout: SheetLayout) -> SheetParts:
    """Draw a layout with XlsxWriter and lift out the sheet's parts.

    Returns:
        `SheetParts`: the worksheet (inline strings), drawing, chart and rels
        parts under their XlsxWriter names, their content types and the
        styles.xml the worksheet's style indices refer to.
    """
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    # Sheet names and chart titles are written into the XML as they are.
    name = xml_safe(layout.name)
    sheet = book.add_worksheet(name)
    formats = {name: book.add_format(props) for name, props in layout.styles.items()}
    for col, width in layout.widths.items():
        sheet.set_column(col, col, width)
    for row, height in layout.heights.items():
        sheet.set_row(row, height)
    for cell in layout.cells:
        fmt = formats.get(cell.style)
        value = cell.value
        if cell.span is not None and cell.span > cell.col:
            sheet.merge_range(cell.row, cell.col, cell.row, cell.span, "", fmt)
        if cell.link and isinstance(value, str):
            sheet.write_url(cell.row, cell.col, f"internal:{cell.link}", fmt, value[:_MAX_TEXT])
        elif value is None or (isinstance(value, float) and not math.isfinite(value)):
            # A ratio over a near-zero target can overflow: no number beats a crash.
            sheet.write_blank(cell.row, cell.col, None, fmt)
        elif isinstance(value, str):
            sheet.write_string(cell.row, cell.col, value[:_MAX_TEXT], fmt)
        elif isinstance(value, dt.date):
            sheet.write_datetime(cell.row, cell.col, dt.datetime.combine(value, dt.time()), fmt)
        else:
            sheet.write_number(cell.row, cell.col, float(value), fmt)
    for spec in layout.charts:
        chart = _chart(book, name, spec)
        chart.set_size({"width": spec.size[0], "height": spec.size[1]})
        sheet.insert_chart(spec.anchor[0], spec.anchor[1], chart)
    sheet.set_landscape()
    sheet.set_paper(9)
    # A sheet of a screen or so prints on one page; a longer one flows onto more.
    last_row = max((cell.row for cell in layout.cells), default=0)
    sheet.fit_to_pages(1, 1 if last_row < ONE_PAGE_ROWS else 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    sheet.set_footer("&L&A&R&P / &N")
    sheet.set_tab_color(layout.tab_colour)
    book.close()
    return _lift_parts(buffer.getvalue(), name)


def _chart(book: Any, name: str, spec: ChartSpec) -> Any:
    chart = book.add_chart({"type": spec.kind})
    for i, (series_name, values) in enumerate(spec.series):
        series: dict[str, Any] = {
            "name": xml_safe(series_name),
            "categories": [name, *spec.categories],
            "values": [name, *values],
        }
        if spec.kind == "line":
            colour = ("#7F7F7F", "#1F3864")[i % 2]
            series["marker"] = {
                "type": "circle",
                "size": 5,
                "fill": {"color": colour},
                "border": {"color": colour},
            }
            series["line"] = {"color": colour, "width": 2}
        elif spec.kind in ("bar", "column"):
            series["gap"] = 60
            series["fill"] = {"color": "#1F3864"}
            series["data_labels"] = {
                "value": True,
                "font": {"size": 8},
                **({"num_format": "0%"} if spec.percent_axis else {}),
            }
        if spec.colours:
            series["points"] = [
                {"fill": {"color": c}, "border": {"color": "#7F7F7F"}} for c in spec.colours
            ]
        chart.add_series(series)
    if spec.line is not None:
        line = book.add_chart({"type": "line"})
        line.add_series(
            {
                "name": spec.line[0],
                "categories": [name, *spec.categories],
                "values": [name, *spec.line[1]],
                "marker": {"type": "none"},
                "line": {"color": "#E03C31", "width": 1.5, "dash_type": "dash"},
            }
        )
        chart.combine(line)
    chart.set_title({"name": xml_safe(spec.title), "name_font": {"size": 11}})
    grid = {"visible": True, "line": {"color": "#E7E6E6"}}
    if spec.kind == "bar":
        chart.set_legend({"none": True})
        chart.set_x_axis(
            {
                "min": 0,
                "major_gridlines": grid,
                **(
                    {"num_format": "0%"}
                    if spec.percent_axis
                    else {"num_format": "0", "major_unit": 1}
                ),
            }
        )
        # Horizontal bars list categories bottom-up; reverse so they read like the table,
        # and cross at the last category so the value axis stays at the bottom.
        chart.set_y_axis({"reverse": True, "crossing": "max"})
    elif spec.kind == "column":
        # The bars take their points' colours: only the reference line needs a legend.
        chart.set_legend(
            {"position": "bottom", "delete_series": [0]} if spec.line else {"none": True}
        )
        chart.set_y_axis(
            {
                "min": 0,
                "major_gridlines": grid,
                **({"num_format": "0%"} if spec.percent_axis else {}),
            }
        )
    elif spec.kind == "line":
        chart.set_x_axis({"date_axis": True, "num_format": "mm-dd"})
        chart.set_y_axis({"num_format": "#,##0", "major_gridlines": grid})
        chart.set_legend({"position": "bottom"})
    return chart


def _lift_parts(package: bytes, name: str) -> SheetParts:
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        files = {n: z.read(n) for n in z.namelist()}
    strings = _shared_strings(files.get("xl/sharedStrings.xml", b""))
    sheet = files["xl/worksheets/sheet1.xml"].decode("utf-8")
    sheet = re.sub(
        r'<c ([^>]*?)t="s"([^>]*)><v>(\d+)</v></c>', lambda m: _inline(m, strings), sheet
    )
    # Our sheet must not be selected along with the user's active sheet.
    sheet = sheet.replace(' tabSelected="1"', "")
    parts = {"xl/worksheets/sheet1.xml": sheet.encode("utf-8")}
    for part, data in files.items():
        if part.startswith(("xl/drawings/", "xl/charts/", "xl/worksheets/_rels/")):
            parts[part] = data
    types = dict(
        re.findall(
            r'<Override PartName="/([^"]+)" ContentType="([^"]+)"/>',
            files["[Content_Types].xml"].decode("utf-8"),
        )
    )
    return SheetParts(
        name=name,
        sheet="xl/worksheets/sheet1.xml",
        parts=parts,
        content_types={p: types[p] for p in parts if p in types},
        styles=files["xl/styles.xml"],
    )


def _shared_strings(data: bytes) -> list[str]:
    if not data:
        return []
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    root = ElementTree.fromstring(data)
    return ["".join(t.text or "" for t in si.iter(f"{ns}t")) for si in root.findall(f"{ns}si")]


def _inline(match: re.Match[str], strings: list[str]) -> str:
    text = escape(strings[int(match.group(3))])
    return (
        f'<c {match.group(1)}t="inlineStr"{match.group(2)}>'
        f'<is><t xml:space="preserve">{text}</t></is></c>'
    )
