"""Routes: orbc against Hypatia's satgenpy dynamic-state generation, on the same network.

    python bench/routes_vs_satgenpy.py [--planes 72 --per-plane 22] [--steps 10]

One Starlink-size shell (+grid, 550 km, 53°) and ground stations, at `--steps`
snapshots a minute apart. orbc computes every route between the stations
(`routes` target: positions, links, Dijkstra, paths). satgenpy, given the same
satellites (orbc's TLEs in satgenpy's `tles.txt`), the same +grid (`isls.txt`,
orbc's links, Walker seam included),
the same stations, and a ground-link range equal to the slant range at the
stations' minimum elevation, computes its forwarding state
(`help_dynamic_state`, algorithm_free_one_only_over_isls); the route for each
station pair is read back by following satgenpy's next hops and measured with
satgenpy's own distance functions. Prints both times, the ratio, and the RTT
agreement over the routes both find.

satgenpy decides ground links by distance and orbc by elevation: at the edge of
a station's view the two can differ by a satellite, which shows in the
agreement figures (reported, not hidden).
"""

from __future__ import annotations

import argparse
import itertools
import math
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from orbc.compiler.columns import expand
from orbc.compiler.pipeline import compile_spec
from orbc.compiler.topology import grid_pairs
from orbc.constants import SPEED_OF_LIGHT
from orbc.network import run as network
from orbc.physics.links import slant_range_m
from orbc.targets.routes import routes_table
from orbc.targets.tle import Tle

STATIONS = [("london", 51.51, -0.13), ("new-york", 40.71, -74.01), ("tokyo", 35.68, 139.69),
            ("sydney", -33.87, 151.21), ("sao-paulo", -23.55, -46.63),
            ("johannesburg", -26.20, 28.05), ("singapore", 1.35, 103.82),
            ("los-angeles", 34.05, -118.24)]
MIN_ELEVATION_DEG = 25.0
ALTITUDE_M = 550e3


def spec_text(planes: int, per_plane: int, steps: int) -> str:
    stations = "\n".join(f'ground_station "{n}" {{ location = ({lat} deg, {lon} deg, 0 m); '
                         f"min_elevation = {MIN_ELEVATION_DEG} deg }}"
                         for n, lat, lon in STATIONS)
    routes = "\n".join(f'route "{a}--{b}" {{ from = "{a}"; to = "{b}" }}'
                       for i, (a, _, _) in enumerate(STATIONS) for b, _, _ in STATIONS[i + 1:])
    return f"""constellation "bench" {{ epoch = 2027-03-21T00:00:00Z; mission_life = 5 yr }}
hardware "bus" {{
  laser_terminal {{ count = 4; power = 2 W; aperture = 8 cm; wavelength = 1550 nm
                   rate = 100 Gbps; sensitivity = -38 dBm }}
  radio "ka" {{ power = 20 W; antenna_gain = 36 dBi; frequency = 19 GHz; bandwidth = 500 MHz }}
}}
link_policy "grid" {{ topology = plus_grid; max_range = 5000 km; min_grazing_altitude = 0 km }}
shell "shell1" {{
  altitude = {ALTITUDE_M / 1e3:g} km
  inclination = 53 deg
  walker_delta {{ planes = {planes}; per_plane = {per_plane}; phasing = 1 }}
  hardware = "bus"
  isl = "grid"
}}
{stations}
network {{ step = 60 s; horizon = {steps} min }}
{routes}
"""


def satgen_inputs(model, folder: Path, planes: int, per_plane: int) -> None:
    """satgenpy's input folder for the model's one shell, written here from orbc's TLEs."""
    from satgen.ground_stations import extend_ground_stations
    from satgen.interfaces import generate_simple_gsl_interfaces_info
    from sgp4.exporter import compute_checksum

    folder.mkdir(parents=True)
    tle = b"".join(b"".join(c) for _, c in Tle().emit(model)).decode().splitlines()
    with open(folder / "tles.txt", "w") as out:
        out.write(f"{planes} {per_plane}\n")
        for i in range(0, len(tle), 3):  # satgenpy wants "name id" titles, ids 0 … N−1
            # pyephem (satgenpy's propagator) cannot fly e = 0: 1e-7 moves a satellite < 1 m
            two = tle[i + 2][:26] + "0000001" + tle[i + 2][33:68]
            two += str(compute_checksum(two))
            out.write(f"Starlink-550 {i // 3}\n{tle[i + 1]}\n{two}\n")
    # The same +grid as orbc's: satgenpy's own generator joins the last plane to the first
    # without the Walker phase shift, which is a different seam.
    shell = model.shells["shell1"]
    pairs = sorted((int(a), int(b)) for _, xs, ys in grid_pairs(
        shell, expand(shell), model.link_policies["grid"]) for a, b in zip(xs, ys))
    (folder / "isls.txt").write_text("".join(f"{a} {b}\n" for a, b in pairs))
    (folder / "ground_stations_basic.txt").write_text("".join(
        f"{gid},{name},{lat},{lon},0\n" for gid, (name, lat, lon) in enumerate(STATIONS)))
    extend_ground_stations(str(folder / "ground_stations_basic.txt"),
                           str(folder / "ground_stations.txt"))
    generate_simple_gsl_interfaces_info(str(folder / "gsl_interfaces_info.txt"),
                                        planes * per_plane, len(STATIONS), 1, 1, 1, 1)


def satgen_rtts(work: Path, steps: int, satellites: int, max_gsl_m: float) -> dict:
    """(step, src gid, dst gid) -> RTT ms, by satgenpy's forwarding state and distances."""
    from astropy import units as astropy_units
    from satgen.distance_tools import (
        distance_m_between_satellites,
        distance_m_ground_station_to_satellite,
    )
    from satgen.dynamic_state.helper_dynamic_state import help_dynamic_state
    from satgen.ground_stations import read_ground_stations_extended
    from satgen.tles import read_tles

    start = time.perf_counter()
    help_dynamic_state(str(work), 1, "satgen", 60_000, steps * 60, max_gsl_m, 5_000_000,
                       "algorithm_free_one_only_over_isls", True)
    elapsed = time.perf_counter() - start
    tles = read_tles(str(work / "satgen" / "tles.txt"))
    stations = read_ground_stations_extended(str(work / "satgen" / "ground_stations.txt"))
    state = work / "satgen" / f"dynamic_state_60000ms_for_{steps * 60}s"
    hops: dict = {}
    rtts = {}
    for step in range(steps):
        with open(state / f"fstate_{step * 60_000_000_000}.txt") as lines:
            for line in lines:  # incremental: entries that changed since the last step
                node, destination, next_hop, *_ = map(int, line.split(","))
                hops[(node, destination)] = next_hop
        when = str(tles["epoch"] + step * 60 * astropy_units.s)  # as satgenpy's analyses do
        for a in range(len(STATIONS)):
            for b in range(a + 1, len(STATIONS)):
                path, node = [satellites + a], satellites + a
                while node != satellites + b and len(path) < 10_000:
                    node = hops.get((node, satellites + b), -1)
                    if node < 0:
                        break
                    path.append(node)
                if node != satellites + b:
                    continue
                sats = [tles["satellites"][n] for n in path[1:-1]]
                length = (distance_m_ground_station_to_satellite(
                    stations[a], sats[0], str(tles["epoch"]), when)
                    + distance_m_ground_station_to_satellite(
                        stations[b], sats[-1], str(tles["epoch"]), when)
                    + sum(distance_m_between_satellites(s, t, str(tles["epoch"]), when)
                          for s, t in itertools.pairwise(sats)))
                rtts[(step, a, b)] = 2e3 * length / SPEED_OF_LIGHT
    return rtts, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--planes", type=int, default=72)
    parser.add_argument("--per-plane", type=int, default=22)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="orbc-routes-vs-satgen-"))
    try:
        spec = work / "bench.orb"
        spec.write_text(spec_text(args.planes, args.per_plane, args.steps))
        start = time.perf_counter()
        model = compile_spec(spec, feasibility=False).model
        table = routes_table(model)  # the whole network run and the rows of routes.csv
        orbc_s = time.perf_counter() - start
        network._runs.clear()
        satellites = args.planes * args.per_plane
        satgen_inputs(model, work / "satgen", args.planes, args.per_plane)
        max_gsl = float(slant_range_m(ALTITUDE_M, math.radians(MIN_ELEVATION_DEG)))
        theirs, satgen_s = satgen_rtts(work, args.steps, satellites, max_gsl)
        rows = table.to_pylist()
        index = {name: i for i, (name, _, _) in enumerate(STATIONS)}
        times = sorted({r["time"] for r in rows})
        differences = []
        for row in rows:
            if row["route"] is None:
                continue
            a, b = (index[n] for n in row["route"].split("--"))
            key = (times.index(row["time"]), a, b)
            if row["rtt_ms"] is not None and key in theirs:
                differences.append(abs(row["rtt_ms"] - theirs[key]))
        differences = np.array(differences)
        print(f"{satellites:,} satellites, {len(STATIONS)} stations, "
              f"{len(STATIONS) * (len(STATIONS) - 1) // 2} routes, {args.steps} snapshots")
        print(f"orbc routes (spec to rows): {orbc_s:.2f} s; satgenpy dynamic state: "
              f"{satgen_s:.2f} s; ratio {satgen_s / orbc_s:.0f}×")
        if len(differences):
            print(f"RTT agreement over {len(differences)} routes both find: median "
                  f"{np.median(differences):.4f} ms, p99 {np.percentile(differences, 99):.4f} "
                  f"ms, max {differences.max():.4f} ms; within 0.1 ms: "
                  f"{np.mean(differences <= 0.1):.1%}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
