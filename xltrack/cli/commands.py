"""Imports every command module so that each registers itself on the `cli` group."""

from __future__ import annotations

# One line per command module (xltrack/cli/<command>.py).
from xltrack.cli import (
    batch,  # noqa: F401
    check,  # noqa: F401
    new,  # noqa: F401
    report,  # noqa: F401
    summarize,  # noqa: F401
)
