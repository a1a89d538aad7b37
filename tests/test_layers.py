"""The import rule of STYLE.md 3.2: imports only point down the layers."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "xltrack"

# Layer of each module (by dotted name below xltrack); a module may import only
# from its own layer or lower ones. Unlisted new modules must be placed here.
LAYERS: dict[str, int] = {
    "errors": 1,
    "refusals": 1,
    "excel": 1,
    "atomic": 1,
    "escaping": 1,
    "xmlnames": 1,
    "codes": 1,
    "findings": 1,
    "messages": 1,
    "spec": 1,
    "labels": 1,
    "cells": 1,
    "dates": 1,
    "evaluate": 1,
    "derive": 2,
    "pace": 2,
    "styles": 2,
    "writer": 2,
    "dashboard": 2,
    "layout": 2,
    "grid": 2,
    "content": 2,
    "tables": 2,
    "instructions": 2,
    "kpi": 1,
    "board": 2,
    "chartdata": 2,
    "gantt": 2,
    "source": 2,
    "biff": 2,
    "archive": 2,
    "extent": 2,
    "reader": 2,
    "locate": 2,
    "frames": 2,
    "formulas": 2,
    "records": 2,
    "stack": 2,
    "checks": 3,
    "money": 3,
    "metric_figures": 3,
    "summary": 4,
    "weekly": 4,
    "summary_sheet": 4,
    "inject": 4,
    "transcribe": 4,
    "marker": 4,
    "stylesheet": 4,
    "package": 4,
    "sheetparts": 4,
    "analyze": 5,
    "portfolio": 5,
    "portfolio_sheet": 5,
    "portfolio_report": 5,
    "discover": 5,
    "executors": 5,
    "portfolio_tables": 5,
    "export": 5,
    "render": 5,
    "weekly_render": 5,
    "weekly_sheet": 5,
    "cli": 6,
}
WRITER_SIDE = {
    "styles",
    "writer",
    "dashboard",
    "layout",
    "grid",
    "content",
    "tables",
    "instructions",
    "board",
    "chartdata",
    "gantt",
}
READER_SIDE = {
    "source",
    "biff",
    "archive",
    "extent",
    "reader",
    "locate",
    "formulas",
    "records",
    "stack",
}
THIRD_PARTY_BANNED_BELOW_2 = {
    "pandas",
    "numpy",
    "openpyxl",
    "xlsxwriter",
    "python_calamine",
    "click",
}


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        parts = rel.parts
        if parts[-1] in ("__init__", "__main__") and len(parts) == 1:
            continue
        found.append((parts[0], path))
    return found


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            if node.module == "xltrack":
                names += [f"xltrack.{a.name}" for a in node.names]
    return names


@pytest.mark.parametrize(("top", "path"), _modules(), ids=lambda v: str(v))
def test_layers_imports_point_down(top: str, path: Path) -> None:
    assert top in LAYERS, f"place new module {top} in tests/test_layers.py LAYERS"
    mine = LAYERS[top]
    for name in _imports(path):
        root = name.split(".")[0]
        if root == "click":
            assert top == "cli", f"{path.name} imports click; only xltrack.cli may"
        if mine == 1:
            assert root not in THIRD_PARTY_BANNED_BELOW_2, f"{path.name} (layer 1) imports {root}"
        if root != "xltrack" or name == "xltrack":
            continue
        other = name.split(".")[1]
        if other == top:
            continue
        assert other in LAYERS, f"{path.name} imports unknown xltrack module {other}"
        assert LAYERS[other] <= mine, (
            f"{path.name} (layer {mine}) imports {name} (layer {LAYERS[other]})"
        )
        if top in WRITER_SIDE:
            assert other not in READER_SIDE, f"the writer side must not import {name}"
        if top in READER_SIDE:
            assert other not in WRITER_SIDE, f"the reader side must not import {name}"


def test_layers_import_xltrack_does_not_import_click() -> None:
    code = "import sys, xltrack; print('click' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_layers_import_xltrack_is_light_and_every_public_name_resolves() -> None:
    code = (
        "import sys, xltrack; light = not {'pandas', 'openpyxl', 'xlsxwriter'} & set(sys.modules); "
        "[getattr(xltrack, n) for n in xltrack.__all__]; print(light, 'pandas' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]


def test_layers_cli_help_loads_no_heavy_module() -> None:
    # Help and usage errors answer at once: engines, pandas, YAML and process pools load
    # only when a command runs (benchmarks/bench_cli.py measures the time).
    heavy = [
        "pandas",
        "numpy",
        "openpyxl",
        "xlsxwriter",
        "python_calamine",
        "yaml",
        "multiprocessing",
        "concurrent.futures",
    ]
    code = f"import sys, xltrack.cli; print(sorted(set({heavy!r}) & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_layers_batch_executor_choices_are_the_executors() -> None:
    from xltrack.cli import cli
    from xltrack.executors import EXECUTORS

    option = next(p for p in cli.commands["batch"].params if p.name == "executor")
    assert tuple(option.type.choices) == EXECUTORS  # type: ignore[attr-defined]  # a click.Choice


def test_layers_list_only_modules_that_exist() -> None:
    # A module that is gone must leave LAYERS too, so the list stays the package's map.
    present = {top for top, _ in _modules()}
    assert set(LAYERS) <= present, f"stale LAYERS entries: {sorted(set(LAYERS) - present)}"
    assert present >= (WRITER_SIDE | READER_SIDE)
