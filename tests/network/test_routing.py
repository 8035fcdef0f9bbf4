"""Shortest paths on hand-made snapshots whose answers are known by hand."""

from __future__ import annotations

import numpy as np
import pytest

from orbc.compiler.columns import expand
from orbc.compiler.model import LinkPolicy, Shell
from orbc.compiler.topology import grid_pairs
from orbc.network.links import Links, MeshPlan, _mesh
from orbc.network.routing import (
    from_stations,
    laser_links,
    path_to,
    snapshot_graph,
    to_nearest_station,
)
from orbc.physics.geometry import circular_positions_eci


def _links(isl, gsl):
    """Links from [(a, b, length)] laser links and [(station, satellite, length)] ground links."""
    isl = np.array(isl, dtype=float).reshape(-1, 3)
    gsl = np.array(gsl, dtype=float).reshape(-1, 3)
    return Links((), isl[:, 0].astype(np.int64), isl[:, 1].astype(np.int64), isl[:, 2],
                 gsl[:, 0].astype(np.int64), gsl[:, 1].astype(np.int64), gsl[:, 2],
                 np.zeros(0, np.int64), 0.0)


def test_square_mesh_takes_the_short_side():
    # 0 — 1
    # |   |      station 0 sees satellite 0, station 1 sees satellite 3
    # 2 — 3      0-1-3 is 1 + 1 = 2, 0-2-3 is 5 + 5 = 10
    links = _links([(0, 1, 1.0), (1, 3, 1.0), (0, 2, 5.0), (2, 3, 5.0)],
                   [(0, 0, 10.0), (1, 3, 20.0)])
    graph = snapshot_graph(links, satellites=4, stations=2)
    lengths, predecessors = from_stations(graph, 4, np.array([0]))
    down_1 = 4 + 2 + 1
    assert lengths[0, down_1] == 32.0
    assert path_to(predecessors[0], 4, down_1).tolist() == [4, 0, 1, 3, down_1]


def test_a_station_never_relays():
    # Station 2 sees both satellites with 1 m links; without it the only path is the 100 m
    # laser link. A path A -> sat 0 -> station 2 -> sat 1 -> B would be 12 m shorter.
    links = _links([(0, 1, 100.0)],
                   [(0, 0, 5.0), (1, 1, 5.0), (2, 0, 1.0), (2, 1, 1.0)])
    graph = snapshot_graph(links, satellites=2, stations=3)
    lengths, predecessors = from_stations(graph, 2, np.array([0]))
    down_b = 2 + 3 + 1
    assert lengths[0, down_b] == 110.0
    assert path_to(predecessors[0], 2, down_b).tolist() == [2, 0, 1, down_b]


def test_unreachable_is_infinite_and_has_no_path():
    links = _links([(0, 1, 3.0)], [(0, 0, 1.0), (1, 2, 1.0)])  # satellite 2 is alone
    graph = snapshot_graph(links, satellites=3, stations=2)
    lengths, predecessors = from_stations(graph, 3, np.array([0]))
    assert np.isinf(lengths[0, 3 + 2 + 1])
    assert len(path_to(predecessors[0], 3, 3 + 2 + 1)) == 0


def test_nearest_station_over_a_ring():
    # A ring of 6 satellites, 1 m apart; station 0 sees satellite 0 (2 m), station 1 sees
    # satellite 3 (10 m). Satellite 3 is 5 m from station 0 round the ring, nearer than its
    # own 10 m link to station 1; satellite 4 reaches station 0 by 4-5-0, 2 + 2 = 4 m.
    ring = [(i, (i + 1) % 6, 1.0) for i in range(6)]
    graph = snapshot_graph(_links(ring, [(0, 0, 2.0), (1, 3, 10.0)]), satellites=6, stations=2)
    lengths, next_hop = to_nearest_station(graph, 6, 2)
    assert lengths.tolist() == [2.0, 3.0, 4.0, 5.0, 4.0, 3.0]
    assert next_hop[1] == 0 and next_hop[5] == 0


@pytest.mark.parametrize(("pattern", "planes", "per_plane", "phasing", "topology"), [
    ("walker_delta", 5, 7, 3, "plus_grid"), ("walker_star", 4, 6, 0, "plus_grid"),
    ("walker_delta", 2, 5, 0, "plus_grid"), ("walker_delta", 3, 2, 1, "plus_grid"),
    ("walker_delta", 4, 9, 2, "ring"), ("walker_delta", 1, 1, 0, "plus_grid"),
])
def test_mesh_links_are_the_topology_links(pattern, planes, per_plane, phasing, topology):
    """The snapshot graph holds exactly the links `orbc.compiler.topology` defines, once."""
    shell = Shell("s", 550e3, 0.9, False, None, 0.0, pattern, planes, per_plane, phasing,
                  "hw", "p")
    # No grazing limit (a line of sight may cross the Earth): topology only.
    policy = LinkPolicy("p", topology, None, -6378137.0, 3.0, 1.5, None, 0.0)
    columns = expand(shell)
    plan = MeshPlan(policy, 0, planes, per_plane, topology == "plus_grid" and planes > 1,
                    phasing if topology == "plus_grid" and planes > 1
                    and pattern == "walker_delta" else None, 6.9e6)
    positions = circular_positions_eci(columns.semi_major_axis_m, columns.inclination_rad,
                                       columns.raan_rad, columns.mean_anomaly_rad)
    links = Links((_mesh(plan, positions),), *(np.zeros(0, int),) * 2, np.zeros(0),
                  *(np.zeros(0, int),) * 2, np.zeros(0), np.zeros(0, int), 0.0)
    a, b, _ = laser_links(links)
    got = sorted(zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist()))
    want = sorted((int(x), int(y)) for _, xs, ys in grid_pairs(shell, columns, policy)
                  for x, y in zip(xs, ys))
    assert got == want


def test_relay_fan_in_serves_the_nearest_users_first():
    from orbc.network.links import _fan_in

    relay = np.array([7, 7, 7, 3, 7])
    length = np.array([5.0, 1.0, 3.0, 9.0, 2.0])
    served, ratio = _fan_in(relay, length, np.array([2, 2, 2, 2, 2]))
    assert served.tolist() == [False, True, False, True, True]  # relay 7 keeps 1.0 and 2.0
    assert ratio == 2.0  # relay 7: 4 users asking, 2 free terminals
    unlimited, ratio = _fan_in(relay, length, np.full(5, -1))
    assert unlimited.all() and ratio == 0.0
