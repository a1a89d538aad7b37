"""`xltrack report`: the weekly progress report on the examples and the hand-made samples."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from xltrack.analyze import analyze_workbook
from xltrack.cli import cli
from xltrack.weekly import build_weekly_report, week_window

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
HANDMADE = SAMPLES / "handmade"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["report", *args])


def sheets(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
    return [part.split('"')[0] for part in book.split('<sheet name="')[1:]]


def report_json(path: Path, *args: str) -> dict[str, Any]:
    result = run(str(path), "--format", "json", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize("day", ["2024-06-10", "2024-06-12", "2024-06-16"])
def test_weekly_window_is_monday_to_sunday(day: str) -> None:
    assert week_window(dt.date.fromisoformat(day)) == (dt.date(2024, 6, 10), dt.date(2024, 6, 16))


@pytest.mark.parametrize(
    ("name", "metric", "reason", "resource", "lang"),
    [
        ("example-en", "Sales", "KOL schedule changed", "One more street promoter", "en"),
        ("example-zh", "销售额", "KOL档期调整", "增加1名地推人员", "zh"),
    ],
)
def test_weekly_report_on_the_examples(
    tmp_path: Path, name: str, metric: str, reason: str, resource: str, lang: str
) -> None:
    src = shutil.copy(SAMPLES / f"{name}.xlsx", tmp_path / f"{name}.xlsx")
    data = report_json(Path(src), "--week-of", "2024-06-14", "--lang", lang)
    findings = data.pop("findings")
    assert data == {
        "campaign": data["campaign"],
        "week": {"start": "2024-06-10", "end": "2024-06-16"},
        "as_of": "2024-06-14",
        # 6.10 and 6.11: 38,000 + 42,000 of 2 x 50,000, exactly 20 % below: at risk.
        "metrics": [
            {
                "name": metric,
                "target": 100000,
                "actual": 80000,
                "deviation": 0.2,
                "health": "at_risk",
            }
        ],
        "done": [],
        "delayed": [{"id": "T002", "reason": reason}],
        "next_week": ["T003"],
        "open_issues": ["Q001"],
        "resources": [resource],
        "spend": {
            "total": 27000,
            "channels": [{"name": data["spend"]["channels"][0]["name"], "spend": 27000}],
        },
        "output": str(tmp_path / f"{name}.report.xlsx"),
    }
    # The example's issues have no response times: Q001 (found 6.12) is 48 h without one.
    assert [(f["code"], f["params"].get("date") or f["params"].get("found")) for f in findings] == [
        ("daily-below-target", "2024-06-10"),
        ("daily-below-target", "2024-06-11"),
        ("issue-response-late", "2024-06-12"),
    ]
    expected_sheet = "Weekly report 2024-06-10" if lang == "en" else "周报 2024-06-10"
    assert expected_sheet in sheets(tmp_path / f"{name}.report.xlsx")


@pytest.mark.parametrize("name", ["zh-hant-weekly", "en-weekly"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_weekly_report_on_the_mid_campaign_samples(tmp_path: Path, name: str, lang: str) -> None:
    src = Path(shutil.copy(HANDMADE / f"{name}.xlsx", tmp_path / f"{name}.xlsx"))
    data = report_json(src, "--week-of", "2024-06-14", "--lang", lang)
    assert data["week"] == {"start": "2024-06-10", "end": "2024-06-16"}
    # Mon 6.10 to Fri 6.14 (as of): 5 x 8,500 of 5 x 10,000, 15 % below.
    assert [(m["target"], m["actual"], m["deviation"], m["health"]) for m in data["metrics"]] == [
        (50000, 42500, 0.15, "at_risk")
    ]
    assert data["done"] == ["T001"]
    assert [d["id"] for d in data["delayed"]] == ["T002"]
    assert data["next_week"] == ["T003"]
    assert data["open_issues"] == ["Q002", "Q003"]
    assert len(data["resources"]) == 1
    codes = sorted({f["code"] for f in data["findings"]})
    assert codes == [
        "daily-below-target",
        "daily-below-target-streak",
        "issue-response-late",
        "issue-solution-late",
        "metric-below-target-2-weeks",
    ]
    # The week before (6.3-6.9, as of 6.5): 95 %, on track; nothing done yet, T002
    # marked delayed; T003 starts 6.17, after next week.
    earlier = report_json(
        src, "--week-of", "2024-06-05", "--lang", lang, "-o", str(tmp_path / "earlier.xlsx")
    )
    assert [m["health"] for m in earlier["metrics"]] == ["on_track"]
    assert earlier["next_week"] == [] and earlier["done"] == []
    assert [d["id"] for d in earlier["delayed"]] == ["T002"]


@pytest.mark.parametrize("name", sorted(p.stem for p in HANDMADE.glob("*.xlsx")))
def test_weekly_report_on_every_hand_made_sample(tmp_path: Path, name: str) -> None:
    src = Path(shutil.copy(HANDMADE / f"{name}.xlsx", tmp_path / f"{name}.xlsx"))
    before = analyze_workbook(src, dt.date(2024, 6, 14))
    for lang in ("en", "zh"):
        result = run(
            str(src),
            "--week-of",
            "2024-06-14",
            "--lang",
            lang,
            "--in-place",
            "--format",
            "markdown",
        )
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("## ")
    # Both languages wrote the same week: one sheet, the last written (zh).
    names = sheets(src)
    assert [n for n in names if n.startswith(("Weekly report", "周报"))] == ["周报 2024-06-10"]
    # The report sheet is no table: the workbook reads as before.
    after = analyze_workbook(src, dt.date(2024, 6, 14))
    assert [f.to_dict() for f in after.findings] == [f.to_dict() for f in before.findings]
    assert after.summary.to_dict() == before.summary.to_dict()


def test_weekly_report_weeks_accumulate(tmp_path: Path) -> None:
    src = Path(shutil.copy(SAMPLES / "example-en.xlsx", tmp_path / "c.xlsx"))
    for day in ("2024-06-05", "2024-06-12", "2024-06-14"):
        assert run(str(src), "--week-of", day, "--in-place").exit_code == 0
    assert [n for n in sheets(src) if n.startswith("Weekly report")] == [
        "Weekly report 2024-06-03",
        "Weekly report 2024-06-10",
    ]


def test_weekly_report_text_markdown_and_usage(tmp_path: Path) -> None:
    src = Path(shutil.copy(SAMPLES / "example-zh.xlsx", tmp_path / "c.xlsx"))
    text = run(str(src), "--week-of", "2024-06-14", "--lang", "zh")
    assert text.exit_code == 0 and "本周关键成果" in text.stdout and "KOL档期调整" in text.stdout
    assert "written to" in text.stderr
    # Without --lang the report speaks the workbook's own language.
    markdown = run(str(src), "--week-of", "2024-06-14", "--format", "markdown")
    assert "| 销售额 | 100,000 | 80,000 | 20.0% | 有风险 |" in markdown.stdout
    english = run(str(src), "--week-of", "2024-06-14", "--format", "markdown", "--lang", "en")
    assert "| 销售额 | 100,000 | 80,000 | 20.0% | At risk |" in english.stdout
    both = run(str(src), "-o", str(tmp_path / "x.xlsx"), "--in-place")
    assert both.exit_code == 2
    missing = run(str(tmp_path / "nope.xlsx"))
    assert missing.exit_code == 3


def test_weekly_report_built_inline(spec: Any) -> None:
    from xltrack.frames import empty_campaign, frame_from_records

    frames = empty_campaign(spec, "c.xlsx")
    frames.info = {"name": "c", "start_date": dt.date(2024, 6, 1), "end_date": dt.date(2024, 6, 30)}
    records = {
        "tasks": [
            {"task_id": "T1", "status": "done", "end_date": "2024-06-11", "row": 5},
            {"task_id": "T2", "status": "done", "end_date": "2024-06-17", "row": 6},
            {"task_id": "T3", "status": "in_progress", "end_date": "2024-06-12", "row": 7},
            {"task_id": "T4", "status": "not_started", "start_date": "2024-06-24", "row": 8},
            {"task_id": "T5", "status": "in_progress", "end_date": "2024-06-20", "row": 9},
        ],
        "issues": [
            {"issue_id": "Q1", "found_date": "2024-06-01", "resolution": "open", "row": 5},
            {"issue_id": "Q2", "found_date": "2024-06-17", "resolution": "open", "row": 6},
            {"issue_id": "Q3", "found_date": "2024-06-11", "resolution": "resolved", "row": 7},
        ],
        "daily": [
            {
                "date": "2024-06-10",
                "metric": "A",
                "target": 14000,
                "actual": 12600,
                "resources": "a | b",
                "channel": "抖音",
                "spend": 300,
                "row": 5,
            },
            {
                "date": "2024-06-11",
                "metric": "a ",
                "target": 0,
                "actual": 0,
                "resources": "-",
                "channel": "抖音",
                "spend": 200.5,
                "row": 6,
            },
            {"date": "2024-06-11", "metric": "", "spend": 50, "row": 7},
            {
                "date": "2024-06-18",
                "metric": "A",
                "target": 100,
                "actual": 1,
                "channel": "抖音",
                "spend": 999,
                "row": 8,
            },
        ],
    }
    for key, rows in records.items():
        frames.tables[key].data = frame_from_records(spec.table(key), rows)
    report = build_weekly_report(frames, [], dt.date(2024, 6, 13))
    assert [t.task_id for t in report.done] == ["T1"]
    assert [t.task_id for t in report.delayed] == ["T3"]  # overdue as of 6.13
    # Next week is 6.17-6.23: T5 is due then; T2 is done, T4 starts after it.
    assert [t.task_id for t in report.next_week] == ["T5"]
    assert [i.issue_id for i in report.open_issues] == ["Q1"]
    assert report.open_issues[0].age_days == 12
    # 12,600 of 14,000: exactly 10 % below, at risk (the bands of every light).
    assert [(m.name, m.deviation, m.health) for m in report.metrics] == [("A", 0.1, "at_risk")]
    assert report.resources == ["a | b"]
    # the week's spend by channel (the 18th is next week's)
    assert report.spend == {"抖音": 500.5, "": 50.0}
    assert report.to_dict()["spend"] == {
        "total": 550.5,
        "channels": [{"name": "抖音", "spend": 500.5}, {"name": None, "spend": 50}],
    }


@pytest.mark.parametrize(
    ("as_of", "code", "severity"),
    [
        (dt.date(2024, 6, 14), "evaluation-missing", "info"),  # mid-campaign: filled at the end
        (dt.date(2024, 6, 30), "evaluation-missing", "info"),  # the end date itself
        (dt.date(2024, 7, 5), "sheet-missing", "warning"),  # ended, still no table 5
    ],
)
def test_missing_evaluation_is_info_before_the_end(
    as_of: dt.date, code: str, severity: str
) -> None:
    analysis = analyze_workbook(HANDMADE / "en-weekly.xlsx", as_of)
    about_table_5 = [
        (f.code, f.level.value)
        for f in analysis.findings
        if f.code == "evaluation-missing"
        or (f.code == "sheet-missing" and f.params.get("table") == "evaluation")
    ]
    assert about_table_5 == [(code, severity)]


def test_weekly_report_and_summary_sheets_live_side_by_side(tmp_path: Path) -> None:
    src = Path(shutil.copy(SAMPLES / "example-en.xlsx", tmp_path / "c.xlsx"))
    summarize = CliRunner().invoke(
        cli, ["summarize", str(src), "--as-of", "2024-06-14", "--in-place"]
    )
    assert summarize.exit_code == 0, summarize.output
    assert run(str(src), "--week-of", "2024-06-14", "--in-place").exit_code == 0
    before = sheets(src)
    assert {"Achievement summary", "Weekly report 2024-06-10"} <= set(before)
    again = CliRunner().invoke(cli, ["summarize", str(src), "--as-of", "2024-06-14", "--in-place"])
    assert again.exit_code == 0
    assert sheets(src) == before  # each replaced in its own slot


@pytest.mark.parametrize(
    ("as_of", "status"),
    [(dt.date(2024, 6, 14), "read"), (dt.date(2024, 7, 5), "read with warnings")],
)
def test_batch_load_report_waits_for_table_5_until_the_end(
    tmp_path: Path, as_of: dt.date, status: str
) -> None:
    from xltrack.portfolio import analyze_many

    shutil.copy(HANDMADE / "en-weekly.xlsx", tmp_path / "en-weekly.xlsx")
    portfolio = analyze_many([tmp_path], as_of=as_of, jobs=1)
    assert list(portfolio.load_report["status"]) == [status]


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_weekly_report_drops_escape_sequences_from_workbook_text(tmp_path: Path, fmt: str) -> None:
    import xlsxwriter  # openpyxl refuses control characters; Excel files can hold them
    from click.testing import CliRunner

    from xltrack.cli import cli

    book = xlsxwriter.Workbook(str(tmp_path / "esc.xlsx"))
    ws = book.add_worksheet("Tasks")
    evil = "\x1b]52;c;cHduZWQ=\x07\x1b]0;pwned\x07"
    rows = (
        ("Task ID", "Task", "Owner", "Start", "End", "Status", "Delay reason"),
        ("T1" + evil, "Poster" + evil, "Ann", "2024-06-10", "2024-06-12", "Delayed", "late" + evil),
    )
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            ws.write_string(r, c, value)
    book.close()
    result = CliRunner().invoke(
        cli,
        [
            "report",
            str(tmp_path / "esc.xlsx"),
            "--week-of",
            "2024-06-12",
            "--format",
            fmt,
            "-o",
            str(tmp_path / "out.xlsx"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Poster" in result.stdout and "\x1b" not in result.stdout and "\x07" not in result.stdout


def test_next_week_lists_unfinished_tasks_spanning_it(spec: Any) -> None:
    from xltrack.frames import empty_campaign, frame_from_records

    frames = empty_campaign(spec, "c.xlsx")
    frames.info = {"name": "c", "start_date": dt.date(2025, 1, 1), "end_date": dt.date(2025, 2, 28)}
    tasks = [
        # Next week is 1/27-2/2. T004 runs through it: neither starts nor ends there.
        {"task_id": "T004", "status": "in_progress", "start_date": "2025-01-25",
         "end_date": "2025-02-05", "row": 5},
        {"task_id": "T005", "status": "done", "start_date": "2025-01-20",
         "end_date": "2025-02-05", "row": 6},
        {"task_id": "T006", "status": "not_started", "start_date": "2025-02-03",
         "end_date": "2025-02-10", "row": 7},
        {"task_id": "T007", "status": "in_progress", "start_date": "2025-01-10",
         "end_date": "2025-01-26", "row": 8},
        {"task_id": "T008", "status": "not_started", "start_date": "2025-02-02", "row": 9},
    ]  # fmt: skip
    frames.tables["tasks"].data = frame_from_records(spec.table("tasks"), tasks)
    report = build_weekly_report(frames, [], dt.date(2025, 1, 22))
    assert [t.task_id for t in report.next_week] == ["T004", "T008"]


def test_week_outside_the_campaign_says_so(tmp_path: Path) -> None:
    src = Path(shutil.copy(SAMPLES / "example-en.xlsx", tmp_path / "c.xlsx"))
    after = report_json(src, "--week-of", "2025-01-15")
    codes = [f["code"] for f in after["findings"]]
    assert codes == ["week-outside-campaign"]
    assert "outside the campaign (2024-06-01 – 2024-06-30)" in after["findings"][0]["message"]
    text = run(str(src), "--week-of", "2024-05-01", "-o", str(tmp_path / "x.xlsx"))
    assert "outside the campaign" in text.stdout
    # The campaign's own weeks, first and last included, are reported without it.
    for day in ("2024-06-01", "2024-06-30"):
        inside = report_json(src, "--week-of", day, "-o", str(tmp_path / f"{day}.xlsx"))
        assert "week-outside-campaign" not in [f["code"] for f in inside["findings"]]
