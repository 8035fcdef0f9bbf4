"""Shortest paths on one snapshot's graph (scipy.sparse.csgraph, compiled Dijkstra).

The graph has one node per satellite and two per ground station: an *up* node
with edges only to the satellites the station sees, and a *down* node with
edges only from them. A path from station A's up node to station B's down node
therefore starts and ends at stations and can never pass through a third one
(an up node has no way in, a down node no way out): stations do not relay.
Laser links are edges both ways. Edge weights are lengths in metres.

Node numbering, for `satellites` = N and `stations` = S: satellites 0 … N−1 (the
rows of `orbc.network.nodes`), up nodes N … N+S−1, down nodes N+S … N+2S−1.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from orbc.network.links import Links


def laser_links(links: Links) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, length m) of every usable laser link of the snapshot, each pair once."""
    parts = [(links.relay_user, links.relay_target, links.relay_length_m)]
    for mesh in links.meshes:
        plan = mesh.plan
        rows = np.arange(plan.first, plan.first + plan.planes * plan.per_plane).reshape(
            plan.planes, plan.per_plane)
        # In a plane of two, s→s+1 and s+1→s are one link; with two planes and no phase
        # shift the seam repeats the cross-plane links.
        pairs = [(rows, np.roll(rows, -1, axis=1), mesh.along)]
        if plan.per_plane == 2:
            pairs = [(rows[:, :1], rows[:, 1:], mesh.along[:, :1])]
        if len(mesh.across):
            pairs.append((rows[:-1], rows[1:], mesh.across))
        if plan.seam_shift is not None and not (plan.planes == 2 and plan.seam_shift == 0):
            pairs.append((rows[-1], np.roll(rows[0], -plan.seam_shift), mesh.seam))
        for a, b, length in pairs:
            usable = np.isfinite(length)
            parts.append((a[usable], b[usable], length[usable]))
    a, b, length = (np.concatenate(column) for column in zip(*parts))
    if len({mesh.plan.first for mesh in links.meshes}) < len(links.meshes):
        a, b, length = _once(a, b, length)  # two policies on one shell may share links
    return a, b, length


def _once(a: np.ndarray, b: np.ndarray, length: np.ndarray):
    """Each unordered pair once (a sort and a neighbour comparison)."""
    low, high = np.minimum(a, b), np.maximum(a, b)
    keys = low * (int(high.max(initial=0)) + 1) + high
    order = np.argsort(keys, kind="stable")
    first = np.ones(len(order), dtype=bool)
    first[1:] = keys[order][1:] != keys[order][:-1]
    keep = order[first]
    return a[keep], b[keep], length[keep]


def snapshot_graph(links: Links, satellites: int, stations: int) -> csr_matrix:
    """The directed graph of one snapshot, weights in metres."""
    size = satellites + 2 * stations
    a, b, length = laser_links(links)
    rows = np.concatenate([a, b, satellites + links.gsl_station, links.gsl_satellite])
    columns = np.concatenate([b, a, links.gsl_satellite,
                              satellites + stations + links.gsl_station])
    weights = np.concatenate([length, length, links.gsl_length_m, links.gsl_length_m])
    return csr_matrix((weights, (rows, columns)), shape=(size, size))


def from_stations(graph: csr_matrix, satellites: int, stations: np.ndarray):
    """Shortest path lengths (len(stations), nodes) in metres from the up nodes of
    `stations` (indices), and the predecessor of every node on those paths (−9999: none)."""
    return dijkstra(graph, directed=True, indices=satellites + np.asarray(stations),
                    return_predecessors=True)


def to_nearest_station(graph: csr_matrix, satellites: int, stations: int):
    """For every satellite, the length in metres of its shortest path to any station (inf
    when none), and its next hop towards that station (−9999: none).

    One multi-source Dijkstra from every station's up node: the graph's laser links are
    symmetric and a station's up and down edges have the same lengths, so the path from
    the nearest station is the path to it, reversed.
    """
    if not stations:
        return np.full(satellites, np.inf), np.full(satellites, -9999, np.int32)
    lengths, predecessors, _ = dijkstra(graph, directed=True,
                                        indices=satellites + np.arange(stations),
                                        return_predecessors=True, min_only=True)
    return lengths[:satellites], predecessors[:satellites]


def path_to(predecessors: np.ndarray, source: int, target: int) -> np.ndarray:
    """The nodes from `source` to `target` along a predecessor row (empty when unreachable).
    A loop over the path's hops, which are few, not over satellites."""
    if target != source and predecessors[target] < 0:
        return np.zeros(0, np.int64)
    path = [target]
    while path[-1] != source:
        path.append(int(predecessors[path[-1]]))
    return np.array(path[::-1], dtype=np.int64)
