"""Regenerate samples/example-en.xlsx and samples/example-zh.xlsx (as-of pinned to 2024-06-15).

Run from the repository root: `python samples/build_examples.py`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xltrack.writer import generate_workbook

AS_OF = dt.date(2024, 6, 15)
HERE = Path(__file__).resolve().parent


def main() -> None:
    for lang in ("en", "zh"):
        path = generate_workbook(
            HERE / f"example-{lang}.xlsx", lang=lang, example=True, as_of=AS_OF, force=True
        )
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
