"""Capacity: every satellite's egress carried along its shortest path to its nearest station.

At each snapshot the multi-source Dijkstra from all stations leaves a
predecessor tree: each satellite's next hop towards its nearest station. A
satellite's egress flows up that tree, so the load on the link from a
satellite to its parent is the egress of its whole subtree. Loads are summed
level by level from the deepest (hop counts from pointer jumping, one
`np.add.at` per level), never satellite by satellite.

Link capacities: a laser link carries the smaller of its two terminals' `rate`;
a ground link the satellite radio's information rate — its `rate` if given,
else bandwidth (≈ symbol rate) × the spectral efficiency of the best DVB-S2
MODCOD whose Es/N0 threshold is at most the radio's `required_esn0` (ETSI EN
302 307-1 V1.4.1, Table 13: normal frames, no pilots, quasi-error-free);
a station takes at most its `capacity`.
"""

from __future__ import annotations

import attrs
import numpy as np

from orbc.compiler.model import Hardware, Model, Radio
from orbc.network.nodes import Nodes

# (Es/N0 at QEF in dB, spectral efficiency in bit/symbol), ETSI EN 302 307-1 Table 13.
DVB_S2 = (
    (-2.35, 0.490243), (-1.24, 0.656448), (-0.30, 0.789412), (1.00, 0.988858),
    (2.23, 1.188304), (3.10, 1.322253), (4.03, 1.487473), (4.68, 1.587196),
    (5.18, 1.654663), (5.50, 1.779991), (6.20, 1.766451), (6.42, 1.788612),
    (6.62, 1.980636), (7.91, 2.228124), (8.97, 2.637201), (9.35, 2.478562),
    (10.21, 2.966728), (10.69, 2.646012), (10.98, 2.679207), (11.03, 3.165623),
    (11.61, 3.300184), (12.73, 3.703295), (12.89, 3.523143), (13.13, 3.567342),
    (13.64, 3.951571), (14.28, 4.119540), (15.69, 4.397854), (16.05, 4.453027),
)


def radio_rate_bps(radio: Radio) -> float:
    """Information rate of a downlink radio, bit/s (see the module docstring)."""
    if radio.rate_bps is not None:
        return radio.rate_bps
    usable = [efficiency for threshold, efficiency in DVB_S2
              if threshold <= radio.required_esn0_db + 1e-9]
    return radio.bandwidth_hz * max(usable, default=DVB_S2[0][1])


def _ground_rate(hardware: Hardware) -> float:
    return max((radio_rate_bps(r) for r in hardware.radios), default=np.inf)


def _laser_rate(hardware: Hardware) -> float:
    return hardware.laser_terminal.rate_bps if hardware.laser_terminal else np.inf


@attrs.frozen
class Capacities:
    """Per satellite row: egress, ground-link and laser rates (bit/s, inf: no limit); per
    station: what it takes."""

    egress_bps: np.ndarray
    ground_rate_bps: np.ndarray
    laser_rate_bps: np.ndarray
    station_bps: np.ndarray

    @property
    def any_egress(self) -> bool:
        return bool(np.any(self.egress_bps > 0))


def capacities(model: Model, nodes: Nodes) -> Capacities:
    size = nodes.satellites
    egress, ground, laser = np.zeros(size), np.full(size, np.inf), np.full(size, np.inf)
    for part in nodes.shells:
        owner = model if part.external is None else model.externals[part.external].model
        hardware = owner.hardware[part.shell.hardware]
        rows = slice(part.first, part.first + len(part))
        if part.external is None and hardware.compute and hardware.compute.egress_bps:
            egress[rows] = hardware.compute.egress_bps
        ground[rows] = _ground_rate(hardware)
        laser[rows] = _laser_rate(hardware)
    stations = [model.ground_stations[n] for n in nodes.station_names]
    return Capacities(egress, ground, laser,
                      np.array([s.capacity_bps or np.inf for s in stations]))


@attrs.frozen
class Loads:
    """One snapshot's loads, bit/s. `parent[v]` is v's next hop (−1: v's next hop is a
    station, `station[v]`; −2: v has no path)."""

    satellite_bps: np.ndarray  # what leaves each satellite towards its parent or station
    parent: np.ndarray
    station: np.ndarray
    station_bps: np.ndarray


def tree_loads(predecessors: np.ndarray, satellites: int, stations: int,
               egress_bps: np.ndarray) -> Loads:
    """Accumulate every satellite's egress along the predecessor tree of a Dijkstra from the
    stations' up nodes (`orbc.network.routing.to_nearest_station`)."""
    reached = predecessors >= 0
    parent = np.where(reached & (predecessors < satellites), predecessors, -1)
    parent[~reached] = -2
    station = np.where(reached & (predecessors >= satellites), predecessors - satellites, -1)
    depth = _depths(parent)
    load = np.where(reached, egress_bps, 0.0)
    order = np.argsort(depth, kind="stable")
    bounds = np.searchsorted(depth[order], np.arange(depth.max(initial=0) + 2))
    for level in range(int(depth.max(initial=0)), 0, -1):
        rows = order[bounds[level]:bounds[level + 1]]
        np.add.at(load, parent[rows], load[rows])
    at_station = station >= 0
    station_load = np.bincount(station[at_station], weights=load[at_station],
                               minlength=stations)
    return Loads(load, parent, station, station_load)


def _depths(parent: np.ndarray) -> np.ndarray:
    """Hops from each satellite to the satellite whose next hop is a station (0 there and
    for the unreached), by pointer jumping: log₂(depth) passes over the arrays."""
    depth = (parent >= 0).astype(np.int64)
    ancestor = parent.copy()
    while np.any(ancestor >= 0):
        has = ancestor >= 0
        above = np.where(has, ancestor, 0)
        depth = depth + np.where(has, depth[above], 0)
        ancestor = np.where(has, ancestor[above], -1)
    return depth


@attrs.define
class Peaks:
    """The largest loads over all snapshots, and the worst overload (load / capacity)."""

    station_bps: np.ndarray  # (stations,) peak load into each station
    isl: tuple[float, int, int, int] = (0.0, -1, -1, -1)  # load, from row, to row, snapshot
    gsl: tuple[float, int, int, int] = (0.0, -1, -1, -1)  # load, satellite, station, snapshot
    overload: tuple[float, str, int, int, int, float] | None = None
    # (load / capacity, kind: station | gsl | isl, a, b, snapshot, load)
    overloaded_snapshots: int = 0

    def add(self, step: int, loads: Loads, limits: Capacities) -> None:
        np.maximum(self.station_bps, loads.station_bps, out=self.station_bps)
        load = loads.satellite_bps
        up = np.flatnonzero(loads.parent >= 0)
        down = np.flatnonzero(loads.station >= 0)
        if len(up) and load[up].max() > self.isl[0]:
            v = up[np.argmax(load[up])]
            self.isl = (float(load[v]), int(v), int(loads.parent[v]), step)
        if len(down) and load[down].max() > self.gsl[0]:
            v = down[np.argmax(load[down])]
            self.gsl = (float(load[v]), int(v), int(loads.station[v]), step)
        candidates = [
            ("station", loads.station_bps / limits.station_bps,
             np.arange(len(loads.station_bps)), np.arange(len(loads.station_bps)),
             loads.station_bps),
            ("gsl", load[down] / limits.ground_rate_bps[down], down, loads.station[down],
             load[down]),
            ("isl", load[up] / np.minimum(limits.laser_rate_bps[up],
                                          limits.laser_rate_bps[loads.parent[up]]),
             up, loads.parent[up], load[up]),
        ]
        worst_here = 0.0
        for kind, ratio, a, b, amount in candidates:
            if not len(ratio):
                continue
            i = int(np.argmax(ratio))
            worst_here = max(worst_here, float(ratio[i]))
            if self.overload is None or ratio[i] > self.overload[0]:
                self.overload = (float(ratio[i]), kind, int(a[i]), int(b[i]), step,
                                 float(amount[i]))
        self.overloaded_snapshots += worst_here > 1.0

    def merge(self, other: Peaks) -> None:
        """Take in the peaks of other snapshots."""
        np.maximum(self.station_bps, other.station_bps, out=self.station_bps)
        self.isl = max(self.isl, other.isl, key=lambda peak: peak[0])
        self.gsl = max(self.gsl, other.gsl, key=lambda peak: peak[0])
        if other.overload is not None and (self.overload is None
                                           or other.overload[0] > self.overload[0]):
            self.overload = other.overload
        self.overloaded_snapshots += other.overloaded_snapshots
