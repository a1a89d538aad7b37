"""What people see: LibreOffice prints every workbook xltrack writes, and the pages are judged.

Page counts per workbook, the Dashboard on one page, no page holding only a
repeated header (each page's words compared with the page before), native
charts with series, number formats on metric cells, sheet order, and the
batch portfolio whatever the data (issue 10 items 8 and 9).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from libreoffice import convert, needs_soffice, shown

from xltrack.analyze import analyze_workbook
from xltrack.cli import cli
from xltrack.summary_sheet import write_summary
from xltrack.writer import generate_workbook

AS_OF = dt.date(2024, 6, 15)
PDFTOTEXT = shutil.which("pdftotext")
needs_pdftotext = pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext is not installed")
_NUMBERS = re.compile(r"^[\d/.,:%-]+$")
LONG_TASKS = [
    {
        "task_id": f"T{i:03d}",
        "task_name": f"Task {i}",
        "owner": f"Owner {i % 7}",
        "start_date": dt.date(2024, 6, 1 + i % 20),
        "end_date": dt.date(2024, 6, 5 + i % 20),
        "status": ("done", "in_progress", "not_started", "delayed")[i % 4],
    }
    for i in range(1, 71)
]


def pages(pdf: Path) -> list[str]:
    """The text of each page of a PDF."""
    out = subprocess.run(
        [str(PDFTOTEXT), "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def header_only_pages(texts: list[str]) -> list[int]:
    """1-based numbers of pages whose words all appeared on the page before (bar numbers)."""
    found = []
    for i in range(1, len(texts)):
        new = {w for w in texts[i].split() if not _NUMBERS.match(w)}
        old = set(texts[i - 1].split())
        if not new - old:
            found.append(i + 1)
    return found


def footer_sheets(texts: list[str]) -> list[str]:
    """The sheet named in each page's footer ("&A ... &P / &N")."""
    names = []
    for text in texts:
        lines = [line for line in text.splitlines() if line.strip()]
        last = lines[-1] if lines else ""
        names.append(re.sub(r"\s+\d+\s*/\s*\d+\s*$", "", last).strip())
    return names


def chart_series(path: Path) -> dict[str, int]:
    """Series count of each chart part."""
    with zipfile.ZipFile(path) as z:
        return {
            n: len(re.findall(rb"<c:ser>", z.read(n)))
            for n in z.namelist()
            if n.startswith("xl/charts/chart")
        }


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[str]]]:
    """name -> (workbook, its pages as LibreOffice prints them)."""
    if PDFTOTEXT is None or shutil.which("soffice") is None:
        pytest.skip("LibreOffice and pdftotext are needed")
    folder = tmp_path_factory.mktemp("looks")
    books = {
        "example-en": generate_workbook(folder / "example-en.xlsx", example=True, as_of=AS_OF),
        "example-zh": generate_workbook(
            folder / "example-zh.xlsx", lang="zh", example=True, as_of=AS_OF
        ),
        "short": generate_workbook(
            folder / "short.xlsx",
            example=True,
            as_of=AS_OF,
            start=dt.date(2024, 6, 1),
            end=dt.date(2024, 6, 24),
        ),
        "empty": generate_workbook(folder / "empty.xlsx", as_of=AS_OF),
        # 70 tasks in 120 laid-out rows: Tasks spans pages and must end at its data.
        "long-list": generate_workbook(
            folder / "long-list.xlsx", as_of=AS_OF, rows=120, data={"tasks": LONG_TASKS}
        ),
    }
    analysis = analyze_workbook(books["example-en"], AS_OF)
    books["summary"] = write_summary(books["example-en"], analysis, out=folder / "summary.xlsx")
    books["portfolio"] = _portfolio(folder)
    pdfs = convert(list(books.values()), folder / "pdf", "pdf")
    return {name: (path, pages(pdf)) for (name, path), pdf in zip(books.items(), pdfs, strict=True)}


def _portfolio(folder: Path) -> Path:
    """Twelve campaigns (one in Chinese, Sales spelt three ways) through `batch -o`."""
    source = folder / "campaigns"
    source.mkdir()
    rng = random.Random(12)
    for i in range(12):
        metric = ("Sales", "sales", "SALES ")[i % 3]
        evaluation = [
            {"metric": metric, "target": 300000, "actual": 300000 * rng.uniform(0.6, 1.3)},
            {"metric": "New members", "target": 3000, "actual": rng.randint(1500, 3600)},
        ]
        daily = [
            {
                "date": dt.date(2024, 6, 10 + k),
                "metric": metric,
                "target": 50000,
                "actual": 50000 * rng.uniform(0.6, 1.2),
            }
            for k in range(4)
        ]
        generate_workbook(
            source / f"c{i:02d}.xlsx",
            example=True,
            name=f"Campaign {i}",
            lang="zh" if i == 5 else "en",
            budget=100000 * (i + 1),
            data={"evaluation": evaluation, "daily": daily},
        )
    out = folder / "portfolio.xlsx"
    result = CliRunner().invoke(
        cli, ["batch", str(source), "--as-of", "2024-06-15", "--jobs", "1", "-o", str(out)]
    )
    assert result.exit_code in (0, 1), result.output
    return out


pytestmark = [needs_soffice, needs_pdftotext, pytest.mark.libreoffice]


@pytest.mark.parametrize(
    ("name", "most"),
    [
        ("example-en", 8),
        ("example-zh", 8),
        ("short", 8),
        ("empty", 8),
        ("summary", 8),
        ("portfolio", 12),
        ("long-list", 10),
    ],
)
def test_looks_page_counts_and_no_header_only_page(
    printed: dict[str, tuple[Path, list[str]]], name: str, most: int
) -> None:
    _, texts = printed[name]
    assert len(texts) <= most, footer_sheets(texts)
    assert header_only_pages(texts) == []


@pytest.mark.parametrize(
    "name", ["example-en", "example-zh", "short", "empty", "summary", "long-list"]
)
def test_looks_dashboard_prints_on_one_page_first(
    printed: dict[str, tuple[Path, list[str]]], name: str
) -> None:
    path, texts = printed[name]
    sheets = footer_sheets(texts)
    dashboard = openpyxl.load_workbook(path, read_only=True).sheetnames[0]
    assert sheets.count(dashboard) == 1 and sheets[0] == dashboard


def test_looks_sheet_order(printed: dict[str, tuple[Path, list[str]]]) -> None:
    names = openpyxl.load_workbook(printed["summary"][0], read_only=True).sheetnames
    assert names[:3] == ["Dashboard", "Achievement summary", "How to use"]
    assert names[-2:] == ["Lists", "_xltrack"]
    portfolio = openpyxl.load_workbook(printed["portfolio"][0], read_only=True).sheetnames
    assert portfolio[:3] == ["Overview", "Charts", "Campaigns"]


def test_looks_dashboard_has_three_native_charts_with_series(
    printed: dict[str, tuple[Path, list[str]]],
) -> None:
    for name in ("example-en", "example-zh", "empty"):
        series = chart_series(printed[name][0])
        assert len(series) == 3 and all(series.values()), series
    # achieved + expected columns and the 100 % line combined in one chart
    assert sorted(chart_series(printed["example-en"][0]).values()) == [1, 2, 3]


def test_looks_summary_shows_no_helper_column_but_keeps_the_100_line(
    printed: dict[str, tuple[Path, list[str]]], tmp_path: Path
) -> None:
    path = printed["summary"][0]
    rows = shown(path, tmp_path / "csv", 2)  # the sheet after the Dashboard
    top = next(i for i, row in enumerate(rows) if row[:2] == ["Metric", "Target"])
    metrics = rows[top : top + 4]
    assert [row[0] for row in metrics] == ["Metric", "Sales", "New members", "Social exposure"]
    assert [row[6] for row in metrics] == ["Health", "▲ Yellow", "", ""]
    assert [row[7:] for row in metrics] == [[""]] * 4  # column H shows nothing
    # The chart's dashed line still reads its 100 % from those cells.
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    achievement = next(c for c in charts if "Achievement per metric" in c)
    line = achievement[achievement.index("<c:lineChart>") :]
    refs = re.findall(r"<c:val><c:numRef><c:f>([^<]+)</c:f>", line)
    assert refs == [f"'Achievement summary'!$H${top + 2}:$H${top + 4}"]


def test_looks_number_formats_on_metric_cells(printed: dict[str, tuple[Path, list[str]]]) -> None:
    book = openpyxl.load_workbook(printed["example-en"][0])
    daily, evaluation = book["Daily"], book["Evaluation"]
    assert [daily[f"{c}4"].number_format for c in "ACDE"] == [
        "yyyy-mm-dd",
        "#,##0",
        "#,##0",
        "0.0%",
    ]
    assert [evaluation[f"{c}4"].number_format for c in "BCD"] == ["#,##0", "#,##0", "0.0%"]
    goals_target = book["Campaign"]["E5"]
    assert goals_target.value == 300000 and goals_target.number_format == "#,##0"
    texts = printed["example-en"][1]
    assert "300,000" in texts[footer_sheets(texts).index("Evaluation")]


def test_looks_headers_fit_their_longest_word(printed: dict[str, tuple[Path, list[str]]]) -> None:
    texts = printed["example-en"][1]
    assert not [t for t in texts if "Achievemen\n" in t or re.search(r"Achievemen\s", t)]


def test_looks_instructions_mark_inputs_and_protection_keeps_them_open(
    printed: dict[str, tuple[Path, list[str]]],
) -> None:
    book = openpyxl.load_workbook(printed["example-en"][0])
    assert "How to use" in book.sheetnames
    tasks = book["Tasks"]
    assert tasks.protection.sheet and not tasks.protection.password
    assert tasks["A4"].protection.locked is False and tasks["K4"].protection.locked is True
    fills = [
        r.dxf.fill.bgColor.rgb
        for cf in tasks.conditional_formatting
        for r in cf.rules
        if r.dxf is not None and r.dxf.fill is not None and r.formula == ["TRUE"]
    ]
    assert any(str(f).endswith("FFFDE7") for f in fills)  # input cells marked


def test_looks_portfolio_report_in_words_with_merged_metrics(
    printed: dict[str, tuple[Path, list[str]]],
) -> None:
    book = openpyxl.load_workbook(printed["portfolio"][0])
    overview = book["Overview"]
    header = [c.value for c in overview[4] if c.value]
    assert header[:5] == ["Campaign", "Owner", "Start", "End", "Health"]
    assert "Sales achieved" in header and "sales achieved" not in header
    assert overview.max_row == 4 + 12
    assert overview.conditional_formatting  # lights on health
    # Each "achieved" rate wears its metric's light (pace mid-campaign), as the summary's.
    metrics = list(book["Metrics"].iter_rows(values_only=True))
    columns = list(metrics[0])
    light = {
        (m[columns.index("campaign_key")], m[columns.index("metric_key")]): m[
            columns.index("light")
        ]
        for m in metrics[1:]
    }
    sales = header.index("Sales achieved")
    keys = [c.value for c in book["Campaigns"]["A"][1:]]
    fills = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE"}
    seen = set()
    for r, key in enumerate(keys, start=5):
        cell = overview.cell(r, sales + 1)
        want = str(light.get((key, "sales")))
        if cell.value is not None and want in fills:
            assert str(cell.fill.fgColor.rgb).endswith(fills[want]), (key, want, cell.fill)
            seen.add(want)
    assert seen, "no achieved rate carried a light"
    campaigns = [c.value for c in book["Campaigns"][1]]
    assert len({str(c).casefold() for c in campaigns}) == len(campaigns)
    assert campaigns[0] == "campaign_key"  # keys stay in the data sheets


@pytest.mark.parametrize("case", ["no-campaign", "one", "no-daily"])
def test_looks_batch_writes_a_portfolio_whatever_the_data(tmp_path: Path, case: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    if case == "no-campaign":
        (folder / "bad.xlsx").write_bytes(b"PK\x03\x04 truncated")
    elif case == "one":
        generate_workbook(folder / "a.xlsx", example=True)
    else:
        generate_workbook(folder / "a.xlsx", example=True, data={"daily": []})
        generate_workbook(folder / "b.xlsx", data={"evaluation": []})
    out = tmp_path / "portfolio.xlsx"
    # Without daily figures there is an achievement only once table 5 is final.
    as_of = "2024-07-01" if case == "no-daily" else "2024-06-15"
    result = CliRunner().invoke(
        cli, ["batch", str(folder), "--as-of", as_of, "--jobs", "1", "-o", str(out)]
    )
    assert result.exit_code in (0, 1, 3) and out.exists(), result.output
    assert "data series" not in result.output
    series = chart_series(out)
    assert all(series.values())  # a chart without data is left out, never empty
    notes = [
        c.value
        for row in openpyxl.load_workbook(out)["Charts"].iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("No ")
    ]
    expected = {"no-campaign": 2, "one": 0, "no-daily": 1}[case]
    assert len(series) == 3 - expected and len(notes) == expected


def test_looks_a_long_table_repeats_its_header_and_ends_at_its_data(
    printed: dict[str, tuple[Path, list[str]]],
) -> None:
    path, texts = printed["long-list"]
    tasks = [t for t, sheet in zip(texts, footer_sheets(texts), strict=True) if sheet == "Tasks"]
    assert len(tasks) >= 2
    assert all("Delay reason" in t for t in tasks)  # the header on every page
    assert "T070" in tasks[-1]
    ws = openpyxl.load_workbook(path)["Tasks"]
    assert ws.print_area is not None and ws.print_area.endswith("$73")  # header row 3 + 70
