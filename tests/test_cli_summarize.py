"""`xltrack summarize` through CliRunner: output files, JSON shape, text, exit codes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from workbooks import build_rich

from xltrack.cli import cli


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["summarize", "--as-of", "2024-06-15", *args])


@pytest.fixture
def rich(tmp_path: Path) -> Path:
    return build_rich(tmp_path / "rich.xlsx")


def sheets(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
    return [part.split('"')[0] for part in book.split('<sheet name="')[1:]]


def test_cli_summarize_json_has_the_issue_shape(rich: Path) -> None:
    result = run(str(rich), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["campaign"] == "Summer push" and data["as_of"] == "2024-06-15"
    first = data["metrics"][0]
    # Mid-campaign: the actual to date from the daily table, as the Dashboard has it
    # (table 5's 350,000 counts once the campaign has ended).
    assert {k: first[k] for k in ("name", "target", "actual", "rate", "light", "final")} == {
        "name": "Sales",
        "target": 300000,
        "actual": 294000,
        "rate": 0.98,
        "light": "yellow",
        "final": False,
    }
    assert first["evaluation_actual"] == 350000
    assert {"expected", "pace", "forecast", "health", "escalate_to"} <= set(first)
    assert "health" in data
    assert data["tasks"]["total"] == 3 and data["tasks"]["done"] == 1
    assert data["tasks"]["overdue"] == ["T002"]
    assert data["issues"]["high_unresolved"] == ["Q002"]
    written = rich.with_name("rich.summary.xlsx")
    assert data["output"] == str(written)
    assert sheets(written)[-1] == "Achievement summary"
    assert "written to" in result.stderr


def test_cli_summarize_text_in_chinese_in_place(rich: Path) -> None:
    result = run(str(rich), "--in-place", "--lang", "zh")
    assert result.exit_code == 0, result.output
    assert "Summer push" in result.stdout and "逾期任务: T002" in result.stdout
    assert sheets(rich).count("达成总结") == 1
    assert rich.with_name("rich.bak.xlsx").exists()
    again = run(str(rich), "--in-place")
    assert again.exit_code == 0
    assert sheets(rich)[-1] == "Achievement summary" and "达成总结" not in sheets(rich)


def test_cli_summarize_output_option(rich: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.xlsx"
    target.parent.mkdir()
    result = run(str(rich), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert sheets(target)[-1] == "Achievement summary"
    assert not rich.with_name("rich.summary.xlsx").exists()


def test_cli_summarize_usage_and_input_errors(rich: Path, tmp_path: Path) -> None:
    both = run(str(rich), "--in-place", "-o", str(tmp_path / "x.xlsx"))
    assert both.exit_code == 2
    missing = run(str(tmp_path / "nope.xlsx"))
    assert missing.exit_code == 3 and "nope.xlsx" in missing.stderr
    assert "Traceback" not in missing.output


def test_cli_summarize_refuses_a_locked_file(rich: Path) -> None:
    before = rich.read_bytes()
    rich.with_name("~$rich.xlsx").write_text("owner")
    result = run(str(rich), "--in-place")
    assert result.exit_code == 3
    assert "open in Excel" in result.stderr
    assert rich.read_bytes() == before


def test_cli_summarize_output_is_not_overwritten_without_force(tmp_path: Path) -> None:
    import shutil

    from click.testing import CliRunner

    from xltrack.cli import cli

    src = shutil.copy(
        Path(__file__).resolve().parent.parent / "samples" / "example-en.xlsx", tmp_path
    )
    out = tmp_path / "mine.xlsx"
    out.write_bytes(b"precious")
    args = ["summarize", str(src), "-o", str(out), "--as-of", "2024-06-15"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and out.read_bytes() == b"precious"
    assert CliRunner().invoke(cli, [*args, "--force"]).exit_code == 0
    assert out.read_bytes()[:2] == b"PK"


def test_cli_summarize_default_output_spares_a_file_xltrack_did_not_write(tmp_path: Path) -> None:
    import shutil

    from click.testing import CliRunner

    from xltrack.cli import cli

    src = shutil.copy(
        Path(__file__).resolve().parent.parent / "samples" / "example-en.xlsx", tmp_path
    )
    theirs = tmp_path / "example-en.summary.xlsx"
    theirs.write_bytes(b"someone's own summary")
    args = ["summarize", str(src), "--as-of", "2024-06-15"]
    assert CliRunner().invoke(cli, args).exit_code == 2
    assert theirs.read_bytes() == b"someone's own summary"
    assert CliRunner().invoke(cli, [*args, "--force"]).exit_code == 0
    assert CliRunner().invoke(cli, args).exit_code == 0  # now xltrack's own: a rerun replaces it
