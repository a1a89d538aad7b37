"""The tidy tables of a portfolio: their columns, a chunk's rows, and the accumulator that
grows them.

Every table starts with `campaign_key` and `campaign` so that any two can be
joined. Child tables keep the spec's column keys and dtypes (frames.py), so a
task row here reads like a task row anywhere else in xltrack. Workers key and
type a whole chunk's rows at once (text as Arrow-backed strings, so that memory
grows with the data kept, not with Python objects per cell); the accumulator
appends chunks in input order whatever order they finish in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from xltrack.findings import Finding
from xltrack.frames import empty_frame
from xltrack.messages import finding_message
from xltrack.spec import load_spec
from xltrack.stack import CAMPAIGN, Stack
from xltrack.summary import Summary

# Portfolio table name -> the frames table it comes from.
CHILD_TABLES = {"tasks": "tasks", "issues": "issues", "daily": "daily", "metrics": "evaluation"}
KEY_COLUMNS = ("campaign_key", "campaign")
FINDING_COLUMNS = ("code", "severity", "sheet", "row", "column", "id", "message", "file")
CAMPAIGN_COLUMNS = (
    "campaign_key",
    "campaign",
    "owner",
    "plan_version",
    "start_date",
    "end_date",
    "budget",
    "spent",
    "budget_used",
    "roi",
    "core_goals",
    "stakeholders",
    "tasks_total",
    "tasks_done",
    "tasks_done_ratio",
    "tasks_overdue",
    "tasks_delayed",
    "issues_total",
    "issues_open",
    "issues_open_high",
    "metrics_count",
    "metrics_met",
    "achievement_mean",
    "findings_error",
    "findings_warning",
    "findings_info",
    "template_id",
    "template_version",
    "status",
    "file",
)
_LENGTH = "__len__"  # the row count, stored with a file's columns
LOAD_COLUMNS = ("file", "status", "code", "reason", "campaign_key")
# One row per channel of a campaign's daily table: its revenue metric's figures, spend, ROI.
CHANNEL_COLUMNS = (
    "campaign_key",
    "campaign",
    "channel",
    "target",
    "actual",
    "rate",
    "spend",
    "roi",
)
_DATE_FIELDS = ("start_date", "end_date")
_TEXT_FIELDS = (
    "campaign_key",
    "campaign",
    "owner",
    "plan_version",
    "core_goals",
    "stakeholders",
    "template_id",
    "status",
    "file",
)


@dataclass
class FileResult:
    """One file's row of the load report and, when it was read, of the campaigns table."""

    index: int
    path: str
    status: str
    reason: str | None = None
    error: dict[str, str] | None = None
    campaign: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None


@dataclass
class ChunkResult:
    """A chunk of consecutive files: one `FileResult` each, and their rows of every table."""

    first: int  # the index of the chunk's first file
    files: list[FileResult]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)


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
        cols["message"].append(finding_message(f, "en"))
    cols["file"] = [file] * len(findings)
    out: Columns = dict(cols)
    out[_LENGTH] = len(findings)
    return out


def campaign_rows(
    stack: Stack, summaries: list[Summary], keys: list[str], files: list[str], statuses: list[str]
) -> list[dict[str, Any]]:
    """The campaigns-table rows of a stack's campaigns: each form, and counts over its tables."""
    metrics = stack.tables["evaluation"]
    counted = Counter(metrics[CAMPAIGN].tolist())
    rates: dict[int, list[float]] = {}
    for owner, rate in zip(metrics[CAMPAIGN].tolist(), metrics["rate"].tolist(), strict=True):
        if not math.isnan(rate):
            rates.setdefault(owner, []).append(rate)
    rows = []
    for position, (frames, summary) in enumerate(zip(stack.campaigns, summaries, strict=True)):
        info, done, total = frames.info, summary.tasks_done, summary.tasks_total
        budget = info.get("budget")
        met = rates.get(position, [])
        counts = summary.findings_by_severity
        rows.append(
            {
                "campaign_key": keys[position],
                "campaign": frames.name,
                "owner": _text(info.get("owner")),
                "plan_version": _text(info.get("plan_version")),
                "start_date": frames.start_date,
                "end_date": frames.end_date,
                "budget": float(budget) if isinstance(budget, (int, float)) else None,
                "spent": summary.money.spent,
                "budget_used": summary.money.used,
                "roi": _roi(summary),
                "core_goals": _text(info.get("core_goals")),
                "stakeholders": _text(info.get("stakeholders")),
                "tasks_total": total,
                "tasks_done": done,
                "tasks_done_ratio": done / total if total else None,
                "tasks_overdue": len(summary.overdue) if summary.known("tasks.overdue") else None,
                "tasks_delayed": summary.task_counts.get("delayed", 0),
                "issues_total": summary.issues_total,
                "issues_open": summary.issues_open if summary.known("issues.open") else None,
                "issues_open_high": (
                    len(summary.high_unresolved)
                    if summary.known("issues.high_unresolved")
                    else None
                ),
                "metrics_count": counted.get(position, 0),
                "metrics_met": sum(1 for r in met if r >= 1),
                "achievement_mean": sum(met) / len(met) if met else None,
                "findings_error": counts.get("error", 0),
                "findings_warning": counts.get("warning", 0),
                "findings_info": counts.get("info", 0),
                "template_id": frames.template_id,
                "template_version": frames.template_version,
                "status": statuses[position],
                "file": files[position],
            }
        )
    return rows


def _roi(summary: Summary) -> float | None:
    """The campaign's revenue / spend over its channels (None without both)."""
    channels = [c for c in summary.money.channels if c.actual is not None and c.spend]
    spend = sum(c.spend or 0.0 for c in channels)
    return sum(c.actual or 0.0 for c in channels) / spend if spend else None


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def campaigns_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The campaigns table from its rows, typed (dates datetime64, counts Int64, text str)."""
    df = pd.DataFrame.from_records(rows, columns=list(CAMPAIGN_COLUMNS))
    for col in CAMPAIGN_COLUMNS:
        if col in _DATE_FIELDS:
            df[col] = pd.to_datetime(df[col].astype(object), errors="coerce").astype(
                "datetime64[ns]"
            )
        elif col in _TEXT_FIELDS:
            df[col] = df[col].astype(object).where(df[col].notna(), None).astype("str")
        elif col in (
            "budget",
            "spent",
            "budget_used",
            "roi",
            "tasks_done_ratio",
            "achievement_mean",
        ):
            df[col] = pd.to_numeric(df[col].astype(object), errors="coerce").astype("float64")
        else:
            df[col] = pd.to_numeric(df[col].astype(object), errors="coerce").astype("Int64")
    return df


Part = tuple[str | None, str | None, Columns]  # (campaign_key, campaign, finding columns)


def findings_table(parts: list[Part]) -> pd.DataFrame:
    """The findings table of many files, keyed, in the order of `parts`."""
    shape = _schema("findings")
    body = [c for c in shape.columns if c not in KEY_COLUMNS]
    lengths = [cols[_LENGTH] for _, _, cols in parts]
    df = pd.DataFrame({c: [v for _, _, cols in parts for v in cols[c]] for c in body})
    df.insert(0, "campaign", np.repeat(np.array([n for _, n, _ in parts], dtype=object), lengths))
    df.insert(
        0, "campaign_key", np.repeat(np.array([k for k, _, _ in parts], dtype=object), lengths)
    )
    return _conform(df, shape)


def keyed_rows(
    table: str, stacked: pd.DataFrame, keys: list[str], names: list[str | None]
) -> pd.DataFrame:
    """A stacked table's rows with `campaign_key` and `campaign` in front, in the portfolio's
    dtypes."""
    shape = _schema(table)
    owners = stacked[CAMPAIGN].to_numpy()
    df = stacked.reindex(columns=[c for c in shape.columns if c not in KEY_COLUMNS])
    df.insert(0, "campaign", np.asarray(names, dtype=object)[owners] if len(owners) else [])
    df.insert(0, "campaign_key", np.asarray(keys, dtype=object)[owners] if len(owners) else [])
    return _conform(df, shape)


def _conform(df: pd.DataFrame, shape: pd.DataFrame) -> pd.DataFrame:
    for col, dtype in shape.dtypes.items():
        df[col] = _cast(df[col], dtype)
    return df.reset_index(drop=True)


def _cast(series: pd.Series, dtype: Any) -> pd.Series:
    # E721: dtypes compare by value (np.dtype("O") == object), not by identity
    if dtype == object:  # noqa: E721  (text: Arrow-backed strings, missing values NaN)
        return series.astype("str")
    if series.dtype == dtype:
        return series
    if str(dtype).startswith("datetime64"):
        return pd.to_datetime(series, errors="coerce").astype(dtype)
    if dtype == bool:  # noqa: E721
        return series.fillna(False).astype(bool)
    if str(dtype) in ("float64", "Int64"):
        return pd.to_numeric(series, errors="coerce").astype(dtype)
    return series.astype(dtype)


class Accumulator:
    """Collects chunk results (in any order) into the portfolio's tables (in input order)."""

    def __init__(self, as_of: dt.date) -> None:
        self.as_of = as_of
        self._waiting: dict[int, ChunkResult] = {}
        self._next = 0
        self._tables: dict[str, list[pd.DataFrame]] = {t: [] for t in (*CHILD_TABLES, "findings")}
        self.campaign_rows: list[dict[str, Any]] = []
        self.load_rows: list[dict[str, Any]] = []
        self.records: list[dict[str, Any]] = []
        self.failed: list[dict[str, Any]] = []
        self.channel_rows: list[dict[str, Any]] = []

    def add(self, chunk: ChunkResult) -> None:
        """Take one chunk; append it and any that were waiting for it, in input order."""
        self._waiting[chunk.first] = chunk
        while self._next in self._waiting:
            ready = self._waiting.pop(self._next)
            self._append(ready)
            self._next += max(1, len(ready.files))

    def _append(self, chunk: ChunkResult) -> None:
        for result in chunk.files:
            row = result.campaign
            self.load_rows.append(
                {
                    "file": result.path,
                    "status": result.status,
                    "code": result.error["code"] if result.error else None,
                    "reason": result.reason,
                    "campaign_key": row["campaign_key"] if row else None,
                }
            )
            if result.error is not None:
                self.failed.append({"path": result.path, "error": dict(result.error)})
            if row is None:
                continue
            self.campaign_rows.append(row)
            record: dict[str, Any] = {
                "path": result.path,
                "campaign": row["campaign"],
                "as_of": self.as_of.isoformat(),
            }
            record.update(result.summary or {})
            for channel in (result.summary or {}).get("channels", []):
                self.channel_rows.append(
                    {
                        "campaign_key": row["campaign_key"],
                        "campaign": row["campaign"],
                        "channel": channel["name"],
                        **{k: channel[k] for k in CHANNEL_COLUMNS[3:]},
                    }
                )
            record["findings"] = {
                "error": row["findings_error"],
                "warning": row["findings_warning"],
                "info": row["findings_info"],
            }
            self.records.append(record)
        for table, frame in chunk.tables.items():
            if len(frame):
                self._tables[table].append(frame)

    def finish(self) -> dict[str, Any]:
        """The tables, JSON records and failures gathered so far, as Portfolio fields."""
        out: dict[str, Any] = {"as_of": self.as_of}
        out["campaigns"] = campaigns_frame(self.campaign_rows)
        for table, frames in self._tables.items():
            if not frames:
                out[table] = schema(table)
            else:
                out[table] = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        load = pd.DataFrame.from_records(self.load_rows, columns=list(LOAD_COLUMNS))
        out["load_report"] = load.astype({c: "str" for c in LOAD_COLUMNS})
        channels = pd.DataFrame.from_records(self.channel_rows, columns=list(CHANNEL_COLUMNS))
        for col in CHANNEL_COLUMNS[3:]:
            channels[col] = pd.to_numeric(channels[col].astype(object), errors="coerce").astype(
                "float64"
            )
        for col in CHANNEL_COLUMNS[:3]:
            channels[col] = (
                channels[col].astype(object).where(channels[col].notna(), None).astype("str")
            )
        out["channels"] = channels
        out["records"] = self.records
        out["failed"] = self.failed
        return out
