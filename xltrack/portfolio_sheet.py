"""Write a `Portfolio` as one workbook: a report first, then every tidy table and native charts.

Sheets: Overview and Charts (the report: portfolio_report.py), then the data
sheets with their keys and codes: Campaigns, Metrics, Tasks, Issues, Daily,
Findings, Finding codes, Trends, Load report. Empty data sheets and the
charts' own tables are hidden, so printing the workbook prints no page of
headers alone.

Metric columns are metric identities (`labels.metric_key`: "Sales", "sales ",
"SALES" are one metric, shown as first written), so no two columns differ only
by case. Small portfolios get Excel tables (filter buttons, banding). Past
`TABLE_ROW_LIMIT` rows in one sheet the workbook is written in XlsxWriter's
constant_memory mode, which streams each row to disk but cannot make tables,
so those sheets get an autofilter instead. Every user text goes through
`write_string`: a task called "=SUM(...)" stays text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.worksheet import Worksheet

from xltrack.atomic import open_sink, write_atomic
from xltrack.codes import CODES
from xltrack.errors import OutputError, OutputNameError
from xltrack.portfolio_report import ReportWriter, merged_metrics, missing
from xltrack.portfolio_tables import wide_metrics
from xltrack.styles import DATE_FORMAT
from xltrack.xmlnames import table_headers

TABLE_ROW_LIMIT = 50_000
ONE_PAGE_ROWS = 80
_CHART_DATA = frozenset({"Finding codes", "Trends"})
MAX_EXCEL_ROWS = 1_048_575  # below the header
WIDE_METRICS = 10
TREND_METRICS = 6
_CHUNK = 5_000
_PERCENT_COLUMNS = frozenset({"rate", "tasks_done_ratio", "achievement_mean"})
_MONEY_COLUMNS = frozenset({"budget"})
_WIDTHS = {
    "campaign": 24,
    "file": 36,
    "message": 50,
    "reason": 50,
    "description": 30,
    "task_name": 26,
    "campaign_key": 14,
    "code": 26,
    "core_goals": 30,
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
    if target.suffix.lower() != ".xlsx":
        raise OutputNameError(
            str(target),
            f"the portfolio is an .xlsx workbook; name it .xlsx, not {target.suffix or 'nothing'}",
        )

    def write(tmp: Path) -> None:
        try:
            with open_sink(tmp) as sink:
                book = xlsxwriter.Workbook(
                    sink,
                    {
                        "constant_memory": biggest > TABLE_ROW_LIMIT,
                        "strings_to_formulas": False,
                        "strings_to_urls": False,
                        "default_date_format": DATE_FORMAT,
                        "nan_inf_to_errors": False,
                    },
                )
                _Writer(book, portfolio, "zh" if lang == "zh" else "en").write_all()
                book.close()
        except XlsxWriterException as exc:
            raise OutputError(str(target), f"cannot write the workbook: {exc}") from exc

    write_atomic(target, write)
    return target


class _Writer(ReportWriter):
    def write_all(self) -> None:
        p = self.p
        campaigns = p.campaigns.merge(
            wide_metrics(p.campaigns, p.metrics, WIDE_METRICS), on="campaign_key", how="left"
        )
        overview = self.book.add_worksheet(self.words["overview"])
        charts = self.book.add_worksheet(self.words["charts"])
        sheets: dict[str, tuple[Worksheet, pd.DataFrame]] = {}
        trends, codes = self._trends(), self._codes()
        for name, df in (
            ("Campaigns", campaigns),
            ("Metrics", p.metrics),
            ("Tasks", p.tasks),
            ("Issues", p.issues),
            ("Daily", p.daily),
            ("Findings", p.findings),
            ("Finding codes", codes),
            ("Trends", trends),
            ("Load report", p.load_report),
        ):
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
            return pd.DataFrame(
                {
                    "code": pd.Series(dtype=object),
                    "severity": [],
                    "title": [],
                    "count": pd.Series(dtype="int64"),
                    "files": pd.Series(dtype="int64"),
                }
            )
        grouped = f.groupby("code", sort=False).agg(
            severity=("severity", "first"), count=("code", "size"), files=("file", "nunique")
        )
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

    # -- sheets -----------------------------------------------------------------------
    def _table(
        self, sheet: Worksheet, name: str, df: pd.DataFrame, percent: frozenset[str]
    ) -> None:
        columns = [str(c) for c in df.columns]
        # Metric names become column names: XML-safe and unique, as Excel Tables need.
        headers = table_headers(columns)
        n = min(len(df), MAX_EXCEL_ROWS)
        for i, col in enumerate(columns):
            width = _WIDTHS.get(col, min(max(10, len(col) + 2), 22))
            sheet.set_column(i, i, width, self._format(col, df[df.columns[i]], percent))
        sheet.freeze_panes(1, 0)
        if self.stream or not columns:
            for i, header in enumerate(headers):
                sheet.write_string(0, i, header, self.header)
            if columns:
                sheet.autofilter(0, 0, max(n, 1), len(columns) - 1)
        else:
            sheet.add_table(
                0,
                0,
                max(n, 1),
                len(columns) - 1,
                {
                    "name": "t_" + name.lower().replace(" ", "_"),
                    "style": "Table Style Light 9",
                    "columns": [{"header": h, "header_format": self.header} for h in headers],
                },
            )
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
        if (
            col in _MONEY_COLUMNS
            or col.endswith((" target", " actual"))
            or col in ("target", "actual")
        ):
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
            return sheet.write_number, [None if missing(v) else v for v in numbers]
        return sheet.write_string, [
            v if isinstance(v, str) else None if missing(v) else str(v) for v in series.tolist()
        ]
