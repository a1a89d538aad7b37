"""The tidy tables of a portfolio: their columns, one file's rows, and the accumulator that grows them.

Every table starts with `campaign_key` and `campaign` so that any two can be
joined. Child tables keep the spec's column keys and dtypes (frames.py), so a
task row here reads like a task row anywhere else in xltrack. The accumulator
appends results in input order whatever order they finish in, and compacts
text columns into Arrow-backed strings every few dozen files so that memory
grows with the data kept, not with Python objects per cell.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, Protocol

import numpy as np
import pandas as pd

from xltrack.findings import Finding
from xltrack.frames import CampaignFrames, empty_frame
from xltrack.spec import load_spec

# Portfolio table name -> the frames table it comes from.
CHILD_TABLES = {"tasks": "tasks", "issues": "issues", "daily": "daily", "metrics": "evaluation"}
KEY_COLUMNS = ("campaign_key", "campaign")
FINDING_COLUMNS = ("code", "severity", "sheet", "row", "column", "id", "message", "file")
CAMPAIGN_COLUMNS = (
    "campaign_key", "campaign", "owner", "plan_version", "start_date", "end_date", "budget",
    "core_goals", "stakeholders", "tasks_total", "tasks_done", "tasks_done_ratio",
    "tasks_overdue", "tasks_delayed", "issues_total", "issues_open", "issues_open_high",
    "metrics_count", "metrics_met", "achievement_mean", "findings_error", "findings_warning",
    "findings_info", "template_id", "template_version", "status", "file",
)
_LENGTH = "__len__"  # the row count, stored with a file's columns
LOAD_COLUMNS = ("file", "status", "code", "reason", "campaign_key")
_DATE_FIELDS = ("start_date", "end_date")
_TEXT_FIELDS = (
    "campaign_key", "campaign", "owner", "plan_version", "core_goals", "stakeholders",
    "template_id", "status", "file",
)

# Files per compaction: large enough that concat overhead is negligible, small
# enough that uncompacted Python strings never pile up.
_COMPACT_EVERY = 64


class _Result(Protocol):
    index: int
    path: str
    status: str
    reason: str | None
    error: dict[str, str] | None
    campaign: dict[str, Any] | None
    summary: dict[str, Any] | None
    tables: dict[str, Any]


@cache
def _schema(table: str) -> pd.DataFrame:
    """The empty frame of a portfolio table: column order and dtypes."""
    if table == "findings":
        data: dict[str, pd.Series] = {c: pd.Series(dtype=object) for c in KEY_COLUMNS}
        for col in FINDING_COLUMNS:
            data[col] = pd.Series(dtype="Int64" if col == "row" else object)
        return pd.DataFrame(data)
    frame = empty_frame(load_spec().table(CHILD_TABLES[table]))
    keys = pd.DataFrame({c: pd.Series(dtype=object) for c in KEY_COLUMNS})
    return pd.concat([keys, frame], axis=1)


def schema(table: str) -> pd.DataFrame:
    """A fresh empty frame with the columns and dtypes of a portfolio table."""
    return _schema(table).copy()


Columns = dict[str, Any]  # column name -> list of values, plus the row count


def child_frames(frames: CampaignFrames) -> dict[str, pd.DataFrame]:
    """Tasks, issues, daily and metrics of one campaign, as the reader typed them.

    Workers send these frames untouched: keying and conforming them per file
    costs more than reading the file, so the parent does it once per few dozen
    files (see `Accumulator`).
    """
    return {table: frames.tables[source].data for table, source in CHILD_TABLES.items()}


def finding_columns(findings: list[Finding], file: str) -> Columns:
    """One campaign's findings as columns: where, what, and the English message."""
    cols: dict[str, list[Any]] = {c: [] for c in FINDING_COLUMNS}
    for f in findings:
        loc = f.location
        cols["code"].append(f.code)
        cols["severity"].append(f.level.value)
        cols["sheet"].append(loc.sheet)
        cols["row"].append(loc.row)
        cols["column"].append(loc.column)
        cols["id"].append(loc.record_id)
        cols["message"].append(f.message("en"))
    cols["file"] = [file] * len(findings)
    out: Columns = dict(cols)
    out[_LENGTH] = len(findings)
    return out


def campaign_row(
    frames: CampaignFrames, key: str, file: str, counts: dict[str, int], status: str
) -> dict[str, Any]:
    """The campaigns-table row of one campaign: its form, and counts over its tables."""
    info = frames.info
    tasks, issues = frames.tables["tasks"].data, frames.tables["issues"].data
    metrics = frames.tables["evaluation"].data
    task_status = _objects(tasks, "status")
    done = int((task_status == "done").sum())
    rates = _floats(metrics, "rate")
    rates = rates[~np.isnan(rates)]
    unresolved = _objects(issues, "resolution") != "resolved"
    high = _objects(issues, "severity") == "high"
    overdue = tasks["overdue"].to_numpy(dtype=bool) if "overdue" in tasks else np.zeros(0, bool)
    budget = info.get("budget")
    return {
        "campaign_key": key,
        "campaign": frames.name,
        "owner": _text(info.get("owner")),
        "plan_version": _text(info.get("plan_version")),
        "start_date": frames.start_date,
        "end_date": frames.end_date,
        "budget": float(budget) if isinstance(budget, (int, float)) else None,
        "core_goals": _text(info.get("core_goals")),
        "stakeholders": _text(info.get("stakeholders")),
        "tasks_total": len(tasks),
        "tasks_done": done,
        "tasks_done_ratio": done / len(tasks) if len(tasks) else None,
        "tasks_overdue": int(overdue.sum()),
        "tasks_delayed": int((task_status == "delayed").sum()),
        "issues_total": len(issues),
        "issues_open": int(unresolved.sum()),
        "issues_open_high": int((unresolved & high).sum()),
        "metrics_count": len(metrics),
        "metrics_met": int((rates >= 1).sum()),
        "achievement_mean": float(rates.mean()) if len(rates) else None,
        "findings_error": counts.get("error", 0),
        "findings_warning": counts.get("warning", 0),
        "findings_info": counts.get("info", 0),
        "template_id": frames.template_id,
        "template_version": frames.template_version,
        "status": status,
        "file": file,
    }


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _objects(df: pd.DataFrame, name: str) -> np.ndarray:
    if name not in df.columns:
        return np.full(len(df), None, dtype=object)
    values: np.ndarray = df[name].to_numpy(dtype=object)
    return values


def _floats(df: pd.DataFrame, name: str) -> np.ndarray:
    if name not in df.columns:
        return np.full(len(df), np.nan)
    values: np.ndarray = pd.to_numeric(df[name], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    return values


def campaigns_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The campaigns table from its rows, typed (dates datetime64, counts Int64, text str)."""
    df = pd.DataFrame.from_records(rows, columns=list(CAMPAIGN_COLUMNS))
    for col in CAMPAIGN_COLUMNS:
        if col in _DATE_FIELDS:
            df[col] = pd.to_datetime(df[col].astype(object), errors="coerce").astype("datetime64[ns]")
        elif col in _TEXT_FIELDS:
            df[col] = df[col].astype(object).where(df[col].notna(), None).astype("str")
        elif col in ("budget", "tasks_done_ratio", "achievement_mean"):
            df[col] = pd.to_numeric(df[col].astype(object), errors="coerce").astype("float64")
        else:
            df[col] = pd.to_numeric(df[col].astype(object), errors="coerce").astype("Int64")
    return df


Part = tuple[str | None, str | None, Any]  # (campaign_key, campaign, frame or columns)


def _build(parts: list[Part], table: str) -> pd.DataFrame:
    """One DataFrame from many files' parts, keyed, with the table's dtypes.

    Text columns become Arrow-backed strings (a fraction of the memory of Python str).
    """
    shape = _schema(table)
    body = [c for c in shape.columns if c not in KEY_COLUMNS]
    if table == "findings":
        lengths = [cols[_LENGTH] for _, _, cols in parts]
        df = pd.DataFrame({c: [v for _, _, cols in parts for v in cols[c]] for c in body})
    else:
        lengths = [len(frame) for _, _, frame in parts]
        frames = [frame for _, _, frame in parts]
        df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
        df = df.reindex(columns=body)
    df.insert(0, "campaign", np.repeat(np.array([n for _, n, _ in parts], dtype=object), lengths))
    df.insert(0, "campaign_key", np.repeat(np.array([k for k, _, _ in parts], dtype=object), lengths))
    for col, dtype in shape.dtypes.items():
        df[col] = _cast(df[col], dtype)
    return df


def _cast(series: pd.Series, dtype: Any) -> pd.Series:
    if dtype == object:
        return series.where(series.notna(), None).astype("str")
    if str(dtype).startswith("datetime64"):
        return pd.to_datetime(series, errors="coerce").astype(dtype)
    if dtype == bool:
        return series.fillna(False).astype(bool)
    if str(dtype) in ("float64", "Int64"):
        return pd.to_numeric(series, errors="coerce").astype(dtype)
    return series.astype(dtype)


class Accumulator:
    """Collects file results (in any order) into the portfolio's tables (in input order)."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self._waiting: dict[int, _Result] = {}
        self._next = 0
        self._buffers: dict[str, list[Part]] = {
            t: [] for t in (*CHILD_TABLES, "findings")
        }
        self._chunks: dict[str, list[pd.DataFrame]] = {t: [] for t in self._buffers}
        self._since_compact = 0
        self.campaign_rows: list[dict[str, Any]] = []
        self.load_rows: list[dict[str, Any]] = []
        self.records: list[dict[str, Any]] = []
        self.failed: list[dict[str, Any]] = []

    def add(self, result: _Result) -> None:
        """Take one result; append it and any that were waiting for it, in input order."""
        self._waiting[result.index] = result
        while self._next in self._waiting:
            self._append(self._waiting.pop(self._next))
            self._next += 1

    def _append(self, result: _Result) -> None:
        key = result.campaign["campaign_key"] if result.campaign else None
        self.load_rows.append({
            "file": result.path, "status": result.status,
            "code": result.error["code"] if result.error else None,
            "reason": result.reason, "campaign_key": key,
        })
        if result.error is not None:
            self.failed.append({"path": result.path, "error": dict(result.error)})
        if result.campaign is not None:
            row = result.campaign
            self.campaign_rows.append(row)
            record: dict[str, Any] = {
                "path": result.path, "campaign": row["campaign"], "as_of": self.as_of.isoformat(),
            }
            record.update(result.summary or {})
            record["findings"] = {
                "error": row["findings_error"], "warning": row["findings_warning"],
                "info": row["findings_info"],
            }
            self.records.append(record)
        name = result.campaign["campaign"] if result.campaign else None
        for table, part in result.tables.items():
            if (part[_LENGTH] if isinstance(part, dict) else len(part)):
                self._buffers[table].append((key, name, part))
        self._since_compact += 1
        if self._since_compact >= _COMPACT_EVERY:
            self._compact_all()

    def _compact_all(self) -> None:
        for table, buffer in self._buffers.items():
            if buffer:
                self._chunks[table].append(_build(buffer, table))
                buffer.clear()
        self._since_compact = 0

    def finish(self) -> dict[str, Any]:
        """The tables, JSON records and failures gathered so far, as Portfolio fields."""
        self._compact_all()
        out: dict[str, Any] = {"as_of": self.as_of}
        out["campaigns"] = campaigns_frame(self.campaign_rows)
        for table, chunks in self._chunks.items():
            if not chunks:
                out[table] = _build([], table)
            elif len(chunks) == 1:
                out[table] = chunks[0]
            else:
                out[table] = pd.concat(chunks, ignore_index=True)
            chunks.clear()
        load = pd.DataFrame.from_records(self.load_rows, columns=list(LOAD_COLUMNS))
        out["load_report"] = load.astype({c: "str" for c in LOAD_COLUMNS})
        out["records"] = self.records
        out["failed"] = self.failed
        return out
