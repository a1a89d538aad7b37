"""LibreOffice recalculates generated workbooks: its results must equal what xltrack cached.

One soffice call recalculates the en and zh example workbooks, the empty en
and zh templates, and the example written in streaming (constant_memory)
mode, all pinned to an as-of date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from dashboard_cells import agree, chart_data, dashboard_metrics, tiles
from libreoffice import needs_soffice, recalculate
from workbooks import load_generated as load

from xltrack import writer
from xltrack.analyze import analyze_workbook
from xltrack.content import load_example
from xltrack.spec import Lang, Spec, load_spec
from xltrack.writer import generate_workbook

pytestmark = [needs_soffice, pytest.mark.libreoffice]

AS_OF = dt.date(2024, 6, 15)
ERRORS = ("#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!", "Err:")
CASES: dict[str, tuple[Lang, bool]] = {
    "example-en": ("en", True),
    "example-zh": ("zh", True),
    "empty-en": ("en", False),
    "empty-zh": ("zh", False),
    "streamed-en": ("en", True),
    "messy": ("en", False),
    "pace": ("en", False),
    "weekly-en": ("en", True),
    "weekly-zh": ("zh", True),
}
# A long campaign: the timeline gets a column per week.
LONG = {"start": dt.date(2024, 5, 1), "end": dt.date(2024, 7, 31)}
# Rows people really leave: no metric, no date, case-different metric, unknown status.
MESSY: dict[str, Any] = {
    "daily": [
        {"date": dt.date(2024, 6, 10), "target": 100, "actual": 50},
        {"date": dt.date(2024, 6, 11), "metric": "Sales", "target": 100, "actual": 95},
        {"date": dt.date(2024, 6, 12), "metric": "sales", "target": 100, "actual": 85},
        {"metric": "Sales", "target": 100},
        {"target": 0, "actual": 3},
        # The traffic-light bands at their edges (deviation rounded to 4 places).
        {"date": dt.date(2024, 6, 13), "metric": "Edge", "target": 14000, "actual": 12600},
        {"date": dt.date(2024, 6, 13), "metric": "Edge2", "target": 0.4, "actual": 0.36},
        {"date": dt.date(2024, 6, 13), "metric": "Edge3", "target": 100, "actual": 90.01},
        {"date": dt.date(2024, 6, 13), "metric": "Edge4", "target": 100, "actual": 80},
        {"date": dt.date(2024, 6, 13), "metric": "Edge5", "target": 100, "actual": 79.99},
        {"date": dt.date(2024, 6, 13), "metric": "Edge6", "target": 50000, "actual": 40000},
    ],
    "tasks": [
        {"task_id": "T1", "task_name": "=1+1", "status": "Done", "end_date": dt.date(2024, 6, 1)},
        {
            "task_id": "T2",
            "status": "paused",
            "start_date": dt.date(2024, 6, 20),
            "end_date": dt.date(2024, 6, 10),
        },
        {"task_name": "no id", "status": "delayed", "end_date": dt.date(2024, 6, 15)},
    ],
    "issues": [
        {"issue_id": "Q1", "found_date": dt.date(2024, 6, 13), "severity": "High"},
        {"issue_id": "Q2", "found_date": dt.date(2024, 6, 20), "resolution": "resolved"},
        # The 48 h rule on the resolved time when written.
        {
            "issue_id": "Q3",
            "found_date": dt.date(2024, 6, 1),
            "resolution": "resolved",
            "resolved_at": dt.date(2024, 6, 5),
        },
        {
            "issue_id": "Q4",
            "found_date": dt.date(2024, 6, 1),
            "resolution": "resolved",
            "resolved_at": dt.date(2024, 6, 3),
        },
        {
            "issue_id": "Q5",
            "found_date": dt.date(2024, 6, 1),
            "resolution": "in_progress",
            "responded_at": dt.date(2024, 6, 2),
            "resolved_at": dt.date(2024, 6, 2),
        },
        {"issue_id": "Q6", "found_date": dt.date(2024, 6, 1), "resolution": "resolved"},
    ],
    "evaluation": [{"metric": "Zero", "target": 0, "actual": 5}, {"metric": "Half", "actual": 5}],
}
# Pace by every route: daily targets to date (one row after as-of, one metric spelt in
# another case), no daily rows (elapsed share of the period), daily actuals without
# targets, an evaluation actual only, a zero target.
PACE: dict[str, Any] = {
    "campaign": {
        "name": "Pace",
        "start_date": dt.date(2024, 6, 1),
        "end_date": dt.date(2024, 6, 30),
        "budget": 1000,
    },
    "goals": [
        {"metric": "Sales", "target": 1000, "priority": "core"},
        {"metric": "Members", "target": 300, "priority": "core"},
        {"metric": "Views", "target": 600},
        {"metric": "Leads", "target": 0},
        {"metric": "Posts", "target": 40},
    ],
    "daily": [
        {"date": dt.date(2024, 6, 10), "metric": "Sales", "target": 100, "actual": 95},
        {"date": dt.date(2024, 6, 12), "metric": "sales", "target": 100, "actual": 70},
        {"date": dt.date(2024, 6, 20), "metric": "Sales", "target": 100, "actual": 999},
        {"date": dt.date(2024, 6, 11), "metric": "Views", "actual": 250},
        {"date": dt.date(2024, 6, 13), "metric": "Sales ", "target": 100, "actual": 70},
    ],
    "evaluation": [{"metric": "Posts", "target": 40, "actual": 9}],
}


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """name -> (generated file, LibreOffice's recalculated copy)."""
    folder = tmp_path_factory.mktemp("lo")
    made = []
    with pytest.MonkeyPatch.context() as patch:
        for name, (lang, example) in CASES.items():
            # "streamed": the constant_memory path (inline strings) on a small workbook
            patch.setattr(writer, "STREAM_ROWS", 0 if name.startswith("streamed") else 20_000)
            data = {"messy": MESSY, "pace": PACE}.get(name)
            extra: dict[str, Any] = LONG if name.startswith("weekly") else {}
            made.append(
                generate_workbook(
                    folder / f"{name}.xlsx",
                    lang=lang,
                    example=example,
                    as_of=AS_OF,
                    data=data,
                    **extra,
                )
            )
    done = recalculate(made, folder / "out")
    return {name: (src, out) for name, src, out in zip(CASES, made, done, strict=True)}


def _comparable(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (value - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return round(float(value), 9)
    return value


@pytest.mark.parametrize("name", ["example-en", "example-zh"])
def test_writer_lo_dashboard_and_summary_agree(
    books: dict[str, tuple[Path, Path]], name: str
) -> None:
    """The example at 2024-06-15: the Dashboard, as LibreOffice computes it, shows each
    metric's actual to date, achievement, pace and light exactly as the summary does."""
    source, computed = books[name]
    lang = CASES[name][0]
    board = dashboard_metrics(
        load(computed, data_only=True)[load_spec().label("dashboard", lang)], lang
    )
    assert len(board) >= 3
    agree(analyze_workbook(source, AS_OF).summary, board, lang)


@pytest.mark.parametrize("name", list(CASES))
def test_writer_lo_no_error_values(books: dict[str, tuple[Path, Path]], name: str) -> None:
    computed = load(books[name][1], data_only=True)
    errors = [
        (ws.title, c.coordinate, c.value)
        for ws in computed
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(ERRORS)
    ]
    assert errors == []


@pytest.mark.parametrize("name", list(CASES))
def test_writer_lo_cached_values_equal_libreoffice(
    books: dict[str, tuple[Path, Path]], name: str
) -> None:
    source, out = books[name]
    formulas, cached, computed = (
        load(source),
        load(source, data_only=True),
        load(out, data_only=True),
    )
    checked, wrong = 0, []
    for ws in formulas:
        for row in ws.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    continue
                checked += 1
                mine = _comparable(cached[ws.title][cell.coordinate].value)
                theirs = _comparable(computed[ws.title][cell.coordinate].value)
                if mine != theirs:
                    wrong.append((ws.title, cell.coordinate, cell.value, mine, theirs))
    assert checked > 500
    assert wrong == []


@pytest.mark.parametrize("name", ["example-en", "example-zh", "streamed-en"])
def test_writer_lo_example_rates(
    books: dict[str, tuple[Path, Path]], name: str, spec: Spec
) -> None:
    lang = CASES[name][0]
    sheet = spec.table("evaluation").sheet
    assert sheet is not None
    ws = load(books[name][1], data_only=True)[sheet(lang)]
    assert [round(ws[f"D{r}"].value * 100) for r in (4, 5, 6)] == [117, 93, 120]


@pytest.mark.parametrize("name", ["example-en", "example-zh", "streamed-en"])
def test_writer_lo_dashboard_counts_match_the_example(
    books: dict[str, tuple[Path, Path]], name: str
) -> None:
    spec = load_spec()
    lang = CASES[name][0]
    example = load_example(spec, lang)
    overdue = sum(1 for t in example["tasks"] if t["status"] != "done" and t["end_date"] < AS_OF)
    open_high = sum(
        1 for i in example["issues"] if i["severity"] == "high" and i["resolution"] != "resolved"
    )
    ws = load(books[name][1], data_only=True)[spec.label("dashboard", lang)]
    shown = tiles(ws)
    assert overdue == 1 and open_high == 0  # T002 ended 6.8, delayed; Q002 high but resolved
    assert shown[spec.label("overdue_count", lang)][0] == overdue
    assert shown[spec.label("open_high_count", lang)][0] == open_high
    counts = dict(chart_data(ws, spec.label("tasks_by_status", lang), 2))
    assert counts[spec.enum_label("task_status", "done", lang)] == 1


def test_writer_lo_light_bands_at_their_edges(
    books: dict[str, tuple[Path, Path]], spec: Spec
) -> None:
    """LibreOffice's light formula and derive.light_of agree at 10 % and 20 % below."""
    daily = spec.table("daily")
    letters = {c.key: chr(ord("A") + i) for i, c in enumerate(daily.laid_out)}
    ws = load(books["messy"][1], data_only=True)[daily.sheet("en")]  # type: ignore[misc]
    shown = {
        ws[f"{letters['metric']}{r}"].value: ws[f"{letters['light']}{r}"].value
        for r in range(4, 20)
        if str(ws[f"{letters['metric']}{r}"].value).startswith("Edge")
    }
    assert shown == {
        "Edge": "Yellow",
        "Edge2": "Yellow",
        "Edge3": "Green",
        "Edge4": "Yellow",
        "Edge5": "Red",
        "Edge6": "Yellow",
    }


def _issue_flags(books: dict[str, tuple[Path, Path]], spec: Spec, key: str) -> dict[Any, Any]:
    """Issue ID -> the flag column `key` as LibreOffice computed it in the messy workbook."""
    issues = spec.table("issues")
    letters = {c.key: chr(ord("A") + i) for i, c in enumerate(issues.laid_out)}
    ws = load(books["messy"][1], data_only=True)[issues.sheet("en")]  # type: ignore[misc]
    return {
        ws[f"A{r}"].value: ws[f"{letters[key]}{r}"].value or ""
        for r in range(4, 12)
        if ws[f"A{r}"].value
    }


def test_writer_lo_solution_flag_uses_the_resolved_time(
    books: dict[str, tuple[Path, Path]], spec: Spec
) -> None:
    flags = _issue_flags(books, spec, "sla_breach")
    assert {k: v for k, v in flags.items() if k.startswith("Q")} == {
        "Q1": "",
        "Q2": "",
        "Q3": "OVER 48H",
        "Q4": "",
        "Q5": "",
        "Q6": "",
    }  # Q1: 48 h exactly


@pytest.mark.parametrize(
    ("name", "days"),
    [("example-en", (30, 15)), ("example-zh", (30, 15)), ("empty-en", (None, None))],
)
def test_writer_lo_pace_names(
    books: dict[str, tuple[Path, Path]], name: str, days: tuple[int | None, int | None]
) -> None:
    """CampaignDays and ElapsedDays (T*ElapsedDays/CampaignDays is due by AsOf) as LibreOffice
    computes them equal derive.campaign_days and derive.elapsed_days."""
    from xltrack import derive

    source, out = books[name]
    lang = CASES[name][0]
    spec = load_spec()
    sheet = spec.label("lists", lang)
    found: dict[Any, list[Any]] = {}
    for path in (source, out):
        ws = load(path, data_only=True)[sheet]
        for row in ws.iter_rows(values_only=True):
            cells = [c for c in row if c is not None]
            if cells and cells[0] in ("CampaignDays", "ElapsedDays"):
                found.setdefault(cells[0], []).append(cells[1] if len(cells) > 1 else None)
    want = (
        derive.campaign_days(dt.date(2024, 6, 1), dt.date(2024, 6, 30)),
        derive.elapsed_days(dt.date(2024, 6, 1), dt.date(2024, 6, 30), AS_OF),
    )
    if days[0] is not None:
        assert days == want
    normal = {k: [None if v == "" else v for v in vs] for k, vs in found.items()}
    assert normal == {"CampaignDays": [days[0]] * 2, "ElapsedDays": [days[1]] * 2}


def test_writer_lo_response_flag(books: dict[str, tuple[Path, Path]], spec: Spec) -> None:
    """The 24 h response flag: first response, else resolved time, else as-of while open."""
    flags = _issue_flags(books, spec, "response_breach")
    assert {k: v for k, v in flags.items() if k.startswith("Q")} == {
        "Q1": "OVER 24H",  # open, 48 h without a reply by as-of
        "Q2": "",  # resolved, no times written: not judged
        "Q3": "OVER 24H",  # resolved after 96 h, no reply written
        "Q4": "OVER 24H",  # resolved after 48 h
        "Q5": "",  # replied after 24 h exactly
        "Q6": "",
    }
