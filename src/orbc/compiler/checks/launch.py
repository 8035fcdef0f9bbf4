"""Launches: how many flights of a shell's launcher put the shell in orbit.

One launch serves one plane (a launcher puts its stack into a single orbit
plane) and carries floor(payload / satellite mass) satellites, so a plane of S
satellites needs ceil(S / per launch) launches.
"""

from __future__ import annotations

import math

from orbc.compiler.checks.context import CheckContext
from orbc.compiler.checks.mass import satellite_mass_kg
from orbc.diagnostics import format_number

# payload / mass is floored: a ratio that is whole on paper must not lose a satellite to
# float rounding (15.6 t / 260 kg is 60, not 59.999…).
_ROUNDING = 1e-9


def satellites_per_launch(payload_kg: float, satellite_kg: float) -> float:
    """floor(payload / satellite mass), a whole number; infinite for a massless satellite
    (nothing declared, nothing estimated), which rides with its whole plane."""
    if satellite_kg <= 0:
        return math.inf
    return math.floor(payload_kg / satellite_kg * (1 + _ROUNDING))


def launches_for_shell(planes: int, per_plane: int, per_launch: float) -> int:
    """planes × ceil(per_plane / per_launch)."""
    return planes * (1 if math.isinf(per_launch) else math.ceil(per_plane / per_launch))


def check_launches(context: CheckContext) -> None:
    model = context.model
    for name, shell in model.shells.items():
        figures = context.shell_figures(name)
        launcher = model.launchers.get(shell.launcher) if shell.launcher else None
        figures["launcher"] = shell.launcher
        figures["launches"] = None
        figures["satellites_per_launch"] = None
        if launcher is None:
            continue
        mass = satellite_mass_kg(model.hardware[shell.hardware])
        per_launch = satellites_per_launch(launcher.payload_kg, mass)
        if per_launch == 0:
            span = shell.spans.get("launcher")
            context.report(
                "launcher-too-small", name,
                f"a satellite of {mass:,.1f} kg is heavier than the {launcher.payload_kg:,.1f} kg "
                f'payload of launcher "{launcher.name}"', span,
                f"name a launcher whose payload to this orbit is {format_number(mass / 1e3)} t "
                "or more, or lighten the satellite", demand=mass / launcher.payload_kg)
            continue
        figures["satellites_per_launch"] = None if math.isinf(per_launch) else per_launch
        figures["launches"] = launches_for_shell(shell.planes, shell.per_plane, per_launch)
