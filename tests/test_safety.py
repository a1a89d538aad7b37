"""Never pass on hostile content, and a batch that fails cleanly (issue 10).

CSV exports neutralise formulas; terminal text and CSV drop control characters while
JSON escapes them and streams; batch skips its own outputs, temps and lock
files; Dask failures and native crashes become clean errors or failed rows.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time
import tracemalloc
import uuid
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from xltrack import executors
from xltrack.cli import cli
from xltrack.discover import expand_paths, is_generated
from xltrack.errors import ExecutorError, SchedulerAddressError
from xltrack.escaping import terminal_safe
from xltrack.executors import run_dask, run_local
from xltrack.export import csv_safe, export_tables
from xltrack.findings import Finding, Location
from xltrack.portfolio import FileJob, analyze_many, crashed_files
from xltrack.portfolio_tables import Accumulator
from xltrack.render import (
    WorkbookReport,
    iter_reports_json,
    reports_to_dict,
    reports_to_text,
)
from xltrack.writer import generate_workbook

AS_OF = dt.date(2024, 6, 15)
ROOT = Path(__file__).resolve().parent.parent
HOSTILE_NAME = "Spring\x1b]0;pwned\x07\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J\x9b31m\u202eevil\x07"
# What a terminal acts on: ESC, BEL, the C1 CSI, bidi overrides and isolates.
TERMINAL_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066")


# -- CSV -------------------------------------------------------------------------------


def test_safety_csv_neutralises_formulas_and_keeps_numbers(tmp_path: Path) -> None:
    hostile = [
        '=HYPERLINK("http://x","y")',
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "@SUM(1)",
        "\t=1+2",
        "\r=1+2",
        "＝1+2",
        "＋1",
        "－1",
        "＠SUM(1)",
        "plain",
        "-12.5",
        "+3",
    ]
    frame = pd.DataFrame(
        {"text": hostile, "number": [-1.5] * len(hostile), "count": range(-7, len(hostile) - 7)}
    )
    export_tables({"t": frame}, tmp_path, formats=("csv",))
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", keep_default_na=False)
    expected = ["'" + v for v in hostile[:11]] + ["plain", "-12.5", "+3"]
    assert back["text"].astype(str).tolist() == expected
    assert back["number"].tolist() == [-1.5] * len(hostile)  # numbers stay numbers
    assert back["count"].tolist() == list(range(-7, len(hostile) - 7))
    raw = (tmp_path / "t.csv").read_bytes().decode("utf-8-sig")
    assert "'\t=1+2" in raw and '"\'\r=1+2"' in raw  # kept, not stripped; the CR quoted


def test_safety_csv_raw_option_and_parquet_keep_the_text(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"text": ["=1+2", "@x"], "n": [1, 2]})
    export_tables({"t": frame}, tmp_path, raw_csv=True)
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")
    assert back["text"].tolist() == ["=1+2", "@x"]
    assert pd.read_parquet(tmp_path / "t.parquet")["text"].tolist() == ["=1+2", "@x"]
    export_tables({"t": frame}, tmp_path)
    assert pd.read_parquet(tmp_path / "t.parquet")["text"].tolist() == ["=1+2", "@x"]
    assert pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig")["text"].tolist() == [
        "'=1+2",
        "'@x",
    ]


def test_safety_csv_drops_control_characters_but_keeps_line_breaks(tmp_path: Path) -> None:
    hostile = [
        "copy\x1b]52;c;ZWNobyBoaQ==\x07me",
        "\x1b[31mred\x1b[0m",
        "\x9b2Jc1 \x85next",
        "\u202eevil\u2066x\u2069",
        "\x1b=1+2",  # the ESC gone, it starts a formula
        "one\ttwo\nthree\r\nfour",
    ]
    frame = pd.DataFrame({"text": hostile})
    export_tables({"t": frame}, tmp_path, formats=("csv",))
    raw = (tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    for control in (*TERMINAL_CONTROLS, "\x85", "\u2069"):
        assert control not in raw
    back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", keep_default_na=False)
    assert back["text"].tolist() == [
        "copy]52;c;ZWNobyBoaQ==me",
        "[31mred[0m",
        "2Jc1 next",
        "evilx",
        "'=1+2",
        "one\ttwo\nthree\r\nfour",  # data, quoted: the csv module handles it
    ]
    export_tables({"t": frame}, tmp_path, formats=("csv",), raw_csv=True)
    raw_back = pd.read_csv(tmp_path / "t.csv", encoding="utf-8-sig", keep_default_na=False)
    assert raw_back["text"].tolist() == hostile


def test_safety_neutralise_leaves_missing_values_and_other_types() -> None:
    frame = pd.DataFrame({"s": ["=a", None], "d": pd.to_datetime(["2024-01-01", None])})  # type: ignore[arg-type]  # None is NaT; stubs: str only
    out = csv_safe(frame)
    assert out["s"].tolist()[0] == "'=a" and pd.isna(out["s"].tolist()[1])
    assert out["d"].equals(frame["d"]) and frame["s"].tolist()[0] == "=a"  # input untouched


def _export(book: Path, out: Path, flags: list[str]) -> None:
    args = ["batch", str(book), "--jobs", "1", "--as-of", "2024-06-15", "--export", str(out)]
    result = CliRunner().invoke(cli, [*args, *flags])
    assert result.exit_code in (0, 1), result.output


def test_safety_batch_raw_csv_option(tmp_path: Path) -> None:
    book = generate_workbook(tmp_path / "c.xlsx", example=True, name='=HYPERLINK("x")', as_of=AS_OF)
    for flag, expected in (([], "'=HYPERLINK"), (["--raw-csv"], "=HYPERLINK")):
        out = tmp_path / f"out{len(flag)}"
        _export(book, out, flag)
        campaigns = pd.read_csv(out / "campaigns.csv", encoding="utf-8-sig")
        assert campaigns["campaign"].tolist() == [expected + '("x")']


def test_safety_batch_csv_export_has_no_terminal_escapes(tmp_path: Path) -> None:
    task = {"task_id": "T1", "task_name": "Poster\x1b]52;c;ZWNobyBoaQ==\x07", "status": "done"}
    issue = {
        "issue_id": "Q1",
        "description": "Late\x1b[31m stock\u202e\nsecond line",
        "found_date": dt.date(2024, 6, 12),
        "severity": "high",
        "resolution": "in_progress",
    }
    book = generate_workbook(
        tmp_path / "c.xlsx",
        example=True,
        name="Spring\x9b2J\x1b[2J",
        data={"tasks": [task], "issues": [issue]},
        as_of=AS_OF,
    )
    exported: dict[str, dict[str, str]] = {}
    for flag in ([], ["--raw-csv"]):
        out = tmp_path / f"out{len(flag)}"
        _export(book, out, flag)
        exported[" ".join(flag)] = {
            p.name: p.read_bytes().decode("utf-8-sig") for p in sorted(out.glob("*.csv"))
        }
    for name, text in exported[""].items():
        for control in TERMINAL_CONTROLS:
            assert control not in text, (name, control)
    safe = exported[""]
    assert "Poster]52;c;ZWNobyBoaQ==" in safe["tasks.csv"]
    assert '"Late[31m stock\nsecond line"' in safe["issues.csv"]  # the newline kept, quoted
    raw = exported["--raw-csv"]
    assert "Poster\x1b]52;c;ZWNobyBoaQ==\x07" in raw["tasks.csv"]
    assert "Late\x1b[31m stock\u202e" in raw["issues.csv"]
    assert "Spring\x9b2J\x1b[2J" in raw["campaigns.csv"]


# -- terminal and JSON -------------------------------------------------------------------


def _report() -> WorkbookReport:
    finding = Finding(
        code="task-overdue",
        params={"due": "2024-06-01", "days_late": 3, "task": HOSTILE_NAME},
        location=Location(file="x.xlsx", sheet="Tasks\x1b[2J", row=4, record_id="T\x07001"),
    )
    return WorkbookReport("x\x1b]0;t\x07.xlsx", AS_OF, campaign=HOSTILE_NAME, findings=[finding])


def test_safety_terminal_text_has_no_control_characters_but_our_colours() -> None:
    plain = reports_to_text([_report()], colour=False)
    assert not any(
        ord(c) < 32 and c != "\n" or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in plain
    )
    assert "Spring]0;pwned]52;c;ZWNobyBoaQ==[2J31mevil" in plain
    coloured = reports_to_text([_report()], colour=True)
    assert "\x1b[31;1m" in coloured or "\x1b[1m" in coloured  # ours are kept
    escapes = coloured.count("\x1b")
    assert escapes == coloured.count("\x1b[") and "\x1b]" not in coloured and "\x07" not in coloured
    assert terminal_safe("a\tb\nc\r\u2028d") == "a b c  d"
    assert terminal_safe("a\nb", keep_newlines=True) == "a\nb"


def test_safety_json_escapes_control_characters_and_round_trips() -> None:
    text = "".join(iter_reports_json([_report()]))
    assert not any(
        ord(c) < 32 and c not in "\n " or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in text
    )
    assert "\\u001b]52" in text and "\\u009b" in text and "\\u202e" in text
    assert json.loads(text)["workbooks"][0]["campaign"] == HOSTILE_NAME
    assert json.loads(text) == json.loads(json.dumps(reports_to_dict([_report()])))


def test_safety_check_cli_on_a_hostile_workbook(tmp_path: Path) -> None:
    book = generate_workbook(tmp_path / "h.xlsx", example=True, name=HOSTILE_NAME, as_of=AS_OF)
    runner = CliRunner()
    text = runner.invoke(cli, ["check", str(book), "--as-of", "2024-06-15", "--color"])
    assert "\x1b]" not in text.output and "\x07" not in text.output and "\x9b" not in text.output
    assert "\x1b[" in text.output  # --color keeps xltrack's own colours
    as_json = runner.invoke(cli, ["check", str(book), "--as-of", "2024-06-15", "--format", "json"])
    assert "\x1b" not in as_json.output and "\x9b" not in as_json.output
    assert json.loads(as_json.output)["workbooks"][0]["campaign"] == HOSTILE_NAME
    summary = runner.invoke(cli, ["summarize", str(book), "--as-of", "2024-06-15"])
    assert summary.exit_code == 0 and "\x1b" not in summary.output
    batch = runner.invoke(cli, ["batch", str(book), "--jobs", "1", "--as-of", "2024-06-15"])
    assert "\x1b" not in batch.output and "\x07" not in batch.output


def test_safety_findings_json_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    findings = [
        Finding(
            code="task-overdue",
            params={"due": "2024-06-01", "days_late": i, "task": f"task {i} " + "x" * 40},
            location=Location(file="x.xlsx", sheet="Tasks", row=i + 2, record_id=f"T{i:05d}"),
        )
        for i in range(6_000)
    ]
    reports = [WorkbookReport("x.xlsx", AS_OF, campaign="c", findings=findings)]
    expected = json.dumps(reports_to_dict(reports), ensure_ascii=False, indent=2)
    tracemalloc.start()
    try:
        total, biggest = 0, 0
        for piece in iter_reports_json(reports):
            total += len(piece)
            biggest = max(biggest, len(piece))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert total == len(expected)
    assert biggest < 200_000
    assert peak < len(expected.encode()) / 4, f"peak {peak:,} for {len(expected):,} characters"
    assert "".join(iter_reports_json(reports)) == expected


# -- discovery ------------------------------------------------------------------------------


def test_safety_batch_skips_its_own_files_unless_asked(tmp_path: Path) -> None:
    names = [
        "a.xlsx",
        "a.bak.xlsx",
        "a.summary.xlsx",
        "b.SUMMARY.xlsm",
        "~$a.xlsx",
        ".~xltrack-a.xlsx.123.abcd1234.tmp",
        ".~xltrack-x1y2.xlsx",
        ".a.999.tmp.xlsx",
        "summary.xlsx",
        "bak.xlsx",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    found = [Path(t.path).name for t in expand_paths([tmp_path])]
    assert found == ["a.xlsx", "bak.xlsx", "summary.xlsx"]
    every = {Path(t.path).name for t in expand_paths([tmp_path], include_generated=True)}
    assert every == {n for n in names if n.endswith((".xlsx", ".xlsm"))}
    globbed = [Path(t.path).name for t in expand_paths([str(tmp_path / "*.xlsx")])]
    assert globbed == ["a.xlsx", "bak.xlsx", "summary.xlsx"]
    named = [
        Path(t.path).name
        for t in expand_paths([tmp_path / "a.bak.xlsx", tmp_path / "a.summary.xlsx"])
    ]
    assert named == ["a.bak.xlsx", "a.summary.xlsx"]  # named explicitly: always read
    assert is_generated("~$x.xlsx") and not is_generated("x.xlsx")


def test_safety_batch_after_summarize_counts_each_campaign_once(tmp_path: Path) -> None:
    book = generate_workbook(tmp_path / "c.xlsx", example=True, as_of=AS_OF)
    runner = CliRunner()
    assert runner.invoke(cli, ["summarize", str(book), "--as-of", "2024-06-15"]).exit_code == 0
    assert (
        runner.invoke(
            cli, ["summarize", str(book), "--in-place", "--as-of", "2024-06-15"]
        ).exit_code
        == 0
    )
    (tmp_path / ".~xltrack-c.xlsx.1.deadbeef.tmp").write_bytes(b"killed mid-write")
    assert len(list(tmp_path.iterdir())) == 4
    portfolio = analyze_many([tmp_path], as_of=AS_OF, jobs=1)
    assert portfolio.campaigns["file"].tolist() == [str(book)] and not portfolio.failed
    everything = analyze_many([tmp_path], as_of=AS_OF, jobs=1, include_generated=True)
    assert len(everything.campaigns) == 3
    result = runner.invoke(
        cli,
        [
            "batch",
            str(tmp_path),
            "--include-generated",
            "--jobs",
            "1",
            "--as-of",
            "2024-06-15",
            "--format",
            "json",
        ],
    )
    assert len(json.loads(result.output)["campaigns"]) == 3


# -- Dask ---------------------------------------------------------------------------------


def _count(chunk: list[int]) -> int:
    return len(chunk)


def _exit_worker(chunk: list[int]) -> int:
    os._exit(1)


def test_safety_dask_malformed_scheduler_is_a_usage_error(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    with pytest.raises(SchedulerAddressError):
        list(run_dask(_count, [1, 2], scheduler="nonsense"))
    book = generate_workbook(tmp_path / "c.xlsx", example=True, as_of=AS_OF)
    result = CliRunner().invoke(
        cli, ["batch", str(book), "--executor", "dask", "--scheduler", "foo://bar"]
    )
    assert result.exit_code == 2 and "scheduler" in result.stderr
    assert "Traceback" not in result.output + result.stderr


@pytest.fixture(scope="module")
def no_worker_cluster() -> object:
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0")
    yield cluster
    cluster.close()


def test_safety_dask_with_no_worker_left_stops_after_the_timeout(
    no_worker_cluster: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = pytest.importorskip("distributed")
    monkeypatch.setattr(executors, "NO_WORKERS_TIMEOUT", 1.5)
    monkeypatch.setattr(executors, "_POLL_SECONDS", 0.2)
    client = distributed.Client(no_worker_cluster)
    try:
        started = time.monotonic()
        with pytest.raises(ExecutorError, match="no Dask worker left"):
            list(run_dask(_count, [1, 2, 3], scheduler=client))
        assert time.monotonic() - started < 30  # bounded: it does not wait forever
    finally:
        client.close()


def test_safety_dask_killed_worker_is_an_executor_error() -> None:
    distributed = pytest.importorskip("distributed")
    dask = pytest.importorskip("dask")
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        cluster = distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        client = distributed.Client(cluster)
        try:
            with pytest.raises(ExecutorError, match="lost the work"):
                list(run_dask(_exit_worker, [1, 2], scheduler=client))
        finally:
            client.close()
            cluster.close()


# -- native crashes -------------------------------------------------------------------------


def _crash_on(chunk: list[str]) -> list[str]:
    if "crash" in chunk:
        ctypes.string_at(0)  # a segfault, as a native reader might have
    return chunk


def _as_crashed(chunk: list[str], error: BaseException) -> list[str]:
    return [f"crashed:{item}" for item in chunk]


@pytest.mark.parametrize("where", [0, 5, 11])
def test_safety_native_crash_fails_only_that_item(where: int) -> None:
    items = [f"f{i}" for i in range(12)]
    items[where] = "crash"  # 0: in the first chunk, which the parent used to run itself
    results = [
        item
        for chunk in run_local(_crash_on, items, jobs=2, on_crash=_as_crashed)
        for item in chunk
    ]
    assert sorted(results) == sorted([i for i in items if i != "crash"] + ["crashed:crash"])


def test_safety_crashed_file_becomes_a_failed_row() -> None:
    jobs = [FileJob(0, "b.xlsx", "/x/b.xlsx", AS_OF)]
    chunk = crashed_files(jobs, RuntimeError("worker died"))
    acc = Accumulator(AS_OF)
    acc.add(chunk)
    done = acc.finish()
    assert done["failed"][0]["path"] == "b.xlsx"
    assert "worker process died" in done["failed"][0]["error"]["message"]
    assert done["load_report"]["status"].tolist() == ["failed"]
    assert done["findings"]["code"].tolist() == ["file-unreadable"]


def test_safety_crash_leaves_no_orphan_process(tmp_path: Path) -> None:
    mark = f"XLTRACK_TEST_{uuid.uuid4().hex}"
    script = textwrap.dedent("""
        import sys
        sys.path.insert(0, "tests")
        from test_safety import _crash_on, _as_crashed
        from xltrack.executors import run_local
        items = ["crash"] + [f"f{i}" for i in range(7)]
        out = [x for c in run_local(_crash_on, items, jobs=2, on_crash=_as_crashed) for x in c]
        print(sorted(out))
    """)
    env = dict(os.environ, **{mark: "1"})
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "crashed:crash" in done.stdout
    deadline = time.monotonic() + 10
    while (left := _processes_with(mark)) and time.monotonic() < deadline:
        time.sleep(0.1)  # the fork server and resource tracker exit when their pipes close
    assert left == [], left


def _processes_with(mark: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if mark.encode() + b"=1" in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def test_safety_single_job_still_runs_in_this_process() -> None:
    assert set(run_local(_pid, [1, 2, 3], jobs=1)) == {os.getpid()}


def _pid(chunk: list[int]) -> int:
    return os.getpid()


def _always_die(chunk: list[str]) -> list[str]:
    os._exit(1)  # every worker dies, whatever it reads: the environment, not a file


def test_safety_workers_that_always_die_are_an_error_not_n_failed_rows() -> None:
    with pytest.raises(ExecutorError, match="keep dying"):
        list(run_local(_always_die, [f"f{i}" for i in range(8)], jobs=2, on_crash=_as_crashed))


def test_safety_batch_portfolio_name_must_be_xlsx(tmp_path: Path) -> None:
    book = generate_workbook(tmp_path / "c.xlsx", example=True, as_of=AS_OF)
    result = CliRunner().invoke(cli, ["batch", str(book), "-o", str(tmp_path / "p.txt")])
    assert result.exit_code == 2 and ".xlsx" in result.stderr
    assert not (tmp_path / "p.txt").exists()
