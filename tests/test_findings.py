"""Findings as data: JSON and pickle round trips, ordering, the catalogue, the renderings."""

from __future__ import annotations

import datetime as dt
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from xltrack.checks import run_checks
from xltrack.codes import CODES, TERMS, catalogue_markdown
from xltrack.findings import Finding, Location, Severity, sort_findings
from xltrack.frames import CampaignFrames, TableFrame, frame_from_records
from xltrack.messages import finding_message
from xltrack.render import (
    WorkbookReport,
    finding_to_dict,
    findings_to_frame,
    reports_to_dict,
    reports_to_text,
)
from xltrack.spec import Spec

ROOT = Path(__file__).resolve().parent.parent
# Codes the reader emits (load findings) rather than the checks.
READER_CODES = {
    "cell-unparsed",
    "cell-guessed",
    "cell-not-in-list",
    "sheet-missing",
    "table-unread",
    "header-missing",
    "formula-unevaluated",
    "template-version",
    "file-unreadable",
    "file-unsupported",
    "file-unrecognized",
    "file-extension-mismatch",
    "column-missing",
    "header-guessed",
    "header-unknown",
    "unit-scaled",
    "cell-far-ignored",
    "as-of-pinned",
    "evaluation-missing",  # the reader's sheet-missing, deferred mid-campaign
    "week-outside-campaign",  # the weekly report's, not a check's
    # the codes of errors.py's exceptions (test_errors holds them to the catalogue)
    "xltrack-error",
    "template-invalid",
    "argument-invalid",
    "output-failed",
    "output-name",
    "input-changed",
    "executor-failed",
    "internal-error",
}


def _frames(spec: Spec, info: dict[str, Any], **tables: list[dict[str, Any]]) -> CampaignFrames:
    built = {}
    for key in ("goals", "budget_split", "tasks", "daily", "issues", "evaluation"):
        records = [{**r, "row": 5 + i} for i, r in enumerate(tables.get(key, []))]
        extra = {k for r in records for k in r} - set(spec.table(key).keys) - {"row"}
        data = frame_from_records(spec.table(key), records)
        for name in extra:
            data[name] = [r.get(name) for r in records]
        built[key] = TableFrame(key, data, key.title(), 4, {})
    cells = {
        k: ("Campaign", f"B{i}")
        for i, k in enumerate(("name", "start_date", "end_date", "budget"), 2)
    }
    return CampaignFrames("sink.xlsx", info, built, cells, sheet_order=["Campaign", "Tasks"])


def _sink(spec: Spec, info: dict[str, Any]) -> CampaignFrames:
    """Data that trips every check at least once, with every fact known."""
    task = {
        "task_name": "x",
        "owner": "Li",
        "status": "in_progress",
        "delay_reason": "r",
        "start_date": "2024-06-10",
        "end_date": "2024-06-20",
    }
    return _frames(
        spec,
        info,
        tasks=[
            {
                **task,
                "task_id": "T1",
                "end_date": "2024-06-08",
                "status": "delayed",
                "delay_reason": "",
            },
            {**task, "task_id": "T2", "start_date": "2024-06-12", "end_date": "2024-06-11"},
            {**task, "task_id": "T3", "start_date": "2024-05-01", "owner": None},
            {
                **task,
                "task_id": "T3",
                "status": "done",
                "start_date": "2024-06-16",
                "end_date": None,
            },
        ],
        issues=[
            {
                "issue_id": "Q1",
                "description": "d",
                "found_date": "2024-06-01",
                "owner": "",
                "severity": "high",
                "resolution": "open",
            },
            {
                "issue_id": "Q1",
                "description": "d",
                "found_date": "2024-06-15",
                "owner": "x",
                "severity": "low",
                "resolution": "open",
            },
            {
                "issue_id": "Q2",
                "description": "d",
                "found_date": None,
                "owner": "x",
                "severity": "low",
                "resolution": "open",
            },
            {
                "issue_id": "Q3",
                "description": "d",
                "found_date": "2024-06-16 09:00",  # after as-of
                "owner": "x",
                "severity": "low",
                "resolution": "resolved",
                "resolved_at": "2024-06-14",  # before found
            },
        ],
        daily=[
            {
                "date": f"2024-06-1{d}",
                "metric": "sales",
                "target": 100,
                "actual": 70,
                "channel": channel,
                "spend": spend,
            }
            for d, (channel, spend) in enumerate((("a", 100), ("b", 10), ("b", 10)))
        ]
        # The week before (Mon 6.3 - Sun 6.9) too: channel b is below target two
        # calendar weeks running.
        + [
            {
                "date": f"2024-06-{d:02d}",
                "metric": "sales",
                "target": 100,
                "actual": 70,
                "channel": "b",
            }
            for d in range(3, 10)
        ]
        # A repeated day, with a negative figure.
        + [{"date": "2024-06-03", "metric": "sales", "target": 100, "actual": -5, "channel": "b"}]
        # On pace with daily targets that add up to a fraction of its goal.
        + [
            {"date": f"2024-06-{d:02d}", "metric": "leads", "target": 1, "actual": 1}
            for d in range(1, 16)
        ],
        evaluation=[{"metric": "sales", "target": 100, "actual": 70, "rate_written": 0.9}],
        goals=[{"metric": "sales"}, {"metric": "members"}, {"metric": "leads", "target": 1000}],
        budget_split=[
            {"category": "a", "share": 0.5, "amount": 0.5, "spent": 2, "variance": 3},
            {"category": "b", "share": 0, "amount": 0, "spent": 1},
        ],
    )


AS_OF = dt.date(2024, 6, 15)


@pytest.fixture
def sink_findings(spec: Spec) -> list[Finding]:
    good = {
        "name": "S",
        "start_date": dt.date(2024, 6, 1),
        "end_date": dt.date(2024, 6, 30),
        "budget": 1.0,
    }
    bad = {"name": "", "start_date": dt.date(2024, 6, 30), "end_date": dt.date(2024, 6, 1)}
    return (
        run_checks(_sink(spec, good), AS_OF, spec)
        + run_checks(_frames(spec, bad), AS_OF, spec)
        + run_checks(_frames(spec, {"name": "x", "start_date": dt.date(2024, 6, 1)}), AS_OF, spec)
    )


def test_findings_catalogue_every_code_has_both_templates() -> None:
    for code, entry in CODES.items():
        assert entry.en.strip() and entry.zh.strip(), code
        assert entry.severity in {"error", "warning", "info"}, code
        assert entry.title.strip(), code
        en = {n for n in entry.placeholders() if n in entry.en}
        zh = {n for n in entry.placeholders() if n in entry.zh}
        assert en == zh == entry.placeholders(), (code, en, zh)


def test_findings_every_check_code_is_emitted_with_its_placeholders(
    sink_findings: list[Finding],
) -> None:
    emitted = {f.code for f in sink_findings}
    assert emitted == set(CODES) - READER_CODES
    for f in sink_findings:
        missing = CODES[f.code].placeholders() - set(f.params)
        assert not missing, (f.code, f.location, missing)
        assert "?" not in finding_message(f, "en") and "?" not in finding_message(f, "zh")


def test_findings_severity_is_the_catalogue_one(sink_findings: list[Finding]) -> None:
    # docs/checks.md (generated from codes.py) says what severity each code has;
    # the checks emit exactly that (or one of a graded code's severities).
    from xltrack.codes import severities

    for f in sink_findings:
        assert f.level.value in severities(f.code), (f.code, f.level)
    assert {f.level.value for f in sink_findings if f.code == "daily-below-target"} == {"warning"}
    assert {f.level.value for f in sink_findings if f.code == "metric-off-pace"} == {"error"}


def test_findings_terms_name_placeholders_and_known_vocabularies(spec: Spec) -> None:
    for code, terms in TERMS.items():
        for name, vocabulary in terms.items():
            assert name in CODES[code].placeholders(), (code, name)
            kind, _, where = vocabulary.partition(":")
            if kind == "enum":
                assert where in spec.enums, vocabulary
            elif kind in ("table", "enumname", "phrase"):
                assert not where, vocabulary
            else:  # a column of a named table, or ("*") of the finding's own `table` param
                assert where in spec.tables or where == "*", vocabulary


def test_findings_params_are_plain_json(sink_findings: list[Finding]) -> None:
    for f in sink_findings:
        assert json.loads(json.dumps(f.params)) == f.params, f.code


def test_findings_json_round_trip(sink_findings: list[Finding], spec: Spec) -> None:
    for f in sink_findings:
        data = json.loads(json.dumps(finding_to_dict(f, "zh", spec), ensure_ascii=False))
        assert Finding.from_dict(data, file=f.location.file) == f


def test_findings_pickle_round_trip(sink_findings: list[Finding]) -> None:
    assert pickle.loads(pickle.dumps(sink_findings)) == sink_findings


def test_findings_order_is_deterministic_and_sorts_by_sheet_row_column_code(spec: Spec) -> None:
    found = run_checks(_sink(spec, {"name": "S"}), AS_OF, spec)
    assert found == run_checks(_sink(spec, {"name": "S"}), AS_OF, spec)
    order = {"Campaign": 0, "Tasks": 1}
    shown = sort_findings(found, order)
    keys = [f.sort_key(order) for f in shown]
    assert keys == sorted(keys) and len(set(keys)) > 5
    sheets = list(dict.fromkeys(f.location.sheet for f in shown))
    assert sheets[:2] == ["Campaign", "Tasks"] and len(sheets) > 3
    assert sort_findings(list(reversed(found)), order) == shown


def test_findings_messages_show_spec_labels(spec: Spec) -> None:
    f = Finding(
        "issue-high-unresolved",
        Location(sheet="Issues", row=5, record_id="Q1"),
        {"id": "Q1", "resolution": "in_progress"},
    )
    assert finding_message(f, "zh", spec) == "高严重度问题 Q1 仍为处理中"
    assert finding_message(f, "en", spec) == "high-severity issue Q1 is still in progress"
    g = Finding("task-dates-missing", params={"id": "T1", "missing": ["start_date", "end_date"]})
    assert finding_message(g, "zh", spec) == "任务 T1 缺少开始日期、结束日期"
    assert finding_message(g, "en", spec) == "task T1 has no start and end"
    # The public Finding says the same (the built-in template's labels).
    assert (f.message(), f.message("zh")) == (finding_message(f), finding_message(f, "zh"))
    assert f.to_dict("zh")["message"] == "高严重度问题 Q1 仍为处理中"
    odd = Finding("daily-below-target", params={"light": "purple"})
    assert "purple" in finding_message(odd, "en", spec)


def test_findings_to_frame(sink_findings: list[Finding]) -> None:
    frame = findings_to_frame(sink_findings)
    assert list(frame.columns) == [
        "file",
        "sheet",
        "row",
        "column",
        "id",
        "code",
        "severity",
        "message",
        "params",
    ]
    assert len(frame) == len(sink_findings)
    assert str(frame["row"].dtype) == "Int64"
    assert frame["code"].tolist() == [f.code for f in sink_findings]
    by_code = frame.groupby("code").size()
    assert by_code["task-overdue"] == sum(f.code == "task-overdue" for f in sink_findings)
    assert findings_to_frame([]).empty


def test_findings_report_json_shape(sink_findings: list[Finding], spec: Spec) -> None:
    ok = WorkbookReport("a.xlsx", AS_OF, "S", sink_findings)
    broken = WorkbookReport("b.xlsx", AS_OF, error={"code": "file-unreadable", "message": "b"})
    doc = reports_to_dict([ok, broken], "en", spec)
    assert doc["format"] == "xltrack.findings/1"
    first, second = doc["workbooks"]
    assert {"path", "campaign", "as_of", "error", "findings"} <= set(first)
    assert (first["path"], first["campaign"], first["as_of"], first["error"]) == (
        "a.xlsx",
        "S",
        "2024-06-15",
        None,
    )
    assert second["error"] == {"code": "file-unreadable", "message": "b"}
    assert second["findings"] == []
    row = first["findings"][0]
    assert {"code", "severity", "sheet", "row", "column", "id", "message"} <= set(row)
    errors = sum(f.level is Severity.ERROR for f in sink_findings)
    assert doc["counts"]["error"] == first["counts"]["error"] == errors


def test_findings_text_groups_by_sheet_and_colours_only_when_asked(spec: Spec) -> None:
    findings = [
        Finding("task-owner-missing", Location("a.xlsx", "Tasks", 6, "D", "T2"), {"id": "T2"}),
        Finding("task-overdue", Location("a.xlsx", "Tasks", 7, "F", "T3"), {"id": "T3"}),
        Finding("issue-owner-missing", Location("a.xlsx", "Issues", 5, "D", "Q1"), {"id": "Q1"}),
    ]
    text = reports_to_text([WorkbookReport("a.xlsx", AS_OF, "S", findings)], "en", spec=spec)
    lines = text.splitlines()
    assert lines[0] == "a.xlsx — S (as of 2024-06-15)"
    assert [line.strip() for line in lines if not line.startswith("    ")][1:3] == [
        "Tasks",
        "Issues",
    ]
    assert "\x1b[" not in text
    assert lines[-1].strip() == "1 error, 2 warnings, 0 info"
    coloured = reports_to_text([WorkbookReport("a.xlsx", AS_OF, "S", findings)], "zh", True, spec)
    assert "\x1b[31;1m" in coloured and "任务 T3" in coloured


def test_findings_docs_catalogue_is_generated() -> None:
    committed = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    assert committed == catalogue_markdown()
    out = subprocess.run(
        [sys.executable, "-m", "xltrack.codes"],
        capture_output=True,
        text=True,
        check=True,
        encoding="utf-8",
    )
    assert out.stdout == committed


def test_findings_frame_is_a_dataframe() -> None:
    assert isinstance(findings_to_frame([]), pd.DataFrame)


def test_findings_every_code_has_a_chinese_title() -> None:
    from xltrack.codes import TITLES_ZH, title_in

    assert set(TITLES_ZH) == set(CODES)
    assert title_in("task-overdue", "zh") == "任务逾期未完成"
    assert title_in("task-overdue", "en") == CODES["task-overdue"].title
