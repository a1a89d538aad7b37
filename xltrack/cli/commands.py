"""Imports every command module so that each registers itself on the `cli` group."""

from __future__ import annotations

# One line per command module (xltrack/cli/<command>.py).
from xltrack.cli import check  # noqa: F401
from xltrack.cli import new  # noqa: F401
from xltrack.cli import batch  # noqa: F401
from xltrack.cli import summarize  # noqa: F401
