"""`xltrack batch` through CliRunner: JSON shape, exit codes, stderr, workbook and exports."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from libreoffice import convert, needs_soffice
from portfolio_fixtures import BROKEN, FORMULA_TEXT, GOOD, make_campaign_folder

from xltrack import executors
from xltrack.cli import cli
from xltrack.cli.batch import _ProgressBar

SHEETS = [
    "Overview",
    "Charts",
    "Campaigns",
    "Metrics",
    "Tasks",
    "Issues",
    "Daily",
    "Findings",
    "Finding codes",
    "Trends",
    "Load report",
]
TABLES = ["campaigns", "tasks", "issues", "daily", "metrics", "findings", "load_report"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_campaign_folder(tmp_path_factory.mktemp("batch"))


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["batch", "--as-of", "2024-06-15", "--jobs", "1", *args])


@pytest.fixture(scope="module")
def full_run(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    out = tmp_path_factory.mktemp("out")
    result = _run(
        str(folder),
        "--format",
        "json",
        "-o",
        str(out / "portfolio.xlsx"),
        "--export",
        str(out / "tables"),
    )
    return result, out


def test_batch_json_shape_and_exit_code(full_run: tuple[Result, Path]) -> None:
    result, _ = full_run
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"campaigns", "failed"}
    assert sorted(Path(c["path"]).name for c in data["campaigns"]) == sorted(GOOD)
    for campaign in data["campaigns"]:
        assert set(campaign) >= {
            "path",
            "campaign",
            "as_of",
            "metrics",
            "tasks",
            "issues",
            "findings",
        }
        assert set(campaign["findings"]) == {"error", "warning", "info"}
        assert campaign["as_of"] == "2024-06-15"
        assert isinstance(campaign["metrics"], list) and "total" in campaign["tasks"]
    assert [Path(f["path"]).name for f in data["failed"]] == [BROKEN]
    assert set(data["failed"][0]["error"]) == {"code", "message"}


def test_batch_names_each_failure_once_on_stderr(full_run: tuple[Result, Path]) -> None:
    result, _ = full_run
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert lines[0].startswith("xltrack: error: ") and BROKEN in lines[0]
    assert "\r" not in result.stderr  # no progress bar when stderr is not a terminal


def test_batch_all_good_exits_0_and_prints_text(folder: Path) -> None:
    result = _run(*(str(folder / name) for name in GOOD))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-1] == "3 campaigns read, 0 failed"
    assert any("Autumn push" in line and "tasks" in line for line in lines)
    assert result.stderr == ""


def test_batch_fail_on_error_exits_1(folder: Path) -> None:
    result = _run(str(folder / GOOD[0]), "--fail-on", "error", "--format", "json")
    errors = json.loads(result.stdout)["campaigns"][0]["findings"]["error"]
    assert result.exit_code == (1 if errors else 0)
    assert errors > 0  # the example campaign has an overdue task on 2024-06-15


def test_batch_workbook_has_sheets_tables_and_charts(full_run: tuple[Result, Path]) -> None:
    _, out = full_run
    path = out / "portfolio.xlsx"
    with zipfile.ZipFile(path) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) == 3
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS
    campaigns = book["Campaigns"]
    header = [c.value for c in campaigns[1]]
    assert header[:3] == ["campaign_key", "campaign", "owner"]
    assert campaigns.max_row == len(GOOD) + 1
    assert campaigns.freeze_panes == "A2"
    assert "t_tasks" in book["Tasks"].tables
    tasks = book["Tasks"]
    name_col = [c.value for c in tasks[1]].index("task_name") + 1
    cells = [tasks.cell(r, name_col) for r in range(2, tasks.max_row + 1)]
    formula_like = [c for c in cells if c.value == FORMULA_TEXT]
    assert len(formula_like) == 1 and formula_like[0].data_type == "s"
    report = book["Load report"]
    statuses = [row[1] for row in report.iter_rows(min_row=2, values_only=True)]
    assert statuses.count("failed") == 1 and len(statuses) == len(GOOD) + 1


def test_batch_export_writes_parquet_and_csv(full_run: tuple[Result, Path]) -> None:
    result, out = full_run
    data = json.loads(result.stdout)
    folder = out / "tables"
    for name in TABLES:
        parquet = pd.read_parquet(folder / f"{name}.parquet")
        csv = pd.read_csv(folder / f"{name}.csv", encoding="utf-8-sig")
        assert list(parquet.columns) == list(csv.columns)
        assert len(parquet) == len(csv), name
    campaigns = pd.read_parquet(folder / "campaigns.parquet")
    assert len(campaigns) == len(data["campaigns"])
    tasks = pd.read_parquet(folder / "tasks.parquet")
    totals = {c["campaign"]: c["tasks"]["total"] for c in data["campaigns"]}
    assert tasks.groupby("campaign").size().to_dict() == {k: v for k, v in totals.items() if v}
    assert (folder / "campaigns.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    plain = folder / "plain.txt"
    plain.write_text("x", encoding="utf-8")  # the mode any new file gets (umask)
    for written in (folder / "tasks.parquet", folder / "tasks.csv", out / "portfolio.xlsx"):
        assert stat.S_IMODE(written.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
    assert "春季新品促销" in (folder / "campaigns.csv").read_text(encoding="utf-8-sig")


def test_batch_dask_without_reachable_scheduler_exits_3(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(executors, "CONNECT_TIMEOUT", "1s")
    result = _run(str(folder / GOOD[0]), "--executor", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 3
    assert "xltrack: error:" in result.stderr and "scheduler" in result.stderr


def test_batch_scheduler_needs_dask_executor(folder: Path) -> None:
    result = _run(str(folder / GOOD[0]), "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 3
    assert "--scheduler needs --executor dask" in result.stderr


@needs_soffice
def test_batch_workbook_opens_in_libreoffice(full_run: tuple[Result, Path], tmp_path: Path) -> None:
    _, out = full_run
    (copy,) = convert([out / "portfolio.xlsx"], tmp_path / "lo")
    book = openpyxl.load_workbook(copy, read_only=True)
    assert book.sheetnames == SHEETS


def test_batch_progress_bar_draws_done_failed_and_rate() -> None:
    stream = io.StringIO()
    bar = _ProgressBar(stream)
    bar(1, 0, 4)
    bar(4, 1, 4)
    bar.close()
    text = stream.getvalue()
    assert text.startswith("\r[") and text.endswith("\n")
    assert "4/4 files, 1 failed" in text and "files/s" in text


def test_cli_batch_empty_folder_says_so(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from xltrack.cli import cli

    result = CliRunner().invoke(cli, ["batch", str(tmp_path)])
    assert result.exit_code == 0
    assert "no workbook found" in result.stderr and "--recursive" in result.stderr
