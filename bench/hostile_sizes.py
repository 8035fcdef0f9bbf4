"""Time whole `orbc` commands on hostile sizes (issue 15): inputs that are small to write
but ask for much work, where a product of limits once made orbc crawl or die.

    python bench/hostile_sizes.py [--timeout 120] [--only shells-20000 ...] [--keep DIR]

Cases:
  shells-20000        20,000 one-satellite shells (`check`)
  antennas-1          1 station with 1 antenna (`build --target schedule`): the reference
  antennas-10000      the same spec, 1 station with 10,000 antennas
  stations-10x10000   the same spec, 10 stations with 10,000 antennas each
  stations-1000-366d  1,000 stations, a 10-satellite shell, a 366-day horizon
                      (`build --target contacts`)
  expression-4mb      one expression `1 + 1 + …` of 4 MB (`check`)
  imports-700         a chain of 700 files, each importing the next (`check`)

Each case runs in a child process with a time limit (its process group is killed
when the limit passes, so the benchmark never hangs) and an address-space limit;
wall time, CPU time and the peak RSS of the largest process (`os.wait4`) and the
peak PSS of the process tree are measured as in bench/run.py. CPU time is the
fairer figure on a shared machine. The table is printed as Markdown; the lead
records it.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import HARDWARE
from run import ORBC, machine, tree_pss_mib

HEAD = 'constellation "hostile" {\n  epoch = 2027-03-21T00:00:00Z\n  mission_life = 5 yr\n}\n'
SCHEDULE = "schedule {{\n  horizon = {horizon}\n  min_pass = 60 s\n  handover_gap = 10 s\n}}\n"


def shell(name: str, altitude_km: float, inclination: str, planes: int, per_plane: int) -> str:
    return (f'shell "{name}" {{\n  altitude = {altitude_km:g} km\n  inclination = {inclination}\n'
            f"  walker_delta {{ planes = {planes}; per_plane = {per_plane}; "
            f"phasing = {1 if planes > 1 else 0} }}\n"
            f'  hardware = "dc-node"\n}}\n')


def station(name: str, latitude: float, longitude: float, antennas: int) -> str:
    return (f'ground_station "{name}" {{\n  location = ({latitude:.4f} deg, {longitude:.4f} deg,'
            f" 0 m)\n  min_elevation = 25 deg\n  antennas = {antennas}\n"
            f"  radio {{ g_over_t = 16 dB/K }}\n}}\n")


def spread_stations(count: int, antennas: int) -> list[str]:
    """`count` stations on a Fibonacci lattice (evenly over the sphere, deterministic)."""
    golden = math.pi * (3 - math.sqrt(5))
    found = []
    for k in range(count):
        latitude = math.degrees(math.asin(1 - 2 * (k + 0.5) / count))
        longitude = (math.degrees(golden * k) + 180) % 360 - 180
        found.append(station(f"gs-{k:04d}", latitude, longitude, antennas))
    return found


def one_satellite_shells(count: int) -> str:
    """`count` shells of one satellite each, spread over altitude and inclination."""
    parts = [HEAD, HARDWARE, station("redmond", 47.67, -122.12, 4)]
    for k in range(count):
        parts.append(shell(f"s{k:05d}", 500 + (k % 1500), f"{k % 180} deg", 1, 1))
    return "\n".join(parts)


def many_antennas(stations: int, antennas: int) -> str:
    """A 1,584-satellite Walker shell over `stations` stations of `antennas` each, 24 h."""
    parts = [HEAD, HARDWARE, shell("main", 550, "53 deg", 36, 44)]
    parts += spread_stations(stations, antennas)
    parts.append(SCHEDULE.format(horizon="24 h"))
    return "\n".join(parts)


def many_stations_long_horizon(stations: int) -> str:
    parts = [HEAD, HARDWARE, shell("small", 550, "53 deg", 2, 5)]
    parts += spread_stations(stations, 1)
    parts.append(SCHEDULE.format(horizon="366 d"))
    return "\n".join(parts)


def long_expression(size_bytes: int) -> str:
    terms = size_bytes // 4
    return HEAD.replace("mission_life = 5 yr",
                        "mission_life = (" + "1 + " * terms + "1) * 1 s")


def import_chain(folder: Path, files: int) -> Path:
    """`files` files, each importing the next; the last holds a small valid spec."""
    for k in range(files - 1):
        (folder / f"part{k:04d}.orb").write_text(f'import "part{k + 1:04d}.orb"\n')
    (folder / f"part{files - 1:04d}.orb").write_text(
        HEAD + HARDWARE + shell("main", 550, "53 deg", 4, 4))
    return folder / "part0000.orb"


def cases(work: Path) -> list[tuple[str, list[str]]]:
    """(name, orbc arguments) of every case, writing the specs into `work`."""
    def write(name: str, text: str) -> str:
        path = work / f"{name}.orb"
        path.write_text(text)
        return str(path)

    out = str(work / "out")
    chain = work / "chain"
    chain.mkdir(exist_ok=True)
    schedule = ["--target", "schedule", "-o", out]
    return [
        ("shells-20000", ["check", write("shells", one_satellite_shells(20_000))]),
        ("antennas-1", ["build", write("antennas-1", many_antennas(1, 1))] + schedule),
        ("antennas-10000", ["build", write("antennas-10000", many_antennas(1, 10_000))]
         + schedule),
        ("stations-10x10000", ["build", write("stations-10", many_antennas(10, 10_000))]
         + schedule),
        ("stations-1000-366d", ["build", write("stations-1000", many_stations_long_horizon(1000)),
                                "--target", "contacts", "-o", out]),
        ("expression-4mb", ["check", write("expression", long_expression(4 << 20))]),
        ("imports-700", ["check", str(import_chain(chain, 700))]),
    ]


def measure(command: list[str], timeout_s: float,
            memory_bytes: int) -> tuple[float, float, float, float, str]:
    """(wall s, CPU s, peak RSS of the largest process MiB, peak PSS of the tree MiB,
    outcome) of one run; the outcome is the exit code, or `timeout` when the time limit
    killed it. The command's address space is capped at `memory_bytes` (RLIMIT_AS), so
    that a case asking for tens of GiB fails alone instead of starving the machine."""
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    start = time.perf_counter()
    # No other thread runs while the child is forked (the watchers start after), so
    # preexec_fn is safe here.
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             start_new_session=True, preexec_fn=cap)  # noqa: PLW1509
    peak, done = [0.0], threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_pss_mib(child.pid))

    def kill() -> None:
        if not done.wait(timeout_s):
            timed_out.set()
            os.killpg(child.pid, signal.SIGKILL)

    timed_out = threading.Event()
    watchers = [threading.Thread(target=sample, daemon=True),
                threading.Thread(target=kill, daemon=True)]
    for watcher in watchers:
        watcher.start()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    for watcher in watchers:
        watcher.join()
    if timed_out.is_set():
        try:  # workers the killed command forked are in its process group
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        outcome = "timeout"
    else:
        outcome = str(os.waitstatus_to_exitcode(status))
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024.0, peak[0], outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per case")
    parser.add_argument("--only", nargs="*", help="run only these cases")
    parser.add_argument("--keep", type=Path, help="write the specs here and keep them")
    parser.add_argument("--memory", type=float, default=8.0,
                        help="address-space limit per case, GiB")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="orbc-hostile-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"{machine()}; limits per case: {args.timeout:g} s, {args.memory:g} GiB of address "
          "space.\n")
    print("| case | command | wall s | CPU s | peak MiB, largest process | peak MiB, all (PSS) "
          "| exit |")
    print("|---|---|---|---|---|---|---|")
    for name, arguments in cases(work):
        if args.only and name not in args.only:
            continue
        shutil.rmtree(work / "out", ignore_errors=True)
        wall, cpu, largest, tree, outcome = measure(ORBC + arguments, args.timeout,
                                                    int(args.memory * 2**30))
        shown = f"> {args.timeout:g}" if outcome == "timeout" else f"{wall:.1f}"
        command = " ".join(a for a in arguments[:1] + arguments[2:]
                           if a != "-o" and not a.startswith(str(work)))
        print(f"| {name} | {command} | {shown} | {cpu:.1f} | {largest:,.0f} | {tree:,.0f} "
              f"| {outcome} |", flush=True)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
