"""The whole contacts build against skyfield's `find_events`, end to end, in one run.

    python bench/contacts_end_to_end.py [--satellites 1000000] [--shells 20] [--stations 10]
        [--sample 40] [--repeat 3] [--spec SPEC] [--no-windows]

What a user waits for is the whole `orbc build SPEC --target contacts-parquet --target
schedule`: process start to exit, artifacts written. This runs exactly that command in a
child process (`bench/run.py`'s `measure`: wall time, the largest process's peak RSS and the
peak summed PSS of the process tree), and in the same run skyfield's `find_events` on a
sample of the same satellites × every station (`bench/contacts_vs_skyfield.py`). Both are
put per satellite-station-day, and the ratio printed twice so that the two are never
confused:

- windows only: orbc's pass finding for every satellite, in this process, no output;
- end to end: the whole build process, over the satellites with a radio.

The sample's AOS/LOS are read back from the `contacts.parquet` the build wrote and
compared with skyfield's rises and sets. The spec is `bench/generate.py`'s unless --spec
is given. Nothing is recorded; the numbers are printed.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from contacts_vs_skyfield import _agreement, _ours, _satrecs, _skyfield
from generate import spec
from run import ORBC, machine, measure

from orbc.compiler.columns import shell_satellite_names
from orbc.compiler.pipeline import compile_spec
from orbc.physics.contacts import Passes
from orbc.targets.contacts import radio_shells

TARGETS = ["--target", "contacts-parquet", "--target", "schedule"]


def artifact_passes(path: Path, model, names: np.ndarray) -> Passes:
    """The rows of `contacts.parquet` for the satellites `names`, numbered by their position
    in `names`, stations by name order, times in seconds after the epoch."""
    table = pq.read_table(path, columns=["satellite", "station", "aos", "los"],
                          filters=pc.field("satellite").isin(list(names)))
    satellite = np.asarray(table["satellite"].cast("string").to_numpy(zero_copy_only=False))
    station = np.asarray(table["station"].cast("string").to_numpy(zero_copy_only=False))
    epoch_ms = model.constellation.epoch.astype("datetime64[ms]").astype(np.int64)

    def seconds(column):
        return (table[column].cast("int64").to_numpy() - epoch_ms) / 1e3

    position = {name: k for k, name in enumerate(names)}
    stations = {name: k for k, name in enumerate(model.ground_stations)}
    none = np.zeros(len(table))
    return Passes(np.array([position[n] for n in satellite], dtype=np.int64),
                  np.array([stations[n] for n in station], dtype=np.int64),
                  seconds("aos"), seconds("los"), none, none)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--satellites", type=int, default=1_000_000)
    parser.add_argument("--shells", type=int, default=20)
    parser.add_argument("--stations", type=int, default=10)
    parser.add_argument("--spec", type=Path, help="an existing spec instead of a generated one")
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-windows", action="store_true",
                        help="skip the windows-only timing (orbc's pass finding in process)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="orbc-e2e-"))
    spec_path = args.spec or work / "bench.orb"
    if not args.spec:
        spec_path.write_text(spec(args.satellites, args.shells, args.stations))
    model = compile_spec(spec_path, feasibility=False).model
    shells = sorted(model.shells)
    names = np.concatenate([shell_satellite_names(model.shells[s]) for s in shells])
    with_radio = set(radio_shells(model))
    radio = np.repeat([s in with_radio for s in shells],
                      [model.shells[s].satellites for s in shells]).astype(bool)
    stations, days = len(model.ground_stations), model.schedule.horizon_s / 86400.0
    sample = np.sort(np.random.default_rng(1).choice(
        np.flatnonzero(radio), min(args.sample, int(radio.sum())), replace=False))
    print(f"{spec_path}: {len(names):,} satellites ({int(radio.sum()):,} with a radio) x "
          f"{stations} stations x {days:g} d; {machine()}", flush=True)

    sky_s, events = _skyfield(model, _satrecs(model, sample), args.repeat)
    sky_rate = sky_s / (len(sample) * stations * days)
    print(f"skyfield find_events, {len(sample)} x {stations} (median of {args.repeat}): "
          f"{sky_s:.2f} s, {1e3 * sky_rate:.3f} ms per satellite-station-day", flush=True)
    station_days = int(radio.sum()) * stations * days

    if not args.no_windows:
        runs = [_ours(model) for _ in range(args.repeat)]
        windows_s = statistics.median(seconds for seconds, _ in runs)
        rate = windows_s / station_days
        print(f"windows only (find_passes in process, median of {args.repeat}): "
              f"{windows_s:.1f} s for {runs[0][1]:,} passes, {1e6 * rate:.3f} us per "
              f"satellite-station-day: x{sky_rate / rate:,.0f} skyfield", flush=True)

    out = work / "out"
    command = ORBC + ["build", str(spec_path), "-o", str(out), *TARGETS]
    builds = []
    for _ in range(args.repeat):
        shutil.rmtree(out, ignore_errors=True)
        builds.append(measure(command))
        if builds[-1][3] != 0:
            sys.exit(f"{' '.join(command)} exited with {builds[-1][3]}")
    wall = statistics.median(r[0] for r in builds)
    largest, tree = max(r[1] for r in builds), max(r[2] for r in builds)
    contacts, schedule = out / "contacts" / "contacts.parquet", out / "contacts" / "schedule.csv"
    rows = pq.ParquetFile(contacts).metadata.num_rows
    rate = wall / station_days
    print(f"end to end (`orbc build --target contacts-parquet --target schedule`, median of "
          f"{args.repeat}, walls {', '.join(f'{r[0]:.1f}' for r in builds)} s): {wall:.1f} s, "
          f"peak {largest:,.0f} MiB largest process, {tree:,.0f} MiB all processes (PSS); "
          f"{rows:,} contact rows ({contacts.stat().st_size / 2**20:,.0f} MiB), schedule.csv "
          f"{schedule.stat().st_size / 2**20:,.0f} MiB; {1e6 * rate:.3f} us per "
          f"satellite-station-day: x{sky_rate / rate:,.0f} skyfield", flush=True)

    aos, los, differing = _agreement(events, artifact_passes(contacts, model, names[sample]),
                                     model.schedule.horizon_s)
    print(f"agreement of contacts.parquet with skyfield on the sample: AOS within {aos:.3f} s, "
          f"LOS within {los:.3f} s; {differing} of {len(sample) * stations} pairs with a "
          f"different number of passes")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
