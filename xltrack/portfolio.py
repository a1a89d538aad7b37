"""Analyse many campaign workbooks at once and gather them into tidy tables (a `Portfolio`).

`analyze_file` is the per-file work: one top-level, picklable function that every
executor runs. It returns a compact `FileResult` (that campaign's tidy rows, its
summary as a dict and its findings as rows), never the whole `Analysis`, so that
little crosses the process boundary and nothing large lives on in the parent.
`analyze_many` streams those results into an accumulator that appends them, in
input order, to the growing tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from xltrack.analyze import analyze_workbook
from xltrack.codes import CODES
from xltrack.discover import expand_paths
from xltrack.errors import WorkbookError
from xltrack.executors import run
from xltrack.findings import Finding, count_by_severity
from xltrack.portfolio_tables import (
    CHILD_TABLES,
    Accumulator,
    campaign_row,
    child_frames,
    finding_columns,
)
from xltrack.spec import load_spec

READ = "read"
READ_WITH_WARNINGS = "read with warnings"
FAILED = "failed"

# Reader findings that mean part of the workbook could not be taken in as written.
_LOAD_WARNING = ("warning", "error")

Progress = Callable[[int, int, int], None]


@dataclass(frozen=True)
class FileJob:
    """What a worker needs to analyse one file (small and picklable)."""

    index: int
    path: str  # as the user knows it; used in every message and table
    location: str  # what the worker opens: the absolute path
    as_of: dt.date
    reject: str | None = None
    code: str = "file-unreadable"


@dataclass
class FileResult:
    """One file's contribution to the portfolio."""

    index: int
    path: str
    status: str
    reason: str | None = None
    error: dict[str, str] | None = None
    campaign: dict[str, Any] | None = None
    summary: dict[str, Any] | None = None
    tables: dict[str, Any] = field(default_factory=dict)  # frames, or Columns for findings


def campaign_key(location: str, name: str | None) -> str:
    """A stable 12-hex-digit key for a campaign: its file's absolute path and its name."""
    text = f"{location}\n{name or ''}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def analyze_file(job: FileJob) -> FileResult:
    """Analyse one workbook and reduce it to tidy rows: the per-file work of every executor.

    Args:
        job: the file and the as-of date.

    Returns:
        A `FileResult`; a file that cannot be used gives status "failed" and its error.
    """
    if job.reject is not None:
        err = WorkbookError(job.path, job.reject, code=job.code)
        return _failed(job, err.to_dict())
    try:
        analysis = analyze_workbook(job.location, job.as_of, spec=load_spec())
    except WorkbookError as err:
        named = type(err)(job.path, err.reason, sheet=err.sheet, cell=err.cell, code=err.code)
        return _failed(job, named.to_dict())
    except Exception as exc:  # noqa: BLE001
        # The batch boundary: one file that trips a bug must not sink the other thousand.
        reason = f"xltrack could not analyse this file ({type(exc).__name__}: {exc})"
        return _failed(job, {"code": "file-unreadable", "message": f"{job.path}: {reason}"})
    frames = analysis.frames
    name = frames.name
    key = campaign_key(job.location, name)
    counts = count_by_severity(analysis.findings)
    load = [f for f in frames.load_findings if f.level.value in _LOAD_WARNING]
    status = READ_WITH_WARNINGS if load else READ
    tables: dict[str, Any] = dict(child_frames(frames))
    tables["findings"] = finding_columns(analysis.findings, job.path)
    summary = analysis.summary.to_dict()
    row = campaign_row(frames, key, job.path, counts, status)
    return FileResult(
        index=job.index,
        path=job.path,
        status=status,
        reason=_load_reason(load) if load else None,
        campaign=row,
        summary={k: summary[k] for k in ("metrics", "tasks", "issues") if k in summary},
        tables=tables,
    )


def _failed(job: FileJob, error: dict[str, str]) -> FileResult:
    finding = Finding(
        code=error["code"] if error["code"] in CODES else "file-unreadable",
        params={"reason": error["message"]},
    )
    rows = finding_columns([finding], job.path)
    return FileResult(
        index=job.index, path=job.path, status=FAILED, reason=error["message"],
        error=error, tables={"findings": rows},
    )


def _load_reason(load: list[Finding]) -> str:
    codes: dict[str, int] = {}
    for f in load:
        codes[f.code] = codes.get(f.code, 0) + 1
    parts = [f"{code} ×{n}" if n > 1 else code for code, n in sorted(codes.items())]
    return f"{len(load)} reading problem{'s' if len(load) > 1 else ''}: {', '.join(parts)}"


@dataclass
class Portfolio:
    """Every campaign of a batch as tidy tables, each keyed by `campaign_key`.

    Attributes:
        as_of: the date the batch was analysed against.
        campaigns: one row per readable campaign (failed files are in `load_report`).
        tasks, issues, daily, metrics: every row of those tables, with
            `campaign_key` and `campaign` in front; `metrics` is table 5 (evaluation).
        findings: code, severity, sheet, row, column, id, message, file per finding;
            a failed file contributes its one file-level finding.
        load_report: path, status (read / read with warnings / failed), code, reason.
        records: per campaign, the JSON parts of `to_dict()`.
        failed: per failed file, its path and error (code + message).
    """

    as_of: dt.date
    campaigns: pd.DataFrame
    tasks: pd.DataFrame
    issues: pd.DataFrame
    daily: pd.DataFrame
    metrics: pd.DataFrame
    findings: pd.DataFrame
    load_report: pd.DataFrame
    records: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)

    TABLES = ("campaigns", "tasks", "issues", "daily", "metrics", "findings", "load_report")

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tidy tables by name, in a fixed order."""
        return {name: getattr(self, name) for name in self.TABLES}

    def metrics_wide(self) -> pd.DataFrame:
        """One row per campaign, `<metric> target|actual|rate` columns (metrics in first-seen order)."""
        long = self.metrics.dropna(subset=["metric"])
        if long.empty:
            return pd.DataFrame({"campaign_key": self.campaigns["campaign_key"]})
        order = list(dict.fromkeys(long["metric"]))
        wide = long.drop_duplicates(["campaign_key", "metric"]).pivot(
            index="campaign_key", columns="metric", values=["target", "actual", "rate"]
        )
        wide.columns = [f"{metric} {part}" for part, metric in wide.columns]
        columns = [f"{m} {p}" for m in order for p in ("target", "actual", "rate")]
        wide = wide.reindex(columns=columns)
        keys = self.campaigns[["campaign_key"]]
        return keys.merge(wide, left_on="campaign_key", right_index=True, how="left")

    def to_dict(self) -> dict[str, Any]:
        """`{"campaigns": [...], "failed": [...]}`: the `batch --format json` shape."""
        return {"campaigns": list(self.records), "failed": list(self.failed)}

    @property
    def ok(self) -> bool:
        """True when every file was read."""
        return not self.failed


def analyze_many(
    paths: Iterable[str | os.PathLike[str]],
    *,
    as_of: dt.date,
    recursive: bool = False,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: Any = None,
    progress: Progress | None = None,
) -> Portfolio:
    """Analyse every workbook among `paths` and gather the results.

    Args:
        paths: files, folders or globs (see `discover.expand_paths`).
        as_of: the date overdue and age are measured against.
        recursive: descend into sub-folders.
        jobs: worker processes (or Dask workers of a local cluster); None = all cores,
            1 = in this process.
        executor: "local" (process pool) or "dask".
        scheduler: for dask, a scheduler address or a Client; None starts a local cluster.
        progress: called as `progress(done, failed, total)` after each file.

    Returns:
        The `Portfolio`. Files that cannot be used are failed rows, never exceptions.

    Raises:
        ExecutorError: the executor cannot be used (unknown, dask missing, scheduler down).
    """
    targets = expand_paths(paths, recursive=recursive)
    jobs_list = [
        FileJob(i, t.path, os.path.abspath(t.path), as_of, t.reject, t.code)
        for i, t in enumerate(targets)
    ]
    acc = Accumulator(as_of)
    total = len(jobs_list)
    failed = 0
    results = run(analyze_file, jobs_list, executor=executor, jobs=jobs, scheduler=scheduler)
    for done, result in enumerate(results, start=1):
        acc.add(result)
        failed += result.status == FAILED
        if progress is not None:
            progress(done, failed, total)
    return Portfolio(**acc.finish())


def render_text(portfolio: Portfolio) -> str:
    """A plain-text overview: one line per campaign, one per failed file, and a total."""
    lines: list[str] = []
    for row in portfolio.campaigns.itertuples(index=False):
        done = "" if pd.isna(row.tasks_done_ratio) else f" ({row.tasks_done_ratio:.0%})"
        rate = "" if pd.isna(row.achievement_mean) else f", achievement {row.achievement_mean:.0%}"
        name = row.campaign if isinstance(row.campaign, str) else "(no name)"
        lines.append(
            f"{row.file}: {name}: tasks {row.tasks_done}/{row.tasks_total} done{done}, "
            f"{row.tasks_overdue} overdue, {row.issues_open_high} open high issues{rate}; "
            f"findings {row.findings_error} error, {row.findings_warning} warning, "
            f"{row.findings_info} info"
        )
    for failure in portfolio.failed:
        lines.append(f"{failure['path']}: FAILED: {failure['error']['message']}")
    read = len(portfolio.campaigns)
    lines.append(f"{read} campaign{'s' if read != 1 else ''} read, {len(portfolio.failed)} failed")
    return "\n".join(lines) + "\n"


__all__ = [
    "CHILD_TABLES",
    "FAILED",
    "READ",
    "READ_WITH_WARNINGS",
    "FileJob",
    "FileResult",
    "Portfolio",
    "analyze_file",
    "analyze_many",
    "render_text",
]
