"""Write a `Portfolio` as one workbook: a report first, then every tidy table and native charts.

Sheets: Overview (one row per campaign in words: owner, period, health light,
the core metrics' achievement, tasks done, overdue tasks, open high issues,
budget, errors, with traffic-light formatting; landscape, one page wide),
Charts (achievement by campaign, metric trends over time, most frequent
findings, each sized to the printed page; a chart without data is left out
with a note), then the data sheets with their keys and codes: Campaigns,
Metrics, Tasks, Issues, Daily, Findings, Finding codes, Trends, Load report.

Metric names are merged across spellings ("Sales", "sales ", "SALES" are one
metric, shown in its most common spelling), so no two columns differ only by
case. Small portfolios get Excel tables (filter buttons, banding). Past
`TABLE_ROW_LIMIT` rows in one sheet the workbook is written in XlsxWriter's
constant_memory mode, which streams each row to disk but cannot make tables,
so those sheets get an autofilter instead. Every user text goes through
`write_string`: a task called "=SUM(...)" stays text.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from xltrack.codes import CODES
from xltrack.errors import OutputError
from xltrack.labels import metric_key
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

TABLE_ROW_LIMIT = 50_000
ONE_PAGE_ROWS = 80
_CHART_DATA = frozenset({"Finding codes", "Trends"})
MAX_EXCEL_ROWS = 1_048_575  # below the header
WIDE_METRICS = 10
CORE_METRICS = 3
TREND_METRICS = 6
TOP_CODES = 15
_CHUNK = 5_000
_PERCENT_COLUMNS = frozenset({"rate", "tasks_done_ratio", "achievement_mean"})
_MONEY_COLUMNS = frozenset({"budget"})
_WIDTHS = {"campaign": 24, "file": 36, "message": 50, "reason": 50, "description": 30,
           "task_name": 26, "campaign_key": 14, "code": 26, "core_goals": 30}
_LIGHT_ORDER = {"green": 0, "yellow": 1, "red": 2}
# Pace health (when the summary has it) to the light it shows.
_HEALTH_LIGHT = {"on_track": "green", "at_risk": "yellow", "off_track": "red"}
# Chart size that fits a landscape A4 page one page wide (pixels).
CHART_WIDTH, CHART_HEIGHT = 860, 420
PAGE_HEIGHT = 560  # the tallest chart that prints on one landscape page at PRINT_SCALE
PRINT_SCALE = 85

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "overview": "Overview", "charts": "Charts", "title": "Campaign portfolio",
        "as_of": "As of", "campaign": "Campaign", "owner": "Owner", "start": "Start",
        "end": "End", "health": "Health", "tasks_done": "Tasks done",
        "overdue": "Overdue tasks", "open_high": "Open high issues", "budget": "Budget",
        "errors": "Errors", "warnings": "Warnings", "achieved": "achieved",
        "no_campaigns": "No campaign could be read: see the Load report sheet.",
        "failed": "{n} file(s) could not be read: see the Load report sheet.",
        "chart_achievement": "Mean achievement by campaign",
        "chart_trends": "Metric achievement over time (all campaigns)",
        "chart_codes": "Most frequent findings", "mean": "Mean achievement",
        "findings": "Findings",
        "no_achievement": "No metric with a target and an actual: no achievement chart.",
        "no_trends": "No daily figures: no trend chart.",
        "no_codes": "No findings: no findings chart.",
        "health_words": "green:On track,yellow:At risk,red:Off track",
    },
    "zh": {
        "overview": "概览", "charts": "图表", "title": "活动组合报告",
        "as_of": "统计日期", "campaign": "活动名称", "owner": "负责人", "start": "开始日期",
        "end": "结束日期", "health": "健康度", "tasks_done": "任务完成率",
        "overdue": "逾期任务", "open_high": "未解决高风险问题", "budget": "预算",
        "errors": "错误", "warnings": "警告", "achieved": "达成率",
        "no_campaigns": "没有可读取的活动:见“读取报告”表。",
        "failed": "{n} 个文件无法读取:见“读取报告”表。",
        "chart_achievement": "各活动平均达成率",
        "chart_trends": "各指标达成率趋势(全部活动)",
        "chart_codes": "最常见的检查结果", "mean": "平均达成率", "findings": "检查结果",
        "no_achievement": "没有同时具有目标值和实际值的指标:不绘制达成率图。",
        "no_trends": "没有每日数据:不绘制趋势图。",
        "no_codes": "没有检查结果:不绘制检查结果图。",
        "health_words": "green:正常,yellow:关注,red:预警",
    },
}


def write_portfolio(portfolio: Any, path: str | Path, *, lang: str = "en") -> Path:
    """Write the portfolio workbook to `path` (through a temp file and an atomic rename).

    Args:
        portfolio: a `xltrack.portfolio.Portfolio`.
        path: the .xlsx to create or replace.
        lang: "en" or "zh": the report's headers, words and sheet names.

    Returns:
        The path written.

    Raises:
        OutputError: the folder cannot be written.
    """
    target = Path(path)
    tables = portfolio.tables()
    biggest = max(len(df) for df in tables.values())
    folder = target.resolve().parent
    if not folder.is_dir():
        raise OutputError(str(target), f"cannot write: folder {folder} does not exist")
    # A plain temp name (not mkstemp, whose 0600 mode would survive the rename).
    tmp = folder / f".{target.stem}.{os.getpid()}.tmp.xlsx"
    try:
        book = xlsxwriter.Workbook(str(tmp), {
            "constant_memory": biggest > TABLE_ROW_LIMIT,
            "strings_to_formulas": False, "strings_to_urls": False,
            "default_date_format": DATE_FORMAT, "nan_inf_to_errors": False,
        })
        _Writer(book, portfolio, "zh" if lang == "zh" else "en").write_all()
        book.close()
        os.replace(tmp, target)
    except (OSError, XlsxWriterException) as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(str(target), f"cannot write the workbook: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target


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
    keys = {name: metric_key(name, spec) for name in set(names.tolist())}
    folded = names.map(keys)
    counts = pd.DataFrame({"fold": folded, "name": names.str.strip()}).value_counts(sort=False)
    best: dict[str, str] = {}
    for (fold, name), n in sorted(counts.items(), key=lambda kv: -kv[1]):
        best.setdefault(fold, name)
    m["metric"] = folded.map(best)
    return m


def wide_metrics(campaigns: pd.DataFrame, metrics: pd.DataFrame, limit: int) -> pd.DataFrame:
    """`<metric> target|actual|rate` per campaign for the `limit` most common metrics."""
    keys = campaigns[["campaign_key"]]
    m = merged_metrics(metrics)
    if m.empty:
        return keys
    order = list(m["metric"].value_counts().index[:limit])
    m = m[m["metric"].isin(order)].drop_duplicates(["campaign_key", "metric"])
    wide = m.pivot(index="campaign_key", columns="metric", values=["target", "actual", "rate"])
    wide.columns = [f"{metric} {part}" for part, metric in wide.columns]
    wide = wide.reindex(columns=[f"{n} {p}" for n in order for p in ("target", "actual", "rate")])
    return keys.merge(wide, left_on="campaign_key", right_index=True, how="left")


class _Writer:
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
        self.looks = {k: book.add_format({"bg_color": fill, "font_color": font})
                      for k, (fill, font) in LIGHTS.items()}

    def write_all(self) -> None:
        p = self.p
        campaigns = p.campaigns.merge(wide_metrics(p.campaigns, p.metrics, WIDE_METRICS),
                                      on="campaign_key", how="left")
        overview = self.book.add_worksheet(self.words["overview"])
        charts = self.book.add_worksheet(self.words["charts"])
        sheets: dict[str, tuple[Worksheet, pd.DataFrame]] = {}
        trends, codes = self._trends(), self._codes()
        for name, df in (("Campaigns", campaigns), ("Metrics", p.metrics), ("Tasks", p.tasks),
                         ("Issues", p.issues), ("Daily", p.daily), ("Findings", p.findings),
                         ("Finding codes", codes), ("Trends", trends),
                         ("Load report", p.load_report)):
            sheets[name] = (self.book.add_worksheet(name), df)
        self._overview(overview, campaigns)
        for name, (sheet, df) in sheets.items():
            percent = frozenset(df.columns[1:]) if name == "Trends" else frozenset()
            self._table(sheet, name, df, percent)
            sheet.set_landscape()
            sheet.set_paper(9)
            # A short data sheet prints on one page; a long one fits the width.
            sheet.fit_to_pages(1, 1 if len(df) <= ONE_PAGE_ROWS else 0)
            sheet.repeat_rows(0)
            # Kept for their columns, but a page of headers alone is no report; the
            # charts' own tables repeat the Findings and Daily sheets: not printed either.
            if df.empty or name in _CHART_DATA:
                sheet.hide()
        self._charts(charts, campaigns, codes, trends)
        overview.activate()

    # -- data -------------------------------------------------------------------------
    def _codes(self) -> pd.DataFrame:
        f: pd.DataFrame = self.p.findings
        if f.empty:
            return pd.DataFrame({"code": pd.Series(dtype=object), "severity": [], "title": [],
                                 "count": pd.Series(dtype="int64"),
                                 "files": pd.Series(dtype="int64")})
        grouped = f.groupby("code", sort=False).agg(
            severity=("severity", "first"), count=("code", "size"), files=("file", "nunique"))
        grouped = grouped.sort_values(["count", "files"], ascending=False).reset_index()
        grouped.insert(2, "title", [CODES[c].title if c in CODES else "" for c in grouped["code"]])
        return grouped[["code", "severity", "title", "count", "files"]]

    def _trends(self) -> pd.DataFrame:
        """Per date, each common metric's achievement across campaigns: sum(actual)/sum(target)."""
        d: pd.DataFrame = merged_metrics(self.p.daily.dropna(subset=["date"]))
        if d.empty:
            return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]")})
        metrics = list(d["metric"].value_counts().index[:TREND_METRICS])
        d = d[d["metric"].isin(metrics)]
        sums = d.groupby(["date", "metric"])[["target", "actual"]].sum(min_count=1)
        rate = (sums["actual"] / sums["target"].where(sums["target"] != 0)).unstack("metric")
        rate = rate.reindex(columns=metrics).sort_index()
        rate.columns = [str(m) for m in rate.columns]
        return rate.reset_index()

    # -- the report ---------------------------------------------------------------------
    def _health(self) -> dict[str, str]:
        """Each campaign's worst metric light (pace health when the summary has it)."""
        out: dict[str, str] = {}
        for record in self.p.records:
            lights = [_HEALTH_LIGHT.get(str(m.get("health")), m.get("health")) or m.get("light")
                      for m in record.get("metrics") or []]
            known = [x for x in lights if x in _LIGHT_ORDER]
            if known:
                out[str(record.get("path"))] = max(known, key=_LIGHT_ORDER.__getitem__)
        return out

    def _overview(self, ws: Worksheet, campaigns: pd.DataFrame) -> None:
        w, spec = self.words, load_spec()
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
        metrics = merged_metrics(self.p.metrics)
        core = list(metrics["metric"].value_counts().index[:CORE_METRICS]) if len(metrics) else []
        health = self._health()
        words = dict(pair.split(":") for pair in w["health_words"].split(","))
        columns: list[tuple[str, float, str]] = [
            (w["campaign"], max(20.0, min(40.0, _text_width(campaigns["campaign"]))), "text"), (w["owner"], 14, "text"), (w["start"], 11, "date"),
            (w["end"], 11, "date"), (w["health"], 13, "health"),
            *[(f"{m} {w['achieved']}", max(12.0, min(22.0, len(m) + 10)), "pct") for m in core],
            (w["tasks_done"], 11, "pct"), (w["overdue"], 10, "count"),
            (w["open_high"], 11, "count"), (w["budget"], 13, "money"),
            (w["errors"], 8, "count"),
        ]
        for j, (text, width, _kind) in enumerate(columns):
            # Wide enough for the header in two lines, and for its longest word.
            longest = max(len(word) for word in text.split()) * 1.1 + 2
            ws.set_column(j, j, max(width, _text_width(pd.Series([text])) / 2 + 1, longest))
            ws.write_string(header, j, text, self.header)
        ws.set_row(header, 32)
        wide = {c: campaigns[f"{c} rate"] for c in core if f"{c} rate" in campaigns}
        for i, rec in enumerate(campaigns.itertuples(index=False)):
            r = header + 1 + i
            row = rec._asdict()
            light = health.get(str(row.get("file")))
            values: list[Any] = [
                row.get("campaign") or "", row.get("owner") or "", row.get("start_date"),
                row.get("end_date"),
                f"{LIGHT_SYMBOLS[light]} {words[light]}" if light else "",
                *[wide[c].iloc[i] if c in wide else None for c in core],
                row.get("tasks_done_ratio"), row.get("tasks_overdue"),
                row.get("issues_open_high"), row.get("budget"), row.get("findings_error"),
            ]
            for j, ((_, _, kind), value) in enumerate(zip(columns, values)):
                self._cell(ws, r, j, kind, value)
        last = header + len(campaigns)
        first_pct = 5
        rules = spec.rules
        for j, (_, _, kind) in enumerate(columns):
            cell = f"{_col(j)}{header + 2}"
            if kind == "health":
                for key, symbol in LIGHT_SYMBOLS.items():
                    ws.conditional_format(header + 1, j, last, j, {
                        "type": "text", "criteria": "begins with", "value": symbol,
                        "format": self.looks[key]})
            elif kind == "pct" and j < first_pct + len(core):
                for key, test in (
                    ("green", f"{cell}>={rules.green_at}"),
                    ("yellow", f"AND({cell}>={rules.yellow_at},{cell}<{rules.green_at})"),
                    ("red", f"{cell}<{rules.yellow_at}"),
                ):
                    ws.conditional_format(header + 1, j, last, j, {
                        "type": "formula", "criteria": f"=AND(ISNUMBER({cell}),{test})",
                        "format": self.looks[key]})
            elif kind == "count" and j >= len(columns) - 4:
                ws.conditional_format(header + 1, j, last, j, {
                    "type": "cell", "criteria": ">", "value": 0, "format": self.looks["red"]})
        ws.freeze_panes(header + 1, 1)
        ws.autofilter(header, 0, last, len(columns) - 1)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(header)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        ws.set_footer("&L&A&R&P / &N")

    def _cell(self, ws: Worksheet, r: int, c: int, kind: str, value: Any) -> None:
        if _missing(value):
            return
        if kind == "date":
            ws.write_datetime(r, c, pd.Timestamp(value).to_pydatetime(), self.date)
        elif kind in ("pct", "count", "money"):
            fmt = {"pct": self.pct, "count": self.count, "money": self.money}[kind]
            ws.write_number(r, c, float(value), fmt)
        else:
            ws.write_string(r, c, str(value), self.text)

    # -- sheets -----------------------------------------------------------------------
    def _table(
        self, sheet: Worksheet, name: str, df: pd.DataFrame, percent: frozenset[str]
    ) -> None:
        columns = [str(c) for c in df.columns]
        n = min(len(df), MAX_EXCEL_ROWS)
        for i, col in enumerate(columns):
            width = _WIDTHS.get(col, min(max(10, len(col) + 2), 22))
            sheet.set_column(i, i, width, self._format(col, df[df.columns[i]], percent))
        sheet.freeze_panes(1, 0)
        if self.stream or not columns:
            for i, col in enumerate(columns):
                sheet.write_string(0, i, col, self.header)
            if columns:
                sheet.autofilter(0, 0, max(n, 1), len(columns) - 1)
        else:
            sheet.add_table(0, 0, max(n, 1), len(columns) - 1, {
                "name": "t_" + name.lower().replace(" ", "_"), "style": "Table Style Light 9",
                "columns": [{"header": c, "header_format": self.header} for c in columns],
            })
        for start in range(0, n, _CHUNK):
            block = df.iloc[start : min(n, start + _CHUNK)]
            columns_out = [self._column(sheet, block[c]) for c in block.columns]
            # Row by row: constant_memory flushes a row as soon as a later one is written.
            for offset in range(len(block)):
                r = start + offset + 1
                for c, (write, values) in enumerate(columns_out):
                    value = values[offset]
                    if value is not None:
                        write(r, c, value)

    def _format(self, col: str, series: pd.Series, percent: frozenset[str]) -> Any:
        if pd.api.types.is_datetime64_any_dtype(series):
            return self.date
        if col in _PERCENT_COLUMNS or col.endswith(" rate") or col in percent:
            return self.pct
        if col in _MONEY_COLUMNS or col.endswith((" target", " actual")) or col in (
                "target", "actual"):
            return self.money
        return None

    @staticmethod
    def _column(sheet: Worksheet, series: pd.Series) -> tuple[Any, list[Any]]:
        """The worksheet method for a column's dtype, and its cells (None = leave blank)."""
        if pd.api.types.is_datetime64_any_dtype(series):
            stamps = series.to_numpy(dtype=object)
            return sheet.write_datetime, [None if v is pd.NaT else v for v in stamps]
        if pd.api.types.is_bool_dtype(series):
            return sheet.write_boolean, series.tolist()
        if pd.api.types.is_numeric_dtype(series):
            numbers = series.astype("float64").tolist()
            return sheet.write_number, [None if _missing(v) else v for v in numbers]
        return sheet.write_string, [
            v if isinstance(v, str) else None if _missing(v) else str(v) for v in series.tolist()
        ]

    # -- charts -----------------------------------------------------------------------
    def _charts(self, sheet: Worksheet, campaigns: pd.DataFrame, codes: pd.DataFrame,
                trends: pd.DataFrame) -> None:
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
            bar.add_series({
                "name": w["mean"], "categories": ["Campaigns", 1, 1, n, 1],
                "values": ["Campaigns", 1, col, n, col], "fill": {"color": NAVY},
                "data_labels": {"value": n <= 40, "num_format": "0%", "font": {"size": 8}},
                "gap": 60,
            })
            bar.set_title({"name": w["chart_achievement"], "name_font": {"size": 11}})
            bar.set_x_axis({"num_format": "0%", "min": 0, "major_gridlines": {
                "visible": True, "line": {"color": "#E7E6E6"}}})
            bar.set_y_axis({"reverse": True, "crossing": "max",
                            "interval_unit": 1 if n <= 40 else max(1, n // 30)})
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
            palette = [NAVY, LIGHT_MARKS["green"], "#ED7D31", "#7F7F7F", LIGHT_MARKS["yellow"],
                       "#5B9BD5"]
            for i, _metric in enumerate(series, start=1):
                colour = palette[(i - 1) % len(palette)]
                line.add_series({
                    "name": ["Trends", 0, i], "categories": ["Trends", 1, 0, rows, 0],
                    "values": ["Trends", 1, i, rows, i],
                    "line": {"color": colour, "width": 2},
                    "marker": {"type": "circle", "size": 4, "fill": {"color": colour},
                               "border": {"color": colour}}})
            line.set_title({"name": w["chart_trends"], "name_font": {"size": 11}})
            line.set_x_axis({"date_axis": True, "num_format": "mm-dd"})
            line.set_y_axis({"num_format": "0%", "major_gridlines": {
                "visible": True, "line": {"color": "#E7E6E6"}}})
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
            col_bar.add_series({
                "name": w["findings"], "categories": ["Finding codes", 1, 2, top, 2],
                "values": ["Finding codes", 1, 3, top, 3], "fill": {"color": "#A6B8D9"},
                "data_labels": {"value": True, "font": {"size": 8}}, "gap": 50,
            })
            col_bar.set_title({"name": w["chart_codes"], "name_font": {"size": 11}})
            col_bar.set_y_axis({"reverse": True, "crossing": "max", "interval_unit": 1})
            col_bar.set_x_axis({"min": 0, "num_format": "0", "major_gridlines": {
                "visible": True, "line": {"color": "#E7E6E6"}}})
            col_bar.set_legend({"none": True})
            col_bar.set_size({"width": CHART_WIDTH,
                              "height": min(CHART_HEIGHT, max(200, 20 * top + 80))})
            sheet.insert_chart(row, 0, col_bar)
        else:
            sheet.write_string(row, 0, w["no_codes"], self.note)


def _text_width(values: pd.Series) -> float:
    """Width units the longest text needs (a CJK character takes two)."""
    texts = [str(v) for v in values.tolist() if isinstance(v, str)]
    if not texts:
        return 0.0
    return max(len(t) + sum(1 for ch in t if ord(ch) > 0x2E80) for t in texts) * 1.05 + 2


def _col(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and (math.isnan(value) or math.isinf(value))
