"""The network over all snapshots: route lengths and paths, and latency to the ground.

`network_run(model)` computes once per model (the check and the `routes`
target share it). At each snapshot: positions, links, one graph; one
Dijkstra from the routes' source stations (paths read from its predecessors)
and one multi-source Dijkstra from every station (each satellite's distance to
its nearest station).
"""

from __future__ import annotations

import weakref

import attrs
import numpy as np

from orbc.compiler.model import Model, Route
from orbc.constants import SPEED_OF_LIGHT
from orbc.network.capacity import Capacities, Peaks, capacities, tree_loads
from orbc.network.links import link_plan, links_at
from orbc.network.nodes import Nodes, network_nodes, snapshot_times_s
from orbc.network.routing import from_stations, path_to, snapshot_graph, to_nearest_station


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


def _compute(model: Model) -> NetworkRun:
    nodes = network_nodes(model)
    plan = link_plan(model, nodes)
    times = snapshot_times_s(model)
    satellites, stations = nodes.satellites, len(nodes.station_names)
    station_index = {name: i for i, name in enumerate(nodes.station_names)}
    routes = [model.routes[name] for name in sorted(model.routes)]
    sources = sorted({station_index[r.source] for r in routes})
    lengths = np.full((len(routes), len(times)), np.inf)
    paths: list[list[np.ndarray]] = [[] for _ in routes]
    latency = {part.shell.name: np.full((len(times), len(part)), np.inf, np.float32)
               for part in nodes.own_shells} if stations else {}
    limits = capacities(model, nodes)
    peaks = Peaks(np.zeros(stations)) if limits.any_egress and stations else None
    served = np.zeros(satellites, np.int64)
    refused, oversubscription = np.zeros(len(times), np.int64), np.zeros(len(times))
    for step, time_s in enumerate(times):
        links = links_at(plan, nodes, nodes.positions_m(float(time_s)))
        served += np.bincount(links.relay_user, minlength=satellites)
        refused[step] = len(links.relay_refused)
        oversubscription[step] = links.relay_oversubscription
        graph = snapshot_graph(links, satellites, stations)
        if routes:
            distances, predecessors = from_stations(graph, satellites, np.array(sources))
            for i, route in enumerate(routes):
                row = sources.index(station_index[route.source])
                target = satellites + stations + station_index[route.target]
                lengths[i, step] = distances[row, target]
                paths[i].append(path_to(predecessors[row], satellites + sources[row], target))
        if latency:
            nearest, before = to_nearest_station(graph, satellites, stations)
            if peaks is not None:
                peaks.add(step, tree_loads(before, satellites, stations, limits.egress_bps),
                          limits)
            for part in nodes.own_shells:
                latency[part.shell.name][step] = (nearest[part.first:part.first + len(part)]
                                                  / SPEED_OF_LIGHT)
    series = {route.name: RouteSeries(route, lengths[i], tuple(paths[i]))
              for i, route in enumerate(routes)}
    return NetworkRun(model.constellation.epoch, times, nodes, series, latency, served, refused,
                      oversubscription, peaks, limits)
