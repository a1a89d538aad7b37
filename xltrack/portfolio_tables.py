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
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, cast

import numpy as np
import pandas as pd

from xltrack.findings import Finding
from xltrack.frames import empty_frame
from xltrack.messages import finding_message
from xltrack.spec import load_spec
from xltrack.stack import CAMPAIGN, Stack
from xltrack.summary import Summary

# Portfolio table name -> the frames table it comes from.
CHILD_TABLES = {"tasks": "tasks", "issues": "issues", "daily": "daily"}
# The tables a chunk sends: the child tables, the metrics (the summaries' figures) and
# the findings.
CHUNK_TABLES = (*CHILD_TABLES, "metrics", "findings")
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
    "health",
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
# One row per metric of a campaign, as the summary has it (metric_figures.py): table 5's
# columns first (metric, target, actual, rate, cause, improvement, its row), then the
# identity and the figures to date. A goal missing from table 5 is a row all the same.
METRIC_COLUMNS: dict[str, str] = {
    "metric": "str",
    "target": "float64",
    "actual": "float64",
    "rate": "float64",
    "cause": "str",
    "improvement": "str",
    "row": "Int64",
    "metric_key": "str",
    "expected": "float64",
    "pace": "float64",
    "forecast": "float64",
    "light": "str",
    "health": "str",
    "core": "bool",
    "final": "bool",
    "evaluation_actual": "float64",
}
_DATE_FIELDS = ("start_date", "end_date")
_TEXT_FIELDS = (
    "campaign_key",
    "campaign",
    "owner",
    "health",
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
    data: dict[str, pd.Series] = {c: pd.Series(dtype=object) for c in KEY_COLUMNS}
    if table == "findings":
        for col in FINDING_COLUMNS:
            data[col] = pd.Series(dtype="Int64" if col == "row" else object)
        return pd.DataFrame(data)
    if table == "metrics":
        for col, dtype in METRIC_COLUMNS.items():
            data[col] = pd.Series(dtype=object if dtype == "str" else dtype)
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
    """The campaigns-table rows of a stack's campaigns: each form, and counts over its tables.

    The metric counts, mean achievement and health are the summary's (so every goal
    counts, table 5 or not, by the rule the Dashboard follows).
    """
    rows = []
    for position, (frames, summary) in enumerate(zip(stack.campaigns, summaries, strict=True)):
        info, done, total = frames.info, summary.tasks_done, summary.tasks_total
        budget = info.get("budget")
        met = [m.rate for m in summary.metrics if m.rate is not None]
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
                "metrics_count": len(summary.metrics),
                "metrics_met": sum(1 for r in met if r >= 1),
                "achievement_mean": sum(met) / len(met) if met else None,
                "health": summary.health,
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


def metric_rows(summaries: list[Summary], keys: list[str], names: list[str | None]) -> pd.DataFrame:
    """The metrics-table rows of a stack's campaigns: each summary metric, keyed."""
    records = [
        {
            "campaign_key": key,
            "campaign": name,
            "metric": m.name,
            "target": m.target,
            "actual": m.actual,
            "rate": m.rate,
            "cause": m.cause,
            "improvement": m.improvement,
            "row": m.evaluation_row,
            "metric_key": m.key,
            "expected": m.expected,
            "pace": m.pace,
            "forecast": m.forecast,
            "light": m.light,
            "health": m.health,
            "core": m.core,
            "final": m.final,
            "evaluation_actual": m.evaluation_actual,
        }
        for summary, key, name in zip(summaries, keys, names, strict=True)
        for m in summary.metrics
    ]
    shape = _schema("metrics")
    df = pd.DataFrame.from_records(records, columns=list(shape.columns))
    return _conform(df.astype(object), shape)


def metric_labels(metrics: pd.DataFrame) -> dict[str, str]:
    """Each metric identity of the portfolio metrics table -> the first name seen, in order."""
    m = metrics[metrics["metric_key"].notna() & metrics["metric_key"].ne("")]
    first = m.drop_duplicates("metric_key")
    return dict(
        zip(first["metric_key"].tolist(), first["metric"].astype(str).tolist(), strict=True)
    )


def wide_metrics(campaigns: pd.DataFrame, metrics: pd.DataFrame, limit: int) -> pd.DataFrame:
    """`<metric> target|actual|rate` per campaign for the `limit` metrics most campaigns have.

    One column group per metric identity, labelled with the first name seen.
    """
    keys = campaigns[["campaign_key"]]
    order = popular_metrics(metrics, limit)
    if not order:
        return keys
    labels = metric_labels(metrics)
    m = metrics[metrics["metric_key"].isin(order)].drop_duplicates(["campaign_key", "metric_key"])
    wide = m.pivot(index="campaign_key", columns="metric_key", values=["target", "actual", "rate"])
    # several `values`: the columns are (value, key) pairs; pandas-stubs says str
    pairs = cast("Iterable[tuple[str, str]]", wide.columns)
    wide.columns = [f"{labels[key]} {part}" for part, key in pairs]
    names = [f"{labels[k]} {p}" for k in order for p in ("target", "actual", "rate")]
    wide = wide.reindex(columns=names)
    return keys.merge(wide, left_on="campaign_key", right_index=True, how="left")


def popular_metrics(metrics: pd.DataFrame, limit: int) -> list[str]:
    """The `limit` metric identities most campaigns have (ties: first seen first)."""
    order = list(metric_labels(metrics))
    if not order:
        return []
    counts = metrics.groupby("metric_key", sort=False)["campaign_key"].nunique().to_dict()
    return sorted(order, key=lambda k: -counts.get(k, 0))[:limit]


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
        self._tables: dict[str, list[pd.DataFrame]] = {t: [] for t in CHUNK_TABLES}
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
