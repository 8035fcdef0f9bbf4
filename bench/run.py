"""Run the real `orbc` command on generated large specs; record wall time and peak memory.

    python bench/run.py [--satellites 1000000] [--repeat 3] [--record BENCHMARKS.md]

Each case runs `orbc` in a child process; wall time is measured around it. Peak
memory is reported twice: the largest process's maximum resident set size (from
`os.wait4`), and the whole process tree's (orbc and the worker processes it forks
for contact windows), as the peak of the summed proportional set sizes sampled
ten times a second. The median of the repeats is reported. With --record the
table replaces the block between the `bench:run` markers in BENCHMARKS.md, with
the machine it ran on.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import spec

BEGIN, END = "<!-- bench:run:begin -->", "<!-- bench:run:end -->"
ORBC = [sys.executable, "-m", "orbc"]

CASES = [  # (name, arguments after the spec path is substituted, budget in seconds)
    ("check", ["check", "{spec}", "--format", "concise"], 10),
    ("build flight-parquet + isl-csv",
     ["build", "{spec}", "-o", "{out}", "--target", "flight-parquet", "--target", "isl-csv"], 60),
    ("build contacts + schedule (24 h)",
     ["build", "{spec}", "-o", "{out}", "--target", "contacts", "--target", "schedule"], 120),
    ("build contacts-parquet + schedule (24 h)",
     ["build", "{spec}", "-o", "{out}", "--target", "contacts-parquet", "--target", "schedule"],
     120),
    ("report (HTML, sampled figures)", ["report", "{spec}", "-o", "{out}/report.html"], 60),
]


def measure(command: list[str]) -> tuple[float, float, float, int]:
    """(wall seconds, peak RSS of the largest process in MiB, peak memory of the whole
    process tree in MiB, exit code) of one run. The tree's memory is the sum of the
    proportional set sizes of the command and its worker processes (shared pages split
    among the processes sharing them), sampled ten times a second."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, done = [0.0], threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_pss_mib(child.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    child.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss / 1024.0, peak[0], child.returncode


def tree_pss_mib(root: int) -> float:
    """Proportional set size of process `root` and all its descendants, MiB (0 where
    /proc cannot tell)."""
    total_kib, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            total_kib += next(int(line.split()[1]) for line in rollup.splitlines()
                              if line.startswith("Pss:"))
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration, ValueError):
            continue
    return total_kib / 1024.0


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text()
                      .splitlines() if line.startswith("MemTotal")) / 1024 / 1024
    except (OSError, StopIteration):
        memory = float("nan")
    import numpy

    return (f"{cpu}, {os.cpu_count()} cores, {memory:.0f} GiB; Python "
            f"{platform.python_version()}, numpy {numpy.__version__}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--satellites", type=int, default=1_000_000)
    parser.add_argument("--shells", type=int, default=20)
    parser.add_argument("--stations", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--record", type=Path)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="orbc-bench-"))
    spec_path = work / "bench.orb"
    spec_path.write_text(spec(args.satellites, args.shells, args.stations))
    summary = (f"{args.satellites:,} satellites in {args.shells} Walker shells with plus-grid "
               f"ISLs, {args.stations} ground stations; median of {args.repeat} runs; "
               f"{machine()}.")
    header = ("| case | wall s (median) | peak MiB, largest process | peak MiB, all processes "
              "(PSS) | budget s | exit |")
    rows = [summary, "", header, "|---|---|---|---|---|---|"]
    for name, template, budget in CASES:
        runs = []
        for _ in range(args.repeat):
            out = work / "out"
            shutil.rmtree(out, ignore_errors=True)
            command = ORBC + [a.format(spec=spec_path, out=out) for a in template]
            runs.append(measure(command))
        wall = statistics.median(r[0] for r in runs)
        largest, tree = max(r[1] for r in runs), max(r[2] for r in runs)
        rows.append(f"| {name} | {wall:.1f} | {largest:,.0f} | {tree:,.0f} | {budget} | "
                    f"{runs[-1][3]} |")
        print(rows[-1], flush=True)
    shutil.rmtree(work, ignore_errors=True)
    table = "\n".join(rows)
    if args.record:
        text = args.record.read_text()
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        args.record.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}")


if __name__ == "__main__":
    main()
