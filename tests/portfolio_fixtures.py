"""A folder of campaign workbooks for the batch tests: good ones, a broken one, noise."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xltrack.writer import generate_workbook

FORMULA_TEXT = '=HYPERLINK("http://example.com","click")'

GOOD = ("a-summer.xlsx", "b-spring.xlsx", "c-autumn.xlsx")
BROKEN = "broken.xlsx"
NESTED = "sub/d-nested.xlsx"


def make_campaign_folder(folder: Path) -> Path:
    """Write the batch fixture folder and return it.

    - three good workbooks (English and Chinese example, one with its own tasks,
      one of which is named like a formula);
    - `broken.xlsx`: a truncated zip;
    - `~$a-summer.xlsx`: an Excel lock file; `notes.txt`: not a workbook;
    - `sub/d-nested.xlsx`: only found with recursive.
    """
    folder.mkdir(parents=True, exist_ok=True)
    generate_workbook(folder / GOOD[0], example=True, force=True)
    generate_workbook(
        folder / GOOD[1], example=True, lang="zh", name="春季新品促销", owner="王经理", force=True
    )
    tasks = [
        {
            "task_id": f"T{i:03d}",
            "task_name": FORMULA_TEXT if i == 1 else f"Task {i}",
            "phase": "execution",
            "owner": "Lee" if i % 3 else None,
            "start_date": dt.date(2024, 6, i),
            "end_date": dt.date(2024, 6, i + 4),
            "status": ("done", "in_progress", "delayed", "not_started")[i % 4],
            "delay_reason": "vendor late" if i % 4 == 2 else None,
        }
        for i in range(1, 13)
    ]
    generate_workbook(
        folder / GOOD[2],
        example=True,
        name="Autumn push",
        owner="Chen",
        budget=120000,
        data={"tasks": tasks},
        rows=20,
        force=True,
    )
    (folder / BROKEN).write_bytes(b"PK\x03\x04" + b"\x00truncated" * 20)
    (folder / "~$a-summer.xlsx").write_bytes(b"\x00lock")
    (folder / "notes.txt").write_text("not a workbook", encoding="utf-8")
    (folder / "sub").mkdir(exist_ok=True)
    generate_workbook(folder / NESTED, example=True, name="Nested campaign", force=True)
    return folder
