"""Antenna scheduling: contact windows in, antenna assignments out (a pure function).

Rules every schedule keeps (tests/contacts/test_schedule.py checks them as
properties):

- a contact lies inside one contact window and lasts at least `min_pass_s`;
- a window is used at most once (a contact is never split across antennas);
- at no time does a station run more contacts than it has antennas, and two
  contacts on one antenna are at least `handover_gap_s` apart (end to start).

The scheduler is a sweep over time with one free-time per antenna. Whenever
an antenna falls free (the earliest of all), it takes one of the windows open
at its station, starting at its free time (or the window's AOS) and running to
the window's LOS:

- ``max_contact_time`` takes the open window that ends last: the longest
  contact it can still get, which also minimises the handovers that the gap
  turns into dead time;
- ``fair`` takes the open window of the satellite with the least contact time
  so far (over all stations), ties to the one that ends last.

Neither is guaranteed optimal (maximum-weight interval scheduling on k machines
is a min-cost-flow problem); the report therefore gives an upper bound next to
the total achieved: per station ∫ min(antennas, windows open at t) dt, over
the windows at least `min_pass_s` long. No schedule can beat it: a contact
needs an open window and an antenna at every instant.
"""

from __future__ import annotations

import heapq

import attrs
import numpy as np

POLICIES = ("max_contact_time", "fair")


@attrs.frozen
class AntennaSchedule:
    """Assignments as columns, sorted by (station, antenna, start), plus the totals."""

    window: np.ndarray  # int64, index into the windows given
    station: np.ndarray  # int64
    antenna: np.ndarray  # int64, from 0
    satellite: np.ndarray  # int64
    start_s: np.ndarray
    end_s: np.ndarray
    achieved_s: np.ndarray  # per station, total scheduled contact time
    upper_bound_s: np.ndarray  # per station, ∫ min(antennas, open windows) dt

    def __len__(self) -> int:
        return len(self.window)


def upper_bound_s(station, aos_s, los_s, antennas) -> np.ndarray:
    """Per station ∫ min(antennas, number of windows open at t) dt, seconds; shape (stations,)."""
    antennas = np.asarray(antennas, dtype=np.int64)
    station = np.asarray(station, dtype=np.int64)
    bound = np.zeros(len(antennas))
    if len(station) == 0:
        return bound
    time = np.concatenate([aos_s, los_s])
    where = np.concatenate([station, station])
    step = np.concatenate([np.ones(len(station)), -np.ones(len(station))])
    order = np.lexsort((step, time, where))  # closings before openings at equal times
    time, where, step = time[order], where[order], step[order]
    open_count = np.cumsum(step)  # valid per station: each station's steps sum to zero
    duration = np.diff(time)
    same = where[1:] == where[:-1]
    active = np.minimum(open_count[:-1], antennas[where[:-1]])
    np.add.at(bound, where[:-1][same], (active * duration)[same])
    return bound


def dominated_windows(station, aos_s, los_s, antennas, bin_s: float = 60.0) -> np.ndarray:
    """Windows that `max_contact_time` can never choose (boolean mask).

    A window w is dominated when at least k = antennas windows of its station
    start before it (in an earlier `bin_s` bin, a sufficient condition that
    keeps this vectorised) and end strictly after it. Whenever an antenna falls
    free while w is usable, each of those k is either unused — and preferred,
    ending later — or running on another antenna until after w ends; k busy
    antennas plus the free one would be k + 1. Dropping such windows leaves the
    schedule unchanged (a property test checks it) and, under heavy load (many
    more satellites in view than antennas), removes almost all of them.
    """
    station = np.asarray(station, dtype=np.int64)
    count = len(station)
    result = np.zeros(count, dtype=bool)
    if count == 0:
        return result
    antennas = np.asarray(antennas, dtype=np.int64)
    bins = np.floor((aos_s - aos_s.min()) / bin_s).astype(np.int64)
    order = np.lexsort((-los_s, bins, station))
    s_sorted, b_sorted, l_sorted = station[order], bins[order], los_s[order]
    new_group = np.ones(count, dtype=bool)
    new_group[1:] = (s_sorted[1:] != s_sorted[:-1]) | (b_sorted[1:] != b_sorted[:-1])
    group = np.cumsum(new_group) - 1
    starts = np.nonzero(new_group)[0]
    rank = np.arange(count) - starts[group]
    top = rank < antennas[s_sorted]  # each bin's k latest-ending windows
    top_group, top_los = group[top], l_sorted[top]
    bounds = np.searchsorted(top_group, np.arange(len(starts) + 1))
    threshold = np.full(len(starts), -np.inf)  # k-th latest end among earlier bins
    best = np.zeros(0)
    for g in range(len(starts)):  # one step per (station, bin), not per window
        k = int(antennas[s_sorted[starts[g]]])
        if g and s_sorted[starts[g]] != s_sorted[starts[g - 1]]:
            best = np.zeros(0)  # a new station
        if len(best) >= k > 0:
            threshold[g] = best[-k]
        best = np.sort(np.concatenate([best, top_los[bounds[g]:bounds[g + 1]]]))[-k:] \
            if k > 0 else best
    result[order] = threshold[group] > l_sorted
    return result


def schedule_antennas(satellite, station, aos_s, los_s, antennas, min_pass_s: float,
                      handover_gap_s: float, policy: str, prune: bool = True) -> AntennaSchedule:
    """Assign contact windows to station antennas (see the module docstring).

    ``satellite``, ``station``, ``aos_s``, ``los_s`` are the windows as
    columns (one satellite's windows at one station must not overlap, which
    passes never do); ``antennas[s]`` is station s's antenna count. The loop
    runs once per window that opens (heap operations), not per satellite or
    per time step; for ``max_contact_time`` the windows it can never choose are
    dropped first (`dominated_windows`; ``prune=False`` keeps them, for tests).
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    satellite = np.asarray(satellite, dtype=np.int64)
    station = np.asarray(station, dtype=np.int64)
    aos_s, los_s = np.asarray(aos_s, dtype=float), np.asarray(los_s, dtype=float)
    antennas = np.asarray(antennas, dtype=np.int64)
    usable = np.nonzero(los_s - aos_s >= min_pass_s)[0]
    bound = upper_bound_s(station[usable], aos_s[usable], los_s[usable], antennas)
    if prune and policy == "max_contact_time":
        usable = usable[~dominated_windows(station[usable], aos_s[usable], los_s[usable],
                                           antennas)]
    order = usable[np.lexsort((aos_s[usable], station[usable]))]
    # Per station, its windows by AOS: positions first[s] … first[s + 1] − 1 of `order`;
    # the loop below works on positions.
    first = np.searchsorted(station[order], np.arange(len(antennas) + 1))
    aos_list, los_list = aos_s[order].tolist(), los_s[order].tolist()
    sat_list = satellite[order].tolist()
    fair = policy == "fair"
    served: dict[int, float] = {}
    pending = first[:-1].tolist()  # next window (position) to open, per station
    open_heaps: list[list] = [[] for _ in antennas]
    free = [(-np.inf, s, a) for s in range(len(antennas)) for a in range(int(antennas[s]))
            if first[s + 1] > first[s]]
    heapq.heapify(free)
    out: list[tuple] = []
    while free:
        now, s, a = heapq.heappop(free)
        heap, end_of_station = open_heaps[s], int(first[s + 1])
        while pending[s] < end_of_station and aos_list[pending[s]] <= now:
            w = pending[s]
            pending[s] += 1
            heapq.heappush(heap, (served.get(sat_list[w], 0.0) if fair else 0.0, -los_list[w], w))
        chosen = None
        while heap:
            key, negative_los, w = heap[0]
            if -negative_los - max(now, aos_list[w]) < min_pass_s:
                heapq.heappop(heap)  # too little left, and `now` only grows at this station
                continue
            if fair and key != served.get(sat_list[w], 0.0):
                heapq.heapreplace(heap, (served.get(sat_list[w], 0.0), negative_los, w))
                continue
            chosen = heapq.heappop(heap)[2]
            break
        if chosen is None:
            if pending[s] < end_of_station:  # idle until the next window opens
                heapq.heappush(free, (aos_list[pending[s]], s, a))
            continue
        start, end = max(now, aos_list[chosen]), los_list[chosen]
        out.append((s, a, start, chosen))
        served[sat_list[chosen]] = served.get(sat_list[chosen], 0.0) + end - start
        heapq.heappush(free, (end + handover_gap_s, s, a))
    rows = np.array(out, dtype=float).reshape(-1, 4)
    window = order[rows[:, 3].astype(np.int64)]
    result_station, result_antenna = rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64)
    start_s, end_s = rows[:, 2], los_s[window]
    achieved = np.bincount(result_station, weights=end_s - start_s, minlength=len(antennas))
    sort = np.lexsort((start_s, result_antenna, result_station))
    return AntennaSchedule(window[sort], result_station[sort], result_antenna[sort],
                           satellite[window][sort], start_s[sort], end_s[sort],
                           achieved.astype(float), bound)
