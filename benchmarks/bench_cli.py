"""How fast the command line answers help and usage errors, against `import click` in the same run.

Target (issue 14): `xltrack --help` within 3x the time of `python -c "import click"`
(the floor of any click program). Interleaved rounds, median, as ratios.

    python benchmarks/bench_cli.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    xltrack = str(Path(sys.executable).with_name("xltrack"))
    cases = {
        "import click": [sys.executable, "-c", "import click"],
        "xltrack --help": [xltrack, "--help"],
        "xltrack check (usage error)": [xltrack, "check"],
        "import xltrack": [sys.executable, "-c", "import xltrack"],
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, cmd in cases.items():
            times[name].append(_time(cmd))
    base = statistics.median(times["import click"])
    print("| command | median s | vs import click |\n|---|---|---|")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"| {name} | {median:.3f} | {median / base:.2f}x |")


if __name__ == "__main__":
    main()
