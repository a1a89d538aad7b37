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

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

from xltrack.atomic import Fingerprint
from xltrack.codes import CODES, title_in
from xltrack.findings import Finding
from xltrack.inject import add_sheet
from xltrack.messages import finding_message
from xltrack.sheetparts import Cell, CellValue, ChartSpec, SheetLayout, render_layout
from xltrack.spec import Spec, load_spec
from xltrack.styles import (
    BASE_FONT,
    DATE_FORMAT,
    GRID,
    HEADER,
    LIGHT_MARKS,
    LIGHT_SYMBOLS,
    LIGHTS,
    MUTED_FONT,
    NAVY,
    PERCENT_FORMAT,
    STATUS_COLOURS,
)
from xltrack.summary import (
    SOURCE_GOALS_DAILY,
    SOURCE_MIXED,
    SOURCE_NONE,
    TASK_STATUSES,
    Summary,
)

Lang = Literal["en", "zh"]
_CHART_COL = 8  # charts sit right of the tables, from column I
# The achievement chart's 100 % line reads its values from column H, beside the metrics.
# They are written invisible rather than hidden: the budget's ROI shares the column, and
# charts leave hidden cells out by default.
_LINE_COL = 7
# Pace health words (on_track / at_risk / off_track) to the light they show.
_HEALTH_LIGHT = {"on_track": "green", "at_risk": "yellow", "off_track": "red"}
# A summary lists the worst cases, not a copy of the table (the JSON keeps every ID).
LIST_LIMIT = 100

_GRID = {"border": 1, "border_color": GRID}
# Named cell formats of the sheet (XlsxWriter format properties), in the workbook palette.
STYLES: dict[str, dict[str, Any]] = {
    "title": {**BASE_FONT, "bold": True, "font_size": 16, "font_color": NAVY},
    "section": {
        **BASE_FONT,
        "bold": True,
        "font_size": 12,
        "font_color": NAVY,
        "bottom": 1,
        "bottom_color": NAVY,
    },
    "header": {**BASE_FONT, **HEADER},
    "label": {**BASE_FONT, "bold": True},
    "text": {**BASE_FONT, **_GRID, "text_wrap": True, "valign": "top"},
    "plain": {**BASE_FONT},
    "note": {**BASE_FONT, "italic": True, "font_color": MUTED_FONT},
    "invisible": {**BASE_FONT, "num_format": ";;;"},  # an empty format for every value kind
    "integer": {**BASE_FONT, **_GRID, "num_format": "#,##0", "valign": "top"},
    "number": {**BASE_FONT, **_GRID, "num_format": "#,##0.00", "valign": "top"},
    "percent": {**BASE_FONT, **_GRID, "num_format": PERCENT_FORMAT, "valign": "top"},
    "date": {**BASE_FONT, **_GRID, "num_format": DATE_FORMAT, "align": "left", "valign": "top"},
    "as_of": {**BASE_FONT, "bold": True, "num_format": DATE_FORMAT, "align": "left"},
    "link": {**BASE_FONT, **_GRID, "font_color": "#0563C1", "underline": 1, "valign": "top"},
    **{
        light: {
            **BASE_FONT,
            **_GRID,
            "bg_color": fill,
            "font_color": font,
            "align": "center",
            "valign": "top",
        }
        for light, (fill, font) in LIGHTS.items()
    },
    **{
        f"status_{key}": {**BASE_FONT, **_GRID, "bg_color": colour, "valign": "top"}
        for key, colour in STATUS_COLOURS.items()
    },
    "total": {**BASE_FONT, "bold": True, "top": 1, "num_format": "#,##0"},
}
_SEVERITY_STYLE = {"error": "red", "warning": "yellow", "info": "text"}
_WIDTHS = {0: 16, 1: 30, 2: 14, 3: 14, 4: 13, 5: 12, 6: 12}
FINDINGS_LIMIT = 50
_MESSAGE_WIDTH = 14 + 13 + 12 + 12  # the message is merged across D:G


def layout_summary(
    summary: Summary,
    lang: Lang = "en",
    spec: Spec | None = None,
    findings: Sequence[Finding] = (),
    message: Callable[[Finding], str] | None = None,
) -> SheetLayout:
    """Place a summary's facts on a sheet: values, style names, widths, charts.

    Args:
        summary: what to show.
        lang: "en" or "zh" for labels and the sheet name.
        spec: the template (labels); the built-in one when None.
        findings: the findings to list (the first FINDINGS_LIMIT by severity).
        message: renders a finding's message, to override the default:
            `messages.finding_message` in `lang`, spec keys shown as `spec`'s labels.

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
    row = _budget(out, summary, row + 1)
    row = _findings(out, summary, row + 1, findings, message)
    _daily(out, summary, row + 1)
    return SheetLayout(
        L("summary_sheet"), out.cells, dict(_WIDTHS), out.charts, STYLES, out.heights
    )


class _Builder:
    def __init__(self, spec: Spec, lang: Lang) -> None:
        self.spec, self.lang = spec, lang
        self.cells: list[Cell] = []
        self.charts: list[ChartSpec] = []
        self.heights: dict[int, float] = {}

    def label(self, key: str) -> str:
        return self.spec.label(key, self.lang)

    def word(self, key: str) -> str:
        """A label of the template, or of the built-in one when a team's template lacks it."""
        source = self.spec if key in self.spec.labels else load_spec()
        return source.label(key, self.lang)

    def enum(self, enum: str, key: str) -> str:
        return self.spec.enum_label(enum, key, self.lang)

    def put(
        self,
        row: int,
        col: int,
        value: CellValue,
        style: str = "plain",
        *,
        link: str | None = None,
        span: int | None = None,
    ) -> None:
        self.cells.append(Cell(row, col, value, style, link, span))

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
    # Pace and health come from the summary when it computes them (getattr: older
    # summaries have neither, and the sheet leaves the columns out).
    paced = any(getattr(m, "pace", None) is not None for m in summary.metrics)
    keys = ["summary_metric", "summary_target", "summary_actual", "summary_rate", "summary_light"]
    out.header(row + 1, keys)
    if paced:
        out.put(row + 1, 5, out.word("summary_pace"), "header")
        out.put(row + 1, 6, out.word("summary_health"), "header")
    first = row + 2
    for i, m in enumerate(summary.metrics):
        r = first + i
        out.put(r, 0, m.name, "text")
        out.put(r, 1, m.target, _number_style(m.target))
        out.put(r, 2, m.actual, _number_style(m.actual))
        out.put(r, 3, m.rate, "percent")
        light = f"{LIGHT_SYMBOLS[m.light]} {out.enum('light', m.light)}" if m.light else ""
        out.put(r, 4, light, m.light or "text")
        if paced:
            health = getattr(m, "health", None)
            light_key = _HEALTH_LIGHT.get(str(health), str(health))
            out.put(r, 5, getattr(m, "pace", None), "percent")
            out.put(
                r,
                6,
                f"{LIGHT_SYMBOLS.get(light_key, '')} {out.enum('light', light_key)}"
                if light_key in LIGHTS
                else "",
                light_key if light_key in LIGHTS else "text",
            )
    row = first + len(summary.metrics)
    if summary.metrics_source in (SOURCE_GOALS_DAILY, SOURCE_MIXED):
        out.put(row, 0, out.label("summary_from_goals"), "note")
        row += 1
    elif summary.metrics_source == SOURCE_NONE:
        out.put(row, 0, out.label("summary_no_metrics"), "note")
        row += 1
    if any(m.rate is not None for m in summary.metrics):
        last = first + len(summary.metrics) - 1
        for r in range(first, last + 1):
            out.put(r, _LINE_COL, 1.0, "invisible")
        out.put(first - 1, _LINE_COL, out.word("kpi_line"), "invisible")
        out.chart(
            ChartSpec(
                "column",
                out.label("summary_chart_achievement"),
                (first, 0, last, 0),
                ((out.label("summary_rate"), (first, 3, last, 3)),),
                (0, _CHART_COL),
                percent_axis=True,
                colours=tuple(LIGHT_MARKS.get(m.light or "", "#A6A6A6") for m in summary.metrics),
                line=(out.word("chart_target_line"), (first, _LINE_COL, last, _LINE_COL)),
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
        out.put(first + i, 0, name, f"status_{status}" if status in STATUS_COLOURS else "text")
        out.put(first + i, 1, summary.task_counts.get(status, 0), "integer")
    last = first + len(statuses) - 1
    out.put(last + 1, 0, out.label("total"), "total")
    out.put(last + 1, 1, summary.tasks_total, "total")
    if summary.tasks_total:
        out.chart(
            ChartSpec(
                "bar",
                out.label("summary_chart_tasks"),
                (first, 0, last, 0),
                ((out.label("count"), (first, 1, last, 1)),),
                (16, _CHART_COL),
                colours=tuple(STATUS_COLOURS.get(s, "#D9D9D9") for s in statuses),
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


def _more(out: _Builder, row: int, hidden: int, limit: int = LIST_LIMIT) -> int:
    """A note under a cut list; returns the row after the block and a blank line."""
    if hidden <= 0:
        return row + 1
    out.put(row, 0, out.label("summary_more").format(n=hidden, shown=limit), "note")
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


def _budget(out: _Builder, summary: Summary, row: int) -> int:
    """Budget planned vs spent: totals on one row, then the lines and the channels side by side."""
    money = summary.money
    if money.spent is None and not money.lines and not money.channels:
        return row
    rules = out.spec.rules
    out.put(row, 0, out.word("summary_budget"), "section")
    totals = [
        ("summary_budget_total", money.total),
        ("summary_budget_spent", money.spent),
        ("summary_budget_remaining", money.remaining),
    ]
    for i, (key, total) in enumerate(totals):
        out.put(row + 1, 2 * i, out.word(key), "label")
        out.put(row + 1, 2 * i + 1, total, "integer")
    out.put(row + 1, 6, money.used, "percent")
    top, height = row + 3, 0
    lines = [line for line in money.lines if line.planned is not None or line.spent is not None]
    if lines:
        for col, key in enumerate(
            (
                "summary_budget_line",
                "summary_budget_planned",
                "summary_budget_spent",
                "summary_budget_variance",
            )
        ):
            out.put(top, col, out.word(key), "header")
        for i, line in enumerate(lines, start=top + 1):
            over = line.variance is not None and round(line.variance, 4) > rules.budget_line_over
            cells: tuple[tuple[CellValue, str], ...] = (
                (line.category, "text"),
                (line.planned, "integer"),
                (line.spent, "integer"),
                (line.variance, "red" if over else "percent"),
            )
            for col, (value, style) in enumerate(cells):
                out.put(i, col, value, style)
        height = len(lines) + 1
    if money.channels:
        for col, key in enumerate(
            ("summary_channel", "summary_actual", "summary_budget_spent", "summary_roi"), start=4
        ):
            out.put(top, col, out.word(key), "header")
        for i, channel in enumerate(money.channels, start=top + 1):
            roi = None if channel.roi is None else round(channel.roi, 4)
            look = (
                "number"
                if roi is None
                else "red"
                if roi < rules.roi_low
                else ("green" if roi >= rules.roi_high else "number")
            )
            row_cells: tuple[tuple[CellValue, str], ...] = (
                (channel.name, "text"),
                (channel.actual, "integer"),
                (channel.spend, "integer"),
                (roi, look),
            )
            for col, (value, style) in enumerate(row_cells, start=4):
                out.put(i, col, value, style)
        height = max(height, len(money.channels) + 1)
    return top + height + 1


def _findings(
    out: _Builder,
    summary: Summary,
    row: int,
    findings: Sequence[Finding],
    message: Callable[[Finding], str] | None,
) -> int:
    out.put(row, 0, out.label("summary_findings"), "section")
    out.header(row + 1, ["summary_severity", "count"])
    for i, severity in enumerate(("error", "warning", "info"), start=row + 2):
        out.put(i, 0, out.label(f"summary_{severity}"), _SEVERITY_STYLE[severity])
        out.put(i, 1, summary.findings_by_severity.get(severity, 0), "integer")
    row += 6
    if not findings:
        return row
    rank = {"error": 0, "warning": 1, "info": 2}
    ordered = sorted(findings, key=lambda f: rank.get(_severity(f), 3))
    shown = ordered[:FINDINGS_LIMIT]
    out.put(row, 1, out.word("summary_finding_title"), "header")
    out.put(row, 2, out.word("summary_where"), "header")
    out.put(row, 3, out.word("summary_message"), "header", span=_LINE_COL - 1)
    out.put(row, 0, out.label("summary_severity"), "header")
    for r, finding in enumerate(shown, start=row + 1):
        severity = _severity(finding)
        text = message(finding) if message else finding_message(finding, out.lang, out.spec)
        title = title_in(finding.code, out.lang) if finding.code in CODES else finding.code
        out.put(r, 0, out.label(f"summary_{severity}"), _SEVERITY_STYLE.get(severity, "text"))
        out.put(r, 1, title, "text")
        loc = finding.location
        where = ""
        if loc.sheet:
            where = f"{loc.sheet}!{loc.cell}" if loc.cell else loc.sheet
            target = f"'{loc.sheet.replace(chr(39), chr(39) * 2)}'!{loc.cell or 'A1'}"
            out.put(r, 2, where, "link", link=target)
        else:
            out.put(r, 2, "", "text")
        out.put(r, 3, text, "text", span=_LINE_COL - 1)
        lines = max(
            math.ceil(len(text) * (2 if out.lang == "zh" else 1.0) / _MESSAGE_WIDTH),
            math.ceil(len(title) * 1.1 / 28),
            1,
        )
        if lines > 1:
            out.heights[r] = 15.0 * lines
    end = row + 1 + len(shown)
    return _more(out, end, len(findings) - len(shown), FINDINGS_LIMIT)


def _severity(finding: Finding) -> str:
    return finding.severity.value if finding.severity is not None else "info"


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
    message: Callable[[Finding], str] | None = None,
    expect: Fingerprint | None = None,
) -> Path:
    """Write (or replace) the achievement summary sheet of a workbook.

    The sheet goes right after the Dashboard (after the last visible sheet in a
    workbook without one); a replaced summary keeps its place.

    Args:
        path: the .xlsx/.xlsm the summary was built from.
        summary: what to write: a `Summary` or an `Analysis` (its `.summary`).
        out: where to write; default `NAME.summary.xlsx` next to the input.
        in_place: replace `path` itself atomically, keeping `NAME.bak.xlsx`.
        lang: "en" or "zh" for the sheet's labels and name.
        spec: the template (labels); the built-in one when None.
        message: renders a finding's message, to override the default:
            `messages.finding_message` in `lang`, spec keys shown as `spec`'s labels.
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
    findings: Sequence[Finding] = getattr(summary, "findings", ())
    if not isinstance(summary, Summary):
        summary = summary.summary
    parts = render_layout(layout_summary(summary, lang, spec, findings, message))
    dashboards = (spec.label("dashboard", "en"), spec.label("dashboard", "zh"))
    return add_sheet(path, parts, out=out, in_place=in_place, expect=expect, after=dashboards)
