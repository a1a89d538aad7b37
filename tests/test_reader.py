"""The reader on the hand-made corpus: each workbook -> the frames its .expected.json names."""

from __future__ import annotations

import datetime as dt
import json
import math
import os
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from conftest import SAMPLES

from xltrack.analyze import analyze_workbook
from xltrack.formulas import formula_cells
from xltrack.frames import empty_frame
from xltrack.reader import read_workbook
from xltrack.source import open_source
from xltrack.spec import LIST_TABLES, Spec
from xltrack.writer import generate_workbook

HANDMADE = SAMPLES / "handmade"
CASES = sorted(p.stem for p in HANDMADE.glob("*.xlsx"))
AS_OF = dt.date(2024, 6, 15)


def _expected(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HANDMADE / f"{name}.expected.json").read_text("utf-8"))
    return data


def _plain(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    if hasattr(value, "item"):
        return value.item()
    return value


def test_reader_corpus_has_every_kind() -> None:
    assert len(CASES) >= 6


@pytest.mark.parametrize("name", CASES)
def test_reader_corpus_info(name: str, spec: Spec) -> None:
    frames = read_workbook(HANDMADE / f"{name}.xlsx", spec, as_of=AS_OF)
    expected = _expected(name)
    got = {key: _plain(frames.info.get(key)) for key in expected["info"]}
    assert got == expected["info"]
    if expected["info"]:
        assert isinstance(frames.info["start_date"], dt.date)
        assert isinstance(frames.info["budget"], float)
    else:
        assert not frames.info_cells and all(v is None for v in frames.info.values())


@pytest.mark.parametrize("name", CASES)
def test_reader_corpus_tables(name: str, spec: Spec) -> None:
    frames = read_workbook(HANDMADE / f"{name}.xlsx", spec, as_of=AS_OF)
    for key, want in _expected(name)["tables"].items():
        table = frames.tables[key]
        assert (table.sheet, table.header_row) == (want["sheet"], want["header_row"]), key
        assert table.data["row"].tolist() == want["rows"], key
        fields = list(want["records"][0])
        got = [{f: _plain(rec[f]) for f in fields} for rec in table.data.to_dict("records")]
        assert got == want["records"], key
        for column, letter in want.get("columns", {}).items():
            assert table.columns[column] == letter


@pytest.mark.parametrize("name", CASES)
def test_reader_corpus_template_stamp(name: str, spec: Spec) -> None:
    frames = read_workbook(HANDMADE / f"{name}.xlsx", spec, as_of=AS_OF)
    want = _expected(name).get("template", [None, None])
    assert [frames.template_id, frames.template_version] == want


@pytest.mark.parametrize("name", CASES)
def test_reader_corpus_findings_flatten(name: str, spec: Spec) -> None:
    frames = read_workbook(HANDMADE / f"{name}.xlsx", spec, as_of=AS_OF)
    got = sorted([f.code, f.location.sheet, f.location.cell] for f in frames.load_findings)
    assert got == sorted(_expected(name)["findings"], key=lambda x: [str(v) for v in x])


@pytest.mark.parametrize("name", CASES)
def test_reader_corpus_frames_have_contract_dtypes(name: str, spec: Spec) -> None:
    frames = read_workbook(HANDMADE / f"{name}.xlsx", spec, as_of=AS_OF)
    assert set(frames.tables) == set(LIST_TABLES)
    for key, table in frames.tables.items():
        want = empty_frame(spec.table(key)).dtypes
        got = table.data.dtypes
        if key == "evaluation" and table.found:
            assert got.pop("rate_written") == "float64"
        assert list(got.index) == list(want.index), key
        assert got.to_dict() == want.to_dict(), key


def test_reader_evaluation_keeps_the_written_rate_beside_the_recomputed_one(spec: Spec) -> None:
    frames = read_workbook(HANDMADE / "zh-hans-source.xlsx", spec, as_of=AS_OF)
    data = frames.evaluation.data
    assert data["rate_written"].round(4).tolist() == [1.17, 0.93, 1.2]
    assert data["rate"].round(4).tolist() == [1.1667, 0.9333, 1.2]


def test_reader_template_stamp_read(spec: Spec) -> None:
    frames = read_workbook(HANDMADE / "en-generated-style.xlsx", spec, as_of=AS_OF)
    assert (frames.template_id, frames.template_version) == ("xltrack.campaign", 0)
    assert "Lists" not in {t.sheet for t in frames.tables.values()}


def test_reader_formula_without_cached_value_reports_the_raw_formula(spec: Spec) -> None:
    frames = read_workbook(HANDMADE / "en-formulas.xlsx", spec, as_of=AS_OF)
    [finding] = [f for f in frames.load_findings if f.code == "formula-unevaluated"]
    assert finding.params["formula"].startswith("=VLOOKUP(")
    assert "not supported" in finding.params["reason"]


def test_reader_formula_cached_value_is_not_trusted(tmp_path: Path, spec: Spec) -> None:
    # A fake cached 0 on a typed-over formula: the formula is evaluated instead.
    path = tmp_path / "cached.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Evaluation"
    ws.append(["Metric", "Target", "Actual"])
    ws.append(["Sales", 1000, "=B2*2"])
    wb.create_sheet("Campaign").append(["Campaign name", "C"])
    wb["Campaign"].append(["Owner", "Ann"])
    wb["Campaign"].append(["Start date", "2024-06-01"])
    wb.save(path)
    frames = read_workbook(path, spec, as_of=AS_OF)
    assert frames.evaluation.data["actual"].tolist() == [2000.0]
    assert frames.evaluation.data["rate"].tolist() == [2.0]


def test_reader_never_modifies_the_input(spec: Spec) -> None:
    path = HANDMADE / "zh-hans-source.xlsx"
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    read_workbook(path, spec, as_of=AS_OF)
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


def test_reader_derived_columns_are_recomputed_not_read(spec: Spec) -> None:
    frames = read_workbook(HANDMADE / "en-generated-style.xlsx", spec, as_of=AS_OF)
    # The sheet's Days column holds typed zeros; the frame has end - start + 1.
    assert frames.tasks.data["duration_days"].tolist() == [5.0, 6.0, 11.0]


def test_reader_without_as_of_leaves_date_derived_columns_empty(spec: Spec) -> None:
    frames = read_workbook(HANDMADE / "zh-hans-source.xlsx", spec)
    assert frames.tasks.data["days_late"].isna().all()
    assert not frames.tasks.data["overdue"].any()


def test_reader_ignores_the_summary_sheet_xltrack_adds(tmp_path: Path, spec: Spec) -> None:
    from xltrack.analyze import analyze_workbook
    from xltrack.summary_sheet import write_summary

    source = HANDMADE / "zh-hans-source.xlsx"
    before = read_workbook(source, spec, as_of=AS_OF)
    analysis = analyze_workbook(source, AS_OF, spec=spec)
    out = write_summary(source, analysis, out=tmp_path / "with-summary.xlsx", lang="zh", spec=spec)
    after = read_workbook(out, spec, as_of=AS_OF)
    assert spec.label("summary_sheet", "zh") in after.sheet_order
    for key in ("tasks", "daily", "issues", "evaluation"):
        assert after.tables[key].sheet == before.tables[key].sheet
        pd.testing.assert_frame_equal(after.tables[key].data, before.tables[key].data)
    assert after.info == before.info


def test_reader_year_without_a_campaign_comes_from_as_of_and_says_so(
    tmp_path: Path, spec: Spec
) -> None:
    path = tmp_path / "no-campaign.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["任务ID", "任务名称", "负责人", "起止时间"])
    ws.append(["T1", "海报", "甲", "6.1-6.5"])
    wb.save(path)
    frames = read_workbook(path, spec, as_of=dt.date(2025, 3, 1))
    assert frames.tasks.data["end_date"].tolist() == [pd.Timestamp(2025, 6, 5)]
    [guess] = [f for f in frames.load_findings if f.code == "cell-guessed"]
    assert guess.params["assumption"] == "year 2025 from the as-of date"
    assert (guess.location.sheet, guess.location.cell) == ("Sheet", "D2")
    # Without as_of there is no year to take: the cell is reported, not guessed.
    frames = read_workbook(path, spec)
    assert [
        (f.code, f.location.cell) for f in frames.load_findings if f.code.startswith("cell")
    ] == [("cell-unparsed", "D2")]


def test_reader_rows_with_only_formula_results_are_not_records(tmp_path: Path, spec: Spec) -> None:
    # A hand-made sheet fills its "Days" formula down rows nobody has used yet; Excel
    # caches 1 (0 - 0 + 1) in each of them.
    import xlsxwriter

    path = tmp_path / "filled-down.xlsx"
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    ws.write_row(0, 0, ["Task ID", "Task", "Owner", "Start", "End", "Days"])
    ws.write_row(1, 0, ["T1", "Posters", "Bo", "2024-06-01", "2024-06-05"])
    for r in range(1, 7):
        ws.write_formula(r, 5, f"=E{r + 1}-D{r + 1}+1", None, 5 if r == 1 else 1)
    book.close()
    frames = read_workbook(path, spec, as_of=AS_OF)
    assert frames.tasks.data["row"].tolist() == [2]
    assert frames.tasks.data["duration_days"].tolist() == [5.0]


def test_reader_blank_generated_workbook_has_no_campaign_name(tmp_path: Path) -> None:
    # The goals block's title sits right of the empty name cell; it is not the name.
    from xltrack.writer import generate_workbook

    for lang in ("en", "zh"):
        path = generate_workbook(tmp_path / f"blank-{lang}.xlsx", lang=lang)
        frames = read_workbook(path)
        assert frames.name is None, lang
        named = generate_workbook(tmp_path / f"named-{lang}.xlsx", lang=lang, name="Spring sale")
        assert read_workbook(named).name == "Spring sale"


@pytest.mark.parametrize("sample", ["en-formulas.xlsx", "en-generated-edited.xlsx"])
def test_reader_formula_scan_cut_below_the_last_wanted_row_keeps_every_row_above(
    sample: str,
) -> None:
    with open_source(SAMPLES / "handmade" / sample) as source:
        for sheet in source.sheets:
            every = formula_cells(source, sheet)
            for last in {1, 3, 7, *(row for _, row in every)}:
                cut = formula_cells(source, sheet, last_row=last)
                assert cut == {cell: text for cell, text in every.items() if cell[1] <= last}


def _workbook(tmp_path: Path, rows: list[list[Any]], name: str = "Tasks") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = name
    for row in rows:
        sheet.append(row)
    path = tmp_path / "made.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize("label", ["合计", "合計：", "Total", "TOTAL:", "Grand total", "小计"])
def test_reader_total_row_under_a_table_is_no_record(
    tmp_path: Path, spec: Spec, label: str
) -> None:
    path = _workbook(
        tmp_path,
        [
            ["Task ID", "Task", "Owner", "End", "Status"],
            ["T1", "Posters", "Bo", dt.datetime(2024, 6, 5), "Done"],
            ["T2", "Print", "Cy", dt.datetime(2024, 6, 8), "Delayed"],
            [label, None, None, None, "2 tasks"],
        ],
    )
    frames = read_workbook(path, spec, as_of=dt.date(2024, 6, 15))
    assert frames.tasks.data["task_id"].tolist() == ["T1", "T2"]


def test_reader_task_named_like_a_total_word_inside_text_stays(tmp_path: Path, spec: Spec) -> None:
    path = _workbook(
        tmp_path,
        [
            ["Task ID", "Task", "Owner", "End", "Status"],
            ["T1", "Total GMV report", "Bo", dt.datetime(2024, 6, 5), "Done"],
        ],
    )
    frames = read_workbook(path, spec, as_of=dt.date(2024, 6, 15))
    assert frames.tasks.data["task_name"].tolist() == ["Total GMV report"]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("6.3-6.8", None, (dt.date(2024, 6, 3), dt.date(2024, 6, 8))),  # range in the start cell
        (None, "6月3日至6月8日", (dt.date(2024, 6, 3), dt.date(2024, 6, 8))),  # in the end cell
        ("6.3-6.8", "2024-06-10", (dt.date(2024, 6, 3), dt.date(2024, 6, 10))),  # typed end wins
    ],
)
def test_reader_range_typed_in_a_start_or_end_cell_fills_the_pair(
    tmp_path: Path, spec: Spec, start: Any, end: Any, expected: tuple[dt.date, dt.date]
) -> None:
    path = _workbook(
        tmp_path,
        [
            ["Campaign name", "Summer"],
            ["Start date", dt.datetime(2024, 6, 1)],
            ["End date", dt.datetime(2024, 6, 30)],
            [],
            ["Task ID", "Task", "Owner", "Start", "End", "Status"],
            ["T1", "KOL posts", "Bo", start, end, "In progress"],
        ],
    )
    frames = read_workbook(path, spec, as_of=dt.date(2024, 6, 15))
    row = frames.tasks.data.iloc[0]
    assert (row["start_date"].date(), row["end_date"].date()) == expected
    unreadable = [f for f in frames.load_findings if f.code == "cell-unparsed"]
    assert unreadable == []


def test_reader_says_when_the_workbooks_own_as_of_is_another_date(tmp_path: Path) -> None:
    # The example's Dashboard is pinned to 2024-06-15; a new tracker's follows =TODAY().
    pinned = generate_workbook(tmp_path / "pinned.xlsx", example=True)
    live = generate_workbook(tmp_path / "live.xlsx")

    def said(path: Path, as_of: dt.date) -> list[tuple[Any, ...]]:
        found = analyze_workbook(path, as_of).findings
        return [
            (f.location.sheet, f.location.cell, f.params["pinned"])
            for f in found
            if f.code == "as-of-pinned"
        ]

    assert said(pinned, dt.date(2024, 6, 20)) == [("Dashboard", "B3", "2024-06-15")]
    assert said(pinned, dt.date(2024, 6, 15)) == []
    assert said(live, dt.date(2024, 6, 20)) == []  # =TODAY() is no pinned date
