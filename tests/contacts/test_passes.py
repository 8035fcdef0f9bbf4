"""Contact windows against skyfield and SGP4 on the satellites orbc's own OMM describes.

skyfield's `find_events` is independent code (its own TEME → ITRS, WGS-84 topos,
root finding) around the same SGP4; the requirement is AOS/LOS within 5 s and the
maximum elevation within 0.2°; the code aims at 1 s and does far better (docs/contacts.md).
"""

from __future__ import annotations

import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec, SatrecArray
from skyfield.api import EarthSatellite, wgs84

from orbc.physics.sun import days_since_j2000
from orbc.physics.visibility import geodetic_up, gmst_rad, sin_elevation, station_ecef_m
from orbc.targets.contacts import Contacts, Schedule, contact_plan
from orbc.targets.tle import Tle

SAMPLE = 10  # satellites drawn from the conformance sample
EDGE_TOLERANCE_S = 1.0
ELEVATION_TOLERANCE_DEG = 0.2


def _topos(station):
    return wgs84.latlon(math.degrees(station.latitude_rad), math.degrees(station.longitude_rad),
                        elevation_m=station.altitude_m)


def _compare_with_skyfield(model, plan, satrecs, timescale, specs, satellites):
    """For each (satellite, station): our windows vs skyfield's events. Returns the worst
    AOS, LOS and maximum-elevation differences and the number of passes compared."""
    horizon = model.schedule.horizon_s
    start, end = specs.time(timescale, model, 0.0), specs.time(timescale, model, horizon)
    worst, compared = np.zeros(3), 0
    for index in satellites:
        name = plan.satellite_names[index]
        satellite = EarthSatellite.from_satrec(satrecs[name], timescale)
        for s, station_name in enumerate(plan.station_names):
            station = model.ground_stations[station_name]
            topos = _topos(station)
            times, events = satellite.find_events(
                topos, start, end, altitude_degrees=math.degrees(station.min_elevation_rad))
            seconds = (times.tt - start.tt) * 86400.0
            ours = plan.passes.take((plan.passes.satellite == index) & (plan.passes.station == s))
            rises, sets = seconds[events == 0], seconds[events == 2]
            # skyfield reports no rise for a pass already up at the start, no set at the end.
            assert len(rises) == np.count_nonzero(ours.aos_s > 0), (name, station_name)
            assert len(sets) == np.count_nonzero(ours.los_s < horizon), (name, station_name)
            if len(rises):
                worst[0] = max(worst[0], np.abs(ours.aos_s[ours.aos_s > 0] - rises).max())
            if len(sets):
                worst[1] = max(worst[1], np.abs(ours.los_s[ours.los_s < horizon] - sets).max())
            culminations = seconds[events == 1]
            if len(culminations):
                altitude = (satellite - topos).at(times[events == 1]).altaz()[0].degrees
                # match each culmination to the window that holds it
                holder = np.searchsorted(ours.aos_s, culminations, side="right") - 1
                assert np.all(ours.los_s[holder] >= culminations)
                worst[2] = max(worst[2], np.abs(
                    np.degrees(ours.max_elevation_rad[holder]) - altitude).max())
            compared += len(ours)
    return worst, compared


def test_conformance_sample_agrees_with_skyfield(conformance_model, omm_satrecs, timescale,
                                                 specs):
    plan = contact_plan(conformance_model)
    satrecs = omm_satrecs(conformance_model)
    rng = np.random.default_rng(20270321)
    sample = rng.choice(len(plan.satellite_names), SAMPLE, replace=False)
    worst, compared = _compare_with_skyfield(conformance_model, plan, satrecs, timescale,
                                             specs, sample)
    assert compared >= 30
    assert worst[0] < EDGE_TOLERANCE_S and worst[1] < EDGE_TOLERANCE_S
    assert worst[2] < ELEVATION_TOLERANCE_DEG


def test_edges_sit_on_the_minimum_elevation(conformance_model, omm_satrecs, timescale, specs):
    """skyfield's elevation at our AOS/LOS equals the station's minimum to ≲ 0.01 s of
    motion: the edges are refined, not sampled."""
    plan = contact_plan(conformance_model)
    satrecs = omm_satrecs(conformance_model)
    horizon = conformance_model.schedule.horizon_s
    p = plan.passes
    inner = np.nonzero((p.aos_s > 0) & (p.los_s < horizon))[0][::97][:40]
    for row in inner:
        satellite = EarthSatellite.from_satrec(satrecs[plan.satellite_names[p.satellite[row]]],
                                               timescale)
        station = conformance_model.ground_stations[plan.station_names[p.station[row]]]
        edges = np.array([p.aos_s[row], p.los_s[row]])
        altitude = (satellite - _topos(station)).at(
            specs.time(timescale, conformance_model, edges)).altaz()[0].degrees
        # about 0.05°/s near the horizon at 550 km: 0.01° is ~0.2 s (UT1 − UTC is most of it)
        assert altitude == pytest.approx([math.degrees(station.min_elevation_rad)] * 2,
                                         abs=0.01)


def test_no_pass_is_missed(conformance_model, omm_satrecs, timescale, specs):
    """Dense sampling (10 s) with skyfield: every sample above the minimum elevation lies in
    one of our windows, every sample inside a window is above it."""
    plan = contact_plan(conformance_model)
    satrecs = omm_satrecs(conformance_model)
    seconds = np.arange(0.0, conformance_model.schedule.horizon_s, 10.0)
    times = specs.time(timescale, conformance_model, seconds)
    for index in np.random.default_rng(7).choice(len(plan.satellite_names), 4, replace=False):
        satellite = EarthSatellite.from_satrec(satrecs[plan.satellite_names[index]], timescale)
        for s, station_name in enumerate(plan.station_names):
            station = conformance_model.ground_stations[station_name]
            altitude = (satellite - _topos(station)).at(times).altaz()[0].degrees
            ours = plan.passes.take((plan.passes.satellite == index) & (plan.passes.station == s))
            inside = ((seconds[:, None] >= ours.aos_s) & (seconds[:, None] <= ours.los_s)).any(1)
            above = altitude > math.degrees(station.min_elevation_rad)
            # one second of slack at each edge for skyfield's UT1
            margin = np.abs(altitude - math.degrees(station.min_elevation_rad)) > 0.1
            assert np.array_equal(inside[margin], above[margin])


def test_passes_straddling_the_horizon_are_clipped(conformance_model, omm_satrecs, timescale,
                                                   specs):
    plan = contact_plan(conformance_model)
    satrecs = omm_satrecs(conformance_model)
    horizon = conformance_model.schedule.horizon_s
    p = plan.passes
    at_start, at_end = np.nonzero(p.aos_s == 0)[0], np.nonzero(p.los_s == horizon)[0]
    assert len(at_start) and len(at_end)
    for rows, instant in ((at_start, 0.0), (at_end, horizon)):
        for row in rows[:5]:
            satellite = EarthSatellite.from_satrec(
                satrecs[plan.satellite_names[p.satellite[row]]], timescale)
            station = conformance_model.ground_stations[plan.station_names[p.station[row]]]
            altitude = (satellite - _topos(station)).at(
                specs.time(timescale, conformance_model, instant)).altaz()[0].degrees
            assert altitude > math.degrees(station.min_elevation_rad)
            assert p.aos_s[row] <= p.tca_s[row] <= p.los_s[row]
    assert np.all((p.aos_s >= 0) & (p.los_s <= horizon) & (p.aos_s < p.los_s))


def test_station_at_the_pole(compile_text, specs, omm_satrecs, timescale):
    """A polar station sees a sun-synchronous shell on nearly every orbit; the u_s of its
    projection is constant there, a degenerate case for the plane screening."""
    model = compile_text(specs.text(specs.shell("polar", 650, "sun_synchronous", 3, 8),
                                    specs.station("pole", 90, 0) + specs.station("south", -90, 0)))
    plan = contact_plan(model)
    assert len(plan.passes) > 3 * 8 * 2 * 10  # ≈ 15 orbits a day, seen from both poles
    assert not Contacts().check(model)
    worst, _ = _compare_with_skyfield(model, plan, omm_satrecs(model), timescale, specs,
                                      [0, 9, 23])
    assert worst[0] < EDGE_TOLERANCE_S and worst[1] < EDGE_TOLERANCE_S
    assert worst[2] < ELEVATION_TOLERANCE_DEG


def test_station_no_satellite_reaches(compile_text, specs):
    model = compile_text(specs.text(specs.shell("low", 550, "53 deg", 4, 6),
                                    specs.station("mid", 40, 10)
                                    + specs.station("pole", 89, 0)))
    codes = [(d.code, d.severity) for d in Contacts().check(model)]
    assert codes == [("station-never-in-view", "warning")]
    assert "'pole'" in Contacts().check(model)[0].message
    plan = contact_plan(model)
    assert set(plan.passes.station.tolist()) == {0}  # stations in name order: mid, pole
    never = [d for d in Schedule().check(model) if d.code == "satellites-never-served"]
    assert all("of 24 satellites" in d.message for d in never)


def test_deep_space_shell_is_left_out_with_a_warning(compile_text, specs):
    model = compile_text(specs.text(specs.shell("meo", 23222, "56 deg", 3, 2)
                                    + specs.shell("leo", 550, "53 deg", 2, 3),
                                    specs.station("mid", 40, 10)))
    found = Contacts().check(model)
    assert [d.code for d in found] == ["contacts-deep-space"]
    plan = contact_plan(model)
    assert plan.deep_space_shells == ["meo"]
    assert plan.satellite_names[plan.passes.satellite].tolist()  # LEO passes are there
    assert all(name.startswith("leo") for name in plan.satellite_names[plan.passes.satellite])


def _assert_matches_dense_sgp4(model, satrecs, step_s=20.0):
    """Every satellite × every station, sampled every `step_s` with the C++ SGP4
    (`SatrecArray`) from the OMM: no pass missed, none invented."""
    plan = contact_plan(model)
    seconds = np.arange(0.0, model.schedule.horizon_s, step_s)
    array = SatrecArray([satrecs[name] for name in plan.satellite_names])
    first = satrecs[plan.satellite_names[0]]
    error, teme_km, _ = array.sgp4(np.full(seconds.shape, first.jdsatepoch),
                                   first.jdsatepochF + seconds / 86400.0)
    assert not error.any()
    theta = gmst_rad(days_since_j2000(model.constellation.epoch) + seconds / 86400.0)
    x = np.cos(theta) * teme_km[..., 0] + np.sin(theta) * teme_km[..., 1]
    y = -np.sin(theta) * teme_km[..., 0] + np.cos(theta) * teme_km[..., 1]
    fixed = np.stack([x, y, teme_km[..., 2]], axis=-1) * 1e3  # (satellites, times, 3)
    p = plan.passes
    for s, name in enumerate(plan.station_names):
        station = model.ground_stations[name]
        site = station_ecef_m(station.latitude_rad, station.longitude_rad, station.altitude_m)
        up = geodetic_up(station.latitude_rad, station.longitude_rad)
        elevation = np.degrees(np.arcsin(sin_elevation(fixed, site, up)))
        minimum = math.degrees(station.min_elevation_rad)
        inside = np.zeros(elevation.shape, dtype=bool)
        mine = p.station == s
        first_sample = np.ceil(p.aos_s[mine] / step_s).astype(int)
        last_sample = np.minimum(np.floor(p.los_s[mine] / step_s).astype(int), len(seconds) - 1)
        for offset in range(int((last_sample - first_sample).max(initial=0)) + 1):
            sample = first_sample + offset
            ok = sample <= last_sample
            inside[p.satellite[mine][ok], sample[ok]] = True
        clear = np.abs(elevation - minimum) > 0.01  # ≈ 0.2 s from an edge
        assert np.array_equal(inside[clear], (elevation > minimum)[clear]), name


def _assert_edges_within(model, satrecs, tolerance_s=0.01):
    """By the C++ SGP4, every AOS and LOS inside the horizon is within `tolerance_s` of the
    crossing of the station's minimum elevation: below it `tolerance_s` before an AOS and
    after a LOS, above it `tolerance_s` inside the window."""
    plan = contact_plan(model)
    p = plan.passes
    inner = (p.aos_s > 0) & (p.los_s < model.schedule.horizon_s)
    offsets = np.array([-tolerance_s, tolerance_s])
    for s, station_name in enumerate(plan.station_names):
        station = model.ground_stations[station_name]
        site = station_ecef_m(station.latitude_rad, station.longitude_rad, station.altitude_m)
        up = geodetic_up(station.latitude_rad, station.longitude_rad)
        for row in np.nonzero(inner & (p.station == s))[0]:
            satrec = satrecs[plan.satellite_names[p.satellite[row]]]
            seconds = np.concatenate([p.aos_s[row] + offsets, p.los_s[row] + offsets])
            error, teme_km, _ = satrec.sgp4_array(np.full(4, satrec.jdsatepoch),
                                                  satrec.jdsatepochF + seconds / 86400.0)
            assert not error.any()
            theta = gmst_rad(days_since_j2000(model.constellation.epoch) + seconds / 86400.0)
            fixed = np.stack([np.cos(theta) * teme_km[:, 0] + np.sin(theta) * teme_km[:, 1],
                              -np.sin(theta) * teme_km[:, 0] + np.cos(theta) * teme_km[:, 1],
                              teme_km[:, 2]], axis=-1) * 1e3
            above = sin_elevation(fixed, site, up) > math.sin(station.min_elevation_rad)
            assert above.tolist() == [False, True, True, False], (row, seconds)


def test_every_conformance_satellite_against_dense_sgp4(conformance_model, omm_satrecs):
    _assert_matches_dense_sgp4(conformance_model, omm_satrecs(conformance_model))


def test_every_conformance_edge_within_10_ms(conformance_model, omm_satrecs):
    _assert_edges_within(conformance_model, omm_satrecs(conformance_model))


@pytest.mark.parametrize("altitude_km, inclination, latitude_deg, min_elevation_deg", [
    (350, "97.2 deg", 78.0, 0),  # low, polar, a high-latitude station at the horizon
    (1200, "30 deg", 0.0, 10),  # high, low inclination, equatorial station
    (550, "53 deg", 52.0, 60),  # a steep mask: few, short passes
    (2000, "89 deg", -33.9, 5),
    (700, "140 deg", 35.0, 15),  # retrograde
    (500, "0 deg", 1.0, 10),  # equatorial orbit
])
def test_synthetic_shells(compile_text, specs, omm_satrecs, timescale, altitude_km, inclination,
                          latitude_deg, min_elevation_deg):
    """Shells and masks unlike the conformance sample: dense SGP4 and skyfield agree."""
    model = compile_text(specs.text(
        specs.shell("s", altitude_km, inclination, 4, 5),
        specs.station("a", latitude_deg, 17.0, min_elevation_deg)
        + specs.station("b", -latitude_deg / 2, -120.0, min_elevation_deg)))
    plan = contact_plan(model)
    assert len(plan.passes) > 0
    satrecs = omm_satrecs(model)
    _assert_matches_dense_sgp4(model, satrecs, step_s=10.0)
    _assert_edges_within(model, satrecs)
    worst, _ = _compare_with_skyfield(model, plan, satrecs, timescale, specs, [0, 7, 13, 19])
    assert worst[0] < EDGE_TOLERANCE_S and worst[1] < EDGE_TOLERANCE_S
    assert worst[2] < ELEVATION_TOLERANCE_DEG


def test_tle_rounding_keeps_the_edges(conformance_model, timescale, specs):
    """The TLE rounds angles to 1e-4° and the mean motion to 1e-8 rev/day (≈ 12 m): flown
    from the `tle` artifact, SGP4 still finds the same edges to well under a second."""
    lines = b"".join(b"".join(c) for _, c in Tle().emit(conformance_model)).decode().splitlines()
    satrecs = {lines[k].strip(): Satrec.twoline2rv(lines[k + 1], lines[k + 2])
               for k in range(0, len(lines), 3)}
    plan = contact_plan(conformance_model)
    worst, compared = _compare_with_skyfield(conformance_model, plan, satrecs, timescale, specs,
                                             [3, 250, 600])
    assert compared > 0
    assert worst[0] < EDGE_TOLERANCE_S and worst[1] < EDGE_TOLERANCE_S
    assert worst[2] < ELEVATION_TOLERANCE_DEG


def _walker_passes(planes, per_plane, chunk_planes=None):
    """find_passes on a 550 km, 53° Walker shell over three stations, 12 h."""
    from orbc.physics.contacts import Stations, find_passes
    from orbc.physics.orbits import kozai_mean_motion_rad_min, walker_columns
    from orbc.physics.propagation import sgp4_shell

    columns = walker_columns(planes, per_plane, 1, 0.0, 2 * math.pi)
    radius, inclination = 6378137.0 + 550e3, math.radians(53.0)
    shell = sgp4_shell(float(kozai_mean_motion_rad_min(radius, inclination)), inclination)
    stations = Stations(np.radians([47.7, -33.9, 5.2]), np.radians([-122.1, 18.4, -52.8]),
                        np.array([30.0, 0.0, 10.0]), np.radians([25.0, 10.0, 40.0]))
    return find_passes(shell, columns.raan_rad, columns.mean_anomaly_rad, per_plane, stations,
                       9940.0, 43200.0, chunk_planes=chunk_planes)


def test_worker_processes_find_the_same_passes(monkeypatch):
    """Chunks of planes in forked worker processes give exactly what one process gives."""
    from orbc.physics import contacts, workers

    alone = _walker_passes(12, 30, chunk_planes=5)
    pool = []
    monkeypatch.setattr(workers, "_WORKERS", pool)
    monkeypatch.setattr(contacts, "worker_count", lambda pairs: 2)
    try:
        spread = _walker_passes(12, 30, chunk_planes=5)
        assert len(pool) == 2  # the chunks went to worker processes
    finally:
        workers._discard_workers()
    assert len(alone) > 500
    for field in ("satellite", "station", "aos_s", "los_s", "tca_s", "max_elevation_rad"):
        assert np.array_equal(getattr(alone, field), getattr(spread, field)), field


def test_worker_processes_only_where_forking_is_safe(monkeypatch):
    from orbc.physics import workers

    big = workers._PARALLEL_MIN_PAIRS
    monkeypatch.setattr(workers, "_WORKERS", [])
    monkeypatch.setattr(workers.sys, "platform", "darwin")
    monkeypatch.setattr(workers.threading, "active_count", lambda: 1)
    assert workers.worker_count(big) == 1  # fork is for Linux only
    monkeypatch.setattr(workers.sys, "platform", "linux")
    monkeypatch.setattr(workers.os, "cpu_count", lambda: 2)
    assert workers.worker_count(big - 1) == 1  # small work: not worth a process
    assert workers.worker_count(big) == 2
    monkeypatch.setattr(workers.threading, "active_count", lambda: 3)
    assert workers.worker_count(big) == 1  # another thread could hold a lock
    monkeypatch.setattr(workers, "_WORKERS", [object()])
    assert workers.worker_count(big) == 2  # the workers were forked before that thread
    monkeypatch.setattr(workers.multiprocessing, "parent_process", lambda: object())
    assert workers.worker_count(big) == 1  # a worker process forks no more
    monkeypatch.setattr(workers.multiprocessing, "parent_process", lambda: None)
    monkeypatch.setattr(workers.multiprocessing, "current_process",
                        lambda: type("Daemon", (), {"daemon": True})())
    assert workers.worker_count(big) == 1  # a daemon (a Dask worker) may not fork


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc")
def test_worker_processes_end_with_their_parent():
    """Killed (SIGKILL: no handler runs), `orbc` leaves no worker process behind."""
    script = ("import os, sys\n"
              "from orbc.physics import workers\n"
              "workers.map_in_workers(abs, [1])\n"
              "print('ready', flush=True)\n"
              "sys.stdin.read()\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE)
    try:
        assert parent.stdout.readline() == b"ready\n"
        workers = [int(pid) for task in Path(f"/proc/{parent.pid}/task").iterdir()
                   for pid in (task / "children").read_text().split()]
        assert workers
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10.0
    while time.monotonic() < deadline and any(_running(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_running(pid) for pid in workers)


def _running(pid: int) -> bool:
    """Whether process `pid` exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_join_is_concatenate_and_empties_its_list():
    from orbc.physics.contacts import Passes

    rng = np.random.default_rng(3)
    parts = [Passes(np.arange(n), np.zeros(n, np.int64), *rng.random((4, n))) for n in (3, 0, 5)]
    expected = Passes.concatenate(parts)
    joined = Passes.join(parts)
    assert parts == []
    for field in ("satellite", "station", "aos_s", "los_s", "tca_s", "max_elevation_rad"):
        assert np.array_equal(getattr(joined, field), getattr(expected, field)), field
    assert len(Passes.join([])) == 0


def _screening_peak_bytes(stations: int, days: float) -> int:
    """tracemalloc's peak while finding the passes of a small shell over `stations`."""
    import tracemalloc

    from orbc.physics.contacts import Stations, find_passes
    from orbc.physics.orbits import kozai_mean_motion_rad_min, walker_columns
    from orbc.physics.propagation import sgp4_shell

    columns = walker_columns(2, 2, 1, 0.0, 2 * math.pi)
    radius, inclination = 6378137.0 + 550e3, math.radians(53.0)
    shell = sgp4_shell(float(kozai_mean_motion_rad_min(radius, inclination)), inclination)
    rng = np.random.default_rng(1)
    sites = Stations(np.radians(rng.uniform(-60, 60, stations)),
                     np.radians(rng.uniform(-180, 180, stations)), np.zeros(stations),
                     np.radians(np.full(stations, 10.0)))
    tracemalloc.start()
    try:
        find_passes(shell, columns.raan_rad, columns.mean_anomaly_rad, 2, sites, 9940.0,
                    days * 86400.0)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_screening_memory_does_not_grow_with_stations_times_horizon(monkeypatch):
    """The plane screening holds (planes × stations × grid points) at once: bounded by a
    budget, the stations taken a group at a time, so 16× the stations × horizon does not
    take 16× the memory (1,000 stations over 366 days asked for 11.8 GiB at once)."""
    from orbc.physics import contacts

    monkeypatch.setattr(contacts, "_SCREENING_ELEMENTS", 1e5, raising=False)  # 2e6, scaled down
    small = _screening_peak_bytes(stations=10, days=2)  # 10 × 2,900 grid points: 2.9e4
    large = _screening_peak_bytes(stations=40, days=8)  # 40 × 11,500: 4.6e5, 16× as many
    assert large < 2.5 * small
