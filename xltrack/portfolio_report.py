"""The report sheets of a portfolio workbook: the Overview (one row per campaign) and Charts.

The Overview reads like a portfolio view: name, owner, period, a health light
with a symbol and a word (the summary's health), the main metrics'
achievement, tasks done, overdue tasks, open high issues, budget and errors,
with traffic-light formatting and headers in the chosen language; landscape,
one page wide. Charts: one per printed page; a chart without data is left out
with a note. A metric column is one metric identity (`metric_key`, computed
with the batch's template), labelled with the first name seen: "Sales" and
"销售额" are one column only where the template says they are one metric.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, cast

import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from xltrack.labels import metric_keys
from xltrack.portfolio_tables import metric_labels, popular_metrics
from xltrack.spec import Lang, load_spec
from xltrack.styles import (
    BASE_FONT,
    DATE_FORMAT,
    HEADER,
    LIGHT_MARKS,
    LIGHT_SYMBOLS,
    LIGHTS,
    MONEY_FORMAT,
    MUTED_FONT,
    NAVY,
    PERCENT_FORMAT,
)

CORE_METRICS = 3
MAX_METRIC_COLUMNS = 6  # however many languages a portfolio mixes
TOP_CODES = 15
# Pace health (when the summary has it) to the light it shows.
_HEALTH_LIGHT = {"on_track": "green", "at_risk": "yellow", "off_track": "red"}
# A chart per landscape A4 page at PRINT_SCALE (pixels).
CHART_WIDTH, CHART_HEIGHT = 860, 420
PAGE_HEIGHT = 560  # the tallest chart that prints on one landscape page at PRINT_SCALE
PRINT_SCALE = 85

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "overview": "Overview",
        "charts": "Charts",
        "title": "Campaign portfolio",
        "as_of": "As of",
        "campaign": "Campaign",
        "owner": "Owner",
        "start": "Start",
        "end": "End",
        "health": "Health",
        "tasks_done": "Tasks done",
        "overdue": "Overdue tasks",
        "open_high": "Open high issues",
        "budget": "Budget",
        "budget_used": "Budget used",
        "errors": "Errors",
        "warnings": "Warnings",
        "achieved": "achieved",
        "no_campaigns": "No campaign could be read: see the Load report sheet.",
        "failed": "{n} file(s) could not be read: see the Load report sheet.",
        "chart_achievement": "Mean achievement by campaign",
        "chart_trends": "Metric achievement over time (all campaigns)",
        "chart_codes": "Most frequent findings",
        "mean": "Mean achievement",
        "findings": "Findings",
        "no_achievement": "No metric with a target and an actual: no achievement chart.",
        "no_trends": "No daily figures: no trend chart.",
        "no_codes": "No findings: no findings chart.",
        "health_words": "green:On track,yellow:At risk,red:Off track",
    },
    "zh": {
        "overview": "概览",
        "charts": "图表",
        "title": "活动组合报告",
        "as_of": "统计日期",
        "campaign": "活动名称",
        "owner": "负责人",
        "start": "开始日期",
        "end": "结束日期",
        "health": "健康度",
        "tasks_done": "任务完成率",
        "overdue": "逾期任务",
        "open_high": "未解决高风险问题",
        "budget": "预算",
        "budget_used": "预算使用率",
        "errors": "错误",
        "warnings": "警告",
        "achieved": "达成率",
        "no_campaigns": "没有可读取的活动:见 Load report 表。",
        "failed": "{n} 个文件无法读取:见 Load report 表。",
        "chart_achievement": "各活动平均达成率",
        "chart_trends": "各指标达成率趋势(全部活动)",
        "chart_codes": "最常见的检查结果",
        "mean": "平均达成率",
        "findings": "检查结果",
        "no_achievement": "没有同时具有目标值和实际值的指标:不绘制达成率图。",
        "no_trends": "没有每日数据:不绘制趋势图。",
        "no_codes": "没有检查结果:不绘制检查结果图。",
        "health_words": "green:正常,yellow:关注,red:预警",
    },
}


def merged_metrics(metrics: pd.DataFrame) -> pd.DataFrame:
    """The metrics table with one spelling per metric (its most common spelling).

    Spellings are one metric when `labels.metric_key` says so (case, width,
    script, a unit in brackets), as in the summary.
    """
    m = metrics.dropna(subset=["metric"]).copy()
    if m.empty:
        return m
    names = m["metric"].astype(str)
    spec = load_spec()
    folded = pd.Series(metric_keys(names.tolist(), spec), index=names.index, dtype=object)
    counts = pd.DataFrame({"fold": folded, "name": names.str.strip()}).value_counts(sort=False)
    best: dict[str, str] = {}
    pairs = cast("Iterable[tuple[tuple[str, str], int]]", counts.items())  # MultiIndex keys
    for (fold, name), _n in sorted(pairs, key=lambda kv: -kv[1]):
        best.setdefault(fold, name)
    m["metric"] = folded.map(best)
    return m


def overview_metrics(metrics: pd.DataFrame) -> list[str]:
    """The Overview's metric columns: every campaign's first metric (its first goal) has one,
    up to MAX_METRIC_COLUMNS, then the most common others up to CORE_METRICS columns."""
    ranked = popular_metrics(metrics, len(metrics))
    if not ranked:
        return []
    m = metrics[metrics["metric_key"].notna() & metrics["metric_key"].ne("")]
    leads = set(m.drop_duplicates("campaign_key")["metric_key"].tolist())
    chosen = [k for k in ranked if k in leads][:MAX_METRIC_COLUMNS]
    for key in ranked:
        if len(chosen) >= CORE_METRICS:
            break
        if key not in chosen:
            chosen.append(key)
    return chosen


class ReportWriter:
    """The report sheets of a portfolio workbook, in the workbook palette."""

    def __init__(self, book: Workbook, portfolio: Any, lang: Lang) -> None:
        self.book = book
        self.p = portfolio
        self.lang: Lang = lang
        self.words = _WORDS[lang]
        self.stream = bool(book.constant_memory)

        def fmt(**props: Any) -> Any:
            return book.add_format({**BASE_FONT, **props})

        self.header = fmt(**HEADER)
        self.date = fmt(num_format=DATE_FORMAT)
        self.pct = fmt(num_format=PERCENT_FORMAT)
        self.money = fmt(num_format=MONEY_FORMAT)
        self.count = fmt(num_format="#,##0")
        self.text = fmt(valign="top")
        self.title = fmt(bold=True, font_size=16, font_color=NAVY)
        self.note = fmt(italic=True, font_color=MUTED_FONT)
        self.looks = {
            k: book.add_format({"bg_color": fill, "font_color": font})
            for k, (fill, font) in LIGHTS.items()
        }
        self.lit_pct = {
            k: fmt(num_format=PERCENT_FORMAT, bg_color=fill, font_color=font)
            for k, (fill, font) in LIGHTS.items()
        }

    # -- the report ---------------------------------------------------------------------
    def _health(self) -> dict[str, str]:
        """Each campaign's health as its summary has it (its worst core metric's pace), as a
        light; none when the summary has none (no fallback to another rule)."""
        out: dict[str, str] = {}
        for record in self.p.records:
            light = _HEALTH_LIGHT.get(str(record.get("health")))
            if light is not None:
                out[str(record.get("path"))] = light
        return out

    def _budget_used(self) -> dict[str, float]:
        """Each campaign's spend / total budget, when its summary has the money facts."""
        out: dict[str, float] = {}
        for record in self.p.records:
            money = record.get("budget") or {}
            total, spent = money.get("total"), money.get("spent")
            if isinstance(total, (int, float)) and total and isinstance(spent, (int, float)):
                out[str(record.get("path"))] = spent / total
        return out

    def _overview(self, ws: Worksheet, campaigns: pd.DataFrame) -> None:
        w = self.words
        ws.write_string(0, 0, w["title"], self.title)
        ws.write_string(1, 0, w["as_of"], self.note)
        ws.write_datetime(1, 1, pd.Timestamp(self.p.as_of).to_pydatetime(), self.date)
        failed = len(self.p.failed)
        if failed:
            ws.write_string(2, 0, w["failed"].format(n=failed), self.note)
        header = 3
        if campaigns.empty:
            ws.write_string(header, 0, w["no_campaigns"], self.note)
            ws.set_column(0, 1, 12)
            ws.set_landscape()
            return
        metrics = self.p.metrics
        labels = metric_labels(metrics)
        core = overview_metrics(metrics)
        by_metric = metrics.drop_duplicates(["campaign_key", "metric_key"]).set_index(
            ["campaign_key", "metric_key"]
        )
        rates = by_metric["rate"].to_dict()
        # Each rate wears its metric's light, as in the summary: against pace during the
        # campaign (56 % of the target on day 17 of 30 may be on track), final after it.
        lights = by_metric["light"].to_dict()
        health = self._health()
        words = dict(pair.split(":") for pair in w["health_words"].split(","))
        columns: list[tuple[str, float, str]] = [
            (w["campaign"], max(20.0, min(40.0, _text_width(campaigns["campaign"]))), "text"),
            (w["owner"], 14, "text"),
            (w["start"], 11, "date"),
            (w["end"], 11, "date"),
            (w["health"], 13, "health"),
            *[
                (f"{labels[k]} {w['achieved']}", max(12.0, min(22.0, len(labels[k]) + 10)), "rate")
                for k in core
            ],
            (w["tasks_done"], 11, "pct"),
            (w["overdue"], 10, "alarm"),
            (w["open_high"], 11, "alarm"),
            (w["budget"], 13, "money"),
            (w["budget_used"], 10, "used"),
            (w["errors"], 8, "alarm"),
        ]
        used = self._budget_used()
        for j, (text, width, _kind) in enumerate(columns):
            # Wide enough for the header in two lines, and for its longest word.
            longest = max(len(word) for word in text.split()) * 1.1 + 2
            ws.set_column(j, j, max(width, _text_width(pd.Series([text])) / 2 + 1, longest))
            ws.write_string(header, j, text, self.header)
        ws.set_row(header, 32)
        rec: Any  # a row of a mixed frame (pandas-stubs narrows its fields to scalars)
        for i, rec in enumerate(campaigns.itertuples(index=False)):
            r = header + 1 + i
            row = rec._asdict()
            light = health.get(str(row.get("file")))
            values: list[Any] = [
                row.get("campaign") or "",
                row.get("owner") or "",
                row.get("start_date"),
                row.get("end_date"),
                f"{LIGHT_SYMBOLS[light]} {words[light]}" if light else "",
                *[rates.get((row.get("campaign_key"), k)) for k in core],
                row.get("tasks_done_ratio"),
                row.get("tasks_overdue"),
                row.get("issues_open_high"),
                row.get("budget"),
                used.get(str(row.get("file"))),
                row.get("findings_error"),
            ]
            rate_lights = [lights.get((row.get("campaign_key"), k)) for k in core]
            for j, ((_, _, kind), value) in enumerate(zip(columns, values, strict=True)):
                light_of_rate = rate_lights[j - 5] if kind == "rate" else None
                self._cell(ws, r, j, kind, value, self.lit_pct.get(str(light_of_rate)))
        last = header + len(campaigns)
        for j, (_, _, kind) in enumerate(columns):
            if kind == "health":
                for key, symbol in LIGHT_SYMBOLS.items():
                    ws.conditional_format(
                        header + 1,
                        j,
                        last,
                        j,
                        {
                            "type": "text",
                            "criteria": "begins with",
                            "value": symbol,
                            "format": self.looks[key],
                        },
                    )
            elif kind == "alarm":
                ws.conditional_format(
                    header + 1,
                    j,
                    last,
                    j,
                    {"type": "cell", "criteria": ">", "value": 0, "format": self.looks["red"]},
                )
            elif kind == "used":  # over the budget red, past 90 % yellow
                ws.conditional_format(
                    header + 1,
                    j,
                    last,
                    j,
                    {"type": "cell", "criteria": ">", "value": 1, "format": self.looks["red"]},
                )
                ws.conditional_format(
                    header + 1,
                    j,
                    last,
                    j,
                    {
                        "type": "cell",
                        "criteria": ">=",
                        "value": 0.9,
                        "format": self.looks["yellow"],
                    },
                )
        ws.freeze_panes(header + 1, 1)
        ws.autofilter(header, 0, last, len(columns) - 1)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        ws.set_footer("&L&A&R&P / &N")

    def _cell(self, ws: Worksheet, r: int, c: int, kind: str, value: Any, look: Any = None) -> None:
        """One cell in its kind's format, or in `look` (a number's format with its light)."""
        if missing(value):
            return
        if kind == "date":
            ws.write_datetime(r, c, pd.Timestamp(value).to_pydatetime(), self.date)
        elif kind in ("pct", "rate", "used", "count", "alarm", "money"):
            fmt = (
                self.money
                if kind == "money"
                else self.count
                if kind in ("count", "alarm")
                else self.pct
            )
            ws.write_number(r, c, float(value), look or fmt)
        else:
            ws.write_string(r, c, str(value), self.text)

    # -- charts -----------------------------------------------------------------------
    def _charts(
        self, sheet: Worksheet, campaigns: pd.DataFrame, codes: pd.DataFrame, trends: pd.DataFrame
    ) -> None:
        """A chart per printed page; a chart without data is left out with a note.

        Printed at 100 % with a page break after each chart: "fit to page" would
        ignore the breaks and cut a chart in two.
        """
        w = self.words
        sheet.write_string(0, 0, w["charts"], self.title)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.set_print_scale(PRINT_SCALE)
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        sheet.set_footer("&L&A&R&P / &N")
        breaks: list[int] = []
        row = 2
        n = len(campaigns)
        col = list(campaigns.columns).index("achievement_mean")
        rated = campaigns["achievement_mean"].notna().sum() if n else 0
        if rated:
            bar = self.book.add_chart({"type": "bar"})
            bar.add_series(
                {
                    "name": w["mean"],
                    "categories": ["Campaigns", 1, 1, n, 1],
                    "values": ["Campaigns", 1, col, n, col],
                    "fill": {"color": NAVY},
                    "data_labels": {"value": n <= 40, "num_format": "0%", "font": {"size": 8}},
                    "gap": 60,
                }
            )
            bar.set_title({"name": w["chart_achievement"], "name_font": {"size": 11}})
            bar.set_x_axis(
                {
                    "num_format": "0%",
                    "min": 0,
                    "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}},
                }
            )
            bar.set_y_axis(
                {
                    "reverse": True,
                    "crossing": "max",
                    "interval_unit": 1 if n <= 40 else max(1, n // 30),
                }
            )
            bar.set_legend({"none": True})
            height = min(PAGE_HEIGHT, max(CHART_HEIGHT, 18 * n + 100))
            bar.set_size({"width": CHART_WIDTH, "height": height})
            sheet.insert_chart(row, 0, bar)
            row += height // 20 + 2
            breaks.append(row)
            row += 1  # a chart starting on the break line would print on both pages
        else:
            sheet.write_string(row, 0, w["no_achievement"], self.note)
            row += 2
        series = list(trends.columns)[1:]
        if series and len(trends):
            line = self.book.add_chart({"type": "line"})
            rows = len(trends)
            palette = [
                NAVY,
                LIGHT_MARKS["green"],
                "#ED7D31",
                "#7F7F7F",
                LIGHT_MARKS["yellow"],
                "#5B9BD5",
            ]
            for i, _metric in enumerate(series, start=1):
                colour = palette[(i - 1) % len(palette)]
                line.add_series(
                    {
                        "name": ["Trends", 0, i],
                        "categories": ["Trends", 1, 0, rows, 0],
                        "values": ["Trends", 1, i, rows, i],
                        "line": {"color": colour, "width": 2},
                        "marker": {
                            "type": "circle",
                            "size": 4,
                            "fill": {"color": colour},
                            "border": {"color": colour},
                        },
                    }
                )
            line.set_title({"name": w["chart_trends"], "name_font": {"size": 11}})
            line.set_x_axis({"date_axis": True, "num_format": "mm-dd"})
            line.set_y_axis(
                {
                    "num_format": "0%",
                    "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}},
                }
            )
            line.set_legend({"position": "bottom"})
            line.set_size({"width": CHART_WIDTH, "height": CHART_HEIGHT})
            sheet.insert_chart(row, 0, line)
            row += CHART_HEIGHT // 20 + 2
            breaks.append(row)
            row += 1
        else:
            sheet.write_string(row, 0, w["no_trends"], self.note)
            row += 2
        sheet.set_h_pagebreaks(breaks)
        top = min(len(codes), TOP_CODES)
        if top:
            col_bar = self.book.add_chart({"type": "bar"})
            col_bar.add_series(
                {
                    "name": w["findings"],
                    "categories": ["Finding codes", 1, 2, top, 2],
                    "values": ["Finding codes", 1, 3, top, 3],
                    "fill": {"color": "#A6B8D9"},
                    "data_labels": {"value": True, "font": {"size": 8}},
                    "gap": 50,
                }
            )
            col_bar.set_title({"name": w["chart_codes"], "name_font": {"size": 11}})
            col_bar.set_y_axis({"reverse": True, "crossing": "max", "interval_unit": 1})
            col_bar.set_x_axis(
                {
                    "min": 0,
                    "num_format": "0",
                    "major_gridlines": {"visible": True, "line": {"color": "#E7E6E6"}},
                }
            )
            col_bar.set_legend({"none": True})
            col_bar.set_size(
                {"width": CHART_WIDTH, "height": min(CHART_HEIGHT, max(200, 20 * top + 80))}
            )
            sheet.insert_chart(row, 0, col_bar)
        else:
            sheet.write_string(row, 0, w["no_codes"], self.note)


def _text_width(values: pd.Series) -> float:
    """Width units the longest text needs (a CJK character takes two)."""
    texts = [str(v) for v in values.tolist() if isinstance(v, str)]
    if not texts:
        return 0.0
    return max(len(t) + sum(1 for ch in t if ord(ch) > 0x2E80) for t in texts) * 1.05 + 2


def missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and (math.isnan(value) or math.isinf(value))
