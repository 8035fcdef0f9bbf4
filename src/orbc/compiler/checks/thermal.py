"""Heat rejection: dissipated power vs what the radiators reject in the hot case.

Assumptions (stated by `orbc explain thermal-deficit`): all electrical load ends
as heat; the radiator panel is edge-on to the Earth, each face seeing it with
the edge-on view factor at the shell's altitude; one face is square to the sun
(the worst attitude) with albedo on; Earth IR is absorbed with α_IR = ε
(Kirchhoff). Solar absorptivity and faces come from the spec.
"""

from __future__ import annotations

import math

from orbc.compiler.checks.context import THIN_THERMAL_FRACTION, CheckContext
from orbc.compiler.checks.power import loads_w
from orbc.constants import EARTH_RADIUS_M
from orbc.diagnostics import at_least, format_number, replace_with
from orbc.physics.thermal import earth_view_factor_edge_on, radiator_net_rejection_w_m2

SUNLIT_FACES = 1.0  # one face square to the sun: the hot case


def check_thermal(context: CheckContext) -> None:
    model = context.model
    for name, shell in model.shells.items():
        hardware = model.hardware[shell.hardware]
        dissipation, _ = loads_w(hardware)
        radiator = hardware.radiator
        rejection = 0.0
        if radiator is not None:
            view = radiator.faces * float(earth_view_factor_edge_on(EARTH_RADIUS_M
                                                                    + shell.altitude_m))
            per_m2 = float(radiator_net_rejection_w_m2(
                radiator.temperature_k, radiator.emissivity, radiator.absorptivity, view,
                faces=radiator.faces, sunlit_faces=SUNLIT_FACES))
            rejection = per_m2 * radiator.area_m2
        context.shell_figures(name)["thermal"] = {
            "dissipation_w": dissipation, "rejection_w": rejection,
            "margin_w": rejection - dissipation,
        }
        if dissipation <= 0:
            continue
        if radiator is None:
            context.report("no-radiator", name, f'hardware "{hardware.name}" dissipates '
                           f"{dissipation / 1e3:.1f} kW but has no radiator",
                           hardware.spans.get(""), "add a `radiator { area = …  emissivity = … "
                                                   " temperature = … }`", demand=dissipation)
            continue
        message = (f"radiators reject {rejection / 1e3:.1f} kW at "
                   f"{radiator.temperature_k:g} K in the hot case; the satellite dissipates "
                   f"{dissipation / 1e3:.1f} kW")
        span = radiator.spans.get("area")
        if rejection < dissipation:
            area = None
            if rejection <= 0:
                needed = math.inf
                hint = ("needs a higher temperature or a lower absorptivity; the panel absorbs "
                        "more than it emits")
            else:
                # The rejected power is proportional to the radiator's area.
                needed = radiator.area_m2 * dissipation / rejection
                area = f"{format_number(at_least(needed))} m^2"
                hint = f"needs at least {area} of radiator, or a higher radiator temperature"
            context.report("thermal-deficit", name, message, span, hint, demand=needed,
                           suggestion=replace_with(area, span))
        elif rejection - dissipation < THIN_THERMAL_FRACTION * dissipation:
            context.report("thermal-margin-thin", name, message, span,
                           f"margin {(rejection - dissipation) / 1e3:.2f} kW", severity="warning",
                           demand=dissipation / rejection)
