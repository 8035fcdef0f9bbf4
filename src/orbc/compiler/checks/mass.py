"""The mass ledger: each subsystem's mass from its inputs, their sum against the declared mass.

`subsystem_masses_kg` is the one table of what a satellite is made of; every
figure that needs a satellite's mass (launches, specific power, compute per
tonne) goes through `satellite_mass_kg`.
"""

from __future__ import annotations

from orbc.compiler.checks.context import CheckContext
from orbc.compiler.model import Hardware
from orbc.diagnostics import at_least, format_number, replace_with
from orbc.physics.power import array_bol_power_w

HEAVIEST_NAMED = 3  # subsystems a `mass-exceeded` message names
# The estimate may equal the declared mass: a hand sum written to the gram must pass
# despite float rounding in the sum.
_ROUNDING = 1e-9


def subsystem_masses_kg(hardware: Hardware) -> dict[str, float]:
    """Mass of each subsystem the hardware has, kg, in a fixed order. Keys: `solar_array`,
    `radiator`, `battery`, `compute`, `laser_terminal`, `radio.<label>`, and `load.<label>`
    for loads that declare a mass."""
    masses: dict[str, float] = {}
    if hardware.solar_array:
        array = hardware.solar_array
        masses["solar_array"] = array.area_m2 * array.areal_density_kg_m2
    if hardware.radiator:
        radiator = hardware.radiator
        masses["radiator"] = radiator.area_m2 * radiator.areal_density_kg_m2
    if hardware.battery:
        battery = hardware.battery
        masses["battery"] = battery.capacity_j / battery.specific_energy_j_kg
    if hardware.compute:
        masses["compute"] = hardware.compute.accelerators * hardware.compute.mass_each_kg
    if hardware.laser_terminal:
        terminal = hardware.laser_terminal
        masses["laser_terminal"] = terminal.count * terminal.mass_each_kg
    for radio in hardware.radios:
        masses[f"radio.{radio.name}"] = radio.mass_kg
    for load in hardware.loads:
        if load.mass_kg > 0:
            masses[f"load.{load.name}"] = load.mass_kg
    # Every other subsystem with a mass (propulsion: dry mass + propellant) is one more
    # entry above; the estimate, `mass-exceeded` and `by_subsystem` follow from this table.
    return masses


def satellite_mass_kg(hardware: Hardware) -> float:
    """The mass one satellite launches with: the declared `mass`, else the estimate."""
    if hardware.mass_kg is not None:
        return hardware.mass_kg
    return sum(subsystem_masses_kg(hardware).values())


def compute_power_w(hardware: Hardware) -> float:
    compute = hardware.compute
    return compute.accelerators * compute.power_each_w if compute else 0.0


def array_power_w(hardware: Hardware) -> float:
    """Beginning-of-life array power, W (0 without an array)."""
    array = hardware.solar_array
    if array is None:
        return 0.0
    return float(array_bol_power_w(array.area_m2, array.efficiency, array.packing,
                                   array.incidence_rad))


def check_mass(context: CheckContext) -> None:
    model = context.model
    for name, shell in model.shells.items():
        hardware = model.hardware[shell.hardware]
        by_subsystem = subsystem_masses_kg(hardware)
        estimated = sum(by_subsystem.values())
        mass = satellite_mass_kg(hardware)
        figures = context.shell_figures(name)
        figures["mass_kg"] = {"declared": hardware.mass_kg, "estimated": estimated,
                              "by_subsystem": by_subsystem}
        figures["specific_power_w_per_kg"] = array_power_w(hardware) / mass if mass else None
        figures["compute_w_per_t"] = compute_power_w(hardware) / (mass / 1e3) if mass else None
        declared = hardware.mass_kg
        if declared is not None and estimated > declared * (1 + _ROUNDING):
            _report_excess(context, name, hardware, by_subsystem, estimated)


def _report_excess(context: CheckContext, shell: str, hardware: Hardware,
                   by_subsystem: dict[str, float], estimated: float) -> None:
    declared = hardware.mass_kg
    heaviest = sorted(by_subsystem.items(), key=lambda item: -item[1])[:HEAVIEST_NAMED]
    named = ", ".join(f"{part} {mass:,.1f} kg" for part, mass in heaviest)
    # `at_least` nudges past its argument; equality passes here, so aim just below.
    needed = f"{format_number(at_least(estimated * (1 - 2 * _ROUNDING)))} kg"
    span = hardware.spans.get("mass")
    context.report(
        "mass-exceeded", shell,
        f'hardware "{hardware.name}" adds up to {estimated:,.1f} kg, '
        f"{estimated - declared:,.1f} kg over its declared {declared:,.1f} kg; "
        f"heaviest: {named}", span,
        f"raise `mass` to at least {needed}, or lighten the heaviest subsystems "
        "(`areal_density`, `specific_energy`, `mass_each`, `mass`)",
        demand=estimated, suggestion=replace_with(needed, span))
