"""Power through the worst eclipse: end-of-life array vs SMAD sizing, battery depth of discharge.

Loads are the declared `load` blocks plus compute (accelerators × power each);
the electrical draw of radios and laser terminals is taken to be inside the
declared loads. Loads and compute marked `shed_in_eclipse` are off in eclipse.
Regulation is peak-power tracking (SMAD path efficiencies 0.60 / 0.80).
"""

from __future__ import annotations

import math

from orbc.compiler.checks.context import THIN_POWER_FRACTION, CheckContext
from orbc.compiler.model import Hardware
from orbc.diagnostics import at_least, format_number, replace_with
from orbc.physics.power import (
    array_bol_power_w,
    array_eol_power_w,
    battery_depth_of_discharge,
    required_array_power_w,
    required_battery_capacity_j,
)

SECONDS_PER_YEAR = 365.25 * 86400.0


def loads_w(hardware: Hardware) -> tuple[float, float]:
    """(daylight load, eclipse load) in watts."""
    daylight = eclipse = 0.0
    parts = [(load.power_w, load.shed_in_eclipse) for load in hardware.loads]
    if hardware.compute:
        compute = hardware.compute
        parts.append((compute.accelerators * compute.power_each_w, compute.shed_in_eclipse))
    for power, shed in parts:
        daylight += power
        eclipse += 0.0 if shed else power
    return daylight, eclipse


def check_power(context: CheckContext, orbits: dict[str, tuple[float, float]]) -> None:
    model = context.model
    life = model.constellation.mission_life_s
    for name, shell in model.shells.items():
        hardware = model.hardware[shell.hardware]
        period, eclipse = orbits[name]
        daylight_load, eclipse_load = loads_w(hardware)
        array = hardware.solar_array
        eol = 0.0
        if array is not None:
            bol = array_bol_power_w(array.area_m2, array.efficiency, array.packing,
                                    array.incidence_rad)
            eol = float(array_eol_power_w(bol, array.degradation_per_s * SECONDS_PER_YEAR, life))
        required = float(required_array_power_w(eclipse_load, eclipse, daylight_load,
                                                period - eclipse))
        dod = (float(battery_depth_of_discharge(eclipse_load, eclipse, hardware.battery.capacity_j,
                                                hardware.battery.efficiency))
               if hardware.battery else (0.0 if eclipse_load * eclipse == 0 else float("inf")))
        context.shell_figures(name)["power"] = {
            "array_eol_w": eol, "load_w": daylight_load, "eclipse_load_w": eclipse_load,
            "required_array_w": required, "margin_w": eol - required,
            "battery_dod_required": dod,
        }
        _judge_array(context, name, hardware, eol, required, eclipse)
        _judge_battery(context, name, hardware, dod, eclipse_load, eclipse)


def _judge_array(context, shell: str, hardware: Hardware, eol: float, required: float,
                 eclipse: float) -> None:
    if required <= 0:
        return
    array = hardware.solar_array
    if array is None:
        context.report("no-solar-array", shell, f'hardware "{hardware.name}" draws '
                       f"{required / 1e3:.1f} kW but has no solar_array", hardware.spans.get(""),
                       "add a `solar_array { area = …  efficiency = … }`", demand=required)
        return
    message = (f"end-of-life array power {eol / 1e3:.1f} kW "
               f"{'is below' if eol < required else 'barely covers'} the {required / 1e3:.1f} kW "
               f"that the loads and battery recharge need through a {eclipse / 60:.1f} min eclipse")
    if eol < required:
        # The array's power is proportional to its area.
        needed = array.area_m2 * required / eol if eol > 0 else math.inf
        area = f"{format_number(at_least(needed))} m^2" if math.isfinite(needed) else None
        span = array.spans.get("area")
        context.report("power-deficit", shell, message, span,
                       f"raise the array area{f' to at least {area}' if area else ''}, mark "
                       "loads `shed_in_eclipse = true`, or lower the loads",
                       demand=needed, suggestion=replace_with(area, span))
    elif eol - required < THIN_POWER_FRACTION * required:
        context.report("power-margin-thin", shell, message, array.spans.get("area"),
                       f"margin {(eol - required) / 1e3:.2f} kW; degradation or a hotter "
                       "array will eat it", severity="warning", demand=required / eol)


def _judge_battery(context, shell: str, hardware: Hardware, dod: float, eclipse_load: float,
                   eclipse: float) -> None:
    if eclipse_load * eclipse == 0:
        return
    battery = hardware.battery
    energy_kwh = eclipse_load * eclipse / 3.6e6
    if battery is None:
        context.report("no-battery", shell, f"{eclipse_load / 1e3:.1f} kW must run "
                       f"through a {eclipse / 60:.1f} min eclipse ({energy_kwh:.2f} kWh) but "
                       f'hardware "{hardware.name}" has no battery', hardware.spans.get(""),
                       "add a `battery { capacity = …  depth_of_discharge = … }` or shed the "
                       "loads in eclipse", demand=energy_kwh)
        return
    if dod > battery.depth_of_discharge:
        needed = required_battery_capacity_j(eclipse_load, eclipse, battery.depth_of_discharge,
                                             battery.efficiency) / 3.6e6
        capacity = f"{format_number(at_least(needed))} kWh"
        span = battery.spans.get("capacity")
        context.report("battery-depth-exceeded", shell,
                       f"the worst eclipse ({eclipse / 60:.1f} min at "
                       f"{eclipse_load / 1e3:.1f} kW) discharges the battery to {dod:.0%} depth, "
                       f"beyond its {battery.depth_of_discharge:.0%} limit", span,
                       f"raise the capacity to at least {capacity}, or shed loads in eclipse",
                       demand=needed, suggestion=replace_with(capacity, span))
