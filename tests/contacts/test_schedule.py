"""Antenna schedules: the invariants as properties over random windows, the upper bound,
both policies, and the `schedule` target's artifacts."""

from __future__ import annotations

import csv
import io
import json

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orbc.compiler.schedule import (
    dominated_windows,
    schedule_antennas,
    stable_argsort,
    upper_bound_s,
)
from orbc.targets.contacts import (
    Contacts,
    Schedule,
    antenna_schedule,
    contact_plan,
    iso_times,
)


@st.composite
def windows(draw):
    """Random passes: per (satellite, station) non-overlapping windows, as the finder gives."""
    stations = draw(st.integers(1, 3))
    satellites = draw(st.integers(1, 12))
    antennas = draw(st.lists(st.integers(1, 3), min_size=stations, max_size=stations))
    rows = []
    for sat in range(satellites):
        for station in range(stations):
            t = draw(st.floats(0, 200))
            for _ in range(draw(st.integers(0, 3))):
                length = draw(st.floats(1, 600))
                rows.append((sat, station, t, t + length))
                t += length + draw(st.floats(1, 2000))
    rows = np.array(rows, dtype=float).reshape(-1, 4)
    return rows, antennas


def _check_invariants(rows, antennas, min_pass, gap, result):
    satellite, station = rows[:, 0].astype(int), rows[:, 1].astype(int)
    aos, los = rows[:, 2], rows[:, 3]
    w = result.window
    # inside its window, long enough, the window's satellite and station, each window once
    assert np.all(result.start_s >= aos[w] - 1e-9) and np.all(result.end_s <= los[w] + 1e-9)
    assert np.all(result.end_s - result.start_s >= min_pass - 1e-9)
    assert np.array_equal(result.satellite, satellite[w])
    assert np.array_equal(result.station, station[w])
    assert len(np.unique(w)) == len(w)
    for s, count in enumerate(antennas):
        mine = result.station == s
        assert np.all((result.antenna[mine] >= 0) & (result.antenna[mine] < count))
        # handover gap on every antenna (rows are sorted by station, antenna, start)
        for a in range(count):
            on = mine & (result.antenna == a)
            assert np.all(result.start_s[on][1:] - result.end_s[on][:-1] >= gap - 1e-9)
        # never more simultaneous contacts than antennas
        times = np.concatenate([result.start_s[mine], result.end_s[mine]])
        steps = np.concatenate([np.ones(mine.sum()), -np.ones(mine.sum())])
        order = np.lexsort((steps, times))
        assert np.cumsum(steps[order]).max(initial=0) <= count
    # a satellite is never on two antennas of one station at once
    for s in range(len(antennas)):
        for sat in np.unique(result.satellite[result.station == s]):
            on = (result.station == s) & (result.satellite == sat)
            starts, ends = result.start_s[on], result.end_s[on]
            order = np.argsort(starts)
            assert np.all(starts[order][1:] >= ends[order][:-1])
    achieved = np.bincount(result.station, weights=result.end_s - result.start_s,
                           minlength=len(antennas))
    np.testing.assert_allclose(result.achieved_s, achieved, atol=1e-6)
    assert np.all(result.achieved_s <= result.upper_bound_s + 1e-6)


@settings(max_examples=150, deadline=None)
@given(windows(), st.floats(0, 120), st.floats(0, 60),
       st.sampled_from(["max_contact_time", "fair"]))
def test_schedule_invariants(data, min_pass, gap, policy):
    rows, antennas = data
    result = schedule_antennas(rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3], antennas,
                               min_pass, gap, policy)
    _check_invariants(rows, antennas, min_pass, gap, result)


@settings(max_examples=150, deadline=None)
@given(windows(), st.floats(0, 120), st.floats(0, 60),
       st.sampled_from(["max_contact_time", "fair"]))
def test_purging_expired_windows_changes_nothing(data, min_pass, gap, policy):
    """Dropping a heap's expired windows in bulk (after every decision here) gives exactly
    the schedule that dropping them one by one at the top of the heap gives."""
    from orbc.compiler import schedule

    rows, antennas = data
    arguments = (rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3], antennas, min_pass, gap,
                 policy)
    original = schedule._PURGE_MIN
    try:
        schedule._PURGE_MIN = 10**9
        lazy = schedule_antennas(*arguments)
        schedule._PURGE_MIN = 0
        eager = schedule_antennas(*arguments)
    finally:
        schedule._PURGE_MIN = original
    for field in ("window", "station", "antenna", "satellite", "start_s", "end_s"):
        assert np.array_equal(getattr(lazy, field), getattr(eager, field)), field


@settings(max_examples=100, deadline=None)
@given(windows())
def test_enough_antennas_take_every_window_whole(data):
    """With an antenna per window and no gap, the schedule is every window: the bound is met."""
    rows, antennas = data
    plenty = [len(rows) + 1] * len(antennas)
    result = schedule_antennas(rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3], plenty,
                               0.0, 0.0, "max_contact_time")
    assert len(result) == len(rows)
    np.testing.assert_allclose(result.achieved_s.sum(), (rows[:, 3] - rows[:, 2]).sum())
    np.testing.assert_allclose(result.achieved_s, result.upper_bound_s)


def test_upper_bound_counts_antennas():
    # three windows over [0, 100], [50, 150], [60, 70] at one station with two antennas:
    # open counts 1 (0–50), 2 (50–60), 3 (60–70) → 2, 2 (70–100), 1 (100–150)
    bound = upper_bound_s([0, 0, 0], np.array([0.0, 50, 60]), np.array([100.0, 150, 70]), [2])
    assert bound.tolist() == [50 + 20 + 20 + 60 + 50]


def test_max_contact_time_prefers_the_longer_contact():
    # one antenna; at t = 0 two windows open: a short and a long one
    result = schedule_antennas([0, 1], [0, 0], np.array([0.0, 0.0]), np.array([100.0, 500.0]),
                               [1], 10.0, 5.0, "max_contact_time")
    assert result.satellite.tolist() == [1] and result.achieved_s.tolist() == [500.0]


def test_fair_spreads_time_over_satellites():
    # satellite 0 has many long windows, satellite 1 one; one antenna
    aos = np.array([0.0, 1000.0, 2000.0, 2000.0])
    los = np.array([900.0, 1900.0, 2900.0, 2500.0])
    sats = [0, 0, 0, 1]
    greedy = schedule_antennas(sats, [0] * 4, aos, los, [1], 60.0, 10.0, "max_contact_time")
    fair = schedule_antennas(sats, [0] * 4, aos, los, [1], 60.0, 10.0, "fair")
    assert set(greedy.satellite.tolist()) == {0}
    assert set(fair.satellite.tolist()) == {0, 1}


def test_unknown_policy_is_refused():
    with pytest.raises(ValueError):
        schedule_antennas([], [], np.zeros(0), np.zeros(0), [1], 0.0, 0.0, "random")


def test_conformance_schedule_artifacts(conformance_model):
    model = conformance_model
    content = {path: b"".join(chunks) for path, chunks in Schedule().emit(model)}
    rows = list(csv.DictReader(io.StringIO(content["contacts/schedule.csv"].decode())))
    result = antenna_schedule(model)
    assert len(rows) == len(result) > 0
    assert list(rows[0]) == ["station", "antenna", "satellite", "start", "end"]
    assert rows[0]["start"].endswith("Z") and len(rows[0]["start"]) == len(
        "2027-03-21T00:00:00.000Z")
    report = json.loads(content["contacts/schedule.json"])
    assert report["policy"] == "max_contact_time"
    assert 0 < report["achieved_s"] <= report["upper_bound_s"]
    for station in report["stations"].values():
        assert station["achieved_s"] <= station["upper_bound_s"]
        assert station["upper_bound_s"] <= station["antennas"] * model.schedule.horizon_s
    plan = contact_plan(model)
    windows = {(plan.satellite_names[s], plan.station_names[t]): [] for s, t in
               zip(plan.passes.satellite, plan.passes.station)}
    assert all((row["satellite"], row["station"]) in windows for row in rows)
    codes = [d.code for d in Schedule().check(model)]
    assert "schedule-summary" in codes


def test_conformance_contacts_csv(conformance_model):
    content = b"".join(b"".join(c) for _, c in Contacts().emit(conformance_model)).decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert list(rows[0]) == ["satellite", "station", "aos", "los", "tca", "max_elevation_deg",
                             "duration_s"]
    assert len(rows) == len(contact_plan(conformance_model).passes)
    assert all(r["aos"] <= r["tca"] <= r["los"] for r in rows)
    assert all(float(r["max_elevation_deg"]) >= 25.0 - 1e-3 for r in rows)
    assert Contacts().check(conformance_model) == []
    # check and emit share one computation per model
    assert contact_plan(conformance_model) is contact_plan(conformance_model)
    assert antenna_schedule(conformance_model) is antenna_schedule(conformance_model)


@st.composite
def crowded_windows(draw):
    """Many satellites in view of few antennas: the case the pruning is for."""
    stations = draw(st.integers(1, 2))
    antennas = draw(st.lists(st.integers(1, 3), min_size=stations, max_size=stations))
    count = draw(st.integers(5, 60))
    station = draw(st.lists(st.integers(0, stations - 1), min_size=count, max_size=count))
    aos = draw(st.lists(st.floats(0, 1800), min_size=count, max_size=count))
    length = draw(st.lists(st.floats(30, 900), min_size=count, max_size=count))
    rows = np.column_stack([np.arange(count), station, aos, np.add(aos, length)])
    return rows.astype(float), antennas


@settings(max_examples=400, deadline=None)
@given(st.one_of(windows(), crowded_windows()), st.floats(0, 120), st.floats(0, 60))
def test_dropping_dominated_windows_changes_nothing(data, min_pass, gap):
    rows, antennas = data
    args = (rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3], antennas, min_pass, gap,
            "max_contact_time")
    pruned, full = schedule_antennas(*args), schedule_antennas(*args, prune=False)
    for field in ("window", "station", "antenna", "satellite", "start_s", "end_s"):
        np.testing.assert_array_equal(getattr(pruned, field), getattr(full, field))
    _check_invariants(rows, antennas, min_pass, gap, pruned)


def test_pruning_drops_most_windows_when_crowded():
    rng = np.random.default_rng(3)
    aos = rng.uniform(0, 8640, 20000)  # ≈ 760 windows open at a time
    los = aos + rng.uniform(60, 600, 20000)
    station = np.zeros(20000, dtype=int)
    dominated = dominated_windows(station, aos, los, [4])
    assert dominated.mean() > 0.85
    full = schedule_antennas(np.arange(20000), station, aos, los, [4], 60.0, 10.0,
                             "max_contact_time", prune=False)
    pruned = schedule_antennas(np.arange(20000), station, aos, los, [4], 60.0, 10.0,
                               "max_contact_time")
    np.testing.assert_array_equal(pruned.window, full.window)


def test_iso_times_match_numpy(conformance_model):
    seconds = np.concatenate([[0.0, 0.0004, 59.9996, 86399.9996, 86400.0, 3 * 86400 + 0.001],
                              np.random.default_rng(5).uniform(0, 3 * 86400, 1000)])
    epoch = conformance_model.constellation.epoch.astype("datetime64[ms]")
    expected = np.char.add(np.datetime_as_string(
        epoch + np.round(seconds * 1e3).astype("timedelta64[ms]"), unit="ms"), "Z")
    assert iso_times(conformance_model, seconds).to_pylist() == expected.tolist()


def test_iso_times_past_year_9999_are_numpys(conformance_model):
    """A horizon that runs into year 10000 gets numpy's text, not a truncated one."""
    late = attrs.evolve(conformance_model, constellation=attrs.evolve(
        conformance_model.constellation, epoch=np.datetime64("9999-12-31T12:00:00", "ms")))
    assert iso_times(late, np.array([0.0, 86400.0])).to_pylist() == [
        "9999-12-31T12:00:00.000Z", "10000-01-01T12:00:00.000Z"]


@given(st.lists(st.sampled_from([0.0, -0.0, 1.5, 2.0, 60.0, 86400.0, 1e-9]), max_size=300)
       | st.lists(st.floats(-1e6, 1e6), max_size=300))
@settings(max_examples=300, deadline=None)
def test_stable_argsort_is_numpys_stable_sort(values):
    """Ties (many, as AOS clipped to 0 are) keep their index order, as numpy's stable sort."""
    values = np.array(values, dtype=float)
    assert np.array_equal(stable_argsort(values), np.argsort(values, kind="stable"))


def _reference_schedule(satellite, station, aos, los, antennas, min_pass, gap, policy):
    """The rules of the module docstring, written plainly: one entry per antenna, every
    window looked at whenever an antenna is free. (window, station, antenna, start) rows."""
    import heapq

    satellite, station = np.asarray(satellite, int), np.asarray(station, int)
    usable = [w for w in range(len(aos)) if los[w] - aos[w] >= min_pass]
    rank = {w: i for i, w in enumerate(sorted(usable, key=lambda w: (station[w], aos[w], w)))}
    used, served, rows = set(), {}, []
    free = [(-np.inf, s, a) for s in range(len(antennas)) for a in range(antennas[s])]
    heapq.heapify(free)
    while free:
        now, s, a = heapq.heappop(free)
        mine = [w for w in usable if station[w] == s]
        open_now = [w for w in mine if w not in used and aos[w] <= now
                    and los[w] - now >= min_pass]
        if not open_now:
            later = [aos[w] for w in mine if aos[w] > now]
            if later:
                heapq.heappush(free, (min(later), s, a))
            continue
        if policy == "fair":
            w = min(open_now, key=lambda w: (served.get(satellite[w], 0.0), -los[w], rank[w]))
        else:
            w = min(open_now, key=lambda w: (-los[w], rank[w]))
        used.add(w)
        rows.append((w, s, a, now))
        served[satellite[w]] = served.get(satellite[w], 0.0) + los[w] - now
        heapq.heappush(free, (los[w] + gap, s, a))
    return sorted(rows, key=lambda row: (row[1], row[2], row[3]))


@st.composite
def many_antennas(draw):
    """Windows at stations with more antennas than windows in view, so that antennas wait
    idle, often together; coarse times make ties (equal AOS, LOS + gap = AOS) common."""
    rows, antennas = draw(st.one_of(windows(), crowded_windows()))
    more = draw(st.lists(st.integers(0, 12), min_size=len(antennas), max_size=len(antennas)))
    if draw(st.booleans()):
        rows[:, 2:] = np.round(rows[:, 2:] / 100.0) * 100.0
        rows[:, 3] = np.maximum(rows[:, 3], rows[:, 2] + 100.0)
    return rows, [k + extra for k, extra in zip(antennas, more)]


@settings(max_examples=400, deadline=None)
@given(many_antennas(), st.sampled_from([0.0, 30.0, 100.0]), st.sampled_from([0.0, 10.0, 100.0]),
       st.sampled_from(["max_contact_time", "fair"]))
def test_schedule_is_the_plain_rules(data, min_pass, gap, policy):
    """The scheduler (idle antennas waiting together, windows opened and purged in bulk,
    dominated windows dropped) assigns exactly what the rules written plainly assign."""
    rows, antennas = data
    args = (rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3], antennas, min_pass, gap, policy)
    result = schedule_antennas(*args)
    expected = _reference_schedule(*args)
    got = list(zip(result.window.tolist(), result.station.tolist(), result.antenna.tolist(),
                   result.start_s.tolist()))
    assert got == [(w, s, a, float(t)) for w, s, a, t in expected]


def test_idle_antennas_cost_nothing_per_window(monkeypatch):
    """The loop runs once per contact or wait, not once per idle antenna and window: with
    2,000 antennas and 300 windows at one station, it looks for open windows (one
    `searchsorted` a turn) a few times per window, not 2,000 times."""
    rng = np.random.default_rng(7)
    aos = np.sort(rng.uniform(0, 86400, 300))
    los = aos + rng.uniform(120, 600, 300)
    turns = []
    searchsorted = np.searchsorted
    monkeypatch.setattr(np, "searchsorted", lambda *a, **k: turns.append(1) or searchsorted(*a, **k))
    result = schedule_antennas(np.arange(300), np.zeros(300, int), aos, los, [2000], 60.0, 10.0,
                               "max_contact_time")
    assert len(result) == 300  # every window, each whole
    assert len(turns) < 5 * 300
