"""The generated workbook's structure, read back with openpyxl (LibreOffice judges values
elsewhere)."""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.utils
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from dashboard_cells import tiles
from workbooks import load_generated as load

from xltrack import tables, writer
from xltrack.cli import cli
from xltrack.dashboard import DAY_COL, GANTT_ROW
from xltrack.errors import OutputError, SpecError
from xltrack.spec import Spec, default_template_path, load_spec
from xltrack.writer import generate_workbook

AS_OF = dt.date(2024, 6, 15)
SHEETS_EN = [
    "Dashboard",
    "How to use",
    "Campaign",
    "Tasks",
    "Daily",
    "Issues",
    "Evaluation",
    "Lists",
    "_xltrack",
]


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("writer") / "example.xlsx"
    return generate_workbook(path, example=True, as_of=AS_OF)


@pytest.fixture(scope="module")
def wb(example: Path) -> openpyxl.Workbook:
    return load(example)


@pytest.fixture(scope="module")
def values(example: Path) -> openpyxl.Workbook:
    return load(example, data_only=True)


def header_row(ws: Any, row: int = 3) -> list[Any]:
    return [c.value for c in ws[row] if c.value is not None]


def test_writer_sheets_in_order_with_lists_and_meta_hidden(wb: openpyxl.Workbook) -> None:
    assert wb.sheetnames == SHEETS_EN
    states = {ws.title: ws.sheet_state for ws in wb}
    assert [name for name, state in states.items() if state != "visible"] == ["Lists", "_xltrack"]
    assert wb.active is not None and wb.active.title == "Dashboard"


def test_writer_every_list_is_an_excel_table_with_spec_headers(
    wb: openpyxl.Workbook, spec: Spec
) -> None:
    for key, sheet in (
        ("tasks", "Tasks"),
        ("daily", "Daily"),
        ("issues", "Issues"),
        ("evaluation", "Evaluation"),
    ):
        ws = wb[sheet]
        table = ws.tables[f"tbl_{key}"]
        labels = [c.label("en") for c in spec.table(key).laid_out]
        last = openpyxl.utils.get_column_letter(len(labels))
        assert table.ref == f"A3:{last}53"  # header on row 3, 50 rows (the default)
        assert [c.name for c in table.tableColumns] == labels
        assert header_row(ws) == labels
        assert ws.freeze_panes == "A4"
    campaign = wb["Campaign"]
    assert set(campaign.tables) == {"tbl_goals", "tbl_budget_split"}


def test_writer_drop_downs_come_from_named_lists(wb: openpyxl.Workbook) -> None:
    ws = wb["Tasks"]
    by_formula = {dv.formula1: dv for dv in ws.data_validations.dataValidation}
    status = by_formula["list_task_status"]
    assert str(status.sqref) == "H4:H53"
    assert status.errorStyle in (None, "stop")
    assert by_formula["list_phase"].errorStyle == "information"  # teams add their own phases
    lists = wb["Lists"]
    target = wb.defined_names["list_task_status"].attr_text
    assert target == "Lists!$A$2:$A$5"
    assert [lists[f"A{r}"].value for r in range(2, 6)] == [
        "Not started",
        "In progress",
        "Done",
        "Delayed",
    ]


def test_writer_defined_names_point_at_the_cells_formulas_use(
    wb: openpyxl.Workbook, values: openpyxl.Workbook
) -> None:
    names = {n: wb.defined_names[n].attr_text for n in wb.defined_names}
    assert names["AsOf"] == "Dashboard!$B$3"
    assert values["Dashboard"]["B3"].value == dt.datetime(2024, 6, 15)
    sheet, cell = names["Budget"].split("!")
    assert values[sheet][cell.replace("$", "")].value == 500000
    rules = {}
    for name in ("GreenAt", "YellowAt", "SolutionHours"):
        sheet, cell = names[name].split("!")
        rules[name] = values[sheet][cell.replace("$", "")].value
    assert rules == {"GreenAt": 0.9, "YellowAt": 0.8, "SolutionHours": 48}


def test_writer_stamps_template_id_and_version(wb: openpyxl.Workbook) -> None:
    # types-openpyxl lacks Workbook.custom_doc_props (openpyxl 3.1 has it)
    props = {p.name: p.value for p in wb.custom_doc_props.props}  # type: ignore[attr-defined]
    assert props["xltrack_template"] == "xltrack.campaign"
    assert props["xltrack_template_version"] == 1
    meta = {row[0]: row[1] for row in wb["_xltrack"].iter_rows(values_only=True)}
    assert set(meta) == {"template_id", "template_version", "lang", "xltrack_version", "generated"}
    assert (meta["template_id"], meta["template_version"], meta["lang"]) == (
        "xltrack.campaign",
        1,
        "en",
    )
    generated = meta["generated"]
    assert isinstance(generated, str) and dt.datetime.fromisoformat(generated).year >= 2024


def test_writer_inputs_unlocked_formulas_locked_sheets_protected(
    wb: openpyxl.Workbook, tmp_path: Path
) -> None:
    ws = wb["Tasks"]
    assert ws.protection.sheet is True
    assert ws["A4"].protection.locked is False  # T001
    assert ws["K4"].value.startswith("=") and ws["K4"].protection.locked is True
    assert wb["Dashboard"]["B3"].protection.locked is False  # the as-of date is an input
    assert wb["Dashboard"]["B10"].protection.locked is True
    loose = load(generate_workbook(tmp_path / "open.xlsx", protect=False))
    assert not any(s.protection.sheet for s in loose)


def test_writer_identifiers_stay_text(wb: openpyxl.Workbook, tmp_path: Path) -> None:
    assert wb["Tasks"]["A4"].value == "T001"
    assert wb["Tasks"]["A4"].number_format == "@"
    path = generate_workbook(tmp_path / "ids.xlsx", data={"tasks": [{"task_id": "007"}]})
    cell = load(path)["Tasks"]["A4"]
    assert (cell.value, cell.data_type) == ("007", "s")


def test_writer_user_text_starting_with_equals_stays_text(tmp_path: Path) -> None:
    evil = '=HYPERLINK("http://example.com","click")'
    path = generate_workbook(
        tmp_path / "eq.xlsx", name="=1+1", data={"tasks": [{"task_id": "T1", "task_name": evil}]}
    )
    with zipfile.ZipFile(path) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets"))
    assert "HYPERLINK" in sheets
    assert not re.search(r"<f>[^<]*HYPERLINK", sheets)
    assert not re.search(r"<f>1\+1</f>", sheets)
    ws = load(path, data_only=True)["Tasks"]
    assert ws["B4"].value == evil


def test_writer_cached_values_are_the_computed_ones(values: openpyxl.Workbook) -> None:
    tasks = values["Tasks"]
    # T002 ended 2024-06-08, delayed: 7 days late at the pinned 2024-06-15.
    assert [tasks[f"{c}5"].value for c in "JKL"] == [6, 7, "OVERDUE"]
    assert [tasks[f"{c}4"].value for c in "JKL"] == [5, None, None]  # done: not late
    rates = [values["Evaluation"][f"D{r}"].value for r in (4, 5, 6)]
    assert [round(r * 100) for r in rates] == [117, 93, 120]
    daily = values["Daily"]
    assert [daily[f"{c}4"].value for c in "EFGH"] == [0.76, "Red", 50000, 38000]
    assert [daily[f"{c}5"].value for c in "EFGH"] == [0.84, "Yellow", 100000, 80000]
    dash = tiles(values["Dashboard"])
    assert dash["Tasks done"] == (pytest.approx(1 / 3), "1 / 3")
    assert dash["Overdue tasks"] == (1, "1 delayed")
    assert dash["Open high-severity issues"] == (0, "1 open in all (any severity)")  # Q002 resolved
    assert dash["Budget used"] == (pytest.approx(306000 / 500000), "306,000 / 500,000")
    # Sales: 80,000 of the 100,000 expected by 6-15 (daily targets): pace 80 %, at risk.
    assert dash["Sales achieved"] == (pytest.approx(80000 / 300000), "▲ Yellow · pace 80%")


def test_writer_blank_rows_cache_empty_not_zero(
    values: openpyxl.Workbook, wb: openpyxl.Workbook
) -> None:
    assert wb["Tasks"]["J40"].value.startswith("=IF(")
    for sheet, cell in (
        ("Tasks", "J40"),
        ("Tasks", "L40"),
        ("Daily", "G30"),
        ("Issues", "H30"),
        ("Evaluation", "D30"),
    ):
        assert values[sheet][cell].value in (None, ""), (sheet, cell)


def test_writer_conditional_formats_refer_to_their_own_sheet(wb: openpyxl.Workbook) -> None:
    for ws in wb:
        for rng in ws.conditional_formatting:
            for rule in rng.rules:
                for formula in rule.formula or []:
                    assert "!" not in formula, (ws.title, formula)
    rules = [
        f for rng in wb["Tasks"].conditional_formatting for r in rng.rules for f in r.formula or []
    ]
    assert '$L4<>""' in rules  # overdue rows
    assert '$H4="Delayed"' in rules


def test_writer_chinese_workbook_uses_source_labels(tmp_path: Path) -> None:
    path = generate_workbook(tmp_path / "zh.xlsx", lang="zh", example=True, as_of=AS_OF)
    book = load(path)
    assert book.sheetnames[:4] == ["仪表盘", "填写说明", "活动信息", "任务分解"]
    assert [book["任务分解"][f"H{r}"].value for r in (4, 5, 6)] == ["已完成", "滞后", "进行中"]
    assert [book["问题风险"][f"E{r}"].value for r in (4, 5)] == ["中", "高"]
    assert book["_xltrack"]["B3"].value == "zh"


def test_writer_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"precious")
    with pytest.raises(OutputError, match="already exists"):
        generate_workbook(path)
    assert path.read_bytes() == b"precious"
    generate_workbook(path, force=True)
    assert zipfile.is_zipfile(path)
    with pytest.raises(OutputError, match="does not exist"):
        generate_workbook(tmp_path / "no" / "x.xlsx")


def _variant(tmp_path: Path) -> Path:
    data = yaml.safe_load(default_template_path().read_text(encoding="utf-8"))
    data["id"] = "acme.campaign"
    data["enums"]["phase"].append({"key": "teaser", "label": {"en": "Teaser", "zh": "悬念期"}})
    data["tables"]["tasks"]["columns"].insert(
        3, {"key": "channel", "type": "text", "width": 14, "label": {"en": "Channel", "zh": "渠道"}}
    )
    path = tmp_path / "acme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_writer_cli_new_writes_refuses_and_forces(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "c.xlsx"
    first = runner.invoke(cli, ["new", str(out), "--example", "--lang", "zh", "--rows", "10"])
    assert first.exit_code == 0, first.output
    assert load(out)["任务分解"].tables["tbl_tasks"].ref.endswith("13")
    again = runner.invoke(cli, ["new", str(out)])
    assert again.exit_code == 3
    assert "already exists" in again.output and "Traceback" not in again.output
    forced = runner.invoke(
        cli,
        [
            "new",
            str(out),
            "--force",
            "--name",
            "Launch",
            "--start",
            "2024-07-01",
            "--end",
            "2024-07-31",
            "--budget",
            "1000",
        ],
    )
    assert forced.exit_code == 0, forced.output
    campaign = load(out, data_only=True)["Campaign"]
    assert (campaign["B3"].value, campaign["B6"].value) == ("Launch", dt.datetime(2024, 7, 1))
    backwards = runner.invoke(
        cli, ["new", str(tmp_path / "d.xlsx"), "--start", "2024-07-31", "--end", "2024-07-01"]
    )
    assert backwards.exit_code == 2 and not (tmp_path / "d.xlsx").exists()


@pytest.mark.parametrize(
    ("args", "as_of", "days_late"),
    [
        ([], dt.datetime(2024, 6, 15), 7),  # the example's own date
        (["--as-of", "2024-06-20"], dt.datetime(2024, 6, 20), 12),
    ],
)
def test_writer_cli_new_example_as_of(
    tmp_path: Path, args: list[str], as_of: dt.datetime, days_late: int
) -> None:
    out = tmp_path / "c.xlsx"
    result = CliRunner().invoke(cli, ["new", str(out), "--example", *args])
    assert result.exit_code == 0, result.output
    book = load(out, data_only=True)
    # Pinned (a value, not =TODAY()), so T002's cached days late never drift with the clock.
    assert book["Dashboard"]["B3"].value == as_of
    assert load(out)["Dashboard"]["B3"].value == as_of
    assert book["Tasks"]["K5"].value == days_late  # T002 ended 6.8


def test_writer_cli_new_as_of_without_example(tmp_path: Path) -> None:
    out = tmp_path / "c.xlsx"
    assert CliRunner().invoke(cli, ["new", str(out)]).exit_code == 0
    assert load(out)["Dashboard"]["B3"].value == "=TODAY()"
    pinned = CliRunner().invoke(cli, ["new", str(out), "--force", "--as-of", "2024-06-01"])
    assert pinned.exit_code == 0
    assert load(out)["Dashboard"]["B3"].value == dt.datetime(2024, 6, 1)


def test_writer_cli_new_with_team_template(tmp_path: Path) -> None:
    runner = CliRunner()
    template = _variant(tmp_path)
    out = tmp_path / "acme.xlsx"
    result = runner.invoke(cli, ["new", str(out), "--template", str(template), "--example"])
    assert result.exit_code == 0, result.output
    book = load(out)
    assert header_row(book["Tasks"])[3] == "Channel"
    lists = {col[0].value: [c.value for c in col[1:]] for col in book["Lists"].iter_cols()}
    assert "Teaser" in lists["phase"]
    assert book["_xltrack"]["B1"].value == "acme.campaign"
    # the overdue formula follows its column and inputs even with a column inserted
    assert book["Tasks"]["M5"].value.startswith("=IF(AND(G5<>")
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: x\nversion: 1\ntables: {}\n", encoding="utf-8")
    bad = runner.invoke(cli, ["new", str(tmp_path / "b.xlsx"), "--template", str(broken)])
    assert bad.exit_code == 3
    assert "broken.yaml" in bad.output and "Traceback" not in bad.output
    assert not (tmp_path / "b.xlsx").exists()


def test_writer_spec_errors_are_spec_errors(tmp_path: Path) -> None:
    spec = load_spec()
    with pytest.raises(ValueError):
        generate_workbook(tmp_path / "l.xlsx", lang="fr", spec=spec)
    assert issubclass(SpecError, ValueError)


def _cells(book: openpyxl.Workbook) -> dict[tuple[str, str], Any]:
    return {
        (ws.title, c.coordinate): c.value
        for ws in book
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    }


def test_writer_streamed_workbook_equals_the_default_one(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "STREAM_ROWS", 0)
    streamed = generate_workbook(tmp_path / "streamed.xlsx", example=True, as_of=AS_OF)
    with zipfile.ZipFile(streamed) as z, zipfile.ZipFile(example) as y:
        assert "inlineStr" in z.read("xl/worksheets/sheet3.xml").decode()
        assert "inlineStr" not in y.read("xl/worksheets/sheet3.xml").decode()
    for data_only in (False, True):
        mine, theirs = load(streamed, data_only=data_only), load(example, data_only=data_only)
        cells = _cells(mine)
        cells.pop(("_xltrack", "B5"))  # the generation time
        expected = _cells(theirs)
        expected.pop(("_xltrack", "B5"))
        assert cells == expected
    a, b = load(streamed)["Tasks"], load(example)["Tasks"]
    assert a.tables["tbl_tasks"].ref == b.tables["tbl_tasks"].ref
    assert [str(v.sqref) for v in a.data_validations.dataValidation] == [
        str(v.sqref) for v in b.data_validations.dataValidation
    ]
    assert a.row_dimensions[4].height == b.row_dimensions[4].height


def test_writer_long_table_streams_in_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "STREAM_ROWS", 1_000)
    n = tables.CHUNK + 100
    frame = pd.DataFrame(
        {
            "task_id": [f"T{i:05d}" for i in range(1, n + 1)],
            "task_name": ["A task with a name long enough to wrap"] * n,
            "start_date": pd.Timestamp("2024-06-01"),
            "end_date": pd.Timestamp("2024-06-10"),
            "status": ["in_progress"] * (n - 1) + ["done"],
        }
    )
    assert writer.streams({"tasks": frame}, 1)
    path = generate_workbook(tmp_path / "long.xlsx", data={"tasks": frame}, rows=1, as_of=AS_OF)
    book, values = load(path, read_only=True), load(path, data_only=True, read_only=True)
    last = n + 3
    row = next(book["Tasks"].iter_rows(min_row=last, max_row=last, values_only=True))
    cached = next(values["Tasks"].iter_rows(min_row=last, max_row=last, values_only=True))
    edge = tables.CHUNK + 3  # the last row of the first chunk
    before = next(values["Tasks"].iter_rows(min_row=edge, max_row=edge, values_only=True))
    assert row[0] == f"T{n:05d}"
    assert row[11] == f'=IF(AND(F{last}<>"",H{last}<>"Done",F{last}<AsOf),"OVERDUE","")'
    assert cached[7:12] == ("Done", None, 10, None, None)
    assert before[7:12] == ("In progress", None, 10, 5, "OVERDUE")
    book.close()
    values.close()
    full = load(path)
    assert full["Tasks"].tables["tbl_tasks"].ref == f"A3:L{last}"
    assert full["Tasks"].row_dimensions[last].height == 30
    assert full["Tasks"].row_dimensions[edge].height == 30  # flushed, then forgotten


def test_writer_row_heights_same_for_few_and_many_rows(spec: Spec) -> None:
    names = ["short", "A task with a name long enough to wrap", "线下物料准备" * 3, None, "x" * 80]
    few = pd.DataFrame({"task_id": ["T1"] * 5, "task_name": names})
    many = pd.concat([few] * 100, ignore_index=True)  # the vectorised path
    expected = {1: 30.0, 2: 30.0, 4: 60.0}  # 38 chars, 18 CJK = 36 units, 80 chars in 24.5
    assert tables.row_heights(spec.table("tasks"), few) == expected
    assert {
        k: v for k, v in tables.row_heights(spec.table("tasks"), many).items() if k < 5
    } == expected


def test_writer_long_campaign_timeline_has_a_column_per_week(tmp_path: Path) -> None:
    path = generate_workbook(
        tmp_path / "long.xlsx",
        example=True,
        as_of=AS_OF,
        start=dt.date(2024, 5, 1),
        end=dt.date(2024, 7, 31),
    )
    ws = load(path, data_only=True)["Dashboard"]
    days: list[Any] = [ws.cell(GANTT_ROW + 3, DAY_COL + 1 + k).value for k in range(14)]
    assert days[0] == dt.datetime(2024, 5, 1)
    assert all((b - a).days == 7 for a, b in itertools.pairwise(days))
    assert ws.cell(GANTT_ROW + 3, DAY_COL + 15).value is None  # 92 days: 14 weeks
