"""Export a portfolio's tidy tables as Parquet and CSV files for DuckDB, pandas or a BI tool.

One `<table>.parquet` and one `<table>.csv` per table (campaigns, tasks, issues,
daily, metrics, findings, load_report). CSV is UTF-8 with a byte-order mark so
that Excel opens Chinese text correctly; Parquet keeps the dtypes (dates,
numbers, strings) and the raw values. pyarrow is imported only here and only
when needed. Every file is written by `atomic.write_atomic`.

CSV cells are text a spreadsheet will interpret: a text cell that starts with
`=`, `+`, `-`, `@`, a tab or a carriage return (or the full-width `＝＋－＠`)
is written with a leading `'` (OWASP's advice against formula injection), so
`=HYPERLINK(...)` copied from a workbook opens as text. Numbers stay numbers,
and so does text that is just a number (`-12.5`). CSV is also text a terminal
shows (`cat campaigns.csv`): the control characters the terminal renderings drop
(ESC sequences, C1 controls, bidi overrides; `escaping.drop_controls`) are
dropped here too, while tabs and line breaks stay, quoted as CSV data.
`raw_csv=True` turns both off for pipelines that want the text exactly as read.
"""

from __future__ import annotations

import functools
import importlib
import math
import re
from pathlib import Path

import pandas as pd

from xltrack.atomic import write_atomic
from xltrack.errors import ArgumentError, OutputError
from xltrack.escaping import drop_controls

FORMATS = ("parquet", "csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def export_tables(
    tables: dict[str, pd.DataFrame],
    folder: str | Path,
    formats: tuple[str, ...] = FORMATS,
    *,
    raw_csv: bool = False,
) -> list[Path]:
    """Write every table to `folder` in each of `formats`.

    Args:
        tables: name -> DataFrame (`Portfolio.tables()`).
        folder: created when missing; existing files of the same names are replaced.
        formats: "parquet" and/or "csv".
        raw_csv: write CSV text cells as they are: formulas and control characters kept.

    Returns:
        The files written, in order.

    Raises:
        OutputError: the folder cannot be written, or Parquet was asked for without pyarrow.
    """
    target = Path(folder)
    if "parquet" in formats:
        _require_pyarrow(target)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(str(target), f"cannot create the folder: {exc.strerror or exc}") from exc
    written: list[Path] = []
    for name, df in tables.items():
        for fmt in formats:
            path = target / f"{name}.{fmt}"
            write_atomic(path, functools.partial(_write, df, fmt=fmt, raw_csv=raw_csv))
            written.append(path)
    return written


def _require_pyarrow(target: Path) -> None:
    try:
        importlib.import_module("pyarrow")
    except ImportError as exc:
        raise OutputError(
            str(target), 'Parquet export needs pyarrow: pip install "xltrack[parquet]"'
        ) from exc


def csv_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of `df` whose text cells neither start a formula nor hold control characters."""
    out = df.copy(deep=False)
    for column in out.columns:
        series = out[column]
        if series.dtype.kind not in "OSU" and not isinstance(series.dtype, pd.StringDtype):
            continue  # numbers, dates and booleans are neither formulas nor escapes
        out[column] = series.map(_safe_cell, na_action="ignore")
    return out


def _safe_cell(value: object) -> object:
    if not isinstance(value, str):
        return value
    # Controls first: "\x1b=cmd" would otherwise start a formula once the ESC is gone.
    text = drop_controls(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _write(df: pd.DataFrame, path: Path, *, fmt: str, raw_csv: bool) -> None:
    if fmt == "parquet":
        df.to_parquet(path, engine="pyarrow", index=False)
    elif fmt == "csv":
        if not raw_csv:
            df = csv_safe(df)
        # An overflowed ratio is no figure a spreadsheet reads back: a blank cell.
        df = df.replace([math.inf, -math.inf], math.nan)
        # CRLF rows (RFC 4180): the csv module then quotes a cell holding a bare CR, which
        # with "\n" rows it leaves unquoted, and Excel would break the row there.
        df.to_csv(
            path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%d", lineterminator="\r\n"
        )
    else:
        raise ArgumentError(f"unknown export format {fmt!r}")
