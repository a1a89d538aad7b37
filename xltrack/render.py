"""Render findings (and, below, summaries) as text, JSON or a DataFrame; no I/O, no click.

All renderings start from the same `Finding` objects, so text and JSON always
list the same findings. Messages come from `messages.finding_message`: the
templates of `codes.py` in English or Chinese, with params that hold spec keys
(an enum value, a column) shown as the spec's label in that language. Colour is
ANSI and only when the caller asks for it (the CLI asks when stdout is a terminal).

Text from a workbook is hostile until shown otherwise: the text renderings drop
the control characters it carries (ESC sequences that retitle the terminal or
write the clipboard with OSC 52, BEL, clear-screen, C1 controls, bidi
overrides; `terminal_safe`), while xltrack's own colours are added after. The
JSON renderings escape them (`\u001b`, `\u009b`, `\u202e`), and the findings
JSON is produced piece by piece (`iter_reports_json`), never as one string.

JSON of `xltrack check` (format `xltrack.findings/1`; keys may be added, never
renamed):

    {"format": "xltrack.findings/1", "as_of": "2024-06-15", "lang": "en",
     "workbooks": [{"path", "campaign", "as_of", "error": null | {"code", "message"},
                    "counts": {"error", "warning", "info"},
                    "findings": [{"code", "severity", "sheet", "row", "column", "id",
                                  "message", "params"}],
                    "headers": [{"table", "sheet", "cell", "header", "column", "sureness"}]}],
     "counts": {...}}
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from xltrack.escaping import LazyList, iter_json, json_text, terminal_safe
from xltrack.findings import Finding, Severity, count_by_severity
from xltrack.messages import finding_message
from xltrack.spec import Lang, Spec, load_spec

if TYPE_CHECKING:
    from xltrack.analyze import Analysis
    from xltrack.errors import WorkbookError
    from xltrack.summary import Summary

FINDINGS_FORMAT = "xltrack.findings/1"

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "as_of": "as of",
        "error": "error",
        "warning": "warning",
        "info": "info",
        "errors": "errors",
        "warnings": "warnings",
        "infos": "info",
        "none": "no findings",
        "error1": "error",
        "warning1": "warning",
        "info1": "info",
        "workbook": "(workbook)",
        "workbooks": "workbooks",
        "unusable": "cannot be used",
        "sep": ", ",
        "list": ", ",
    },
    "zh": {
        "as_of": "统计日期",
        "error": "错误",
        "warning": "警告",
        "info": "提示",
        "errors": "个错误",
        "warnings": "个警告",
        "infos": "条提示",
        "none": "未发现问题",
        "error1": "个错误",
        "warning1": "个警告",
        "info1": "条提示",
        "workbook": "(工作簿)",
        "workbooks": "个工作簿",
        "unusable": "无法使用",
        "sep": ",",
        "list": "、",
    },
}
_ANSI = {
    "error": "\x1b[31;1m",
    "warning": "\x1b[33m",
    "info": "\x1b[36m",
    "head": "\x1b[1m",
    "dim": "\x1b[2m",
}
_RESET = "\x1b[0m"


@dataclass
class WorkbookReport:
    """What `xltrack check` says about one input: its findings, or why it could not be used."""

    path: str
    as_of: dt.date
    campaign: str | None = None
    findings: list[Finding] = field(default_factory=list)
    error: dict[str, str] | None = None
    refusal: WorkbookError | None = None  # the error itself, to say it in any language
    lang: Lang | None = None  # the workbook's own language, when it could be read
    headers: list[dict[str, Any]] = field(default_factory=list)  # the load report


def report_from_analysis(analysis: Analysis) -> WorkbookReport:
    """The report of a workbook that could be read (findings already sorted)."""
    frames = analysis.frames
    lang: Lang = "zh" if frames.lang == "zh" else "en"
    return WorkbookReport(
        analysis.path,
        analysis.as_of,
        frames.name,
        list(analysis.findings),
        lang=lang,
        headers=[h.to_dict() for h in frames.headers],
    )


def report_from_error(path: str, as_of: dt.date, err: WorkbookError) -> WorkbookReport:
    """The report of a workbook that could not be used at all."""
    return WorkbookReport(str(path), as_of, error=err.to_dict(), refusal=err)


def finding_to_dict(
    finding: Finding, lang: Lang = "en", spec: Spec | None = None
) -> dict[str, Any]:
    """One finding as in the JSON output (`Finding.from_dict` reads it back)."""
    out = finding.to_dict(lang)
    out["message"] = finding_message(finding, lang, spec)
    return out


def report_to_dict(
    report: WorkbookReport, lang: Lang = "en", spec: Spec | None = None
) -> dict[str, Any]:
    """One workbook's entry of the `workbooks` list."""
    return _report_entry(report, [finding_to_dict(f, lang, spec) for f in report.findings], lang)


def _error(report: WorkbookReport, lang: Lang) -> dict[str, str] | None:
    """The report's error with its message in `lang` (an unknown reason stays English)."""
    if not report.error:
        return None
    if report.refusal is None:
        return dict(report.error)
    return {"code": report.error["code"], "message": report.refusal.message(lang)}


def _report_entry(
    report: WorkbookReport, findings: list[dict[str, Any]], lang: Lang = "en"
) -> dict[str, Any]:
    return {
        "path": report.path,
        "campaign": report.campaign,
        "as_of": report.as_of.isoformat(),
        "error": _error(report, lang),
        "counts": count_by_severity(report.findings),
        "findings": findings,
        "headers": list(report.headers),
    }


def reports_to_dict(
    reports: Sequence[WorkbookReport], lang: Lang = "en", spec: Spec | None = None
) -> dict[str, Any]:
    """The whole JSON document of `xltrack check`."""
    spec = spec or load_spec()
    return _document(reports, lang, [report_to_dict(r, lang, spec) for r in reports])


def _document(
    reports: Sequence[WorkbookReport], lang: Lang, workbooks: list[dict[str, Any]]
) -> dict[str, Any]:
    return {
        "format": FINDINGS_FORMAT,
        "as_of": reports[0].as_of.isoformat() if reports else None,
        "lang": lang,
        "workbooks": workbooks,
        "counts": count_by_severity([f for r in reports for f in r.findings]),
    }


def reports_to_json(
    reports: Sequence[WorkbookReport], lang: Lang = "en", spec: Spec | None = None
) -> str:
    """`reports_to_dict` as JSON text (UTF-8 characters kept, control characters escaped)."""
    return "".join(iter_reports_json(reports, lang, spec))


def iter_reports_json(
    reports: Sequence[WorkbookReport], lang: Lang = "en", spec: Spec | None = None
) -> Iterator[str]:
    """`reports_to_json` in pieces: each finding becomes a dict only while it is written."""
    spec = spec or load_spec()

    def entry(r: WorkbookReport) -> dict[str, Any]:
        lazy = LazyList(
            len(r.findings), lambda: (finding_to_dict(f, lang, spec) for f in r.findings)
        )
        return _report_entry(r, lazy, lang)

    workbooks = LazyList(len(reports), lambda: (entry(r) for r in reports))
    yield from iter_json(_document(reports, lang, workbooks))


def reports_to_text(
    reports: Sequence[WorkbookReport],
    lang: Lang = "en",
    colour: bool = False,
    spec: Spec | None = None,
) -> str:
    """Findings grouped by workbook, then by sheet, one line each, with totals."""
    spec = spec or load_spec()
    words = _WORDS[lang]

    def paint(text: str, style: str) -> str:
        return f"{_ANSI[style]}{text}{_RESET}" if colour else text

    safe = terminal_safe
    lines: list[str] = []
    for report in reports:
        head = safe(report.path)
        if report.campaign:
            head += f" — {safe(report.campaign)}"
        lines.append(paint(head, "head") + f" ({words['as_of']} {report.as_of.isoformat()})")
        error = _error(report, lang)
        if error:
            label = paint(words["error"], "error")
            lines.append(f"  {label}  {safe(error['code'])}  {safe(error['message'])}")
            lines.append("")
            continue
        sheet: object = object()
        for f in report.findings:
            if f.location.sheet != sheet:
                sheet = f.location.sheet
                lines.append("  " + paint(safe(str(sheet)) if sheet else words["workbook"], "head"))
            level = f.level.value
            place = safe(f.location.cell or (str(f.location.row) if f.location.row else ""))
            lines.append(
                f"    {_pad(place, 6)} {_pad(safe(f.location.record_id or ''), 6)} "
                f"{paint(_pad(words[level], 7), level)} {paint(f.code, 'dim')}  "
                f"{safe(finding_message(f, lang, spec))}"
            )
        lines.append("  " + _totals(report.findings, words))
        lines.append("")
    if len(reports) > 1:
        everything = [f for r in reports for f in r.findings]
        unusable = sum(1 for r in reports if r.error)
        total = f"{len(reports)} {words['workbooks']}: {_totals(everything, words)}"
        if unusable:
            total += f"{words['sep']}{unusable} {words['unusable']}"
        lines.append(total)
    return "\n".join(lines).rstrip("\n") + "\n"


def _pad(text: str, width: int) -> str:
    """Left-align to a terminal width: CJK characters take two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - used)


def _totals(findings: Sequence[Finding], words: dict[str, str]) -> str:
    if not findings:
        return words["none"]
    counts = count_by_severity(list(findings))
    parts = [
        f"{counts[s]} {words[s + 's'] if counts[s] != 1 else words[s + '1']}"
        for s in ("error", "warning", "info")
    ]
    return words["sep"].join(parts)


def worst_severity(reports: Sequence[WorkbookReport]) -> Severity | None:
    """The highest severity among all findings, None when there are none."""
    levels = [f.level for r in reports for f in r.findings]
    return max(levels, key=lambda s: s.rank) if levels else None


def findings_to_frame(
    findings: Sequence[Finding], lang: Lang = "en", spec: Spec | None = None
) -> pd.DataFrame:
    """One row per finding (pandera-style failure cases), e.g. to group by code across files.

    Columns: file, sheet, row (Int64), column, id, code, severity, message, params.
    """
    records = [
        {
            "file": f.location.file,
            "sheet": f.location.sheet,
            "row": f.location.row,
            "column": f.location.column,
            "id": f.location.record_id,
            "code": f.code,
            "severity": f.level.value,
            "message": finding_message(f, lang, spec),
            "params": dict(f.params),
        }
        for f in findings
    ]
    columns = ["file", "sheet", "row", "column", "id", "code", "severity", "message", "params"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame["row"] = frame["row"].astype("Int64")
    return frame


# =============================================================================
# Summary renderers: reserved for the summary engineer (append below this line).
# =============================================================================


def summary_to_dict(summary: Summary, output: str | None = None) -> dict[str, Any]:
    """The JSON of `xltrack summarize` (`Summary.to_dict()`, plus the file written)."""
    data = summary.to_dict()
    if output is not None:
        data["output"] = output
    return data


def summary_to_json(summary: Summary, output: str | None = None) -> str:
    """`summary_to_dict` as JSON text (UTF-8 characters kept, control characters escaped)."""
    return json_text(summary_to_dict(summary, output))


def summary_to_text(summary: Summary, lang: Lang = "en", spec: Spec | None = None) -> str:
    """A few lines a person reads in a terminal: metrics, tasks, open issues, findings."""
    spec = spec or load_spec()
    words = _WORDS[lang]

    def label(key: str) -> str:
        return spec.label(key, lang)

    head = summary.campaign or summary.path or "?"
    lines = [f"{head} ({words['as_of']} {summary.as_of.isoformat()})"]
    if summary.health:
        lines.append(
            f"{label('summary_health')}: {spec.enum_label('health', summary.health, lang)}"
        )
    lines.append(label("summary_metrics"))
    for m in summary.metrics:
        rate = f"{m.rate:.1%}" if m.rate is not None else "-"
        light = spec.enum_label("light", m.light, lang) if m.light else ""
        pace = ""
        if m.health is not None and m.pace is not None:
            pace = (
                f"  {label('summary_pace')} {m.pace:.1%} "
                f"({spec.enum_label('health', m.health, lang)})"
            )
        lines.append(
            f"  {m.name:<16} {_figure(m.target):>12} {_figure(m.actual):>12} {rate:>8}  {light}"
            f"{pace}"
        )
    if not summary.metrics:
        lines.append("  " + label("summary_no_metrics"))
    elif summary.metrics_source in ("goals+daily", "evaluation+daily"):
        lines.append("  " + label("summary_from_goals"))

    # Every task once, so the counts add up to the total: an empty status or one that is
    # not in the list is counted apart (cell-not-in-list names the cell).
    def status(key: str) -> str:
        if key == "unknown":
            return label("summary_unknown")
        return spec.enum_label("task_status", key, lang)

    counts = ", ".join(f"{status(key)} {n}" for key, n in summary.task_counts.items())
    lines.append(f"{label('summary_tasks')}: {summary.tasks_total} ({counts})")
    overdue = words["list"].join(t.task_id for t in summary.overdue) or label("summary_none")
    if not summary.known("tasks.overdue"):
        overdue = label("summary_unknown_figure")
    lines.append(f"{label('summary_overdue')}: {overdue}")
    high = words["list"].join(i.issue_id for i in summary.high_unresolved) or label("summary_none")
    if not summary.known("issues.high_unresolved"):
        high = label("summary_unknown_figure")
    lines.append(f"{label('summary_high_issues')}: {high}")
    findings = words["sep"].join(
        f"{words[s]} {summary.findings_by_severity.get(s, 0)}" for s in ("error", "warning", "info")
    )
    lines.append(f"{label('summary_findings')}: {findings}")
    return "\n".join(terminal_safe(line) for line in lines) + "\n"


def _figure(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
