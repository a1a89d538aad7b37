"""Render a `WeeklyReport` as text (a terminal), Markdown (an email or chat) or JSON.

All three show the same facts in the same order as the sheet (weekly_sheet.py):
key results, tasks done, delayed tasks and their reasons, next week's plan, open
issues, resources to coordinate, findings new this week. Labels come from the
template (`weekly_*`, `summary_*`), finding messages from `messages.finding_message`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from xltrack.escaping import json_text
from xltrack.messages import finding_message
from xltrack.render import finding_to_dict
from xltrack.spec import Lang, Spec, load_spec
from xltrack.weekly import WeeklyReport


def report_to_dict(
    report: WeeklyReport, lang: Lang = "en", spec: Spec | None = None, output: str | None = None
) -> dict[str, Any]:
    """The JSON shape of issue 11 (`WeeklyReport.to_dict`), findings with rendered messages."""
    spec = spec or load_spec()
    data = report.to_dict(lang)
    data["findings"] = [finding_to_dict(f, lang, spec) for f in report.findings]
    if output is not None:
        data["output"] = output
    return data


def report_to_json(
    report: WeeklyReport, lang: Lang = "en", spec: Spec | None = None, output: str | None = None
) -> str:
    return json_text(report_to_dict(report, lang, spec, output))


# How a column's values read: text as is, figures with thousands separators,
# rates as percentages, days as ISO dates, counts as whole numbers.
Kind = Literal["text", "figure", "percent", "date", "count"]
Value = str | float | int | dt.date | None


@dataclass(frozen=True)
class Section:
    """One block of the report: typed values, so the sheet can write real numbers.

    `key` names the block ("metrics", "done", "delayed", "next", "issues",
    "resources", "spend", "findings"): the sheet styles a block by its key, never
    by its position, which changes whenever a block is added.
    """

    key: str
    title: str
    header: list[str]
    kinds: tuple[Kind, ...]
    rows: list[list[Value]]

    def text_rows(self) -> list[list[str]]:
        return [
            [cell_text(v, k) for v, k in zip(row, self.kinds, strict=True)] for row in self.rows
        ]


def cell_text(value: Value, kind: Kind) -> str:
    """A value as the text and Markdown reports show it."""
    if kind == "figure":
        return _figure(value if isinstance(value, int | float) else None)
    if kind == "percent":
        return _pct(value if isinstance(value, int | float) else None)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _figure(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def sections(report: WeeklyReport, lang: Lang, spec: Spec) -> list[Section]:
    """Every section of the report, in display order, with typed values."""

    def L(key: str) -> str:
        return spec.label(key, lang)

    def enum(name: str, key: str | None) -> str:
        return spec.enum_label(name, key, lang) if key else ""

    def task(key: str, rows: list[list[Value]], last: str, kind: Kind = "date") -> Section:
        head = [L("summary_id"), L("summary_task"), *(L(k) for k in last.split())]
        kinds: tuple[Kind, ...] = ("text", "text", "date", kind)
        return Section(key, L(f"weekly_{key}"), head, kinds[: len(head)], rows)

    return [
        Section(
            "metrics",
            L("weekly_metrics"),
            [
                L("summary_metric"),
                L("summary_target"),
                L("summary_actual"),
                L("weekly_deviation"),
                L("summary_health"),
            ],
            ("text", "figure", "figure", "percent", "text"),
            [
                [m.name, m.target, m.actual, m.deviation, enum("health", m.health)]
                for m in report.metrics
            ],
        ),
        task("done", [[t.task_id, t.name or "", t.end] for t in report.done], "summary_end"),
        task(
            "delayed",
            [[t.task_id, t.name or "", t.end, t.reason or ""] for t in report.delayed],
            "summary_end weekly_reason",
            "text",
        ),
        task(
            "next",
            [[t.task_id, t.name or "", t.start, t.end] for t in report.next_week],
            "weekly_start summary_end",
        ),
        Section(
            "issues",
            L("weekly_issues"),
            [L("summary_id"), L("summary_description"), L("summary_severity"), L("weekly_age")],
            ("text", "text", "text", "count"),
            [
                [i.issue_id, i.description or "", enum("severity", i.severity), i.age_days]
                for i in report.open_issues
            ],
        ),
        Section(
            "resources",
            L("weekly_resources"),
            [L("weekly_resources")],
            ("text",),
            [[text] for text in report.resources],
        ),
        Section(
            "spend",
            L("weekly_spend"),
            [L("weekly_channel"), L("weekly_spend_amount")],
            ("text", "figure"),
            [[name or L("weekly_all_channels"), value] for name, value in report.spend.items()],
        ),
        Section(
            "findings",
            L("weekly_findings"),
            [L("summary_severity"), L("weekly_message")],
            ("text", "text"),
            [
                [spec.label(f"summary_{f.level.value}", lang), finding_message(f, lang, spec)]
                for f in report.findings
            ],
        ),
    ]


def report_sections(
    report: WeeklyReport, lang: Lang, spec: Spec
) -> list[tuple[str, list[list[str]], list[str]]]:
    """(title, rows, header) of each section, in display order; cells as text."""
    return [(s.title, s.text_rows(), s.header) for s in sections(report, lang, spec)]


def _title(report: WeeklyReport, lang: Lang, spec: Spec) -> str:
    head = report.campaign or report.path or "?"
    return (
        f"{spec.label('weekly_sheet', lang)}: {head}, "
        f"{report.start.isoformat()} – {report.end.isoformat()}"
    )


def report_to_text(report: WeeklyReport, lang: Lang = "en", spec: Spec | None = None) -> str:
    """Plain lines for a terminal."""
    spec = spec or load_spec()
    lines = [_title(report, lang, spec)]
    none = spec.label("summary_none", lang)
    for title, rows, _ in report_sections(report, lang, spec):
        lines.append(f"{title}:")
        lines.extend("  " + "  ".join(c for c in row if c) for row in rows)
        if not rows:
            lines.append(f"  {none}")
    return "\n".join(lines) + "\n"


def report_to_markdown(report: WeeklyReport, lang: Lang = "en", spec: Spec | None = None) -> str:
    """Markdown to paste into an email or a chat: a heading, then a table or list per section."""
    spec = spec or load_spec()
    lines = [f"## {_md(_title(report, lang, spec))}", ""]
    none = spec.label("summary_none", lang)
    for title, rows, header in report_sections(report, lang, spec):
        lines.append(f"### {_md(title)}")
        lines.append("")
        if not rows:
            lines.append(f"_{_md(none)}_")
        elif len(header) == 1:
            lines.extend(f"- {_md(row[0])}" for row in rows)
        else:
            lines.append("| " + " | ".join(_md(h) for h in header) + " |")
            lines.append("|" + "---|" * len(header))
            lines.extend("| " + " | ".join(_md(c) for c in row) + " |" for row in rows)
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    """Text safe in a Markdown table cell: pipes escaped, line breaks flattened."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


__all__ = [
    "Section",
    "cell_text",
    "report_sections",
    "report_to_dict",
    "report_to_json",
    "report_to_markdown",
    "report_to_text",
    "sections",
]
