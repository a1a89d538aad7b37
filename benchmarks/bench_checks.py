"""Checks on a 10,000-task workbook, as a ratio of reading that workbook.

Target (issue 4): run_checks adds at most 25% to read_workbook's time. Both are
measured in the same run on the same file (median of several rounds), so the
figure is a ratio, not a time that depends on the machine.

    python benchmarks/bench_checks.py [--tasks 10000] [--rounds 5] [--out benchmarks/RESULTS-checks.md]
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

AS_OF = dt.date(2024, 6, 15)
STATUSES = ["已完成", "进行中", "未开始", "滞后"]
SEVERITIES = ["高", "中", "低"]
RESOLUTIONS = ["未处理", "处理中", "已解决"]


def build_workbook(path: Path, tasks: int) -> None:
    """A campaign in the source's layout with `tasks` tasks; many of them trip a check."""
    start = dt.date(2024, 6, 1)
    book = xlsxwriter.Workbook(str(path))
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    info = book.add_worksheet("活动信息")
    for r, (label, value) in enumerate([
        ("活动名称", "2024年夏季新品促销"), ("负责人", "*经理"), ("开始日期", start),
        ("结束日期", dt.date(2024, 6, 30)), ("预算总额", 500000),
    ]):
        info.write_string(r, 0, label)
        if isinstance(value, dt.date):
            info.write_datetime(r, 1, dt.datetime.combine(value, dt.time()), date)
        else:
            info.write(r, 1, value)
    sheet = book.add_worksheet("任务分解")
    for c, head in enumerate(["任务ID", "任务名称", "所属阶段", "负责人", "开始日期", "结束日期",
                              "交付物", "进度状态", "滞后原因"]):
        sheet.write_string(0, c, head)
    for i in range(tasks):
        r = i + 1
        first = start + dt.timedelta(days=i % 35 - 2)  # some before the campaign
        last = first + dt.timedelta(days=(i * 7) % 9 - 1)  # some end before they start
        sheet.write_string(r, 0, f"T{i:05d}" if i % 97 else f"T{i - 1:05d}")  # duplicates
        sheet.write_string(r, 1, f"任务 {i}")
        sheet.write_string(r, 2, ["预热期", "执行期", "收尾期"][i % 3])
        sheet.write_string(r, 3, "" if i % 13 == 0 else f"*员工{i % 40}")
        sheet.write_datetime(r, 4, dt.datetime.combine(first, dt.time()), date)
        sheet.write_datetime(r, 5, dt.datetime.combine(last, dt.time()), date)
        sheet.write_string(r, 6, "交付物")
        sheet.write_string(r, 7, STATUSES[i % 4])
        sheet.write_string(r, 8, "" if i % 8 == 3 else "原因")
    daily = book.add_worksheet("每日跟踪")
    for c, head in enumerate(["日期", "核心指标", "目标", "实际", "需协调资源"]):
        daily.write_string(0, c, head)
    for d in range(30):
        for m, metric in enumerate(["销售额", "新增会员", "社交曝光"]):
            r = d * 3 + m + 1
            daily.write_datetime(r, 0, dt.datetime.combine(start + dt.timedelta(days=d), dt.time()), date)
            daily.write_string(r, 1, metric)
            daily.write_number(r, 2, 100)
            daily.write_number(r, 3, 70 + (d * 7 + m * 11) % 45)
            daily.write_string(r, 4, "-")
    issues = book.add_worksheet("问题风险")
    for c, head in enumerate(["问题编号", "问题描述", "发现时间", "负责人", "严重程度", "解决进度"]):
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("RESULTS-checks.md"))
    args = parser.parse_args()
    spec = load_spec()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tasks.xlsx"
        build_workbook(path, args.tasks)
        read_workbook(path, spec=spec, as_of=AS_OF)  # warm caches (imports, spec, t2s table)
        read_s, frames = median_seconds(lambda: read_workbook(path, spec=spec, as_of=AS_OF), args.rounds)
    assert len(frames.tasks.data) == args.tasks, len(frames.tasks.data)
    check_s, findings = median_seconds(lambda: run_checks(frames, AS_OF, spec), args.rounds)
    per_check = []
    for check in ALL_CHECKS:
        seconds, _ = median_seconds(lambda c=check: c(frames, AS_OF, spec), args.rounds)
        per_check.append((check.__name__, seconds / read_s))
    ratio = check_s / read_s
    codes = Counter(f.code for f in findings)
    lines = [
        "# Checks vs read: benchmark results",
        "",
        (f"Generated by `python benchmarks/bench_checks.py --tasks {args.tasks} --rounds {args.rounds}`"
        f" (Python {platform.python_version()}, median of {args.rounds} rounds)."),
        "",
        (f"Workbook: {args.tasks:,} tasks, 90 daily rows, 300 issues, 3 evaluation rows;"
        f" {len(findings):,} findings."),
        "",
        "| measure | ratio to read_workbook |",
        "|---|---|",
        "| read_workbook | 1.00 |",
        f"| run_checks (all {len(ALL_CHECKS)} checks) | **{ratio:.3f}** |",
        "",
        f"Target: run_checks <= 0.25 x read time. Result: {'met' if ratio <= 0.25 else 'NOT met'}.",
        "",
        "Per check (ratio to read):",
        "",
        "| check | ratio |",
        "|---|---|",
        *[f"| `{name}` | {r:.4f} |" for name, r in per_check],
        "",
        "Findings by code:",
        "",
        "| code | count |",
        "|---|---|",
        *[f"| `{code}` | {n:,} |" for code, n in sorted(codes.items())],
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"read {read_s:.3f}s, checks {check_s:.3f}s, ratio {ratio:.3f} ({len(findings)} findings)")


if __name__ == "__main__":
    main()
