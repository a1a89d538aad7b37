"""Shared fixtures: the built-in spec and a pinned as-of date."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # tests/libreoffice.py helper

from xltrack.spec import Spec, load_spec

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="session")
def spec() -> Spec:
    return load_spec()


@pytest.fixture
def as_of() -> dt.date:
    return dt.date(2024, 6, 15)
