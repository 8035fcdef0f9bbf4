"""The links of the network at one snapshot, as columns.

Laser links come from the link policies (`LinkPlan`, fixed for the whole run):
`plus_grid` and `ring` pairs from `orbc.compiler.topology`, and for `nearest`
each satellite's nearest satellite of the relay set (a k-d tree query per
snapshot). A laser link exists at a snapshot when it is no longer than its
policy's `max_range` and its line of sight clears the policy's
`min_grazing_altitude`. Ground links join a station to every satellite with a
radio that it sees at or above its `min_elevation` (geodetic horizon, no
refraction). Lengths are straight-line distances in metres.
"""

from __future__ import annotations

import math

import attrs
import numpy as np
from scipy.spatial import cKDTree

from orbc.compiler.model import LinkPolicy, Model
from orbc.compiler.topology import grid_pairs
from orbc.constants import EARTH_RADIUS_M
from orbc.network.nodes import Nodes
from orbc.physics.geometry import max_grazing_range_m, segment_min_altitude_m
from orbc.physics.visibility import max_central_angle_rad

# SGP4 radii depart from the mean by ≲ 0.5 % (J2 short-period terms, J3 eccentricity) and
# the geodetic vertical leans ≤ 0.193° from the geocentric one: allowances of the
# ground-link screen, which an exact elevation test then settles.
_RADIUS_ALLOWANCE = 1.005
_VERTICAL_ALLOWANCE_RAD = math.radians(0.25)


@attrs.frozen
class PairLinks:
    """Fixed satellite pairs (grid and ring links), network rows."""

    policy: LinkPolicy
    a: np.ndarray  # int64
    b: np.ndarray  # int64


@attrs.frozen
class NearestLinks:
    """Each satellite of `users` links to its nearest satellite of `relays` (network rows)."""

    policy: LinkPolicy
    users: np.ndarray  # int64
    relays: np.ndarray  # int64


@attrs.frozen
class LinkPlan:
    pairs: tuple[PairLinks, ...]
    nearest: tuple[NearestLinks, ...]


@attrs.frozen
class Links:
    """The links at one snapshot. Laser links are unordered pairs of satellite rows; ground
    links join station index `station` to satellite row `satellite`."""

    isl_a: np.ndarray  # int64
    isl_b: np.ndarray  # int64
    isl_length_m: np.ndarray
    gsl_station: np.ndarray  # int64
    gsl_satellite: np.ndarray  # int64
    gsl_length_m: np.ndarray


def link_plan(model: Model, nodes: Nodes) -> LinkPlan:
    """The laser links every policy asks for, as network rows."""
    pairs, nearest = [], []
    for part in nodes.shells:
        shell = part.shell
        for name in policy_names(shell):
            policy = model.link_policies[name]
            for _, a, b in grid_pairs(shell, part.columns, policy):
                pairs.append(PairLinks(policy, a + part.first, b + part.first))
            if policy.topology == "nearest" and policy.relay is not None:
                relay = nodes.shell_nodes(policy.relay)
                nearest.append(NearestLinks(
                    policy, np.arange(part.first, part.first + len(part)),
                    np.arange(relay.first, relay.first + len(relay))))
    return LinkPlan(tuple(pairs), tuple(nearest))


def policy_names(shell) -> tuple[str, ...]:
    """The link policies a shell uses."""
    return (shell.isl,) if shell.isl else ()


def links_at(plan: LinkPlan, nodes: Nodes, positions_m: np.ndarray) -> Links:
    """Every link that exists with the satellites at `positions_m` (satellites, 3)."""
    parts_a, parts_b = [], []
    for pair in plan.pairs:
        keep = _usable(pair.policy, positions_m[pair.a], positions_m[pair.b])
        parts_a.append(pair.a[keep])
        parts_b.append(pair.b[keep])
    for near in plan.nearest:
        users, relays = _nearest(near, positions_m)
        parts_a.append(users)
        parts_b.append(relays)
    a, b = _unique_pairs(np.concatenate(parts_a + [np.zeros(0, np.int64)]),
                         np.concatenate(parts_b + [np.zeros(0, np.int64)]))
    station, satellite, ground_length = ground_links(nodes, positions_m)
    return Links(a, b, np.linalg.norm(positions_m[a] - positions_m[b], axis=-1),
                 station, satellite, ground_length)


def _usable(policy: LinkPolicy, a_m: np.ndarray, b_m: np.ndarray) -> np.ndarray:
    """Which links between points `a_m` and `b_m` (n, 3) are within range and in sight."""
    length = np.linalg.norm(a_m - b_m, axis=-1)
    keep = segment_min_altitude_m(a_m, b_m) >= policy.min_grazing_altitude_m
    if policy.max_range_m is not None:
        keep &= length <= policy.max_range_m
    return keep


def _nearest(near: NearestLinks, positions_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(user, relay) rows of the nearest-relay links that are usable at this snapshot."""
    if not len(near.relays) or not len(near.users):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    users = positions_m[near.users]
    radius = float(np.linalg.norm(users, axis=-1).max()) * _RADIUS_ALLOWANCE
    relay_radius = float(np.linalg.norm(positions_m[near.relays], axis=-1).max())
    # Nothing farther than the longest line of sight between the two shells can be usable.
    bound = float(max_grazing_range_m(radius - EARTH_RADIUS_M, relay_radius - EARTH_RADIUS_M,
                                      near.policy.min_grazing_altitude_m)) * _RADIUS_ALLOWANCE
    if near.policy.max_range_m is not None:
        bound = min(bound, near.policy.max_range_m)
    _, found = cKDTree(positions_m[near.relays]).query(users, distance_upper_bound=bound)
    has = found < len(near.relays)
    user_rows, relay_rows = near.users[has], near.relays[found[has]]
    keep = _usable(near.policy, positions_m[user_rows], positions_m[relay_rows])
    return user_rows[keep], relay_rows[keep]


def _unique_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each unordered pair once (two policies may ask for the same link), sorted. A sort
    and a comparison with the neighbour: numpy's hashing `unique` is far slower here."""
    low, high = np.minimum(a, b), np.maximum(a, b)
    keep = low != high
    width = int(high.max(initial=0)) + 1
    keys = np.sort(low[keep] * width + high[keep])
    first = np.ones(len(keys), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    keys = keys[first]
    return keys // width, keys % width


def ground_links(nodes: Nodes, positions_m: np.ndarray):
    """(station index, satellite row, length m) of every ground link.

    A cheap screen on the Earth-central angle (one matrix product) leaves the few
    satellites near each station; the elevation is then computed exactly for those.
    """
    empty = np.zeros(0, np.int64)
    radio = np.flatnonzero(nodes.radio_mask())
    if not len(radio) or not len(nodes.station_names):
        return empty, empty, np.zeros(0)
    points = positions_m[radio]
    radius = np.linalg.norm(points, axis=-1)
    station_radius = np.linalg.norm(nodes.station_ecef_m, axis=-1)
    central = max_central_angle_rad(station_radius, float(radius.max()) * _RADIUS_ALLOWANCE,
                                    np.maximum(nodes.station_min_elevation_rad
                                               - _VERTICAL_ALLOWANCE_RAD, 0.0))
    cosine = np.cos(np.minimum(central + _VERTICAL_ALLOWANCE_RAD, math.pi))
    directions = nodes.station_ecef_m / station_radius[:, None]
    candidate, station = np.nonzero(points @ directions.T >= radius[:, None] * cosine[None, :])
    line = points[candidate] - nodes.station_ecef_m[station]
    length = np.linalg.norm(line, axis=-1)
    sin_elevation = np.sum(line * nodes.station_up[station], axis=-1) / length
    keep = sin_elevation >= np.sin(nodes.station_min_elevation_rad[station])
    order = np.lexsort((radio[candidate][keep], station[keep]))
    return (station[keep][order], radio[candidate][keep][order], length[keep][order])
