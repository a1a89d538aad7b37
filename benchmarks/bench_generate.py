"""Benchmark: generate_workbook with 1,000 / 10,000 / 100,000 tasks vs plain XlsxWriter.

The baseline writes exactly the cells of the workbook xltrack generated (every
sheet: values, formulas with their cached values, number formats), read back
from that file before the clock starts, with plain XlsxWriter calls: the floor
set by XlsxWriter itself. xltrack's time includes everything it does (typing
the frame, derived values, layout, validations, conditional formats, tables,
the dashboard). Both run in this process, alternately, in this run; CPU time
of the process is used because the machine is shared. The figure that
matters is the ratio. Peak memory is measured in a fresh subprocess per case
(resident set sampled during the generation minus the resident set before
it, the input frame already built).

    python benchmarks/bench_generate.py            # all sizes
    python benchmarks/bench_generate.py --quick    # 1,000 and 10,000 only
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import xlsxwriter

from xltrack.writer import generate_workbook

AS_OF = dt.date(2024, 6, 15)
STATUSES = ["not_started", "in_progress", "done", "delayed"]
STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "delayed": "Delayed",
}
PHASES = ["warm_up", "execution", "wrap_up"]
PHASE_LABELS = {"warm_up": "Warm-up", "execution": "Execution", "wrap_up": "Wrap-up"}


def make_tasks(n: int) -> pd.DataFrame:
    """n synthetic tasks over a quarter (a fixed seed: every run writes the same cells)."""
    rng = np.random.default_rng(7)
    start = pd.Timestamp("2024-06-01") + pd.to_timedelta(rng.integers(0, 60, n), unit="D")
    end = start + pd.to_timedelta(rng.integers(0, 20, n), unit="D")
    status = np.array(STATUSES, dtype=object)[rng.integers(0, 4, n)]
    return pd.DataFrame(
        {
            "task_id": [f"T{i:06d}" for i in range(1, n + 1)],
            "task_name": [f"Task number {i} of the campaign" for i in range(1, n + 1)],
            "phase": np.array(PHASES, dtype=object)[rng.integers(0, 3, n)],
            "owner": np.array(["Li", "Wang", "Zhang", "Chen"], dtype=object)[rng.integers(0, 4, n)],
            "start_date": start,
            "end_date": end,
            "deliverable": [f"Deliverable {i}" for i in range(1, n + 1)],
            "status": status,
            "delay_reason": np.where(status == "delayed", "Supplier late", None),
        }
    )


def run_xltrack(df: pd.DataFrame, path: Path) -> None:
    generate_workbook(
        path,
        data={"tasks": df},
        rows=1,
        as_of=AS_OF,
        force=True,
        name="Benchmark",
        start=dt.date(2024, 6, 1),
        end=dt.date(2024, 8, 31),
    )


def baseline_cells(df: pd.DataFrame) -> list[list[tuple[str, Any, Any]]]:
    """The Tasks cells xltrack writes, as (method, value, cached) per column, per row."""
    epoch = pd.Timestamp("1899-12-30")
    start = ((df["start_date"] - epoch) / pd.Timedelta(days=1)).tolist()
    end = ((df["end_date"] - epoch) / pd.Timedelta(days=1)).tolist()
    as_of = (pd.Timestamp(AS_OF) - epoch) / pd.Timedelta(days=1)
    rows = []
    for i, rec in enumerate(df.itertuples(index=False)):
        r = i + 4
        done = rec.status == "done"
        late = "" if done else max(0, int(as_of - end[i]))
        overdue = "OVERDUE" if (not done and end[i] < as_of) else ""
        cells = [
            ("s", rec.task_id, None),
            ("s", rec.task_name, None),
            ("s", PHASE_LABELS[rec.phase], None),
            ("s", rec.owner, None),
            ("n", start[i], None),
            ("n", end[i], None),
            ("s", rec.deliverable, None),
            ("s", STATUS_LABELS[rec.status], None),
            ("s", rec.delay_reason, None)
            if isinstance(rec.delay_reason, str)
            else ("-", None, None),
            ("f", f'=IF(OR(E{r}="",F{r}=""),"",F{r}-E{r}+1)', int(end[i] - start[i] + 1)),
            ("f", f'=IF(OR(F{r}="",H{r}="Done"),"",MAX(0,AsOf-F{r}))', late),
            ("f", f'=IF(AND(F{r}<>"",H{r}<>"Done",F{r}<AsOf),"OVERDUE","")', overdue),
        ]
        rows.append(cells)
    return rows


def run_baseline(cells: list[list[tuple[str, Any, Any]]], path: Path, constant: bool) -> None:
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant, "strings_to_formulas": False})
    ws = wb.add_worksheet("Tasks")
    text = wb.add_format({"num_format": "@", "locked": False})
    date = wb.add_format({"num_format": "yyyy-mm-dd", "locked": False})
    count = wb.add_format({"num_format": "0"})
    wb.define_name("AsOf", "=Tasks!$Z$1")
    for i, row in enumerate(cells):
        r = i + 3
        for c, (kind, value, cached) in enumerate(row):
            if kind == "s":
                ws.write_string(r, c, value, text)
            elif kind == "n":
                ws.write_number(r, c, value, date)
            elif kind == "f":
                ws.write_formula(r, c, value, count, cached)
    wb.close()


Cells = list[tuple[str, list[tuple[int, int, str, Any, Any, str]]]]
_EPOCH = dt.datetime(1899, 12, 30)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return (value - _EPOCH).total_seconds() / 86400
    return "" if value is None else value


def workbook_cells(path: Path) -> Cells:
    """Every cell of a workbook: (row, col, kind, value, cached, number format), by sheet."""
    with warnings.catch_warnings():  # openpyxl cannot model the data-bar extension
        warnings.simplefilter("ignore", UserWarning)
        formulas = openpyxl.load_workbook(path, read_only=True)
        values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets: Cells = []
    for ws in formulas.worksheets:
        cells = []
        for frow, vrow in zip(ws.iter_rows(), values[ws.title].iter_rows(), strict=True):
            for f, v in zip(frow, vrow, strict=True):
                if f.value is None or not hasattr(f, "column"):
                    continue
                fmt = f.number_format or "General"
                if isinstance(f.value, str) and f.value.startswith("="):
                    cells.append((f.row - 1, f.column - 1, "f", f.value, _plain(v.value), fmt))
                elif isinstance(f.value, str):
                    cells.append((f.row - 1, f.column - 1, "s", f.value, None, fmt))
                else:
                    cells.append((f.row - 1, f.column - 1, "n", _plain(f.value), None, fmt))
        sheets.append((ws.title, cells))
    formulas.close()
    values.close()
    return sheets


def run_same_cells(sheets: Cells, path: Path, constant: bool) -> None:
    """Plain XlsxWriter writing the given cells (one format per number format)."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant, "strings_to_formulas": False})
    formats: dict[str, Any] = {}
    for title, cells in sheets:
        ws = wb.add_worksheet(title)
        for row, col, kind, value, cached, num_format in cells:
            fmt = formats.get(num_format)
            if fmt is None:
                fmt = formats[num_format] = wb.add_format({"num_format": num_format})
            if kind == "s":
                ws.write_string(row, col, value, fmt)
            elif kind == "n":
                ws.write_number(row, col, value, fmt)
            else:
                ws.write_formula(row, col, value, fmt, cached)
    wb.close()


def timed_pair(a: tuple[Any, ...], b: tuple[Any, ...], repeat: int) -> tuple[float, float]:
    """Best CPU seconds of a and of b, run alternately (the machine is shared: CPU time
    of this process is far steadier than wall time, and alternating spreads drift)."""
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for k, (fn, *args) in enumerate((a, b)):
            gc.collect()
            t0 = time.process_time()
            fn(*args)
            best[k] = min(best[k], time.process_time() - t0)
    return best[0], best[1]


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def child(kind: str, n: int) -> None:
    """Runs in a subprocess: print the peak RSS growth (MiB) during one generation.

    A thread samples the resident set every 2 ms (ru_maxrss alone would report
    an earlier peak, e.g. while the input frame was being built).
    """
    df = make_tasks(n)
    cells = baseline_cells(df) if kind.startswith("baseline") else None
    gc.collect()
    base = _rss_mib()
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], _rss_mib())
            stop.wait(0.002)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.xlsx"
        if kind == "xltrack":
            run_xltrack(df, out)
        else:
            assert cells is not None
            run_baseline(cells, out, constant=kind == "baseline-constant")
    stop.set()
    watcher.join()
    peak[0] = max(peak[0], _rss_mib())
    print(json.dumps({"peak_mib": peak[0] - base, "base_mib": base}))


def peak(kind: str, n: int) -> float:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(out.stdout.strip().splitlines()[-1])["peak_mib"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "N"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]))
        return
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    print("CPU seconds (best of several, alternating runs)\n")
    print(
        "| tasks | cells | xltrack s | XlsxWriter same cells s | ratio | "
        "XlsxWriter constant_memory s | ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n in sizes:
            repeat = 7 if n <= 1_000 else 5 if n <= 10_000 else 2
            df = make_tasks(n)
            run_xltrack(df, folder / "x.xlsx")
            cells = workbook_cells(folder / "x.xlsx")
            count = sum(len(c) for _, c in cells)
            mine, same = timed_pair(
                (run_xltrack, df, folder / "x.xlsx"),
                (run_same_cells, cells, folder / "b.xlsx", False),
                repeat,
            )
            _, flat = timed_pair(
                (lambda: None,), (run_same_cells, cells, folder / "c.xlsx", True), repeat
            )
            print(
                f"| {n:,} | {count:,} | {mine:.3f} | {same:.3f} | {mine / same:.2f} | "
                f"{flat:.3f} | {mine / flat:.2f} |",
                flush=True,
            )
            del cells
    n = sizes[-1]
    print(f"\nPeak memory growth for {n:,} tasks (max RSS in a fresh process):")
    # Baselines here write the Tasks cells only, from lists built before measuring.
    for kind in ("xltrack", "baseline-constant", "baseline-default"):
        print(f"- {kind}: {peak(kind, n):.1f} MiB", flush=True)


if __name__ == "__main__":
    main()
