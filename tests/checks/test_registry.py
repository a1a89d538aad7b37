"""The registry and the rules every check keeps: explicit, pure, no clock, no files."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import xltrack.checks as checks_pkg
from xltrack.checks import ALL_CHECKS, run_checks

CHECKS_DIR = Path(checks_pkg.__file__).parent


def test_registry_lists_every_check_function_once() -> None:
    defined = set()
    for path in CHECKS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined |= {
            n.name
            for n in tree.body
            if isinstance(n, ast.FunctionDef) and n.name.startswith("check_")
        }
    registered = [c.__name__ for c in ALL_CHECKS]
    assert sorted(registered) == sorted(defined)
    assert len(set(registered)) == len(registered)
    for check in ALL_CHECKS:
        assert list(inspect.signature(check).parameters) == ["stack", "as_of", "spec"]


def test_registry_checks_never_read_the_clock_or_open_files() -> None:
    banned_calls = {
        "today",
        "now",
        "utcnow",
        "open",
        "read_excel",
        "load_workbook",
        "read_workbook",
    }
    for path in CHECKS_DIR.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                assert name not in banned_calls, f"{path.name}:{node.lineno} calls {name}"


def test_registry_empty_campaign_has_no_findings(spec, as_of) -> None:
    from xltrack.frames import empty_campaign

    assert run_checks(empty_campaign(spec), as_of, spec) == []
