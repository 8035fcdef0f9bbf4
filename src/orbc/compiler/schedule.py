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
the window's LOS (antennas that find none wait for the next AOS, a station's
idle antennas together, so that their number does not multiply the work):

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
from itertools import repeat

import attrs
import numpy as np

POLICIES = ("max_contact_time", "fair")
_DOMINANCE_BIN = 32  # windows per bin of `dominated_windows`, at least
_DOMINANCE_STEPS = 20_000  # bins per station, at most
_PURGE_MIN = 4096  # open windows a station's heap holds before the expired ones are dropped


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


def _by_station_then_aos(station, aos_s, stations: int, rows=None):
    """Indices of the windows `rows` (default all) sorted by (station, AOS, index), and where
    each station's run starts: order[first[s]:first[s + 1]] are station s's windows. A
    stable radix sort on the small station numbers, then one sort per station (much faster
    than `lexsort`); no column is copied whole."""
    keys = station.astype(np.int16 if stations < 2**15 else np.int64)
    if rows is not None:
        keys = keys[rows]
    order = np.argsort(keys, kind="stable")
    if rows is not None:
        order = rows[order]
    first = np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=stations))])
    for s in range(stations):
        mine = order[first[s]:first[s + 1]]
        order[first[s]:first[s + 1]] = mine[stable_argsort(aos_s[mine])]
    return order, first


def stable_argsort(values: np.ndarray) -> np.ndarray:
    """What `np.argsort(values, kind="stable")` gives, several times faster on large
    arrays: numpy's vectorised (unstable) sort, then each run of equal values put back
    in index order."""
    order = np.argsort(values)
    ordered = values[order]
    tied = np.flatnonzero(ordered[1:] == ordered[:-1])
    if len(tied):
        run = np.union1d(tied, tied + 1)  # positions within runs of equal values
        order[run] = order[run][np.lexsort((order[run], ordered[run]))]
    return order


def upper_bound_s(station, aos_s, los_s, antennas, grouping=None) -> np.ndarray:
    """Per station ∫ min(antennas, number of windows open at t) dt, seconds; shape (stations,).

    ``grouping`` is `_by_station_then_aos` of the windows, if already at hand.
    """
    antennas = np.asarray(antennas, dtype=np.int64)
    station = np.asarray(station, dtype=np.int64)
    aos_s, los_s = np.asarray(aos_s, dtype=float), np.asarray(los_s, dtype=float)
    bound = np.zeros(len(antennas))
    order, first = grouping or _by_station_then_aos(station, aos_s, len(antennas))
    for s in range(len(antennas)):  # one step per station
        mine = order[first[s]:first[s + 1]]
        if len(mine) == 0:
            continue
        # Closings first, so that at equal times they count before openings; both halves
        # are sorted, so the stable sort is a linear merge.
        times = np.concatenate([np.sort(los_s[mine]), aos_s[mine]])
        step = np.concatenate([np.full(len(mine), -1, np.int8), np.ones(len(mine), np.int8)])
        merge = np.argsort(times, kind="stable")
        times, open_count = times[merge], np.cumsum(step[merge], dtype=np.int64)
        # windows open on [times[j], times[j+1])
        bound[s] = np.sum(np.minimum(open_count[:-1], antennas[s]) * np.diff(times))
    return bound


def dominated_windows(station, aos_s, los_s, antennas, bin_size: int | None = None,
                      grouping=None) -> np.ndarray:
    """Windows that `max_contact_time` can never choose (boolean mask).

    A window w is dominated when at least k = antennas windows of its station
    start before it and end strictly after it. Whenever an antenna falls free
    while w is usable, each of those k is either unused — and preferred, ending
    later — or running on another antenna until after w ends; k busy antennas
    plus the free one would be k + 1. Dropping such windows leaves the schedule
    unchanged (a property test checks it) and, under heavy load (many more
    satellites in view than antennas), removes most of them.

    "Start before" is taken as "in an earlier bin of `bin_size` windows in AOS
    order" (a sufficient condition): each bin's k latest ends come from one
    `np.partition`, and the running k latest ends take one small step per bin.
    By default bins hold 32 windows, more where a station has over 640,000
    windows, so that no station takes more than 20,000 steps. ``grouping`` is
    `_by_station_then_aos` of the windows, if already at hand.
    """
    station = np.asarray(station, dtype=np.int64)
    aos_s, los_s = np.asarray(aos_s, dtype=float), np.asarray(los_s, dtype=float)
    antennas = np.asarray(antennas, dtype=np.int64)
    result = np.zeros(len(station), dtype=bool)
    if len(station) == 0:
        return result
    order, first = grouping or _by_station_then_aos(station, aos_s, len(antennas))
    if bin_size is None:
        busiest = int(np.diff(first).max())
        bin_size = max(_DOMINANCE_BIN, -(-busiest // _DOMINANCE_STEPS))
    for s in range(len(antennas)):
        mine, k = order[first[s]:first[s + 1]], int(antennas[s])
        if len(mine) == 0 or k == 0:
            continue
        ends = los_s[mine]
        bins = -(-len(ends) // bin_size)
        blocks = np.full(bins * bin_size, -np.inf)
        blocks[:len(ends)] = ends
        blocks = blocks.reshape(bins, bin_size)
        kept = min(k, bin_size)
        tops = np.partition(blocks, bin_size - kept, axis=1)[:, bin_size - kept:]
        threshold = np.full(bins, -np.inf)  # k-th latest end among earlier bins
        best = np.zeros(0)
        for b in range(bins):  # one step per bin, not per window
            if len(best) >= k:
                threshold[b] = best[-k]
            best = np.sort(np.concatenate([best, tops[b]]))[-k:]
        result[mine] = np.repeat(threshold, bin_size)[:len(ends)] > ends
    return result


def _wait_for_next_window(free, idle, idle_key, s, a, now, pooled, next_aos) -> None:
    """Antenna `a` of station `s` found no window at `now`, and so would every other antenna
    free at `now` there (no window opens until `next_aos`; None: never again). They all join
    the station's idle antennas, which wait for `next_aos` (already their time, if they
    were waiting: no window has opened since they began), or retire."""
    waiting = [a]
    here = pooled or idle_key[s] is None or idle_key[s][0] == now  # idle ones are free now
    while free and free[0][0] == now and free[0][1] == s:
        _, _, other, other_pooled = heapq.heappop(free)
        if not other_pooled:  # the idle antennas' own entry (or a superseded one) goes too
            waiting.append(other)
    pool = idle[s]
    if next_aos is None:
        pool.clear()
        idle_key[s] = None
        return
    for antenna in waiting:
        heapq.heappush(pool, antenna)
    key = (next_aos if here else idle_key[s][0], pool[0])
    if key != idle_key[s]:
        idle_key[s] = key
        heapq.heappush(free, (key[0], s, key[1], True))


def schedule_antennas(satellite, station, aos_s, los_s, antennas, min_pass_s: float,
                      handover_gap_s: float, policy: str, prune: bool = True) -> AntennaSchedule:
    """Assign contact windows to station antennas (see the module docstring).

    ``satellite``, ``station``, ``aos_s``, ``los_s`` are the windows as
    columns (one satellite's windows at one station must not overlap, which
    passes never do); ``antennas[s]`` is station s's antenna count. The loop
    runs once per moment an antenna falls free, not per satellite or per time
    step: windows enter their station's heap in blocks as they open, and the
    expired ones leave it in bulk. For ``max_contact_time`` the windows it can
    never choose are dropped first (`dominated_windows`; ``prune=False`` keeps
    them, for tests).
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}")
    satellite = np.asarray(satellite, dtype=np.int64)
    station = np.asarray(station, dtype=np.int64)
    aos_s, los_s = np.asarray(aos_s, dtype=float), np.asarray(los_s, dtype=float)
    antennas = np.asarray(antennas, dtype=np.int64)
    usable = np.flatnonzero(los_s - aos_s >= min_pass_s)
    # Per station, its usable windows by AOS: order[first[s]] … order[first[s + 1] − 1].
    grouping = order, first = _by_station_then_aos(station, aos_s, len(antennas), usable)
    del usable
    bound = upper_bound_s(station, aos_s, los_s, antennas, grouping)
    if prune and policy == "max_contact_time":
        keep = ~dominated_windows(station, aos_s, los_s, antennas, grouping=grouping)[order]
        order = order[keep]
        first = np.concatenate([[0], np.cumsum(np.bincount(station[order],
                                                           minlength=len(antennas)))])
    # The loop works on positions in `order`. A station's windows enter its heap in blocks
    # as they open, as (key, −LOS, position, satellite): every window in a heap has begun,
    # so a contact chosen at `now` starts at `now`.
    aos_by = aos_s[order]
    fair = policy == "fair"
    served: dict[int, float] = {}
    pending = first[:-1].tolist()  # next window (position) to open, per station
    open_heaps: list[list] = [[] for _ in antennas]
    purge_at = [_PURGE_MIN] * len(antennas)
    # Antennas waiting for a window to open wait together, in one heap of antenna numbers
    # per station (`idle`), with one entry in `free`: the loop runs once per contact and
    # once per wait, never once per idle antenna (10,000 antennas at a station would
    # otherwise each wake at every AOS). Entries are (time, station, antenna, pooled); a
    # pooled entry stands for its station's idle antennas, the smallest of them first, and
    # is current while `idle_key[s]` is (time, antenna). Order is as if every antenna had
    # its own entry: by time, station, antenna.
    idle = [list(range(int(antennas[s]))) if first[s + 1] > first[s] else []
            for s in range(len(antennas))]
    idle_key: list = [(-np.inf, 0) if pool else None for pool in idle]
    free = [(-np.inf, s, 0, True) for s, pool in enumerate(idle) if pool]
    heapq.heapify(free)
    out: list[tuple] = []
    while free:
        now, s, a, pooled = heapq.heappop(free)
        if pooled:
            if idle_key[s] != (now, a):
                continue  # superseded
            heapq.heappop(idle[s])
            idle_key[s] = None
        heap, begun, end_of_station = open_heaps[s], pending[s], int(first[s + 1])
        opened = begun + int(np.searchsorted(aos_by[begun:end_of_station], now, side="right"))
        if opened > begun:
            ids = order[begun:opened]
            satellites = satellite[ids].tolist()
            keys = [served.get(x, 0.0) for x in satellites] if fair else repeat(0.0)
            entries = zip(keys, (-los_s[ids]).tolist(), range(begun, opened), satellites)
            if 4 * (opened - begun) < len(heap):
                for entry in entries:
                    heapq.heappush(heap, entry)
            else:
                heap.extend(entries)
                heapq.heapify(heap)
            pending[s] = opened
        if len(heap) > purge_at[s]:  # drop the windows with too little left, all at once
            heap[:] = [entry for entry in heap if -entry[1] - now >= min_pass_s]
            heapq.heapify(heap)
            purge_at[s] = max(_PURGE_MIN, 2 * len(heap))
        chosen = None
        while heap:
            key, negative_los, w, sat = heap[0]
            if -negative_los - now < min_pass_s:
                heapq.heappop(heap)  # too little left, and `now` only grows at this station
                continue
            if fair and key != served.get(sat, 0.0):
                heapq.heapreplace(heap, (served.get(sat, 0.0), negative_los, w, sat))
                continue
            chosen = heapq.heappop(heap)
            break
        if chosen is None:
            _wait_for_next_window(free, idle, idle_key, s, a, now, pooled,
                                  float(aos_by[pending[s]]) if pending[s] < end_of_station
                                  else None)
            continue
        if pooled and idle[s]:  # the station's other idle antennas are still free now
            idle_key[s] = (now, idle[s][0])
            heapq.heappush(free, (now, s, idle[s][0], True))
        _, negative_los, w, sat = chosen
        out.append((s, a, now, w))
        served[sat] = served.get(sat, 0.0) - negative_los - now
        heapq.heappush(free, (-negative_los + handover_gap_s, s, a, False))
    rows = np.array(out, dtype=float).reshape(-1, 4)
    window = order[rows[:, 3].astype(np.int64)]
    result_station, result_antenna = rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64)
    start_s, end_s = rows[:, 2], los_s[window]
    achieved = np.bincount(result_station, weights=end_s - start_s, minlength=len(antennas))
    sort = np.lexsort((start_s, result_antenna, result_station))
    return AntennaSchedule(window[sort], result_station[sort], result_antenna[sort],
                           satellite[window][sort], start_s[sort], end_s[sort],
                           achieved.astype(float), bound)
