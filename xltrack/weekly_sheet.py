"""Lay out a WeeklyReport as the "Weekly report YYYY-MM-DD" sheet and write it into a workbook.

The same path as the summary sheet: `layout_report` gives an engine-independent
`SheetLayout` (the summary sheet's named styles), `sheetparts.render_layout`
draws it and `inject.add_sheet` puts it into the user's package, every other
part kept byte for byte. The sheet is named for the week's Monday, so each week
has its own sheet and reporting the same week again replaces it (in either
language). Text from the workbook is written as strings, never as formulas.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xltrack.inject import add_sheet
from xltrack.sheetparts import Cell, CellValue, SheetLayout, render_layout
from xltrack.spec import Lang, Spec, load_spec
from xltrack.summary_sheet import STYLES
from xltrack.weekly import WeeklyReport
from xltrack.weekly_render import Kind, cell_text, sections

# Column B holds task names, descriptions and finding messages: wide enough to read.
_WIDTHS = {0: 12, 1: 60, 2: 14, 3: 14, 4: 22}
HEALTH_STYLE = {"on_track": "green", "at_risk": "yellow", "off_track": "red"}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "text"}


def sheet_name(monday: dt.date, lang: Lang, spec: Spec | None = None) -> str:
    """`Weekly report 2024-06-10` / `周报 2024-06-10` (at most 31 characters)."""
    return f"{(spec or load_spec()).label('weekly_sheet', lang)} {monday.isoformat()}"[:31]


def layout_report(report: WeeklyReport, lang: Lang = "en", spec: Spec | None = None) -> SheetLayout:
    """Place a weekly report on a sheet: title, week, then one block per section."""
    spec = spec or load_spec()
    cells: list[Cell] = []

    def put(row: int, col: int, value: CellValue, style: str = "plain") -> None:
        cells.append(Cell(row, col, value, style))

    put(0, 0, spec.label("weekly_sheet", lang), "title")
    put(1, 0, spec.label("summary_campaign", lang), "label")
    put(1, 1, report.campaign or "", "label")
    put(2, 0, spec.label("weekly_week", lang), "label")
    put(2, 1, f"{report.start.isoformat()} – {report.end.isoformat()}")
    put(3, 0, spec.label("as_of", lang), "label")
    put(3, 1, report.as_of, "as_of")
    row = 5
    none = spec.label("summary_none", lang)
    for section in sections(report, lang, spec):
        put(row, 0, f"{section.title} ({len(section.rows)})", "section")
        if not section.rows:
            put(row + 1, 0, none, "note")
            row += 3
            continue
        for col, text in enumerate(section.header):
            put(row + 1, col, text, "header")
        for i, values in enumerate(section.rows):
            for col, (value, kind) in enumerate(zip(values, section.kinds, strict=True)):
                typed = _typed(value, kind)
                put(row + 2 + i, col, typed, _style(section.key, i, col, kind, typed, report))
        row += len(section.rows) + 3
    return SheetLayout(sheet_name(report.start, lang, spec), cells, dict(_WIDTHS), [], STYLES)


def _typed(value: CellValue, kind: Kind) -> CellValue:
    """Figures, rates and days as typed cells (Excel sums and sorts them); a missing
    figure or rate as the reports' "-"."""
    if kind in ("figure", "percent") and value is None:
        return cell_text(value, kind)
    return value


def _style(
    section: str, i: int, col: int, kind: Kind, value: CellValue, report: WeeklyReport
) -> str:
    """Health and severity cells in the traffic-light styles, typed cells in their
    number formats; the rest as table text. Sections are told apart by their key."""
    if section == "metrics" and col == 4:
        return HEALTH_STYLE.get(report.metrics[i].health or "", "text")
    if section == "findings" and col == 0:
        return _SEVERITY_STYLE[report.findings[i].level.value]
    if isinstance(value, str) or value is None:
        return "text"
    if kind == "percent":
        return "percent"
    if isinstance(value, dt.date):
        return "date"
    return "integer" if float(value).is_integer() else "number"


def write_report(
    path: str | Path,
    report: WeeklyReport,
    *,
    out: str | Path | None = None,
    in_place: bool = False,
    lang: Lang = "en",
    spec: Spec | None = None,
) -> Path:
    """Write (or replace) the weekly report sheet of a workbook.

    Args:
        path: the .xlsx/.xlsm the report was built from.
        report: what to write.
        out: where to write; default `NAME.report.xlsx` next to the input.
        in_place: replace `path` itself atomically, keeping `NAME.bak.xlsx`.
        lang: "en" or "zh" for the sheet's labels and name.
        spec: the template (labels); the built-in one when None.

    Returns:
        The path written.

    Raises:
        OutputError: the output cannot be written (the input is left intact).
        UnreadableWorkbookError: the input is not a workbook package.
    """
    spec = spec or load_spec()
    src = Path(path)
    if out is None and not in_place:
        # An .xlsx misnamed .xls gets a report named for what it holds.
        suffix = src.suffix if src.suffix.lower() in (".xlsx", ".xlsm") else ".xlsx"
        out = src.with_name(f"{src.stem}.report{suffix}")
    parts = render_layout(layout_report(report, lang, spec))
    # Each week's sheet carries its own marker, so the same week replaces itself in
    # either language and a user's sheet of the same name is never taken for it.
    marker = f"_xltrack_week_{report.start:%Y%m%d}"
    return add_sheet(path, parts, out=out, in_place=in_place, marker=marker)


__all__ = ["layout_report", "sheet_name", "write_report"]
