"""Export a portfolio's tidy tables as Parquet and CSV files for DuckDB, pandas or a BI tool.

One `<table>.parquet` and one `<table>.csv` per table (campaigns, tasks, issues,
daily, metrics, findings, load_report). CSV is UTF-8 with a byte-order mark so
that Excel opens Chinese text correctly; Parquet keeps the dtypes (dates,
numbers, strings). pyarrow is imported only here and only when needed.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import pandas as pd

from xltrack.errors import OutputError

FORMATS = ("parquet", "csv")


def export_tables(
    tables: dict[str, pd.DataFrame], folder: str | Path, formats: tuple[str, ...] = FORMATS
) -> list[Path]:
    """Write every table to `folder` in each of `formats`.

    Args:
        tables: name -> DataFrame (`Portfolio.tables()`).
        folder: created when missing; existing files of the same names are replaced.
        formats: "parquet" and/or "csv".

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
            _atomic(path, lambda tmp, df=df, fmt=fmt: _write(df, tmp, fmt))
            written.append(path)
    return written


def _require_pyarrow(target: Path) -> None:
    try:
        importlib.import_module("pyarrow")
    except ImportError as exc:
        raise OutputError(
            str(target), 'Parquet export needs pyarrow: pip install "xltrack[parquet]"'
        ) from exc


def _write(df: pd.DataFrame, path: str, fmt: str) -> None:
    if fmt == "parquet":
        df.to_parquet(path, engine="pyarrow", index=False)
    elif fmt == "csv":
        df.to_csv(path, index=False, encoding="utf-8-sig", date_format="%Y-%m-%d")
    else:
        raise ValueError(f"unknown export format {fmt!r}")


def _atomic(path: Path, write: Any) -> None:
    # A plain temp name (not mkstemp, whose 0600 mode would survive the rename).
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        write(str(tmp))
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(str(path), f"cannot write: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
