"""analyze_many: a folder of campaigns in, tidy tables out; broken files are rows, not crashes."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import pickle
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from portfolio_fixtures import BROKEN, GOOD, NESTED, make_campaign_folder

import xltrack.portfolio as portfolio_module
from xltrack import portfolio_sheet
from xltrack.analyze import analyze_workbook
from xltrack.discover import expand_paths
from xltrack.errors import ExecutorError, OutputError, WorkbookError
from xltrack.executors import run_local
from xltrack.export import export_tables
from xltrack.messages import finding_message
from xltrack.portfolio import (
    FAILED,
    FileJob,
    Portfolio,
    analyze_files,
    analyze_many,
)
from xltrack.portfolio_tables import Accumulator

AS_OF = dt.date(2024, 6, 15)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_campaign_folder(tmp_path_factory.mktemp("campaigns"))


@pytest.fixture(scope="module")
def serial(folder: Path) -> Portfolio:
    return analyze_many([folder], as_of=AS_OF, jobs=1)


def _names(paths: list[str]) -> list[str]:
    return [Path(p).name for p in paths]


def _assert_same(left: Portfolio, right: Portfolio) -> None:
    for name in Portfolio.TABLES:
        pd.testing.assert_frame_equal(getattr(left, name), getattr(right, name), obj=name)
    assert left.to_dict() == right.to_dict()


def test_analyze_many_broken_file_is_one_failed_row(serial: Portfolio, folder: Path) -> None:
    assert sorted(_names(list(serial.campaigns["file"]))) == sorted(GOOD)
    assert [(Path(f["path"]).name, f["error"]["code"]) for f in serial.failed] == [
        (BROKEN, "file-unreadable")
    ]
    assert str(folder / BROKEN) in serial.failed[0]["error"]["message"]
    report = serial.load_report
    assert list(report["status"][report["file"].str.endswith(BROKEN)]) == [FAILED]
    assert report["status"].isin(["read", "read with warnings", "failed"]).all()
    assert len(report) == len(GOOD) + 1
    broken_findings = serial.findings[serial.findings["file"].str.endswith(BROKEN)]
    assert list(broken_findings["code"]) == ["file-unreadable"]
    assert list(broken_findings["severity"]) == ["error"]


def test_analyze_many_matches_analyze_workbook(serial: Portfolio, folder: Path) -> None:
    one = analyze_workbook(folder / GOOD[2], AS_OF)
    record = next(r for r in serial.to_dict()["campaigns"] if r["path"].endswith(GOOD[2]))
    summary = one.summary.to_dict()
    assert record["campaign"] == "Autumn push"
    assert record["as_of"] == "2024-06-15"
    assert (record["metrics"], record["tasks"], record["issues"]) == (
        summary["metrics"],
        summary["tasks"],
        summary["issues"],
    )
    expected = {s: 0 for s in ("error", "warning", "info")}
    for f in one.findings:
        expected[f.level.value] += 1
    assert record["findings"] == expected
    row = serial.campaigns[serial.campaigns["campaign"] == "Autumn push"].iloc[0]
    assert row["tasks_total"] == 12 == summary["tasks"]["total"]
    assert row["tasks_done"] == summary["tasks"]["done"]
    assert row["tasks_overdue"] == len(summary["tasks"]["overdue"])
    assert row["owner"] == "Chen" and row["budget"] == 120000


def test_analyze_many_child_tables_are_keyed(serial: Portfolio) -> None:
    keys = set(serial.campaigns["campaign_key"])
    assert len(keys) == len(serial.campaigns)
    for name in ("tasks", "issues", "daily", "metrics"):
        table = getattr(serial, name)
        assert set(table["campaign_key"]) <= keys, name
    per_campaign = serial.tasks.groupby("campaign_key").size()
    totals = serial.campaigns.set_index("campaign_key")["tasks_total"]
    assert per_campaign.to_dict() == totals[totals > 0].to_dict()
    autumn = serial.tasks[serial.tasks["campaign"] == "Autumn push"]
    assert list(autumn["task_id"]) == [f"T{i:03d}" for i in range(1, 13)]
    assert autumn["start_date"].dtype == "datetime64[ns]"


def test_analyze_many_skips_duplicates_and_lock_files(folder: Path, serial: Portfolio) -> None:
    again = analyze_many(
        [folder, folder / GOOD[0], str(folder / "*.xlsx"), f"{folder}/./{GOOD[1]}"],
        as_of=AS_OF,
        jobs=1,
    )
    _assert_same(serial, again)


def test_expand_paths_folders_globs_and_rejects(folder: Path) -> None:
    flat = expand_paths([folder])
    assert _names([t.path for t in flat]) == sorted([*GOOD, BROKEN])
    deep = expand_paths([folder], recursive=True)
    assert Path(NESTED).name in _names([t.path for t in deep])
    globbed = expand_paths([str(folder / "[ab]-*.xlsx")])
    assert _names([t.path for t in globbed]) == list(GOOD[:2])
    named = expand_paths([folder / "notes.txt", folder / "missing.xlsx", str(folder / "*.none")])
    assert [(Path(t.path).name, t.code) for t in named] == [
        ("notes.txt", "file-unsupported"),
        ("missing.xlsx", "file-unreadable"),
        ("*.none", "file-unreadable"),
    ]
    assert all(t.reject for t in named)
    assert expand_paths([folder / "~$a-summer.xlsx"]) == []


def test_analyze_many_named_text_file_is_failed_row(folder: Path) -> None:
    result = analyze_many([folder / "notes.txt"], as_of=AS_OF, jobs=1)
    assert result.campaigns.empty
    assert [f["error"]["code"] for f in result.failed] == ["file-unsupported"]
    assert "not a workbook" in result.failed[0]["error"]["message"]


def test_analyze_many_jobs2_equals_jobs1(folder: Path, serial: Portfolio) -> None:
    _assert_same(serial, analyze_many([folder], as_of=AS_OF, jobs=2))


def test_analyze_many_dask_equals_local(folder: Path, serial: Portfolio) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        on_dask = analyze_many(
            [folder], as_of=AS_OF, executor="dask", scheduler=cluster.scheduler_address
        )
    _assert_same(serial, on_dask)


def test_analyze_many_unknown_executor_raises(folder: Path) -> None:
    with pytest.raises(ExecutorError, match="unknown executor"):
        analyze_many([folder], as_of=AS_OF, executor="spark")
    with pytest.raises(ExecutorError, match="--scheduler needs"):
        analyze_many([folder], as_of=AS_OF, scheduler="tcp://localhost:1")


def test_analyze_many_reports_progress(folder: Path) -> None:
    calls: list[tuple[int, int, int]] = []
    analyze_many([folder], as_of=AS_OF, jobs=1, progress=lambda *a: calls.append(a))
    assert calls[-1] == (len(GOOD) + 1, 1, len(GOOD) + 1)
    assert [c[0] for c in calls] == list(range(1, len(GOOD) + 2))


def test_analyze_files_result_is_compact_and_picklable(folder: Path) -> None:
    jobs = [FileJob(i, f"{i}.xlsx", str(folder / name), AS_OF) for i, name in enumerate(GOOD[:2])]
    result = analyze_files(jobs)
    back = pickle.loads(pickle.dumps(result))
    assert [f.campaign for f in back.files] == [f.campaign for f in result.files]
    assert set(back.tables) == {"tasks", "issues", "daily", "metrics", "findings"}
    assert not any(hasattr(v, "frames") for v in vars(result).values())
    assert set(back.tables["findings"]["file"]) == {"0.xlsx", "1.xlsx"}


SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.mark.parametrize("where", ["fixtures", "samples"])
def test_analyze_files_stacked_equals_each_workbook_alone(folder: Path, where: str) -> None:
    """One stack of many campaigns gives each the findings, summary and rows it gets alone."""
    root = folder if where == "fixtures" else SAMPLES
    targets = [t for t in expand_paths([root], recursive=True) if t.reject is None]
    jobs = [FileJob(i, t.path, os.path.abspath(t.path), AS_OF) for i, t in enumerate(targets)]
    chunk = analyze_files(jobs)
    assert len([f for f in chunk.files if f.status != FAILED]) >= 4
    for job, result in zip(jobs, chunk.files, strict=True):
        try:
            alone = analyze_workbook(job.location, AS_OF)
        except WorkbookError:
            assert result.status == FAILED
            continue
        summary = alone.summary.to_dict()
        assert result.summary == {
            k: summary[k] for k in ("health", "metrics", "tasks", "issues", "budget", "channels")
        }, job.path
        mine = chunk.tables["findings"]
        mine = mine[mine["file"] == job.path]
        columns = ("code", "sheet", "row", "column", "message")
        assert [
            tuple(_none(v) for v in row) for row in zip(*(mine[c] for c in columns), strict=True)
        ] == [
            (f.code, f.location.sheet, f.location.row, f.location.column, finding_message(f, "en"))
            for f in alone.findings
        ], job.path
        assert result.campaign is not None
        key = result.campaign["campaign_key"]
        # The metrics table is the summary's metrics, one row each.
        metrics = chunk.tables["metrics"]
        metrics = metrics[metrics["campaign_key"] == key]
        assert [
            (m, _none(t), _none(a), _none(h))
            for m, t, a, h in zip(
                metrics["metric"],
                metrics["target"],
                metrics["actual"],
                metrics["health"],
                strict=True,
            )
        ] == [(m.name, m.target, m.actual, m.health) for m in alone.summary.metrics], job.path
        for table, source in (("tasks", "tasks"), ("daily", "daily")):
            rows = chunk.tables[table]
            rows = rows[rows["campaign_key"] == key].drop(columns=["campaign_key", "campaign"])
            expected = alone.frames.tables[source].data
            for column in rows.columns:
                assert list(map(_none, rows[column])) == list(map(_none, expected[column])), (
                    job.path,
                    table,
                    column,
                )


def _none(value: Any) -> Any:
    return None if value is None or value is pd.NaT or pd.isna(value) else value


def test_analyze_files_unexpected_error_fails_only_that_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xltrack.stack import build_stack as build  # what the portfolio calls

    def explode(read: list[Any], *args: Any) -> Any:
        if any(c.head.name == "Autumn push" for c in read):
            raise KeyError("surprise")
        return build(read, *args)

    monkeypatch.setattr(portfolio_module, "build_stack", explode)
    result = analyze_many([folder], as_of=AS_OF, jobs=1)
    crashed = [f for f in result.failed if "KeyError" in f["error"]["message"]]
    assert len(crashed) == 1 and crashed[0]["error"]["code"] == "file-unreadable"
    assert len(result.campaigns) == len(GOOD) - 1


def test_accumulator_appends_in_input_order(folder: Path, serial: Portfolio) -> None:
    jobs = [
        FileJob(i, t.path, os.path.abspath(t.path), AS_OF, t.reject, t.code)
        for i, t in enumerate(expand_paths([folder]))
    ]
    acc = Accumulator(AS_OF)
    for chunk in reversed([analyze_files(jobs[i : i + 2]) for i in range(0, len(jobs), 2)]):
        acc.add(chunk)
    _assert_same(serial, Portfolio(**acc.finish()))


def test_portfolio_metrics_wide_has_one_row_per_campaign(serial: Portfolio) -> None:
    wide = serial.metrics_wide()
    assert list(wide["campaign_key"]) == list(serial.campaigns["campaign_key"])
    first = serial.metrics.dropna(subset=["metric"]).iloc[0]
    row = wide[wide["campaign_key"] == first["campaign_key"]].iloc[0]
    assert row[f"{first['metric']} target"] == first["target"]


def test_analyze_many_empty_input_gives_empty_tables(tmp_path: Path) -> None:
    result = analyze_many([tmp_path], as_of=AS_OF, jobs=2)
    assert result.to_dict() == {"campaigns": [], "failed": []}
    assert all(df.empty for df in result.tables().values())
    assert list(result.tasks.columns[:3]) == ["campaign_key", "campaign", "task_id"]


def test_write_portfolio_streams_big_sheets_with_autofilter(
    serial: Portfolio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(portfolio_sheet, "TABLE_ROW_LIMIT", 1)
    path = portfolio_sheet.write_portfolio(serial, tmp_path / "big.xlsx")
    book = openpyxl.load_workbook(path)
    tasks = book["Tasks"]
    assert not tasks.tables and tasks.auto_filter.ref
    assert tasks.max_row == len(serial.tasks) + 1
    ids = [row[2] for row in tasks.iter_rows(min_row=2, values_only=True)]
    assert ids == list(serial.tasks["task_id"])


def test_write_portfolio_bad_folder_raises_output_error(serial: Portfolio, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="cannot write"):
        portfolio_sheet.write_portfolio(serial, tmp_path / "missing" / "p.xlsx")


def test_export_tables_without_pyarrow_names_the_extra(
    serial: Portfolio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(OutputError, match=r"xltrack\[parquet\]"):
        export_tables(serial.tables(), tmp_path / "out")
    written = export_tables(serial.tables(), tmp_path / "csv", formats=("csv",))
    assert [p.name for p in written][:2] == ["campaigns.csv", "tasks.csv"]


def _die(chunk: list[int]) -> int:
    if multiprocessing.parent_process() is not None:  # never kill the test process itself
        os._exit(1)  # a worker killed mid-batch (OOM killer, segfault)
    return len(chunk)


def test_run_local_dead_worker_is_an_executor_error() -> None:
    with pytest.raises(ExecutorError, match="worker process died"):
        list(run_local(_die, [1, 2, 3, 4], jobs=2))


def _count(chunk: list[int]) -> int:
    return len(chunk)


def test_run_local_chunk_that_cannot_be_submitted_is_an_error_not_a_gap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    def broken(*args: object, **kwargs: object) -> None:
        raise BrokenProcessPool("the pool broke while starting")

    monkeypatch.setattr(ProcessPoolExecutor, "submit", broken)
    with pytest.raises(ExecutorError, match="worker process died"):
        list(run_local(_count, [1, 2, 3, 4], jobs=2))


def test_run_local_yields_every_chunk_once() -> None:
    assert sum(run_local(_count, list(range(100)), jobs=2)) == 100


def test_analyze_many_campaign_counts_match_the_child_tables(serial: Portfolio) -> None:
    issues = serial.issues
    still_open = issues[issues["resolution"].ne("resolved") | issues["resolution"].isna()]
    open_high = still_open[still_open["severity"] == "high"]
    rows = serial.campaigns.set_index("campaign_key")
    for key, row in rows.iterrows():
        assert row["issues_total"] == (issues["campaign_key"] == key).sum()
        assert row["issues_open"] == (still_open["campaign_key"] == key).sum()
        assert row["issues_open_high"] == (open_high["campaign_key"] == key).sum()
    assert rows["issues_open"].sum() > 0  # the fixtures have open issues to count


def test_portfolio_campaigns_carry_spend_budget_used_and_roi() -> None:
    example = Path(__file__).resolve().parent.parent / "samples" / "example-en.xlsx"
    result = analyze_many([str(example)], as_of=dt.date(2024, 6, 15), jobs=1)
    row = result.campaigns.iloc[0]
    assert (row["budget"], row["spent"], row["budget_used"]) == (500000.0, 306000.0, 0.612)
    assert round(row["roi"], 4) == round(80000 / 27000, 4)  # Douyin: sales 80,000 on 27,000 spend
    channels = result.channels
    assert channels[["channel", "actual", "spend"]].values.tolist() == [
        ["Douyin", 80000.0, 27000.0]
    ]
    assert channels["campaign_key"].tolist() == [row["campaign_key"]]
    assert "channels" in result.tables()
