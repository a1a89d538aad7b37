"""Write a `Portfolio` as one workbook: campaigns, every tidy table, a load report, native charts.

Sheets: Campaigns (one row per campaign, the most common metrics spread wide),
Charts (achievement by campaign, metric trends over time, most frequent finding
codes), then Metrics, Tasks, Issues, Daily, Findings, the two small tables the
charts draw from (Finding codes, Trends) and the Load report.

Small portfolios get Excel tables (filter buttons, banding). Past
`TABLE_ROW_LIMIT` rows in one sheet the workbook is written in XlsxWriter's
constant_memory mode, which streams each row to disk but cannot make tables, so
those sheets get an autofilter instead. Every user text goes through
`write_string`: a task called "=SUM(...)" stays text.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from xltrack.atomic import open_sink, write_atomic
from xltrack.codes import CODES
from xltrack.errors import OutputError, OutputNameError

TABLE_ROW_LIMIT = 50_000
MAX_EXCEL_ROWS = 1_048_575  # below the header
WIDE_METRICS = 10
TREND_METRICS = 6
TOP_CODES = 15
_CHUNK = 5_000
_PERCENT_COLUMNS = frozenset({"rate", "tasks_done_ratio", "achievement_mean"})
_MONEY_COLUMNS = frozenset({"budget"})
_WIDTHS = {"campaign": 24, "file": 36, "message": 50, "reason": 50, "description": 30,
           "task_name": 26, "campaign_key": 14, "code": 26, "core_goals": 30}


def write_portfolio(portfolio: Any, path: str | Path) -> Path:
    """Write the portfolio workbook to `path` (through a temp file and an atomic rename).

    Args:
        portfolio: a `xltrack.portfolio.Portfolio`.
        path: the .xlsx to create or replace.

    Returns:
        The path written.

    Raises:
        OutputError: the folder cannot be written.
    """
    target = Path(path)
    tables = portfolio.tables()
    biggest = max(len(df) for df in tables.values())
    if target.suffix.lower() != ".xlsx":
        raise OutputNameError(
            str(target), f"the portfolio is an .xlsx workbook; name it .xlsx, not {target.suffix or 'nothing'}"
        )

    def write(tmp: Path) -> None:
        try:
            with open_sink(tmp) as sink:
                book = xlsxwriter.Workbook(sink, {
                    "constant_memory": biggest > TABLE_ROW_LIMIT,
                    "strings_to_formulas": False, "strings_to_urls": False,
                    "default_date_format": "yyyy-mm-dd", "nan_inf_to_errors": False,
                })
                _Writer(book, portfolio).write_all()
                book.close()
        except XlsxWriterException as exc:
            raise OutputError(str(target), f"cannot write the workbook: {exc}") from exc

    write_atomic(target, write)
    return target


class _Writer:
    def __init__(self, book: Workbook, portfolio: Any) -> None:
        self.book = book
        self.p = portfolio
        self.stream = bool(book.constant_memory)
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                       "text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.pct = book.add_format({"num_format": "0.0%"})
        self.money = book.add_format({"num_format": "#,##0"})
        self.title = book.add_format({"bold": True, "font_size": 13})

    def write_all(self) -> None:
        p = self.p
        campaigns = self._campaigns_wide()
        sheets: dict[str, tuple[Worksheet, pd.DataFrame]] = {}
        sheets["Campaigns"] = (self.book.add_worksheet("Campaigns"), campaigns)
        charts = self.book.add_worksheet("Charts")
        for name, df in (("Metrics", p.metrics), ("Tasks", p.tasks), ("Issues", p.issues),
                         ("Daily", p.daily), ("Findings", p.findings),
                         ("Finding codes", self._codes()), ("Trends", self._trends()),
                         ("Load report", p.load_report)):
            sheets[name] = (self.book.add_worksheet(name), df)
        for name, (sheet, df) in sheets.items():
            percent = frozenset(df.columns[1:]) if name == "Trends" else frozenset()
            self._table(sheet, name, df, percent)
        self._charts(charts, campaigns, sheets["Finding codes"][1], sheets["Trends"][1])

    # -- data -------------------------------------------------------------------------
    def _campaigns_wide(self) -> pd.DataFrame:
        campaigns: pd.DataFrame = self.p.campaigns
        wide: pd.DataFrame = self.p.metrics_wide()
        counts = self.p.metrics["metric"].value_counts()
        keep = [f"{m} {part}" for m in counts.index[:WIDE_METRICS]
                for part in ("target", "actual", "rate")]
        wide = wide[["campaign_key", *[c for c in keep if c in wide.columns]]]
        return campaigns.merge(wide, on="campaign_key", how="left")

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
        d: pd.DataFrame = self.p.daily.dropna(subset=["date", "metric"])
        if d.empty:
            return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]")})
        metrics = list(d["metric"].value_counts().index[:TREND_METRICS])
        d = d[d["metric"].isin(metrics)]
        sums = d.groupby(["date", "metric"])[["target", "actual"]].sum(min_count=1)
        rate = (sums["actual"] / sums["target"].where(sums["target"] != 0)).unstack("metric")
        rate = rate.reindex(columns=metrics).sort_index()
        rate.columns = [str(m) for m in rate.columns]
        return rate.reset_index()

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
        if col in _MONEY_COLUMNS:
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
        sheet.write_string(0, 0, "Portfolio charts", self.title)
        n = len(campaigns)
        col = list(campaigns.columns).index("achievement_mean")
        bar = self.book.add_chart({"type": "bar"})
        bar.add_series({
            "name": "Mean achievement", "categories": ["Campaigns", 1, 1, max(n, 1), 1],
            "values": ["Campaigns", 1, col, max(n, 1), col],
            "data_labels": {"value": n <= 40, "num_format": "0%"},
        })
        bar.set_title({"name": "Achievement by campaign"})
        bar.set_x_axis({"num_format": "0%", "min": 0})
        bar.set_y_axis({"reverse": True, "interval_unit": 1 if n <= 80 else max(1, n // 60)})
        bar.set_legend({"none": True})
        bar.set_size({"width": 720, "height": min(4000, max(320, 22 * n + 120))})
        sheet.insert_chart(2, 0, bar)

        line = self.book.add_chart({"type": "line"})
        rows = max(len(trends), 1)
        for i, metric in enumerate(list(trends.columns)[1:], start=1):
            line.add_series({"name": ["Trends", 0, i], "categories": ["Trends", 1, 0, rows, 0],
                             "values": ["Trends", 1, i, rows, i], "marker": {"type": "circle"}})
        line.set_title({"name": "Metric achievement over time (all campaigns)"})
        line.set_x_axis({"date_axis": True, "num_format": "yyyy-mm-dd"})
        line.set_y_axis({"num_format": "0%"})
        line.set_size({"width": 720, "height": 360})
        sheet.insert_chart(2, 12, line)

        top = min(len(codes), TOP_CODES)
        col_bar = self.book.add_chart({"type": "bar"})
        col_bar.add_series({
            "name": "Findings", "categories": ["Finding codes", 1, 0, max(top, 1), 0],
            "values": ["Finding codes", 1, 3, max(top, 1), 3], "data_labels": {"value": True},
        })
        col_bar.set_title({"name": "Most frequent finding codes"})
        col_bar.set_y_axis({"reverse": True, "interval_unit": 1})
        col_bar.set_legend({"none": True})
        col_bar.set_size({"width": 720, "height": max(320, 26 * top + 120)})
        sheet.insert_chart(22, 12, col_bar)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and (math.isnan(value) or math.isinf(value))
