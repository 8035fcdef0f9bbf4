"""Physical feasibility checks: each reads the model, reports diagnostics and fills figures.

`run_checks` is the one entry point; the figures it returns are the `shells`
and `summary` objects of `orbc check --format json`.
"""

from __future__ import annotations

import attrs

from orbc.compiler.checks.compute import check_compute
from orbc.compiler.checks.context import CheckContext
from orbc.compiler.checks.downlink import check_downlinks
from orbc.compiler.checks.isl import check_grid_links
from orbc.compiler.checks.launch import check_launches
from orbc.compiler.checks.ledger import ledger_summary
from orbc.compiler.checks.mass import check_mass
from orbc.compiler.checks.orbit import check_orbits
from orbc.compiler.checks.power import check_power, loads_w
from orbc.compiler.checks.relay import check_relays
from orbc.compiler.checks.thermal import check_thermal
from orbc.compiler.model import Model
from orbc.diagnostics import Diagnostic
from orbc.physics.power import array_bol_power_w


@attrs.frozen
class Feasibility:
    diagnostics: list[Diagnostic]
    shells: dict[str, dict]
    summary: dict


def run_checks(model: Model) -> Feasibility:
    context = CheckContext(model)
    orbits = check_orbits(context)
    check_power(context, orbits)
    check_thermal(context)
    check_grid_links(context)
    check_relays(context)
    check_downlinks(context)
    check_mass(context)
    check_launches(context)
    check_compute(context)
    shells = {name: context.figures[name] for name in sorted(context.figures)}
    return Feasibility(context.diagnostics, shells,
                       {**_summary(model), **ledger_summary(model, shells)})


def _summary(model: Model) -> dict:
    satellites = array_w = flops = radiator_m2 = load_w = 0.0
    for shell in model.shells.values():
        hardware = model.hardware[shell.hardware]
        count = shell.satellites
        satellites += count
        if hardware.solar_array:
            array = hardware.solar_array
            array_w += count * float(array_bol_power_w(array.area_m2, array.efficiency,
                                                       array.packing, array.incidence_rad))
        if hardware.compute:
            flops += count * hardware.compute.accelerators * hardware.compute.flops_each
        if hardware.radiator:
            radiator_m2 += count * hardware.radiator.area_m2
        load_w += count * loads_w(hardware)[0]
    return {"satellites": int(satellites), "array_power_bol_w": array_w, "load_w": load_w,
            "compute_flops": flops, "radiator_area_m2": radiator_m2}
