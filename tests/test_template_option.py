"""Issue 9 item 10: one team template for every command, carried to worker processes."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner

from xltrack.cli import cli
from xltrack.portfolio import FileJob, analyze_files, analyze_many
from xltrack.spec import default_template_path

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
AS_OF = dt.date(2024, 6, 15)
WORD = "Zorblat"  # a status only the team's template knows (it means done)


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the team's template, a folder with two workbooks using its status word)."""
    root = tmp_path_factory.mktemp("team")
    data = yaml.safe_load(default_template_path().read_text(encoding="utf-8"))
    for value in data["enums"]["task_status"]:
        if value["key"] == "done":
            value.setdefault("aliases", []).append(WORD.lower())
    template = root / "team.yaml"
    template.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    folder = root / "books"
    folder.mkdir()
    for i in range(2):
        path = folder / f"c{i}.xlsx"
        shutil.copy(SAMPLES / "example-en.xlsx", path)
        book = openpyxl.load_workbook(path)
        book["Tasks"]["H4"] = WORD  # T001's status
        book.save(path)
    return template, folder


def _not_in_list(findings: list[dict[str, object]]) -> list[object]:
    return [f for f in findings if f["code"] == "cell-not-in-list"]


def test_template_check(team: tuple[Path, Path]) -> None:
    template, folder = team
    args = [
        "check",
        str(folder / "c0.xlsx"),
        "--as-of",
        "2024-06-15",
        "--format",
        "json",
        "--fail-on",
        "never",
    ]
    plain = CliRunner().invoke(cli, args)
    teamed = CliRunner().invoke(cli, [*args, "--template", str(template)])
    assert plain.exit_code == 0 and teamed.exit_code == 0, teamed.output
    assert _not_in_list(json.loads(plain.output)["workbooks"][0]["findings"])
    assert not _not_in_list(json.loads(teamed.output)["workbooks"][0]["findings"])


def test_template_summarize(team: tuple[Path, Path], tmp_path: Path) -> None:
    template, folder = team
    args = ["summarize", str(folder / "c0.xlsx"), "--as-of", "2024-06-15", "--format", "json"]
    plain = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "a.xlsx")])
    teamed = CliRunner().invoke(
        cli, [*args, "-o", str(tmp_path / "b.xlsx"), "--template", str(template)]
    )
    assert plain.exit_code == 0 and teamed.exit_code == 0, teamed.output
    done = [json.loads(r.stdout)["tasks"]["done"] for r in (plain, teamed)]
    assert done[1] == done[0] + 1


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_template_batch_across_processes(team: tuple[Path, Path], jobs: str) -> None:
    template, folder = team
    args = ["batch", str(folder), "--as-of", "2024-06-15", "--format", "json", "-j", jobs]
    plain = CliRunner().invoke(cli, args)
    teamed = CliRunner().invoke(cli, [*args, "--template", str(template)])
    assert plain.exit_code == 0 and teamed.exit_code == 0, teamed.output
    # one cell-not-in-list warning per workbook without the team's words
    warnings = [
        [c["findings"]["warning"] for c in json.loads(r.stdout)["campaigns"]]
        for r in (plain, teamed)
    ]
    assert [w - 1 for w in warnings[0]] == warnings[1]
    portfolio = analyze_many([folder], as_of=AS_OF, jobs=int(jobs), template=template)
    assert "cell-not-in-list" not in set(portfolio.findings["code"])


def test_template_bad_file_is_exit_3(team: tuple[Path, Path], tmp_path: Path) -> None:
    _, folder = team
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nversion: 1\ntables: {}\n", encoding="utf-8")
    for command in ("check", "summarize", "batch"):
        result = CliRunner().invoke(
            cli, [command, str(folder / "c0.xlsx"), "--template", str(broken)]
        )
        assert result.exit_code == 3, (command, result.output)
        assert "broken.yaml" in result.output and "Traceback" not in result.output


def test_template_travels_in_the_file_job(team: tuple[Path, Path]) -> None:
    template, folder = team
    job = FileJob(0, "c0.xlsx", str(folder / "c0.xlsx"), AS_OF, template=str(template))
    job = pickle.loads(pickle.dumps(job))  # what a worker process or Dask worker receives
    result = analyze_files([job])
    assert "cell-not-in-list" not in list(result.tables["findings"]["code"])


def test_template_on_dask(team: tuple[Path, Path]) -> None:
    distributed = pytest.importorskip("distributed")
    template, folder = team
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        portfolio = analyze_many(
            [folder],
            as_of=AS_OF,
            executor="dask",
            scheduler=cluster.scheduler_address,
            template=template,
        )
    assert "cell-not-in-list" not in set(portfolio.findings["code"])
