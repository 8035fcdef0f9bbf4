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
from orbc.constants import EARTH_RADIUS_M
from orbc.network.nodes import NOWHERE_M, Nodes
from orbc.network.terminals import free_terminals
from orbc.physics.geometry import max_grazing_range_m, segment_min_altitude_m
from orbc.physics.visibility import max_central_angle_rad

# SGP4 radii depart from the mean by ≲ 0.5 % (J2 short-period terms, J3 eccentricity) and
# the geodetic vertical leans ≤ 0.193° from the geocentric one: allowances of the
# ground-link screen, which an exact elevation test then settles.
_RADIUS_ALLOWANCE = 1.005
_VERTICAL_ALLOWANCE_RAD = math.radians(0.25)


@attrs.frozen
class MeshPlan:
    """A `plus_grid` or `ring` policy on one shell (topology as `orbc.compiler.topology`)."""

    policy: LinkPolicy
    first: int  # network row of the shell's first satellite
    planes: int
    per_plane: int
    across: bool  # links to the next plane (plus_grid with ≥ 2 planes)
    seam_shift: int | None  # slot shift of the seam links of a Walker delta; None: no seam
    radius_low_m: float  # no satellite of the shell is nearer the Earth's centre


@attrs.frozen
class NearestPlan:
    """Each satellite of `users` links to its nearest satellite of `relays` (network rows)."""

    policy: LinkPolicy
    users: np.ndarray  # int64
    relays: np.ndarray  # int64
    free_terminals: np.ndarray  # per relay: users it can serve at once (−1: no limit)


@attrs.frozen
class LinkPlan:
    meshes: tuple[MeshPlan, ...]
    nearest: tuple[NearestPlan, ...]


@attrs.frozen
class Mesh:
    """A mesh's links at one snapshot: lengths in metres, inf where a link is not usable.

    Satellite (p, s) is network row first + p·per_plane + s.
    """

    plan: MeshPlan
    along: np.ndarray  # (P, S): (p, s)–(p, s+1 mod S)
    across: np.ndarray  # (P−1, S): (p, s)–(p+1, s); (0, S) without cross-plane links
    seam: np.ndarray  # (S,): (P−1, s)–(0, s+shift mod S); (0,) without a seam


@attrs.frozen
class Links:
    """The links at one snapshot. Relay links join satellite row `relay_user` to
    `relay_target`; ground links join station index `gsl_station` to `gsl_satellite`."""

    meshes: tuple[Mesh, ...]
    relay_user: np.ndarray  # int64
    relay_target: np.ndarray  # int64
    relay_length_m: np.ndarray
    gsl_station: np.ndarray  # int64
    gsl_satellite: np.ndarray  # int64
    gsl_length_m: np.ndarray
    relay_refused: np.ndarray  # int64: users with a relay in range refused by fan-in
    relay_oversubscription: float  # max over relays of users asking / free terminals


def link_plan(model: Model, nodes: Nodes) -> LinkPlan:
    """The laser links every policy asks for: own shells' policies, and the meshes
    (`plus_grid`, `ring`) of external specs."""
    meshes, nearest = [], []
    for part in nodes.shells:
        owner = model if part.external is None else model.externals[part.external].model
        shell = part.shell
        for name in policy_names(shell):
            policy = owner.link_policies[name]
            if policy.topology in ("plus_grid", "ring"):
                across = policy.topology == "plus_grid" and shell.planes > 1
                seam = shell.phasing if across and shell.pattern == "walker_delta" else None
                meshes.append(MeshPlan(policy, part.first, shell.planes, shell.per_plane,
                                       across, seam,
                                       part.columns.semi_major_axis_m / _RADIUS_ALLOWANCE))
            elif (policy.topology == "nearest" and policy.relay is not None
                  and part.external is None):
                relays = nodes.relay_parts(policy.relay)
                nearest.append(NearestPlan(
                    policy, np.arange(part.first, part.first + len(part)),
                    np.concatenate([np.arange(r.first, r.first + len(r)) for r in relays]),
                    np.concatenate([np.full(len(r), _free(model, r)) for r in relays])))
    return LinkPlan(tuple(meshes), tuple(nearest))


def _free(model: Model, part) -> int:
    """Users one relay satellite of `part` can serve (−1: no limit known, element sets)."""
    if not hasattr(part, "shell"):
        return -1
    owner = model if part.external is None else model.externals[part.external].model
    return free_terminals(owner, part.shell)


def policy_names(shell) -> tuple[str, ...]:
    """The link policies a shell uses."""
    return shell.link_policies


def links_at(plan: LinkPlan, nodes: Nodes, positions_m: np.ndarray) -> Links:
    """Every link that exists with the satellites at `positions_m` (satellites, 3)."""
    meshes = tuple(_mesh(mesh, positions_m) for mesh in plan.meshes)
    found = [(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))]
    for near in plan.nearest:
        user, index = _nearest(near, positions_m)
        found.append((user, near.relays[index], near.free_terminals[index]))
    user, relay, cap = (np.concatenate(column) for column in zip(*found))
    length = np.linalg.norm(positions_m[user] - positions_m[relay], axis=-1)
    served, oversubscription = _fan_in(relay, length, cap)
    station, satellite, ground_length = ground_links(nodes, positions_m)
    return Links(meshes, user[served], relay[served], length[served], station, satellite,
                 ground_length, user[~served], oversubscription)


def _fan_in(relay: np.ndarray, length: np.ndarray, cap: np.ndarray) -> tuple[np.ndarray, float]:
    """Which relay requests are served when a relay satellite takes at most `cap` users
    (−1: no limit), nearest first; and the largest requests / cap of any relay."""
    served = np.ones(len(relay), dtype=bool)
    if not len(relay) or not np.any(cap >= 0):
        return served, 0.0
    order = np.lexsort((length, relay))
    ordered = relay[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, len(ordered)])
    rank = np.arange(len(ordered)) - np.repeat(starts, sizes)
    limited = cap[order] >= 0
    served[order] = ~limited | (rank < cap[order])
    caps = cap[order][starts]
    with np.errstate(divide="ignore"):
        ratio = np.where(caps > 0, sizes / np.maximum(caps, 1), np.inf)
    ratio = ratio[caps >= 0]
    return served, float(ratio.max()) if len(ratio) else 0.0


def _mesh(plan: MeshPlan, positions_m: np.ndarray) -> Mesh:
    planes, per_plane = plan.planes, plan.per_plane
    grid = positions_m[plan.first:plan.first + planes * per_plane].reshape(planes, per_plane, 3)
    if per_plane > 1:
        along = _lengths(plan, grid, np.roll(grid, -1, axis=1))
    else:
        along = np.full((planes, 1), np.inf)  # a lone satellite links to nobody in its plane
    across = _lengths(plan, grid[:-1], grid[1:]) if plan.across else np.zeros((0, per_plane))
    seam = np.zeros(0)
    if plan.seam_shift is not None:
        seam = _lengths(plan, grid[-1], np.roll(grid[0], -plan.seam_shift, axis=0))
    return Mesh(plan, along, across, seam)


def _lengths(plan: MeshPlan, a_m: np.ndarray, b_m: np.ndarray) -> np.ndarray:
    """Lengths of the links between points `a_m` and `b_m` (..., 3); inf where a link is
    beyond `max_range` or its line of sight dips below the grazing altitude.

    Two points no nearer the centre than r are in sight above altitude g whenever they
    are within 2·√(r² − (R⊕ + g)²) of each other; only longer links need the exact test.
    """
    policy = plan.policy
    length = np.linalg.norm(a_m - b_m, axis=-1)
    usable = np.ones(length.shape, dtype=bool)
    if policy.max_range_m is not None:
        usable &= length <= policy.max_range_m
    graze = EARTH_RADIUS_M + policy.min_grazing_altitude_m
    doubt = usable & (length > 2.0 * math.sqrt(max(plan.radius_low_m**2 - graze**2, 0.0)))
    if doubt.any():
        usable[doubt] = (segment_min_altitude_m(a_m[doubt], b_m[doubt])
                         >= policy.min_grazing_altitude_m)
    return np.where(usable, length, np.inf)


def _usable(policy: LinkPolicy, a_m: np.ndarray, b_m: np.ndarray) -> np.ndarray:
    """Which links between points `a_m` and `b_m` (n, 3) are within range and in sight."""
    length = np.linalg.norm(a_m - b_m, axis=-1)
    keep = segment_min_altitude_m(a_m, b_m) >= policy.min_grazing_altitude_m
    if policy.max_range_m is not None:
        keep &= length <= policy.max_range_m
    return keep


def _nearest(near: NearestPlan, positions_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(user row, index into `near.relays`) of the nearest-relay links usable at this
    snapshot."""
    if not len(near.relays) or not len(near.users):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    users = positions_m[near.users]
    radius = float(np.linalg.norm(users, axis=-1).max()) * _RADIUS_ALLOWANCE
    relay_points = positions_m[near.relays]
    relay_radii = np.linalg.norm(relay_points, axis=-1)
    relay_radius = float(relay_radii[relay_radii < NOWHERE_M / 2].max(initial=EARTH_RADIUS_M))
    # Nothing farther than the longest line of sight between the two shells can be usable.
    bound = float(max_grazing_range_m(radius - EARTH_RADIUS_M, relay_radius - EARTH_RADIUS_M,
                                      near.policy.min_grazing_altitude_m)) * _RADIUS_ALLOWANCE
    if near.policy.max_range_m is not None:
        bound = min(bound, near.policy.max_range_m)
    _, found = cKDTree(relay_points).query(users, distance_upper_bound=bound, workers=-1)
    has = found < len(near.relays)
    user_rows, index = near.users[has], found[has]
    keep = _usable(near.policy, positions_m[user_rows], positions_m[near.relays[index]])
    return user_rows[keep], index[keep]


def ground_links(nodes: Nodes, positions_m: np.ndarray):
    """(station index, satellite row, length m) of every ground link, by station then row.

    Shell by shell, a screen on the Earth-central angle (a dot product with each
    station's direction) leaves the few satellites near each station; the elevation is
    then computed exactly for those.
    """
    found = [(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0))]
    if len(nodes.station_names):
        station_radius = np.linalg.norm(nodes.station_ecef_m, axis=-1)
        directions = nodes.station_ecef_m / station_radius[:, None]
        screen_elevation = np.maximum(nodes.station_min_elevation_rad - _VERTICAL_ALLOWANCE_RAD,
                                      0.0)
        for part in nodes.parts:
            if not part.has_radio:
                continue
            points = positions_m[part.first:part.first + len(part)]
            if hasattr(part, "columns"):
                radius = part.columns.semi_major_axis_m
                central = max_central_angle_rad(station_radius, radius * _RADIUS_ALLOWANCE,
                                                screen_elevation)
                threshold = radius / _RADIUS_ALLOWANCE * np.cos(
                    np.minimum(central + _VERTICAL_ALLOWANCE_RAD, math.pi))
            else:  # element sets: any orbit, a few thousand satellites; test them all
                threshold = np.full(len(directions), -np.inf)
            x, y, z = points.T.copy()  # contiguous columns: numpy's (n, 3) @ (3, k) is slow
            rows, stations = [], []
            for index, (dx, dy, dz) in enumerate(directions):  # a loop over stations
                dot = x * dx
                dot += y * dy
                dot += z * dz
                near = np.flatnonzero(dot >= threshold[index])
                rows.append(near)
                stations.append(np.full(len(near), index))
            row, station = np.concatenate(rows), np.concatenate(stations)
            line = points[row] - nodes.station_ecef_m[station]
            length = np.linalg.norm(line, axis=-1)
            sin_elevation = np.sum(line * nodes.station_up[station], axis=-1) / length
            keep = sin_elevation >= np.sin(nodes.station_min_elevation_rad[station])
            found.append((station[keep], row[keep] + part.first, length[keep]))
    station, satellite, length = (np.concatenate(column) for column in zip(*found))
    order = np.lexsort((satellite, station))
    return station[order], satellite[order], length[order]
