"""Re-render the README and docs pictures with LibreOffice: Dashboards, summary, portfolio.

Run from the repository root (needs `soffice` and `pdftoppm`):

    .venv/bin/python samples/render_pictures.py

Writes docs/example-en.png and docs/example-zh.png (the example's Dashboard),
docs/summary-en.png (the achievement summary sheet), docs/portfolio-en.png
(the portfolio's Overview) and docs/portfolio-charts.png (its first chart page),
all pinned to the example's as-of date so they change only when the looks do.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from xltrack.analyze import analyze_workbook
from xltrack.portfolio import analyze_many
from xltrack.portfolio_sheet import write_portfolio
from xltrack.summary_sheet import write_summary
from xltrack.weekly import build_weekly_report
from xltrack.weekly_sheet import write_report
from xltrack.writer import generate_workbook

AS_OF = dt.date(2024, 6, 15)
ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
RESOLUTION = 80
_PROFILE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry"'
    ' xmlns:xs="http://www.w3.org/2001/XMLSchema"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
    "</oor:items>\n"
)
CAMPAIGNS = (
    "Summer launch",
    "Back to school",
    "Singles' Day",
    "New Year gala",
    "Spring refresh",
    "Member week",
    "Brand film",
    "City pop-up",
    "KOL wave",
    "Clearance",
    "618 festival",
    "Autumn tea",
)


def portfolio_folder(folder: Path) -> Path:
    """Twelve campaigns in the example's shape, results drawn with a fixed seed."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(3)
    for i, name in enumerate(CAMPAIGNS):
        metric = ("Sales", "sales", "SALES ")[i % 3]  # one metric, three spellings
        evaluation = [
            {"metric": metric, "target": 300000, "actual": round(300000 * rng.uniform(0.6, 1.3))},
            {"metric": "New members", "target": 3000, "actual": rng.randint(1500, 3600)},
        ]
        daily = [
            {
                "date": dt.date(2024, 6, 10 + k),
                "metric": metric,
                "target": 50000,
                "actual": round(50000 * rng.uniform(0.6, 1.2)),
            }
            for k in range(4)
        ]
        generate_workbook(
            folder / f"c{i:02d}.xlsx",
            example=True,
            name=name,
            owner=f"Owner {i + 1}",
            budget=100000 * (i + 1),
            force=True,
            data={"evaluation": evaluation, "daily": daily},
        )
    return folder


def to_pdf(paths: list[Path], outdir: Path) -> list[Path]:
    """LibreOffice's print of each workbook (recalculated on load)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("soffice is not installed")
    profile = outdir / "profile" / "user"
    profile.mkdir(parents=True, exist_ok=True)
    (profile / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.parent.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, paths),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return [outdir / f"{p.stem}.pdf" for p in paths]


def page_with(pdf: Path, text: str) -> int:
    """The first page of a PDF whose text holds `text` (pdftotext, one page at a time)."""
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    lines = pages.stdout.splitlines()
    count = int(next(line.split()[-1] for line in lines if line.startswith("Pages:")))
    for page in range(1, count + 1):
        out = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        )
        if text in out.stdout:
            return page
    sys.exit(f"{pdf.name}: no page shows {text!r}")


def picture(pdf: Path, page: int, target: Path) -> None:
    """One page of a PDF as a PNG."""
    stem = target.with_suffix("")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(RESOLUTION),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
        timeout=120,
    )
    print(f"wrote {target.relative_to(ROOT)}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        en = generate_workbook(work / "example-en.xlsx", example=True, as_of=AS_OF)
        zh = generate_workbook(work / "example-zh.xlsx", lang="zh", example=True, as_of=AS_OF)
        summary = write_summary(en, analyze_workbook(en, AS_OF), out=work / "summary-en.xlsx")
        portfolio = write_portfolio(
            analyze_many([portfolio_folder(work / "campaigns")], as_of=AS_OF, jobs=1),
            work / "portfolio-en.xlsx",
        )
        analysis = analyze_workbook(zh, AS_OF)
        weekly = write_report(
            zh,
            build_weekly_report(analysis.frames, analysis.findings, AS_OF),
            out=work / "weekly-zh.xlsx",
            lang="zh",
        )
        pdfs = to_pdf([en, zh, summary, portfolio, weekly], work / "pdf")
        picture(pdfs[0], 1, DOCS / "example-en.png")
        picture(pdfs[1], 1, DOCS / "example-zh.png")
        picture(pdfs[2], 2, DOCS / "summary-en.png")  # the sheet right after the Dashboard
        picture(pdfs[3], 1, DOCS / "portfolio-en.png")
        picture(pdfs[3], 2, DOCS / "portfolio-charts.png")
        picture(pdfs[4], page_with(pdfs[4], "本周关键成果"), DOCS / "weekly-zh.png")


if __name__ == "__main__":
    main()
