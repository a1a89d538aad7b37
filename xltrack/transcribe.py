"""Copy what was read from an .xls, .xlsb or .ods into a new .xlsx, with its summary sheet.

xltrack adds its summary sheet at the zip-package level (`inject`), which only an
.xlsx/.xlsm package allows. A workbook in another format is never touched: its
tables as read (campaign info, goals, budget split, tasks, daily, issues,
evaluation; values typed, enum keys shown as labels) are written into a new
.xlsx beside it, and the summary sheet is added to that copy.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from xltrack.errors import OutputError
from xltrack.findings import Finding
from xltrack.frames import CampaignFrames
from xltrack.inject import default_output
from xltrack.spec import LIST_TABLES, Lang, Spec, TableSpec, load_spec
from xltrack.summary_sheet import write_summary

_MAX_SHEET_NAME = 31


def write_summary_copy(
    frames: CampaignFrames,
    summary: Any,
    *,
    out: str | Path | None = None,
    lang: Lang = "en",
    spec: Spec | None = None,
    message: Callable[[Finding], str] | None = None,
) -> Path:
    """Write the tables read from a workbook, plus its summary sheet, into a new .xlsx.

    Args:
        frames: what was read from the workbook (its `path` names the original).
        summary: the summary to add: a `Summary`, or an `Analysis` (its findings are
            listed on the sheet too), as `summary_sheet.write_summary` takes.
        out: the new file; default `NAME.summary.xlsx` beside the original.
        lang: language of the sheet names, headers and summary.
        spec: the template (labels); the built-in one when None.
        message: renders a finding's message; as `summary_sheet.write_summary` when None.

    Returns:
        The path written.

    Raises:
        OutputError: the output cannot be written, or would replace the original.
    """
    spec = spec or load_spec()
    original = Path(frames.path)
    dest = Path(out) if out is not None else default_output(original.with_suffix(".xlsx"))
    if dest.suffix.lower() != ".xlsx":
        raise OutputError(str(dest), "the copy of a .xls/.xlsb/.ods workbook is an .xlsx file")
    if dest.exists() and original.exists() and os.path.samefile(dest, original):
        raise OutputError(str(dest), "the original workbook is never overwritten")
    # The copy of the tables is only inject's input: it is made in the system's temp
    # folder, never beside the output where a batch could take it for a campaign.
    with tempfile.TemporaryDirectory(prefix="xltrack-") as folder:
        temp = Path(folder) / f"{original.stem}.xlsx"
        _write_tables(frames, temp, lang, spec)
        return write_summary(temp, summary, out=dest, lang=lang, spec=spec, message=message)


def _write_tables(frames: CampaignFrames, path: Path, lang: Lang, spec: Spec) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    try:
        info = spec.table("campaign")
        sheet = book.add_worksheet(_sheet_name(info.title(lang), set()))
        names = {sheet.name}
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 1, 40)
        for r, col in enumerate(info.laid_out):
            sheet.write_string(r, 0, col.label(lang), bold)
            _write(sheet, r, 1, frames.info.get(col.key), date)
        for key in LIST_TABLES:
            table = frames.tables.get(key)
            if table is None or table.sheet is None:
                continue  # not found in the original: nothing to copy
            sheet = book.add_worksheet(_sheet_name(spec.table(key).title(lang), names))
            names.add(sheet.name)
            _write_table(sheet, spec.table(key), table.data, spec, lang, bold, date)
        book.close()
    except (OSError, xlsxwriter.exceptions.XlsxWriterException) as exc:
        raise OutputError(str(path), f"cannot write the copy: {exc}") from exc


def _write_table(
    sheet: Worksheet, table: TableSpec, data: Any, spec: Spec, lang: Lang, bold: Any, date: Any
) -> None:
    columns = [c for c in table.laid_out if c.key in data.columns]
    for c, col in enumerate(columns):
        sheet.write_string(0, c, col.label(lang), bold)
        sheet.set_column(c, c, col.width or 14)
        values = data[col.key].tolist()
        labels = {v.key: v.label(lang) for v in spec.enums.get(col.enum or "", ())}
        for r, value in enumerate(values, start=1):
            _write(sheet, r, c, labels.get(value, value) if labels else value, date)


def _write(sheet: Worksheet, row: int, col: int, value: Any, date: Any) -> None:
    if _missing(value):
        return
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, (dt.date, dt.datetime)):
        if not isinstance(value, dt.datetime):
            value = dt.datetime(value.year, value.month, value.day)
        sheet.write_datetime(row, col, value, date)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value)
    elif isinstance(value, (int, float)) and math.isfinite(value):
        sheet.write_number(row, col, value)
    else:
        sheet.write_string(row, col, str(value))  # user text stays text, even "=..."


def _missing(value: Any) -> bool:
    if value is None or isinstance(value, (str, list, tuple, dict)):
        return value is None
    return bool(pd.isna(value))


def _sheet_name(title: str, taken: set[str]) -> str:
    name = "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:_MAX_SHEET_NAME] or "Sheet"
    base, n = name, 2
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({n})"
        name = base[: _MAX_SHEET_NAME - len(suffix)] + suffix
        n += 1
    return name
