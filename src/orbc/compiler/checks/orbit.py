"""Orbit figures and the worst eclipse of each shell over the whole mission."""

from __future__ import annotations

import math

import numpy as np

from orbc.compiler.checks.context import CheckContext
from orbc.compiler.columns import expand
from orbc.physics.eclipse import worst_eclipse_over_mission
from orbc.physics.orbits import orbital_period_s


def check_orbits(context: CheckContext) -> dict[str, tuple[float, float]]:
    """Fill orbit and eclipse figures; return shell -> (period_s, worst eclipse_s).

    The eclipse search runs once over the distinct planes of all shells together
    (each with its own inclination and semi-major axis): its cost is numpy work
    per distinct plane, not Python overhead per shell, which is what a spec of
    thousands of small shells needs.
    """
    constellation = context.model.constellation
    shells = list(context.model.shells.values())
    if not shells:
        return {}
    nodes, inclinations, axes, owners = [], [], [], []
    for k, shell in enumerate(shells):
        columns = expand(shell)
        plane_nodes = columns.raan_rad[:: shell.per_plane]  # satellites of a plane share it
        nodes.append(plane_nodes)
        inclinations.append(np.full(plane_nodes.shape, columns.inclination_rad))
        axes.append(np.full(plane_nodes.shape, columns.semi_major_axis_m))
        owners.append(np.full(plane_nodes.shape, k))
    planes = np.stack([np.concatenate(nodes), np.concatenate(inclinations),
                       np.concatenate(axes)])
    # Planes with the same node, inclination and radius have the same eclipses: search once.
    distinct, which = np.unique(planes, axis=1, return_inverse=True)
    found = worst_eclipse_over_mission(distinct[0], distinct[1], distinct[2],
                                       constellation.epoch, constellation.mission_life_s)
    duration, sunlit = found.duration_s[which.ravel()], found.min_sunlit_fraction[which.ravel()]
    owner = np.concatenate(owners)
    longest = np.full(len(shells), -np.inf)
    np.maximum.at(longest, owner, duration)
    least_sunlit = np.full(len(shells), np.inf)
    np.minimum.at(least_sunlit, owner, sunlit)
    periods = orbital_period_s(np.array([shell_axis[0] for shell_axis in axes]))
    result = {}
    for k, shell in enumerate(shells):
        period, eclipse = float(periods[k]), float(longest[k])
        context.shell_figures(shell.name).update({
            "satellites": shell.satellites,
            "altitude_km": shell.altitude_m / 1e3,
            "inclination_deg": math.degrees(shell.inclination_rad),
            "period_s": period,
            "eclipse_max_s": eclipse,
            "sunlit_fraction_min": float(least_sunlit[k]),
        })
        result[shell.name] = (period, eclipse)
    return result
