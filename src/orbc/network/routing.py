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


def snapshot_graph(links: Links, satellites: int, stations: int) -> csr_matrix:
    """The directed graph of one snapshot, weights in metres."""
    size = satellites + 2 * stations
    rows = np.concatenate([links.isl_a, links.isl_b, satellites + links.gsl_station,
                           links.gsl_satellite])
    columns = np.concatenate([links.isl_b, links.isl_a, links.gsl_satellite,
                              satellites + stations + links.gsl_station])
    weights = np.concatenate([links.isl_length_m, links.isl_length_m, links.gsl_length_m,
                              links.gsl_length_m])
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
