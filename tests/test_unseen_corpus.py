"""The second corpus (samples/build_unseen.py): other teams' workbooks, and spreadsheets
that are no campaign.

Expectations are written by hand in the build script; each case is analysed whole
(reader, checks, summary) and compared frictionless-style: flattened findings as
(code, sheet, cell), records by the fields the case names.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner

from xltrack.analyze import analyze_workbook
from xltrack.cli import cli
from xltrack.errors import UnrecognizedWorkbookError
from xltrack.spec import Spec

UNSEEN = Path(__file__).resolve().parent.parent / "samples" / "unseen"
CASES = sorted(p.name.removesuffix(".expected.json") for p in UNSEEN.glob("*.expected.json"))
FORMATS = (".xlsx", ".xlsm", ".xls", ".ods")
NOT_CAMPAIGNS = sorted(UNSEEN.glob("not-campaigns/*.xlsx"))


def _plain(value: Any) -> Any:
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return value


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((UNSEEN / f"{name}.expected.json").read_text("utf-8"))
    return data


def _workbook(name: str) -> Path:
    (path,) = [
        UNSEEN / f"{name}{suffix}" for suffix in FORMATS if (UNSEEN / f"{name}{suffix}").exists()
    ]
    return path


def test_unseen_corpus_is_there() -> None:
    assert len(CASES) >= 7 and len(NOT_CAMPAIGNS) >= 5
    # Every format a team hands over is in the corpus, each read by its content.
    assert {_workbook(name).suffix for name in CASES} == set(FORMATS)


@pytest.mark.parametrize("name", CASES)
def test_unseen_corpus_reads_checks_and_summarizes_as_expected(name: str, spec: Spec) -> None:
    want = _expected(name)
    as_of = dt.date.fromisoformat(want.get("as_of", "2024-06-15"))
    analysis = analyze_workbook(_workbook(name), as_of, spec)
    frames = analysis.frames
    assert {k: _plain(frames.info.get(k)) for k in want["info"]} == want["info"]
    for key, table in want["tables"].items():
        got = frames.tables[key]
        assert (got.sheet, got.header_row) == (table["sheet"], table["header_row"]), key
        assert got.data["row"].tolist() == table["rows"], key
        fields = list(table["records"][0])
        records = [{f: _plain(r[f]) for f in fields} for r in got.data.to_dict("records")]
        assert records == table["records"], key
    for key in want.get("no_records", []):  # a table seen but not understood: no invented rows
        assert frames.tables[key].data.empty, key
    flat = sorted([f.code, f.location.sheet, f.location.cell] for f in analysis.findings)
    assert flat == sorted(want["findings"], key=lambda x: [str(v) for v in x])
    summary = analysis.summary.to_dict()
    for part, figures in want["summary"].items():
        assert {k: summary[part][k] for k in figures} == figures, part


@pytest.mark.parametrize("path", NOT_CAMPAIGNS, ids=[p.stem for p in NOT_CAMPAIGNS])
def test_unseen_corpus_ordinary_spreadsheets_are_refused(path: Path, spec: Spec) -> None:
    with pytest.raises(UnrecognizedWorkbookError):
        analyze_workbook(path, dt.date(2024, 6, 15), spec)
    result = CliRunner().invoke(cli, ["check", str(path), "--format", "json"])
    assert result.exit_code == 3
    (book,) = json.loads(result.stdout)["workbooks"]
    assert book["error"]["code"] == "file-unrecognized"


def test_unseen_corpus_wide_exports_are_no_task_tables(tmp_path: Path, spec: Spec) -> None:
    # A 20-column sales export holding Id, Name, Start_Date and Due_Date (from a fuzzed
    # calamine test file) and a code list with a title above (Org code, Name, Region):
    # a few column names are no evidence of a campaign.
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    header = [
        "Sales_Statement_Id",
        "Statement_Number",
        "Buyer_Name",
        "Buyer_City",
        "Phone",
        "Seller_Name",
        "Amount",
        "Tax",
        "Currency",
        "Start_Date",
        "Due_Date",
        "Name",
    ]
    ws.append(header)
    ws.append([f"S{i}" if i == 0 else i for i in range(len(header))])
    sheet2 = wb.create_sheet("Provider")
    for row in (
        ["Type 1 Departments - Major A&E"],
        ["Period:", "2024-06"],
        [],
        ["Org code", "Region", "Name", "STP"],
        ["RX1", "North", "Hospital", "QE1"],
    ):
        sheet2.append(row)
    wb.save(tmp_path / "export.xlsx")
    with pytest.raises(UnrecognizedWorkbookError):
        analyze_workbook(tmp_path / "export.xlsx", dt.date(2024, 6, 15), spec)


def _auction_export(path: Path, header: list[str], spaced: bool) -> Path:
    """An auction-rate securities report (after apachepoi_47251 of SheetJS/test_files).

    Title, date range, then a header of eleven columns, which the report spaces out
    (one to three empty cells between them, as merged cells leave them) when `spaced`.
    """
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "AuctionSummary"
    ws.append(["Auction Summary (Public Issues Only)"])
    ws.append([])
    ws.append(["Auction date range: 12/16/2009 - 12/16/2009 Deadline All"])
    ws.append([])
    gaps = [3, 1, 1, 2, 2, 2, 2, 3, 2, 2] if spaced else [0] * 10
    record = [
        "Brazos Higher Ed Auth 1998A-3",
        "106238EU8",
        0.0042,
        "BMA",
        0.0024,
        "175.000%",
        dt.date(2010, 1, 20),
        35,
        "Failed",
        0.5,
        "Citigroup Global Markets, Inc.",
    ]
    rows: list[list[Any]] = [[], []]
    for i, (name, value) in enumerate(zip(header, record, strict=True)):
        for row, cell in zip(rows, (name, value), strict=True):
            row.append(cell)
            if i < len(gaps):
                row.extend([None] * gaps[i])
    ws.append(rows[0])
    ws.append([dt.date(2009, 12, 16)])
    for n in range(3):
        ws.append([f"{v} {n}" if isinstance(v, str) else v for v in rows[1]])
    wb.save(path)
    return path


_AUCTION = [
    "Security Name",
    "CUSIP",
    "Winning Rate",
    "Benchmark Code",
    "Base Rate",
    "Percent Base",
    "Next Auction",
    "Period",
    "Status",
    "Div Per Share",
    "Lead Manager",
]


@pytest.mark.parametrize("spaced", [False, True], ids=["contiguous", "spaced"])
def test_unseen_corpus_a_code_column_guessed_as_task_id_is_no_task_table(
    spaced: bool, tmp_path: Path, spec: Spec
) -> None:
    # "Benchmark Code" read as the task ID by its words, "Lead Manager" as the owner,
    # with "Period" and "Status": SheetJS's apachepoi_47251.xls.xlsb was accepted as a
    # campaign of zero tasks. A guessed ID is no evidence the rows are tasks, even when
    # the report shows only five of its columns (four of them known to xltrack).
    keep = ["Security Name", "Benchmark Code", "Period", "Status", "Lead Manager"]
    header = [name if name in keep else "" for name in _AUCTION]
    path = _auction_export(tmp_path / "auction.xlsx", header, spaced)
    with pytest.raises(UnrecognizedWorkbookError):
        analyze_workbook(path, dt.date(2024, 6, 15), spec)


@pytest.mark.parametrize(
    "header",
    [
        ["Action item", "Owner", "Due date", "Status", "Notes"],
        ["Activity", "Responsible", "Deadline", "Status"],
    ],
)
def test_unseen_corpus_an_action_item_list_is_still_a_task_table(
    header: list[str], tmp_path: Path, spec: Spec
) -> None:
    # Its task column is named by words too, but task words ("action item",
    # "activity"): unlike a guessed ID, evidence that the rows are tasks.
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Plan"
    ws.append(header)
    for i in range(3):
        ws.append([f"Step {i}", "Li", dt.date(2024, 6, 10 + i), "Done", ""][: len(header)])
    wb.save(tmp_path / "actions.xlsx")
    frames = analyze_workbook(tmp_path / "actions.xlsx", dt.date(2024, 6, 15), spec).frames
    assert frames.tables["tasks"].data["task_name"].tolist() == ["Step 0", "Step 1", "Step 2"]


def test_unseen_corpus_a_spaced_header_counts_its_far_cells(tmp_path: Path, spec: Spec) -> None:
    # With a task ID named surely ("ID"), the spaced header held four columns xltrack
    # knows beside one it does not within their span, and seven farther out past the
    # gaps that counted for nothing: the eleven-column report passed for a task table.
    # Contiguous, the same header is refused, and so must it be spaced out.
    header = [*_AUCTION[:3], "ID", *_AUCTION[4:7], "Period", "Status", "Div Per Share", "Owner"]
    for spaced in (False, True):
        path = _auction_export(tmp_path / f"auction-{spaced}.xlsx", header, spaced)
        with pytest.raises(UnrecognizedWorkbookError):
            analyze_workbook(path, dt.date(2024, 6, 15), spec)
