"""Time orbc's contact windows against skyfield's `find_events` on the same satellites.

    python bench/contacts_vs_skyfield.py [SPEC] [--sample 10] [--satellites 100000] [--repeat 3]

Both sides propagate the same SGP4 element sets (the values orbc's OMM and TLE
carry, handed to the sgp4 package's `sgp4init`) over the spec's schedule horizon for every station. skyfield runs
`find_events` per (satellite, station) on the sample; orbc computes the sample
alone and then the whole constellation, and the ratio is per (satellite,
station) pair. The sample's windows are compared with skyfield's rises and sets,
so the ratio is printed with the accuracy it was measured at. With --satellites, a synthetic Walker shell of that many
satellites (550 km, 53°, 100 planes) is also run against the spec's stations,
and its antenna schedule timed. Nothing is recorded; the numbers are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import statistics
import time
import warnings
from pathlib import Path

import attrs
import numpy as np
from sgp4.api import WGS72, Satrec

from orbc.compiler.columns import expand
from orbc.compiler.pipeline import compile_spec
from orbc.compiler.schedule import schedule_antennas
from orbc.physics.contacts import Passes, find_passes
from orbc.physics.orbits import kozai_mean_motion_rad_min, walker_columns
from orbc.physics.propagation import sgp4_shell
from orbc.physics.sun import days_since_j2000
from orbc.targets import contacts
from orbc.targets.elements import shell_elements

REPO = Path(__file__).resolve().parents[1]
_J2000_MINUS_1949_DAYS = 2451545.0 - 2433281.5  # sgp4's epoch counts from 1949-12-31 0h


def _satrecs(model, sample: np.ndarray) -> list[Satrec]:
    """SGP4 satellites for the sampled element-set positions, initialised (`sgp4init`,
    WGS-72, improved mode) with the values the `omm-xml` and `tle` targets write:
    Kozai mean motion, e = 0, ω = 0, B* = 0. The catalog number plays no part in the
    propagation, and beyond 339,999 sgp4 cannot take it, so it is left at 0."""
    epoch_1949 = float(days_since_j2000(model.constellation.epoch)) + _J2000_MINUS_1949_DAYS
    satrecs = {}
    first = 0
    for elements in shell_elements(model):
        count = len(elements.names)
        kozai = elements.mean_motion_rev_per_day * 2.0 * math.pi / 1440.0
        for index in sample[(sample >= first) & (sample < first + count)]:
            row = index - first
            satrec = Satrec()
            satrec.sgp4init(WGS72, "i", 0, epoch_1949, 0.0, 0.0, 0.0, 0.0, 0.0,
                            math.radians(elements.inclination_deg),
                            math.radians(elements.mean_anomaly_deg[row]), kozai,
                            math.radians(elements.raan_deg[row]))
            satrecs[index] = satrec
        first += count
    return [satrecs[index] for index in sample]


def _skyfield(model, satrecs, repeat):
    from skyfield.api import EarthSatellite, Loader, wgs84
    from skyfield_data import get_skyfield_data_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        timescale = Loader(get_skyfield_data_path(), verbose=False).timescale(builtin=True)
    epoch = model.constellation.epoch.astype("datetime64[ms]").astype(dt.datetime)
    start = timescale.from_datetime(epoch.replace(tzinfo=dt.UTC))
    end = timescale.tt_jd(start.tt + model.schedule.horizon_s / 86400.0)
    stations = [(wgs84.latlon(math.degrees(s.latitude_rad), math.degrees(s.longitude_rad),
                              elevation_m=s.altitude_m), math.degrees(s.min_elevation_rad))
                for s in model.ground_stations.values()]
    satellites = [EarthSatellite.from_satrec(satrec, timescale) for satrec in satrecs]
    timings = []
    for _ in range(repeat):
        began = time.perf_counter()
        found = [[satellite.find_events(topos, start, end, altitude_degrees=minimum)
                  for topos, minimum in stations] for satellite in satellites]
        timings.append(time.perf_counter() - began)
    seconds = statistics.median(timings)
    events = {}  # (sample position, station) -> (rise times, set times), s after the epoch
    for k, per_station in enumerate(found):
        for station, (times, kinds) in enumerate(per_station):
            after = (times.tt - start.tt) * 86400.0
            events[k, station] = after[kinds == 0], after[kinds == 2]
    return seconds, events


def _agreement(events, passes, horizon_s):
    """Worst |AOS − rise| and |LOS − set| over the sample, s, and the (satellite, station)
    pairs where the counts differ. skyfield reports no rise for a pass already up at the
    start, nor a set for one still up at the end."""
    worst, differing = [0.0, 0.0], 0
    for (k, station), (rises, sets) in events.items():
        mine = (passes.satellite == k) & (passes.station == station)
        aos, los = passes.aos_s[mine], passes.los_s[mine]
        aos, los = aos[aos > 0], los[los < horizon_s]
        if len(aos) != len(rises) or len(los) != len(sets):
            differing += 1
            continue
        for column, (ours, theirs) in enumerate(((aos, rises), (los, sets))):
            if len(ours):
                worst[column] = max(worst[column], float(np.abs(ours - theirs).max()))
    return worst[0], worst[1], differing


def _ours(model, only=None):
    """(seconds, passes) for the whole model, or for the satellites `only`, numbered then
    by their position in `only`; the passes are kept for the sample only."""
    stations = contacts.model_stations(model)
    epoch_days = float(days_since_j2000(model.constellation.epoch))
    began, count, kept = time.perf_counter(), 0, []
    first = 0
    for name in sorted(model.shells):
        shell = model.shells[name]
        columns = expand(shell)
        kozai = float(kozai_mean_motion_rad_min(columns.semi_major_axis_m,
                                                columns.inclination_rad))
        sgp4 = sgp4_shell(kozai, columns.inclination_rad)
        raan, anomaly, per_plane = columns.raan_rad, columns.mean_anomaly_rad, shell.per_plane
        if only is not None:  # the sample alone: each satellite as a plane of its own
            mine = only[(only >= first) & (only < first + len(columns))] - first
            raan, anomaly, per_plane = raan[mine], anomaly[mine], 1
        if len(raan) and sgp4.is_near_earth:
            passes = find_passes(sgp4, raan, anomaly, per_plane, stations, epoch_days,
                                 model.schedule.horizon_s)
            count += len(passes)
            if only is not None:
                before = int(np.count_nonzero(only < first))
                kept.append(attrs.evolve(passes, satellite=passes.satellite + before))
        first += len(columns)
    seconds = time.perf_counter() - began
    return seconds, (Passes.concatenate(kept) if only is not None else count)


def _synthetic(model, satellites):
    planes = 100
    per_plane = max(1, satellites // planes)
    columns = walker_columns(planes, per_plane, 1, 0.0, 2 * math.pi)
    radius, inclination = 6378137.0 + 550e3, math.radians(53.0)
    sgp4 = sgp4_shell(float(kozai_mean_motion_rad_min(radius, inclination)), inclination)
    stations = contacts.model_stations(model)
    began = time.perf_counter()
    passes = find_passes(sgp4, columns.raan_rad, columns.mean_anomaly_rad, per_plane, stations,
                         float(days_since_j2000(model.constellation.epoch)),
                         model.schedule.horizon_s)
    found = time.perf_counter() - began
    antennas = [s.antennas for s in model.ground_stations.values()]
    began = time.perf_counter()
    result = schedule_antennas(passes.satellite, passes.station, passes.aos_s, passes.los_s,
                               antennas, model.schedule.min_pass_s,
                               model.schedule.handover_gap_s, model.schedule.policy)
    scheduled = time.perf_counter() - began
    return len(columns.plane), len(passes), found, len(result), scheduled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("spec", nargs="?", default=str(REPO / "examples" / "conformance.orb"))
    parser.add_argument("--sample", type=int, default=10)
    parser.add_argument("--satellites", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3,
                        help="timed runs of skyfield and of the whole constellation (median)")
    args = parser.parse_args()
    model = compile_spec(args.spec, feasibility=False).model
    satellites = sum(shell.planes * shell.per_plane for shell in model.shells.values())
    sample = np.sort(np.random.default_rng(1).choice(satellites, min(args.sample, satellites),
                                                     replace=False))
    stations = len(model.ground_stations)
    sky_s, events = _skyfield(model, _satrecs(model, sample), args.repeat)
    ours_sample_s, sample_passes = _ours(model, sample)
    runs = [_ours(model) for _ in range(args.repeat)]
    ours_all_s, ours_all = statistics.median(seconds for seconds, _ in runs), runs[0][1]
    pairs = len(sample) * stations
    rises = sum(len(r) for r, _ in events.values())
    print(f"sample: {len(sample)} satellites x {stations} stations, "
          f"{model.schedule.horizon_s / 3600:g} h")
    print(f"  skyfield find_events (median of {args.repeat})  {sky_s:8.3f} s  {rises:6d} rises  "
          f"{1e3 * sky_s / pairs:8.2f} ms/pair")
    print(f"  orbc (sample only)    {ours_sample_s:8.3f} s  {len(sample_passes):6d} passes "
          f"{1e3 * ours_sample_s / pairs:8.2f} ms/pair  x{sky_s / ours_sample_s:,.0f}")
    aos, los, differing = _agreement(events, sample_passes, model.schedule.horizon_s)
    print(f"  agreement on the sample: AOS within {aos:.3f} s, LOS within {los:.3f} s; "
          f"{differing} of {pairs} pairs with a different number of passes")
    all_pairs = satellites * stations
    print(f"  orbc (all {satellites:,}, median of {args.repeat})  {ours_all_s:8.3f} s  "
          f"{ours_all:6d} passes "
          f"{1e3 * ours_all_s / all_pairs:8.3f} ms/pair  "
          f"x{(sky_s / pairs) / (ours_all_s / all_pairs):,.0f} per pair")
    if args.satellites:
        total, passes, found, scheduled_count, scheduled = _synthetic(model, args.satellites)
        print(f"synthetic: {total:,} satellites (550 km, 53 deg, 100 planes) x {stations} "
              f"stations: {passes:,} passes in {found:.1f} s "
              f"({1e6 * found / passes:.1f} us/pass); schedule of {scheduled_count:,} "
              f"contacts in {scheduled:.1f} s")
        print(f"  skyfield at its sample rate would take ~{(sky_s / pairs) * total * stations:,.0f}"
              " s")


if __name__ == "__main__":
    main()
