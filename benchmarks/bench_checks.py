r"""Checks on a 10,000-task workbook, as a ratio of reading that workbook.

Target (issue 4): run_checks adds at most 25% to read_workbook's time. Both are
measured in the same run on the same file (median of several rounds), so the
figure is a ratio, not a time that depends on the machine.

    python benchmarks/bench_checks.py [--tasks 10000] [--rounds 5] \
        [--out benchmarks/RESULTS-checks.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xlsxwriter

from xltrack.checks import ALL_CHECKS, run_checks
from xltrack.reader import read_workbook
from xltrack.spec import load_spec
from xltrack.stack import Stack

AS_OF = dt.date(2024, 6, 15)
STATUSES = ["已完成", "进行中", "未开始", "滞后"]
SEVERITIES = ["高", "中", "低"]
RESOLUTIONS = ["未处理", "处理中", "已解决"]


def build_workbook(path: Path, tasks: int, messy: bool = True) -> None:
    """A campaign in the source's layout with `tasks` tasks.

    messy: nearly every task trips a check (about one finding per task, the worst
    case); otherwise one task in 50 does, the rest are done, in the window, owned.
    """
    start = dt.date(2024, 6, 1)
    book = xlsxwriter.Workbook(str(path))
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    info = book.add_worksheet("活动信息")
    for r, (label, value) in enumerate(
        [
            ("活动名称", "2024年夏季新品促销"),
            ("负责人", "*经理"),
            ("开始日期", start),
            ("结束日期", dt.date(2024, 6, 30)),
            ("预算总额", 500000),
        ]
    ):
        info.write_string(r, 0, label)
        if isinstance(value, dt.date):
            info.write_datetime(r, 1, dt.datetime.combine(value, dt.time()), date)
        else:
            info.write(r, 1, value)
    sheet = book.add_worksheet("任务分解")
    for c, head in enumerate(
        [
            "任务ID",
            "任务名称",
            "所属阶段",
            "负责人",
            "开始日期",
            "结束日期",
            "交付物",
            "进度状态",
            "滞后原因",
        ]
    ):
        sheet.write_string(0, c, head)
    for i in range(tasks):
        r = i + 1
        bad = messy or i % 50 == 0
        first = start + dt.timedelta(days=i % 35 - 2 if bad else i % 10)  # some before the campaign
        last = first + dt.timedelta(
            days=(i * 7) % 9 - 1 if bad else 3
        )  # some end before they start
        duplicate = bad and i % 97 == 0
        sheet.write_string(r, 0, f"T{i - 1:05d}" if duplicate else f"T{i:05d}")
        sheet.write_string(r, 1, f"任务 {i}")
        sheet.write_string(r, 2, ["预热期", "执行期", "收尾期"][i % 3])
        sheet.write_string(r, 3, "" if bad and i % 13 == 0 else f"*员工{i % 40}")
        sheet.write_datetime(r, 4, dt.datetime.combine(first, dt.time()), date)
        sheet.write_datetime(r, 5, dt.datetime.combine(last, dt.time()), date)
        sheet.write_string(r, 6, "交付物")
        sheet.write_string(r, 7, STATUSES[i % 4] if bad else "已完成")
        sheet.write_string(r, 8, "" if i % 8 == 3 else "原因")
    daily = book.add_worksheet("每日跟踪")
    for c, head in enumerate(["日期", "核心指标", "目标", "实际", "需协调资源"]):
        daily.write_string(0, c, head)
    for d in range(30):
        for m, metric in enumerate(["销售额", "新增会员", "社交曝光"]):
            r = d * 3 + m + 1
            daily.write_datetime(
                r, 0, dt.datetime.combine(start + dt.timedelta(days=d), dt.time()), date
            )
            daily.write_string(r, 1, metric)
            daily.write_number(r, 2, 100)
            daily.write_number(r, 3, 70 + (d * 7 + m * 11) % 45)
            daily.write_string(r, 4, "-")
    issues = book.add_worksheet("问题风险")
    for c, head in enumerate(
        ["问题编号", "问题描述", "发现时间", "负责人", "严重程度", "解决进度"]
    ):
        issues.write_string(0, c, head)
    for q in range(300):
        issues.write_string(q + 1, 0, f"Q{q:04d}")
        issues.write_string(q + 1, 1, "问题")
        found = start + dt.timedelta(days=q % 15)
        issues.write_datetime(q + 1, 2, dt.datetime.combine(found, dt.time()), date)
        issues.write_string(q + 1, 3, "" if q % 11 == 0 else "*运营")
        issues.write_string(q + 1, 4, SEVERITIES[q % 3])
        issues.write_string(q + 1, 5, RESOLUTIONS[q % 3])
    evaluation = book.add_worksheet("效果评估")
    for c, head in enumerate(["核心指标", "目标值", "实际值"]):
        evaluation.write_string(0, c, head)
    for r, (metric, target, actual) in enumerate(
        [("销售额", 300000, 350000), ("新增会员", 3000, 2800), ("社交曝光", 1000000, 1200000)], 1
    ):
        evaluation.write_string(r, 0, metric)
        evaluation.write_number(r, 1, target)
        evaluation.write_number(r, 2, actual)
    book.close()


def median_seconds(fn: Callable[[], Any], rounds: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(rounds):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def measure(path: Path, rounds: int) -> dict[str, Any]:
    """Read then check, alternately, `rounds` times; ratios per round so load changes cancel.

    Both wall-clock and process CPU time are kept: on a shared machine CPU time is the
    steadier of the two (other processes' load does not count), wall time is what users see.
    """
    spec = load_spec()
    frames = read_workbook(path, spec=spec, as_of=AS_OF)  # warm caches (imports, spec, t2s)
    findings = run_checks(frames, AS_OF, spec)
    reads, wall, cpu = [], [], []
    for _ in range(rounds):
        began, began_cpu = time.perf_counter(), time.process_time()
        frames = read_workbook(path, spec=spec, as_of=AS_OF)
        read_s, read_cpu = time.perf_counter() - began, time.process_time() - began_cpu
        began, began_cpu = time.perf_counter(), time.process_time()
        findings = run_checks(frames, AS_OF, spec)
        check_s, check_cpu = time.perf_counter() - began, time.process_time() - began_cpu
        reads.append(read_s)
        wall.append(check_s / read_s)
        cpu.append(check_cpu / read_cpu)
    read_s = statistics.median(reads)
    per_check = []
    stack = Stack.of(frames)
    for check in ALL_CHECKS:
        seconds, _ = median_seconds(lambda c=check: c(stack, AS_OF, spec), rounds)
        per_check.append((check.__name__, seconds / read_s))
    return {
        "frames": frames,
        "findings": findings,
        "read_s": read_s,
        "ratio": statistics.median(wall),
        "cpu_ratio": statistics.median(cpu),
        "per_check": per_check,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("RESULTS-checks.md"))
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, messy in (("typical", False), ("worst", True)):
            path = Path(tmp) / f"{name}.xlsx"
            build_workbook(path, args.tasks, messy=messy)
            results[name] = measure(path, args.rounds)
            assert len(results[name]["frames"].tasks.data) == args.tasks
    lines = [
        "# Checks vs read: benchmark results",
        "",
        (
            "Generated by `python benchmarks/bench_checks.py"
            f" --tasks {args.tasks} --rounds {args.rounds}`"
            f" (Python {platform.python_version()}). Read and checks alternate for {args.rounds}"
            " rounds; the figure is the median of the per-round ratios, so load on the machine"
            " cancels out."
        ),
        "",
        (
            f"Workbooks: {args.tasks:,} tasks, 90 daily rows, 300 issues, 3 evaluation rows."
            " *typical*: one task in 50 has a problem; *worst*: nearly every task trips a check."
        ),
        "",
        "| workbook | findings | checks / read (CPU) | checks / read (wall) | target <= 0.25 |",
        "|---|---|---|---|---|",
        *[
            f"| {name} | {len(r['findings']):,} | **{r['cpu_ratio']:.3f}** | {r['ratio']:.3f} |"
            f" {'met' if max(r['cpu_ratio'], r['ratio']) <= 0.25 else 'NOT met'} |"
            for name, r in results.items()
        ],
        "",
        "Per check, worst case (ratio to read):",
        "",
        "| check | ratio |",
        "|---|---|",
        *[f"| `{name}` | {r:.4f} |" for name, r in results["worst"]["per_check"]],
        "",
        "Findings by code, worst case:",
        "",
        "| code | count |",
        "|---|---|",
        *[
            f"| `{code}` | {n:,} |"
            for code, n in sorted(Counter(f.code for f in results["worst"]["findings"]).items())
        ],
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    for name, r in results.items():
        print(
            f"{name}: read {r['read_s']:.3f}s, checks/read cpu {r['cpu_ratio']:.3f}"
            f" wall {r['ratio']:.3f} ({len(r['findings'])} findings)"
        )


if __name__ == "__main__":
    main()
