"""Reading a workbook in a child process held to 1 GB of address space.

A far cell once made the engine ask for hundreds of GB and abort the process, so
these reads run apart, where an abort fails the test instead of the test run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

_SCRIPT = """
import datetime as dt, json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from xltrack.errors import UnrecognizedWorkbookError
from xltrack.reader import read_workbook
try:
    frames = read_workbook(sys.argv[1], as_of=dt.date(2024, 6, 15))
except UnrecognizedWorkbookError:
    print(json.dumps({"campaign": False}))
else:
    found = frames.load_findings
    far = [(f.location.sheet, f.location.column, f.location.row) for f in found
           if f.code == "cell-far-ignored"]
    print(json.dumps({"campaign": True, "tasks": list(frames.tasks.data["task_id"]),
                      "far": far, "codes": sorted({f.code for f in found})}))
"""


def read_under_1_gb(path: Path) -> dict[str, Any]:
    """What the reader found: `campaign`, and for a campaign `tasks` (IDs), `far` (the far
    cells left out, as [sheet, column, row]) and `codes` (of the load findings)."""
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "RUST_BACKTRACE": "0"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result
