"""Orbit figures and the worst eclipse of each shell over the whole mission."""

from __future__ import annotations

import math

from orbc.compiler.checks.context import CheckContext
from orbc.compiler.columns import expand
from orbc.compiler.model import Shell
from orbc.physics.eclipse import worst_eclipse_over_mission
from orbc.physics.orbits import orbital_period_s


def check_orbits(context: CheckContext) -> dict[str, tuple[float, float]]:
    """Fill orbit and eclipse figures; return shell -> (period_s, worst eclipse_s)."""
    result = {}
    constellation = context.model.constellation
    for name, shell in context.model.shells.items():
        columns = expand(shell)
        period = float(orbital_period_s(columns.semi_major_axis_m))
        worst = worst_eclipse_over_mission(
            _plane_nodes(shell, columns), columns.inclination_rad, columns.semi_major_axis_m,
            constellation.epoch, constellation.mission_life_s)
        eclipse = float(worst.duration_s.max())
        context.shell_figures(name).update({
            "satellites": shell.satellites,
            "altitude_km": shell.altitude_m / 1e3,
            "inclination_deg": math.degrees(shell.inclination_rad),
            "period_s": period,
            "eclipse_max_s": eclipse,
            "sunlit_fraction_min": float(worst.min_sunlit_fraction.min()),
        })
        result[name] = (period, eclipse)
    return result


def _plane_nodes(shell: Shell, columns):
    """One node per plane (satellites of a plane share it)."""
    return columns.raan_rad[:: shell.per_plane]
