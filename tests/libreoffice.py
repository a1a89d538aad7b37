"""LibreOffice headless as the judge: recalculate, convert and render workbooks."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="soffice is not installed")

_RECALC_PROFILE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry"'
    ' xmlns:xs="http://www.w3.org/2001/XMLSchema"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
    "</oor:items>\n"
)


def _profile(folder: Path) -> str:
    user = folder / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_RECALC_PROFILE, encoding="utf-8")
    return folder.resolve().as_uri()


def convert(paths: list[Path], outdir: Path, to: str = "xlsx", timeout: float = 240) -> list[Path]:
    """Open `paths` in LibreOffice (always recalculating) and save them as `to` in `outdir`.

    One soffice start for all files (each start costs about a second).
    """
    _run(paths, outdir, to, timeout)
    ext = to.split(":")[0]
    results = [outdir / (p.stem + "." + ext) for p in paths]
    missing = [r for r in results if not r.exists()]
    assert not missing, f"LibreOffice did not produce {missing}"
    return results


def shown(path: Path, outdir: Path, sheet: int) -> list[list[str]]:
    """One sheet's cells as LibreOffice displays them (formatted text); `sheet` from 1."""
    # CSV filter tokens: comma, '"', UTF-8, from line 1, ..., 9th "as shown", 12th the sheet.
    options = f"44,34,76,1,,0,false,true,true,false,false,{sheet}"
    _run([path], outdir, f"csv:Text - txt - csv (StarCalc):{options}", 240)
    written = list(outdir.glob(f"{path.stem}-*.csv"))  # named after the sheet
    assert len(written) == 1, f"LibreOffice wrote {written}"
    with written[0].open(encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def _run(paths: list[Path], outdir: Path, to: str, timeout: float) -> None:
    assert SOFFICE is not None
    outdir.mkdir(parents=True, exist_ok=True)
    profile = _profile(outdir.parent / f"lo-profile-{outdir.name}")
    cmd = [
        SOFFICE,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        to,
        "--outdir",
        str(outdir),
        *[str(p) for p in paths],
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)


def recalculate(paths: list[Path], outdir: Path) -> list[Path]:
    """LibreOffice's own recalculated copy of each workbook (read it with data_only=True)."""
    return convert(paths, outdir, "xlsx")


def render_png(path: Path, outdir: Path, resolution: int = 70) -> list[Path]:
    """Render a workbook to PNG pages (LibreOffice -> PDF -> pdftoppm)."""
    pdf = convert([path], outdir, "pdf")[0]
    prefix = outdir / path.stem
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), str(pdf), str(prefix)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return sorted(outdir.glob(path.stem + "*.png"))
