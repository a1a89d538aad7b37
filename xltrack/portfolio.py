"""Analyse many campaign workbooks at once and gather them into tidy tables (a `Portfolio`).

`analyze_files` is the work of every executor: one top-level, picklable function
of a chunk of files. It reads each file into parsed columns, stacks the chunk
(`stack.build_stack`) and runs the derived columns, the checks and the summaries
once over the stack, so that pandas' fixed cost per call is paid per chunk, not
per workbook. It returns a compact `ChunkResult` (per file: status and campaign
row; per table: the chunk's keyed rows), never the frames themselves, so that
little crosses the process boundary and nothing large lives on in the parent.
`analyze_many` streams those results into an accumulator that appends them, in
input order, to the growing tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from xltrack.analyze import analyze_stack
from xltrack.checks.evaluation import defer_missing_evaluation
from xltrack.discover import expand_paths
from xltrack.errors import UnreadableWorkbookError, WorkbookError
from xltrack.executors import run
from xltrack.findings import Finding
from xltrack.portfolio_tables import (
    CHILD_TABLES,
    CHUNK_TABLES,
    Accumulator,
    ChunkResult,
    Columns,
    FileResult,
    campaign_rows,
    finding_columns,
    findings_table,
    keyed_rows,
    metric_rows,
    wide_metrics,
)
from xltrack.reader import read_campaign
from xltrack.spec import Spec, load_spec
from xltrack.stack import ReadCampaign, build_stack

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
    template: str | None = None  # the team's template file (absolute); None = built-in


def campaign_key(location: str, name: str | None) -> str:
    """A stable 12-hex-digit key for a campaign: its file's absolute path and its name."""
    text = f"{location}\n{name or ''}"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def analyze_files(jobs: list[FileJob]) -> ChunkResult:
    """Analyse a chunk of workbooks and reduce them to tidy rows: the work of every executor.

    Args:
        jobs: consecutive files, all with the same as-of date and template.

    Returns:
        A `ChunkResult`; a file that cannot be used gives status "failed" and its error.
    """
    # Each worker (process or Dask) loads the template itself, once: load_spec caches it.
    spec = load_spec(jobs[0].template if jobs else None)
    results: dict[int, FileResult] = {}
    findings: dict[int, Columns] = {}
    read: list[tuple[FileJob, ReadCampaign]] = []
    for job in jobs:
        try:
            read.append((job, _read(job, spec)))
        except WorkbookError as err:
            named = type(err)(job.path, err.reason, sheet=err.sheet, cell=err.cell, code=err.code)
            results[job.index], findings[job.index] = _failed(job, named)
        except Exception as exc:  # noqa: BLE001
            results[job.index], findings[job.index] = _crashed(job, exc)
    parts: list[Analyzed] = []
    try:
        parts.append(_analyze_read(read, spec))
    except Exception:  # noqa: BLE001
        # The batch boundary: a file that trips a bug must not sink the rest of its chunk,
        # so the chunk is analysed again one file at a time to find which one it was.
        for job, campaign in read:
            try:
                parts.append(_analyze_read([(job, campaign)], spec))
            except Exception as exc:  # noqa: BLE001
                results[job.index], findings[job.index] = _crashed(job, exc)
    children: dict[str, list[pd.DataFrame]] = {name: [] for name in CHUNK_TABLES}
    for done, found, tables in parts:
        results.update(done)
        findings.update(found)
        for name, frame in tables.items():
            children[name].append(frame)
    files = [results[job.index] for job in jobs]
    tables = {name: _concat(frames) for name, frames in children.items() if frames}
    tables["findings"] = findings_table(
        [
            (
                r.campaign["campaign_key"] if r.campaign else None,
                r.campaign["campaign"] if r.campaign else None,
                findings[r.index],
            )
            for r in files
        ]
    )
    return ChunkResult(jobs[0].index if jobs else 0, files, tables)


Analyzed = tuple[dict[int, FileResult], dict[int, Columns], dict[str, pd.DataFrame]]


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _read(job: FileJob, spec: Spec) -> ReadCampaign:
    if job.reject is not None:
        raise WorkbookError(job.path, job.reject, code=job.code)
    return read_campaign(job.location, spec, as_of=job.as_of)


def _analyze_read(read: list[tuple[FileJob, ReadCampaign]], spec: Spec) -> Analyzed:
    """Stack the files that were read, check and summarize them together, and key their rows."""
    if not read:
        return {}, {}, {}
    as_of = read[0][0].as_of
    stack = build_stack([campaign for _, campaign in read], spec, as_of)
    sorted_findings, summaries = analyze_stack(stack, as_of, spec)
    keys = [campaign_key(job.location, c.head.name) for job, c in read]
    statuses, reasons = [], []
    for _, campaign in read:
        load = [
            f
            for f in defer_missing_evaluation(campaign.head, as_of)
            if f.level.value in _LOAD_WARNING
        ]
        statuses.append(READ_WITH_WARNINGS if load else READ)
        reasons.append(_load_reason(load) if load else None)
    rows = campaign_rows(stack, summaries, keys, [job.path for job, _ in read], statuses)
    done: dict[int, FileResult] = {}
    rows_of_findings: dict[int, Columns] = {}
    for (job, _), summary, row, status, reason, findings in zip(
        read,
        summaries,
        rows,
        statuses,
        reasons,
        sorted_findings,
        strict=True,
    ):
        record = summary.to_dict()
        done[job.index] = FileResult(
            index=job.index,
            path=job.path,
            status=status,
            reason=reason,
            campaign=row,
            summary={
                k: record[k] for k in ("health", "metrics", "tasks", "issues", "budget", "channels")
            },
        )
        rows_of_findings[job.index] = finding_columns(findings, job.path)
    names = [row["campaign"] for row in rows]
    tables = {
        name: keyed_rows(name, stack.tables[source], keys, names)
        for name, source in CHILD_TABLES.items()
    }
    tables["metrics"] = metric_rows(summaries, keys, names)
    return done, rows_of_findings, tables


def _failed(job: FileJob, err: WorkbookError) -> tuple[FileResult, Columns]:
    error = err.to_dict()
    result = FileResult(
        index=job.index,
        path=job.path,
        status=FAILED,
        reason=error["message"],
        error=error,
    )
    return result, finding_columns([err.to_finding()], job.path)


def crashed_files(jobs: list[FileJob], error: BaseException) -> ChunkResult:
    """The result of files whose worker process died while analysing them (a native crash).

    `executors.run_local` calls it for a file it has narrowed a crash down to.
    """
    files: list[FileResult] = []
    findings: list[tuple[str | None, str | None, Columns]] = []
    for job in jobs:
        reason = (
            "xltrack's worker process died while reading this file "
            "(a crash in a native reader, or out of memory)"
        )
        result, found = _failed(job, UnreadableWorkbookError(job.path, reason))
        files.append(result)
        findings.append((None, None, found))
    return ChunkResult(jobs[0].index if jobs else 0, files, {"findings": findings_table(findings)})


def _crashed(job: FileJob, exc: Exception) -> tuple[FileResult, Columns]:
    reason = f"xltrack could not analyse this file ({type(exc).__name__}: {exc})"
    return _failed(job, UnreadableWorkbookError(job.path, reason))


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
        tasks, issues, daily: every row of those tables, with `campaign_key` and
            `campaign` in front.
        metrics: every metric of every campaign as its summary has it
            (metric_figures.py): goals, table 5's rows and daily metrics, with
            `metric_key` (their identity) and their figures as of `as_of`.
        findings: code, severity, sheet, row, column, id, message, file per finding;
            a failed file contributes its one file-level finding.
        load_report: path, status (read / read with warnings / failed), code, reason.
        channels: per campaign and channel, the revenue metric's target, actual and
            rate, the spend and the ROI (revenue / spend).
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
    channels: pd.DataFrame = field(default_factory=pd.DataFrame)
    records: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)

    TABLES = (
        "campaigns",
        "tasks",
        "issues",
        "daily",
        "metrics",
        "channels",
        "findings",
        "load_report",
    )

    def tables(self) -> dict[str, pd.DataFrame]:
        """The tidy tables by name, in a fixed order."""
        return {name: getattr(self, name) for name in self.TABLES}

    def metrics_wide(self) -> pd.DataFrame:
        """One row per campaign, `<metric> target|actual|rate` columns: one group per metric
        identity, labelled with the first name seen, most common first."""
        return wide_metrics(self.campaigns, self.metrics, len(self.metrics))

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
    include_generated: bool = False,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: Any = None,
    progress: Progress | None = None,
    template: str | os.PathLike[str] | None = None,
) -> Portfolio:
    """Analyse every workbook among `paths` and gather the results.

    Args:
        paths: files, folders or globs (see `discover.expand_paths`).
        as_of: the date overdue and age are measured against.
        recursive: descend into sub-folders.
        include_generated: also analyse lock, temp, backup and summary files
            found in folders (`discover.is_generated`); named files always are.
        jobs: worker processes (or Dask workers of a local cluster); None = all cores,
            1 = in this process.
        executor: "local" (process pool) or "dask".
        scheduler: for dask, a scheduler address or a Client; None starts a local cluster.
        progress: called as `progress(done, failed, total)` after each file.
        template: a team's template file (YAML) for every file; the built-in one when None.
            It is loaded here first (so a bad one fails before any work) and again,
            by path, in each worker.

    Returns:
        The `Portfolio`. Files that cannot be used are failed rows, never exceptions.

    Raises:
        ExecutorError: the executor cannot be used (unknown, dask missing, scheduler down).
        SpecError: the template cannot be read or is invalid.
    """
    template_path = os.path.abspath(template) if template is not None else None
    if template_path is not None:
        load_spec(template_path)
    targets = expand_paths(paths, recursive=recursive, include_generated=include_generated)
    jobs_list = [
        FileJob(i, t.path, os.path.abspath(t.path), as_of, t.reject, t.code, template_path)
        for i, t in enumerate(targets)
    ]
    acc = Accumulator(as_of)
    total = len(jobs_list)
    done = failed = 0
    chunks = run(
        analyze_files,
        jobs_list,
        executor=executor,
        jobs=jobs,
        scheduler=scheduler,
        on_crash=crashed_files,
    )
    for chunk in chunks:
        acc.add(chunk)
        for result in chunk.files:
            done += 1
            failed += result.status == FAILED
            if progress is not None:
                progress(done, failed, total)
    return Portfolio(**acc.finish())


def _count(n: object, noun: str) -> str:
    """'1 open high issue', '2 open high issues', 'unknown open high issues'."""
    if n is None or (isinstance(n, float) and math.isnan(n)) or n is pd.NA:
        return f"unknown {noun}s"
    return f"{n} {noun}" + ("" if n == 1 else "s")


def render_text(portfolio: Portfolio) -> str:
    """A plain-text overview: one line per campaign, one per failed file, and a total."""
    lines: list[str] = []
    row: Any  # a row of a mixed frame (pandas-stubs narrows its fields to scalars)
    for row in portfolio.campaigns.itertuples(index=False):
        done = "" if pd.isna(row.tasks_done_ratio) else f" ({row.tasks_done_ratio:.0%})"
        rate = "" if pd.isna(row.achievement_mean) else f", achievement {row.achievement_mean:.0%}"
        name = row.campaign if isinstance(row.campaign, str) else "(no name)"
        lines.append(
            f"{row.file}: {name}: tasks {row.tasks_done}/{row.tasks_total} done{done}, "
            f"{row.tasks_overdue} overdue, "
            f"{_count(row.issues_open_high, 'open high issue')}{rate}; "
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
    "ChunkResult",
    "FileJob",
    "FileResult",
    "Portfolio",
    "analyze_files",
    "analyze_many",
    "render_text",
]
