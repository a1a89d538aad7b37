"""Property: tables are found by their headers wherever and however they are laid out.

Hypothesis lays out tasks, issues and evaluation rows as a hand-made workbook
would: header spellings from the spec's labels and aliases (en, zh, with hints),
columns shuffled, extra columns, offsets, titles, blank rows inside, tables on
their own sheets or stacked on one; enum values written with any synonym. The
reader must give back the records, at their Excel rows.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xltrack.errors import UnrecognizedWorkbookError
from xltrack.labels import header_index
from xltrack.reader import read_workbook
from xltrack.spec import load_spec

SPEC = load_spec()
INDEX = header_index(SPEC)
HINTS = {
    "status": "(未开始/进行中/已完成/滞后)",
    "severity": "(高/中/低)",
    "resolution": "（未处理/处理中/已解决）",
}
COLUMNS = {
    "tasks": ["task_id", "task_name", "owner", "end_date", "status"],
    "issues": ["issue_id", "description", "found_date", "severity", "resolution"],
    "evaluation": ["metric", "target", "actual"],
}


# Simplified -> one Traditional form, inverted from the reader's own table (t -> s).
_S2T = {
    line[1]: line[0]
    for line in (Path(__file__).parent.parent / "xltrack" / "t2s.txt")
    .read_text("utf-8")
    .splitlines()
    if len(line) == 2 and not line.startswith("#")
}


def _traditional(text: str) -> str:
    return "".join(_S2T.get(ch, ch) for ch in text)


def _spellings(table: str, key: str) -> list[str]:
    col = SPEC.table(table).column(key)
    names = [col.label.zh, col.label.en, _traditional(col.label.zh), *col.aliases]
    ok = [n for n in names if (INDEX.match(table, n) or ("",))[0] == key]
    return ok + [n + HINTS[key] for n in ok[:1] if key in HINTS]


def _synonyms(enum: str, key: str) -> list[str]:
    value = next(v for v in SPEC.enums[enum] if v.key == key)
    return [value.label.zh, value.label.en, *value.aliases]


@st.composite
def records(draw: st.DrawFn, table: str) -> list[dict[str, Any]]:
    n = draw(st.integers(1, 5))
    out = []
    for i in range(n):
        if table == "tasks":
            status = draw(st.sampled_from([v.key for v in SPEC.enums["task_status"]]))
            out.append(
                {
                    "task_id": f"T{i:03d}",
                    "task_name": f"任务 number {i}",
                    "owner": f"Owner{i}",
                    "end_date": dt.date(2024, 6, 1) + dt.timedelta(days=draw(st.integers(0, 40))),
                    "status": status,
                }
            )
        elif table == "issues":
            out.append(
                {
                    "issue_id": f"Q{i:02d}",
                    "description": f"Problem number {i}",
                    "found_date": dt.date(2024, 6, 1) + dt.timedelta(days=draw(st.integers(0, 20))),
                    "severity": draw(st.sampled_from(["high", "medium", "low"])),
                    "resolution": draw(st.sampled_from(["open", "in_progress", "resolved"])),
                }
            )
        else:
            out.append(
                {
                    "metric": f"Metric number {i}",
                    "target": float(draw(st.integers(1, 10**6))),
                    "actual": float(draw(st.integers(0, 10**6))),
                }
            )
    return out


ENUM_OF = {"status": "task_status", "severity": "severity", "resolution": "resolution"}


@st.composite
def layouts(draw: st.DrawFn) -> dict[str, Any]:
    tables = {}
    for table, columns in COLUMNS.items():
        keys = draw(st.permutations(columns))
        headers = [draw(st.sampled_from(_spellings(table, k))) for k in keys]
        extra = draw(st.integers(0, len(keys)))
        tables[table] = {
            "keys": list(keys),
            "headers": headers,
            "extra_at": extra,
            "offset": draw(st.integers(0, 3)),
            "title": draw(st.booleans()),
            "records": draw(records(table)),
            "blanks": draw(st.lists(st.booleans(), min_size=6, max_size=6)),
            "date_as_text": draw(st.booleans()),
            "enum_words": {k: draw(st.integers(0, 50)) for k in ENUM_OF},
        }
    return {"tables": tables, "stacked": draw(st.booleans())}


def _write(layout: dict[str, Any], path: Path) -> dict[str, tuple[str, list[int]]]:
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Sheet A"
    where: dict[str, tuple[str, list[int]]] = {}
    row = 1
    for n, (table, spec) in enumerate(layout["tables"].items()):
        if not layout["stacked"] and n:
            sheet, row = wb.create_sheet(f"Sheet {n}"), 1
        if spec["title"]:
            sheet.cell(row, 1, f"表{n + 2} {table} 跟踪表")
            row += 1
        keys, headers = list(spec["keys"]), list(spec["headers"])
        keys.insert(spec["extra_at"], None)
        headers.insert(spec["extra_at"], "附加说明栏")
        col0 = spec["offset"] + 1
        for c, text in enumerate(headers):
            sheet.cell(row, col0 + c, text)
        row += 1
        rows = []
        for i, rec in enumerate(spec["records"]):
            if spec["blanks"][i]:
                row += 1
            for c, key in enumerate(keys):
                value = "extra" if key is None else rec[key]
                if key in ENUM_OF:
                    words = _synonyms(ENUM_OF[key], value)
                    words += [_traditional(w) for w in words]
                    value = words[spec["enum_words"][key] % len(words)]
                if isinstance(value, dt.date) and spec["date_as_text"]:
                    value = f"{value.year}.{value.month}.{value.day}"
                sheet.cell(row, col0 + c, value)
            rows.append(row)
            row += 1
        where[table] = (sheet.title, rows)
        row += 2
    wb.save(path)
    return where


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=layouts())
def test_layouts_tables_found_by_headers_anywhere(layout: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "handmade.xlsx"
        where = _write(layout, path)
        frames = read_workbook(path, SPEC, as_of=dt.date(2024, 6, 15))
    for table, spec in layout["tables"].items():
        got = frames.tables[table]
        sheet, rows = where[table]
        assert (got.sheet, got.data["row"].tolist()) == (sheet, rows), table
        for key in COLUMNS[table]:
            values = [
                v.date() if isinstance(v, pd.Timestamp) else v for v in got.data[key].tolist()
            ]
            assert values == [r[key] for r in spec["records"]], (table, key)
    assert [
        f for f in frames.load_findings if f.code in ("cell-unparsed", "cell-not-in-list")
    ] == []


WORDS = sorted(
    {n for t in SPEC.tables.values() for c in t.columns for n in (c.label.zh, c.label.en)}
    | {w for vs in SPEC.enums.values() for v in vs for w in (v.label.zh, v.label.en)}
)
junk = st.one_of(
    st.sampled_from(WORDS),
    st.text(st.characters(min_codepoint=32, exclude_categories=["Cs"]), max_size=12),
    st.integers(-(10**9), 10**9),
    st.floats(allow_nan=True, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(
        ["=1/0", "=SUM(A1:A3)", "=A1+B1", "=FOO()", "=Sheet9!A1", "=A1*", "6.1-6.5", "30万"]
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(st.tuples(st.integers(1, 25), st.integers(1, 10), junk), max_size=120),
    header=st.sampled_from([None, "tasks", "daily", "issues", "evaluation", "campaign"]),
)
def test_layouts_any_grid_reads_or_is_unrecognized(
    cells: list[tuple[int, int, Any]], header: str | None
) -> None:
    wb = openpyxl.Workbook()
    sheet = wb.active
    assert sheet is not None
    if header:  # a real header row over junk values exercises every parser
        for c, col in enumerate(SPEC.table(header).columns, start=1):
            sheet.cell(1, c, col.label.zh)
    for row, column, value in cells:
        sheet.cell(row, column, value)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "junk.xlsx"
        wb.save(path)
        try:
            frames = read_workbook(path, SPEC, as_of=dt.date(2024, 6, 15))
        except UnrecognizedWorkbookError as err:
            assert str(path) in str(err)
            return
    for finding in frames.load_findings:
        assert finding.message()  # every finding renders
