"""Link policies turned into concrete inter-satellite links, as columns.

`plus_grid` links each satellite to its two in-plane neighbours (`intra`) and
to the satellite of the same slot in the next plane (`inter`); `ring` keeps
only the in-plane links. A link is counted once, so a Walker delta shell of T
satellites (P ≥ 3, S ≥ 3) has 2T grid links. The seam of a Walker delta joins
plane P−1 slot k to plane 0 slot k+F, the satellite that continues the
pattern; a Walker star has no seam links (its first and last planes
counter-rotate).

Ranges exploit the shell's symmetry: two satellites of one shell keep the same
relative geometry over an orbit whatever their absolute node and phase, so the
largest range of a link depends only on (ΔΩ, ΔM). Each distinct pair
geometry is computed once and broadcast to its links.

`shell_grid_links` computes a shell's links once per model: the link checks and
the targets that draw links (`isl-csv`, `czml`, `hypatia`) share them.
"""

from __future__ import annotations

from functools import partial

import attrs
import numpy as np

from orbc.compiler.columns import ShellColumns, expand
from orbc.compiler.memo import per_model
from orbc.compiler.model import LinkPolicy, Model, Shell
from orbc.physics.geometry import max_pair_range_over_orbit_m

# Pair geometries closer than this (rad) are one geometry; far below any spacing a shell has.
_GEOMETRY_RESOLUTION_RAD = 1e-9


@attrs.frozen
class LinkSet:
    """Links of one kind from one shell: row indices into the shell's columns."""

    shell: str
    kind: str  # intra | inter
    policy: str
    a: np.ndarray  # int64
    b: np.ndarray  # int64
    range_max_m: np.ndarray  # float64, the largest range over an orbit, per link

    def __len__(self) -> int:
        return len(self.a)


def shell_grid_links(model: Model, name: str) -> list[LinkSet]:
    """The grid links of shell `name` under its first `plus_grid` or `ring` policy (empty
    without one), computed once per model; their arrays are read-only, being shared."""
    return per_model(model, ("grid links", name), partial(_shell_grid_links, name=name))


def _shell_grid_links(model: Model, name: str) -> list[LinkSet]:
    shell = model.shells[name]
    policies = [model.link_policies[label] for label in shell.link_policies or (shell.isl,)
                if label in model.link_policies
                and model.link_policies[label].topology in ("plus_grid", "ring")]
    if not policies:
        return []
    sets = grid_links(shell, expand(shell), policies[0])
    for links in sets:
        for column in (links.a, links.b, links.range_max_m):
            column.setflags(write=False)
    return sets


def grid_links(shell: Shell, columns: ShellColumns, policy: LinkPolicy) -> list[LinkSet]:
    """The `plus_grid` or `ring` links of a shell (empty for other topologies)."""
    return [LinkSet(shell.name, kind, policy.name, a, b, _pair_max_range_m(columns, a, b))
            for kind, a, b in grid_pairs(shell, columns, policy)]


def grid_pairs(shell: Shell, columns: ShellColumns,
               policy: LinkPolicy) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """The `plus_grid` or `ring` links of a shell as (kind, a, b) row-index columns, without
    their ranges (empty for other topologies)."""
    if policy.topology not in ("plus_grid", "ring"):
        return []
    planes, per_plane = shell.planes, shell.per_plane
    plane, slot = columns.plane.astype(np.int64), columns.slot.astype(np.int64)
    sets = []
    intra = _unique_pairs(plane * per_plane + slot, plane * per_plane + (slot + 1) % per_plane)
    sets.append(("intra", *intra))
    if policy.topology == "plus_grid" and planes > 1:
        next_plane = plane + 1
        next_slot = slot.copy()
        if shell.pattern == "walker_delta":
            seam = next_plane == planes
            next_slot[seam] = (slot[seam] + shell.phasing) % per_plane
            next_plane[seam] = 0
            keep = np.ones_like(plane, dtype=bool)
        else:
            keep = next_plane < planes
        inter = _unique_pairs((plane * per_plane + slot)[keep],
                              (next_plane * per_plane + next_slot)[keep])
        sets.append(("inter", *inter))
    return sets


def _unique_pairs(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pairs without self-links, each unordered pair once, sorted."""
    low, high = np.minimum(a, b), np.maximum(a, b)
    keep = low != high
    keys = np.unique(low[keep] * (high.max(initial=0) + 1) + high[keep])
    width = high.max(initial=0) + 1
    return keys // width, keys % width


def _pair_max_range_m(columns: ShellColumns, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Largest range over an orbit of each pair, computed once per distinct pair geometry."""
    if len(a) == 0:
        return np.zeros(0)
    d_raan = np.mod(columns.raan_rad[b] - columns.raan_rad[a], 2 * np.pi)
    d_anomaly = np.mod(columns.mean_anomaly_rad[b] - columns.mean_anomaly_rad[a], 2 * np.pi)
    keys = np.round(np.stack([d_raan, d_anomaly], axis=1) / _GEOMETRY_RESOLUTION_RAD)
    unique, inverse = np.unique(keys, axis=0, return_inverse=True)
    geometry = unique * _GEOMETRY_RESOLUTION_RAD
    sma, inclination = columns.semi_major_axis_m, columns.inclination_rad
    ranges = max_pair_range_over_orbit_m((sma, inclination, 0.0, 0.0),
                                         (sma, inclination, geometry[:, 0], geometry[:, 1]))
    return ranges[inverse.ravel()]
