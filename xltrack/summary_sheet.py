"""Lay out a Summary as the "Achievement summary" sheet and write it into a workbook.

Two steps, so the layout stays engine-independent and testable:

- `layout_summary(summary, lang)` -> `SheetLayout`: cells (0-based row/col,
  value, style name), column widths and chart definitions, in en or zh.
- `sheetparts.render_layout(layout)` -> `SheetParts`: the worksheet, drawing
  and native chart XML parts drawn by XlsxWriter, which `inject.add_sheet`
  then puts into the user's package.

`write_summary` does both and writes the workbook (see inject.py for the
output rules: new file by default, atomic in-place with a backup).
Text copied from the workbook always goes through `write_string`, so a task
called `=HYPERLINK(...)` stays text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Protocol

from xltrack.atomic import Fingerprint
from xltrack.inject import add_sheet
from xltrack.sheetparts import Cell, CellValue, ChartSpec, SheetLayout, render_layout
from xltrack.spec import Spec, load_spec
from xltrack.summary import SOURCE_GOALS_DAILY, SOURCE_NONE, TASK_STATUSES, Summary

Lang = Literal["en", "zh"]
_CHART_COL = 7  # charts sit right of the tables, from column H
# A summary lists the worst cases, not a copy of the table (the JSON keeps every ID).
LIST_LIMIT = 100

# Named cell formats of the sheet (XlsxWriter format properties).
STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 16, "font_color": "#1F3864"},
    "section": {"bold": True, "font_size": 12, "font_color": "#1F3864", "bottom": 1},
    "header": {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True},
    "label": {"bold": True},
    "text": {"border": 1, "text_wrap": True, "valign": "top"},
    "plain": {},
    "note": {"italic": True, "font_color": "#595959"},
    "integer": {"border": 1, "num_format": "#,##0"},
    "number": {"border": 1, "num_format": "#,##0.00"},
    "percent": {"border": 1, "num_format": "0.0%"},
    "date": {"border": 1, "num_format": "yyyy-mm-dd", "align": "left"},
    "as_of": {"bold": True, "num_format": "yyyy-mm-dd", "align": "left"},
    "green": {"border": 1, "bg_color": "#C6EFCE", "font_color": "#006100", "align": "center"},
    "yellow": {"border": 1, "bg_color": "#FFEB9C", "font_color": "#9C5700", "align": "center"},
    "red": {"border": 1, "bg_color": "#FFC7CE", "font_color": "#9C0006", "align": "center"},
    "total": {"bold": True, "top": 1, "num_format": "#,##0"},
}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "text"}
_WIDTHS = {0: 14, 1: 30, 2: 14, 3: 14, 4: 13, 5: 12}


def layout_summary(summary: Summary, lang: Lang = "en", spec: Spec | None = None) -> SheetLayout:
    """Place a summary's facts on a sheet: values, style names, widths, charts.

    Args:
        summary: what to show.
        lang: "en" or "zh" for labels and the sheet name.
        spec: the template (labels); the built-in one when None.

    Returns:
        The `SheetLayout`, independent of any Excel engine.
    """
    spec = spec or load_spec()
    out = _Builder(spec, lang)
    L = out.label
    out.put(0, 0, L("summary_sheet"), "title")
    facts: list[tuple[str, CellValue, str]] = [
        (L("summary_campaign"), summary.campaign or "", "label"),
        (L("as_of"), summary.as_of, "as_of"),
        (L("summary_period"), _period(summary), "plain"),
        (L("summary_owner"), summary.owner or "", "plain"),
    ]
    for i, (name, value, style) in enumerate(facts, start=1):
        out.put(i, 0, name, "label")
        out.put(i, 1, value, style)
    row = _metrics(out, summary, 6)
    row = _tasks(out, summary, row + 1)
    row = _overdue(out, summary, row + 1)
    row = _issues(out, summary, row + 1)
    row = _findings(out, summary, row + 1)
    _daily(out, summary, row + 1)
    layout = SheetLayout(L("summary_sheet"), out.cells, dict(_WIDTHS), out.charts, STYLES)
    return layout


class _Builder:
    def __init__(self, spec: Spec, lang: Lang) -> None:
        self.spec, self.lang = spec, lang
        self.cells: list[Cell] = []
        self.charts: list[ChartSpec] = []

    def label(self, key: str) -> str:
        return self.spec.label(key, self.lang)

    def enum(self, enum: str, key: str) -> str:
        return self.spec.enum_label(enum, key, self.lang)

    def put(self, row: int, col: int, value: CellValue, style: str = "plain") -> None:
        self.cells.append(Cell(row, col, value, style))

    def header(self, row: int, keys: list[str]) -> None:
        for col, key in enumerate(keys):
            self.put(row, col, self.label(key), "header")

    def chart(self, chart: ChartSpec) -> None:
        self.charts.append(chart)


def _period(summary: Summary) -> str:
    if not summary.start and not summary.end:
        return ""
    first = summary.start.isoformat() if summary.start else "?"
    last = summary.end.isoformat() if summary.end else "?"
    return f"{first} – {last}"


def _number_style(value: float | None) -> str:
    return "integer" if value is None or float(value).is_integer() else "number"


def _metrics(out: _Builder, summary: Summary, row: int) -> int:
    out.put(row, 0, out.label("summary_metrics"), "section")
    keys = ["summary_metric", "summary_target", "summary_actual", "summary_rate", "summary_light"]
    out.header(row + 1, keys)
    first = row + 2
    for i, m in enumerate(summary.metrics):
        r = first + i
        out.put(r, 0, m.name, "text")
        out.put(r, 1, m.target, _number_style(m.target))
        out.put(r, 2, m.actual, _number_style(m.actual))
        out.put(r, 3, m.rate, "percent")
        out.put(r, 4, out.enum("light", m.light) if m.light else "", m.light or "text")
    row = first + len(summary.metrics)
    if summary.metrics_source == SOURCE_GOALS_DAILY:
        out.put(row, 0, out.label("summary_from_goals"), "note")
        row += 1
    elif summary.metrics_source == SOURCE_NONE:
        out.put(row, 0, out.label("summary_no_metrics"), "note")
        row += 1
    if any(m.rate is not None for m in summary.metrics):
        last = first + len(summary.metrics) - 1
        out.chart(
            ChartSpec(
                "bar",
                out.label("summary_chart_achievement"),
                (first, 0, last, 0),
                ((out.label("summary_rate"), (first, 3, last, 3)),),
                (0, _CHART_COL),
                percent_axis=True,
            )
        )
    return row + 1


def _tasks(out: _Builder, summary: Summary, row: int) -> int:
    out.put(row, 0, f"{out.label('summary_tasks')} ({summary.tasks_total})", "section")
    out.header(row + 1, ["summary_status", "count"])
    first = row + 2
    statuses = [s for s in TASK_STATUSES] + (
        ["unknown"] if summary.task_counts.get("unknown") else []
    )
    for i, status in enumerate(statuses):
        name = (
            out.label("summary_unknown") if status == "unknown" else out.enum("task_status", status)
        )
        out.put(first + i, 0, name, "text")
        out.put(first + i, 1, summary.task_counts.get(status, 0), "integer")
    last = first + len(statuses) - 1
    out.put(last + 1, 0, out.label("total"), "total")
    out.put(last + 1, 1, summary.tasks_total, "total")
    if summary.tasks_total:
        out.chart(
            ChartSpec(
                "pie",
                out.label("summary_chart_tasks"),
                (first, 0, last, 0),
                ((out.label("count"), (first, 1, last, 1)),),
                (16, _CHART_COL),
            )
        )
    return last + 3


def _unknown(out: _Builder, summary: Summary, figure: str, title: str, row: int) -> bool:
    """Write an unknown figure's block ("unknown: a column it needs was not found")."""
    if summary.known(figure):
        return False
    out.put(row, 0, f"{out.label(title)} ({out.label('summary_unknown_figure')})", "section")
    out.put(row + 1, 0, out.label("summary_unknown_why"), "note")
    return True


def _overdue(out: _Builder, summary: Summary, row: int) -> int:
    if _unknown(out, summary, "tasks.overdue", "summary_overdue", row):
        return row + 3
    out.put(row, 0, f"{out.label('summary_overdue')} ({len(summary.overdue)})", "section")
    if not summary.overdue:
        out.put(row + 1, 0, out.label("summary_none"), "note")
        return row + 3
    out.header(row + 1, ["summary_id", "summary_task", "summary_end", "summary_days_late"])
    worst = sorted(summary.overdue, key=lambda t: -(t.days_late or 0))[:LIST_LIMIT]
    for i, task in enumerate(worst, start=row + 2):
        out.put(i, 0, task.task_id, "text")
        out.put(i, 1, task.name or "", "text")
        out.put(i, 2, task.end, "date")
        out.put(i, 3, task.days_late, "integer")
    return _more(out, row + 2 + len(worst), len(summary.overdue) - len(worst))


def _more(out: _Builder, row: int, hidden: int) -> int:
    """A note under a cut list; returns the row after the block and a blank line."""
    if hidden <= 0:
        return row + 1
    out.put(row, 0, out.label("summary_more").format(n=hidden, shown=LIST_LIMIT), "note")
    return row + 2


def _issues(out: _Builder, summary: Summary, row: int) -> int:
    if _unknown(out, summary, "issues.high_unresolved", "summary_high_issues", row):
        return row + 3
    issues = summary.high_unresolved
    out.put(row, 0, f"{out.label('summary_high_issues')} ({len(issues)})", "section")
    if not issues:
        out.put(row + 1, 0, out.label("summary_none"), "note")
        return row + 3
    keys = [
        "summary_id",
        "summary_description",
        "summary_found",
        "summary_owner",
        "summary_resolution",
    ]
    out.header(row + 1, keys)
    for i, issue in enumerate(issues[:LIST_LIMIT], start=row + 2):
        resolution = out.enum("resolution", issue.resolution) if issue.resolution else ""
        out.put(i, 0, issue.issue_id, "text")
        out.put(i, 1, issue.description or "", "text")
        out.put(i, 2, issue.found, "date")
        out.put(i, 3, issue.owner or "", "text")
        out.put(i, 4, resolution, "text")
    shown = min(len(issues), LIST_LIMIT)
    return _more(out, row + 2 + shown, len(issues) - shown)


def _findings(out: _Builder, summary: Summary, row: int) -> int:
    out.put(row, 0, out.label("summary_findings"), "section")
    out.header(row + 1, ["summary_severity", "count"])
    for i, severity in enumerate(("error", "warning", "info"), start=row + 2):
        out.put(i, 0, out.label(f"summary_{severity}"), _SEVERITY_STYLE[severity])
        out.put(i, 1, summary.findings_by_severity.get(severity, 0), "integer")
    return row + 6


def _daily(out: _Builder, summary: Summary, row: int) -> None:
    out.put(row, 0, out.label("summary_daily"), "section")
    if not summary.daily:
        out.put(row + 1, 0, out.label("summary_none"), "note")
        return
    keys = ["summary_date", "summary_metric", "summary_target", "summary_actual", "summary_rate"]
    out.header(row + 1, keys)
    first = row + 2
    for i, point in enumerate(summary.daily, start=first):
        rate = None
        if point.target and point.actual is not None:
            rate = point.actual / point.target
        out.put(i, 0, point.date, "date")
        out.put(i, 1, point.metric, "text")
        out.put(i, 2, point.target, _number_style(point.target))
        out.put(i, 3, point.actual, _number_style(point.actual))
        out.put(i, 4, rate, "percent")
    # The trend chart shows the first metric: rows of one metric are contiguous.
    metric = summary.daily[0].metric
    last = first + sum(1 for p in summary.daily if p.metric == metric) - 1
    title = (
        f"{out.label('summary_chart_daily')}: {metric}"
        if metric
        else out.label("summary_chart_daily")
    )
    out.chart(
        ChartSpec(
            "line",
            title,
            (first, 0, last, 0),
            (
                (out.label("summary_target"), (first, 2, last, 2)),
                (out.label("summary_actual"), (first, 3, last, 3)),
            ),
            (32, _CHART_COL),
        )
    )


class _HasSummary(Protocol):
    """An `analyze.Analysis` (typed structurally: analyze sits above this layer)."""

    @property
    def summary(self) -> Summary: ...


def write_summary(
    path: str | Path,
    summary: Summary | _HasSummary,
    *,
    out: str | Path | None = None,
    in_place: bool = False,
    lang: Lang = "en",
    spec: Spec | None = None,
    expect: Fingerprint | None = None,
) -> Path:
    """Write (or replace) the achievement summary sheet of a workbook.

    Args:
        path: the .xlsx/.xlsm the summary was built from.
        summary: what to write: a `Summary` or an `Analysis` (its `.summary`).
        out: where to write; default `NAME.summary.xlsx` next to the input.
        in_place: replace `path` itself atomically, keeping `NAME.bak.xlsx`.
        lang: "en" or "zh" for the sheet's labels and name.
        spec: the template (labels); the built-in one when None.
        expect: the input's `atomic.fingerprint` taken before it was analysed;
            when given, a workbook saved since then is refused (the summary
            would describe other data).

    Returns:
        The path written.

    Raises:
        OutputError: the output cannot be written (the input is left intact).
        OutputNameError: the output's extension does not fit the workbook.
        InputChangedError: the input changed since `expect` or during the write.
        UnreadableWorkbookError: the input is not a workbook package.
    """
    spec = spec or load_spec()
    if not isinstance(summary, Summary):
        summary = summary.summary
    parts = render_layout(layout_summary(summary, lang, spec))
    return add_sheet(path, parts, out=out, in_place=in_place, expect=expect)
