"""The network over all snapshots: route lengths and paths, and latency to the ground.

`network_run(model)` computes once per model (the check and the `routes`
target share it). At each snapshot: positions, links, one graph; one
Dijkstra from the routes' source stations (paths read from its predecessors)
and one multi-source Dijkstra from every station (each satellite's distance to
its nearest station).
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import weakref

import attrs
import numpy as np

from orbc.compiler.model import Model, Route
from orbc.constants import SPEED_OF_LIGHT
from orbc.network.capacity import Capacities, Peaks, capacities, tree_loads
from orbc.network.links import link_plan, links_at
from orbc.network.nodes import Nodes, network_nodes, snapshot_times_s
from orbc.network.routing import from_stations, path_to, snapshot_graph, to_nearest_station
from orbc.physics.workers import _may_have_workers  # the same rules for forking workers


@attrs.frozen
class RouteSeries:
    """One route at every snapshot."""

    route: Route
    length_m: np.ndarray  # (snapshots,) one-way path length; inf when unreachable
    paths: tuple[np.ndarray, ...]  # node numbers from station to station; empty if none

    @property
    def rtt_s(self) -> np.ndarray:
        return 2.0 * self.length_m / SPEED_OF_LIGHT


@attrs.frozen
class NetworkRun:
    epoch: np.datetime64
    times_s: np.ndarray  # (snapshots,) after epoch
    nodes: Nodes
    routes: dict[str, RouteSeries]
    # own shell -> (snapshots, satellites) one-way latency to the nearest station, s (inf: none)
    latency_s: dict[str, np.ndarray]
    relay_served: np.ndarray  # (satellites,) snapshots at which each had a relay link
    relay_refused: np.ndarray  # (snapshots,) users refused by relay fan-in
    relay_oversubscription: np.ndarray  # (snapshots,) worst users asking / free terminals
    peaks: Peaks | None  # loads, when some satellite declares an egress
    limits: Capacities


_runs: dict[int, tuple[weakref.ref, NetworkRun]] = {}


def network_run(model: Model) -> NetworkRun:
    """The network of `model` at every snapshot (computed once per model)."""
    ident = id(model)
    entry = _runs.get(ident)
    if entry is not None and entry[0]() is model:
        return entry[1]
    run = _compute(model)
    reference = weakref.ref(model, lambda _, ident=ident: _runs.pop(ident, None))
    _runs[ident] = (reference, run)
    return run


@attrs.frozen
class _Job:
    """What every snapshot needs; forked worker processes inherit it (`_JOB`)."""

    nodes: Nodes
    plan: object  # links.LinkPlan
    times_s: np.ndarray
    routes: tuple[Route, ...]
    sources: tuple[int, ...]  # station indices the routes start from
    station_index: dict[str, int]
    limits: Capacities
    with_loads: bool


@attrs.frozen
class _Snapshot:
    """One snapshot's results."""

    lengths_m: np.ndarray  # (routes,)
    paths: tuple[np.ndarray, ...]
    nearest_m: np.ndarray | None  # (satellites,) float32 to the nearest station
    served: np.ndarray  # (relay users served,) rows
    refused: int
    oversubscription: float
    peaks: Peaks | None


_JOB: list[_Job] = []  # the job of the network being computed, for forked workers
# Below this many satellite-snapshots (≈ 10 s of work) one process does it all.
_PARALLEL_MIN_SATELLITE_SNAPSHOTS = 5_000_000


def _compute(model: Model) -> NetworkRun:
    nodes = network_nodes(model)
    times = snapshot_times_s(model)
    satellites, stations = nodes.satellites, len(nodes.station_names)
    station_index = {name: i for i, name in enumerate(nodes.station_names)}
    routes = tuple(model.routes[name] for name in sorted(model.routes))
    limits = capacities(model, nodes)
    job = _Job(nodes, link_plan(model, nodes), times, routes,
               tuple(sorted({station_index[r.source] for r in routes})), station_index,
               limits, limits.any_egress and stations > 0)
    steps = range(len(times))
    if satellites * len(times) >= _PARALLEL_MIN_SATELLITE_SNAPSHOTS and _may_have_workers():
        _JOB[:] = [job]  # set before the fork: the workers inherit it
        try:
            with concurrent.futures.ProcessPoolExecutor(
                    os.cpu_count() or 1, mp_context=multiprocessing.get_context("fork")) as pool:
                snapshots = list(pool.map(_snapshot_of_job, steps))
        finally:
            _JOB.clear()
    else:
        snapshots = [_snapshot(job, step) for step in steps]
    served = np.zeros(satellites, np.int64)
    peaks = Peaks(np.zeros(stations)) if job.with_loads else None
    latency = {part.shell.name: np.full((len(times), len(part)), np.inf, np.float32)
               for part in nodes.own_shells} if stations else {}
    for step, snapshot in enumerate(snapshots):
        served += np.bincount(snapshot.served, minlength=satellites)
        if peaks is not None:
            peaks.merge(snapshot.peaks)
        for part in nodes.own_shells if latency else ():
            latency[part.shell.name][step] = snapshot.nearest_m[part.first:part.first
                                                                + len(part)] / SPEED_OF_LIGHT
    series = {route.name: RouteSeries(route, np.array([s.lengths_m[i] for s in snapshots]),
                                      tuple(s.paths[i] for s in snapshots))
              for i, route in enumerate(routes)}
    return NetworkRun(model.constellation.epoch, times, nodes, series, latency, served,
                      np.array([s.refused for s in snapshots], np.int64),
                      np.array([s.oversubscription for s in snapshots]), peaks, limits)


def _snapshot_of_job(step: int) -> _Snapshot:
    """In a worker: one snapshot of the inherited job."""
    return _snapshot(_JOB[0], step)


def _snapshot(job: _Job, step: int) -> _Snapshot:
    nodes = job.nodes
    satellites, stations = nodes.satellites, len(nodes.station_names)
    links = links_at(job.plan, nodes, nodes.positions_m(float(job.times_s[step])))
    graph = snapshot_graph(links, satellites, stations)
    lengths, paths = np.full(len(job.routes), np.inf), []
    if job.routes:
        distances, predecessors = from_stations(graph, satellites, np.array(job.sources))
        for i, route in enumerate(job.routes):
            row = job.sources.index(job.station_index[route.source])
            target = satellites + stations + job.station_index[route.target]
            lengths[i] = distances[row, target]
            paths.append(path_to(predecessors[row], satellites + job.sources[row], target))
    nearest, peaks = None, None
    if stations:
        distance, before = to_nearest_station(graph, satellites, stations)
        nearest = distance.astype(np.float32)
        if job.with_loads:
            peaks = Peaks(np.zeros(stations))
            peaks.add(step, tree_loads(before, satellites, stations, job.limits.egress_bps),
                      job.limits)
    return _Snapshot(lengths, tuple(paths), nearest, links.relay_user, len(links.relay_refused),
                     links.relay_oversubscription, peaks)
