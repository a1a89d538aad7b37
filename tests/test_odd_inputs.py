"""Inputs that are not what their name says: misnamed formats, pipes, devices, loops."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from xltrack.cli import cli

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
XLS = next(SAMPLES.rglob("zh-hant-tw-roc.xls"))
ODS = next(SAMPLES.rglob("en-ods-text-dates.ods"))
XLSX = SAMPLES / "example-en.xlsx"


def _check(path: Path) -> dict[str, object]:
    result = CliRunner().invoke(
        cli, ["check", str(path), "--as-of", "2024-06-15", "--format", "json", "--lang", "en"]
    )
    data: dict[str, object] = json.loads(result.stdout)["workbooks"][0]
    return data


@pytest.mark.parametrize(
    ("source", "name", "real"),
    [
        (XLS, "c.xlsx", ".xls"),
        (ODS, "c.xlsx", ".ods"),
        (XLSX, "c.xls", ".xlsx"),
        (XLSX, "c", ".xlsx"),
    ],
)
def test_a_misnamed_workbook_is_read_as_what_it_is(
    tmp_path: Path, source: Path, name: str, real: str
) -> None:
    path = Path(shutil.copy(source, tmp_path / name))
    book = _check(path)
    assert book["error"] is None, book["error"]
    assert book["campaign"]
    findings = book["findings"]
    assert isinstance(findings, list)
    mismatch = [f for f in findings if f["code"] == "file-extension-mismatch"]
    assert len(mismatch) == 1 and mismatch[0]["severity"] == "info"
    assert f"this is an {real} file named" in mismatch[0]["message"]


def test_a_well_named_workbook_has_no_mismatch_finding(tmp_path: Path) -> None:
    findings = _check(Path(shutil.copy(XLS, tmp_path / "c.xls")))["findings"]
    assert isinstance(findings, list)
    assert "file-extension-mismatch" not in [f["code"] for f in findings]


def test_report_on_an_ods_says_what_it_needs(tmp_path: Path) -> None:
    path = Path(shutil.copy(ODS, tmp_path / "c.xlsx"))
    result = CliRunner().invoke(cli, ["report", str(path), "--week-of", "2024-06-12"])
    assert result.exit_code == 3
    assert "an .ods workbook: report adds its sheet to an .xlsx or .xlsm" in result.stderr


def test_check_refuses_a_named_pipe_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.xlsx"
    os.mkfifo(fifo)
    # In a child process: opening a pipe waits for a writer, and a hang must fail the test.
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    result = subprocess.run(
        [sys.executable, "-m", "xltrack", "check", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 3
    assert "a named pipe (FIFO), not a file" in result.stdout


def test_batch_lists_what_it_skips_in_a_folder_with_the_reason(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(XLSX, folder / "good.xlsx")
    os.mkfifo(folder / "fifo.xlsx")
    (folder / "zero.xlsx").symlink_to("/dev/zero")
    (folder / "loop.xlsx").symlink_to("loop.xlsx")
    (folder / "dir.xlsx").mkdir()
    result = CliRunner().invoke(cli, ["batch", str(folder), "--as-of", "2024-06-15"])
    assert result.exit_code == 3  # inputs that could not be used, as any unreadable workbook
    lines = result.stdout
    for name, reason in (
        ("fifo.xlsx", "a named pipe (FIFO), not a file"),
        ("zero.xlsx", "a device, not a file"),
        ("loop.xlsx", "a symlink loop, not a file"),
        ("dir.xlsx", "a folder, not a file"),
    ):
        assert f"{name}: FAILED: {folder / name}: {reason}" in lines, lines
    assert "1 campaign read, 4 failed" in lines


@pytest.mark.parametrize(
    ("typed", "budget"), [("50万", 500000), ("500,000", 500000), ("1.2M", 1.2e6)]
)
def test_new_budget_accepts_amounts_as_people_type_them(
    tmp_path: Path, typed: str, budget: float
) -> None:
    out = tmp_path / "n.xlsx"
    result = CliRunner().invoke(cli, ["new", str(out), "--budget", typed])
    assert result.exit_code == 0, result.output
    data = json.loads(
        CliRunner()
        .invoke(cli, ["summarize", str(out), "--format", "json", "-o", str(tmp_path / "s.xlsx")])
        .stdout
    )
    assert data["budget"]["total"] == budget


@pytest.mark.parametrize("typed", ["abc", "inf", "-5", "15%"])
def test_new_budget_says_what_it_expects(tmp_path: Path, typed: str) -> None:
    result = CliRunner().invoke(cli, ["new", str(tmp_path / "n.xlsx"), "--budget", typed])
    assert result.exit_code == 2
    assert "is not an amount: give a number such as 500000, 500,000 or 50万" in result.output
