"""The constellation's ledger in the summary: tonnes to orbit, launches, compute delivered."""

from __future__ import annotations

from orbc.compiler.checks.mass import array_power_w, compute_power_w, satellite_mass_kg
from orbc.compiler.model import Model


def ledger_summary(model: Model, shells: dict[str, dict]) -> dict:
    """Totals over the shells, from the models and the per-shell figures.

    `launches` counts the shells that name a launcher (None when none does);
    specific power and compute per tonne are over the mass to orbit."""
    mass_kg = array_w = compute_w = peak = delivered = 0.0
    launches = None
    for name, shell in model.shells.items():
        hardware = model.hardware[shell.hardware]
        count = shell.satellites
        mass_kg += count * satellite_mass_kg(hardware)
        array_w += count * array_power_w(hardware)
        compute_w += count * compute_power_w(hardware)
        figures = shells.get(name, {})
        if "compute" in figures:
            peak += figures["compute"]["flops_peak"]
            delivered += figures["compute"]["flops_delivered"]
        if figures.get("launches") is not None:
            launches = (launches or 0) + figures["launches"]
    return {
        "mass_to_orbit_t": mass_kg / 1e3,
        "launches": launches,
        "specific_power_w_per_kg": array_w / mass_kg if mass_kg else None,
        "compute_w_per_t": compute_w / (mass_kg / 1e3) if mass_kg else None,
        "compute_flops_peak": peak,
        "compute_flops_delivered": delivered,
    }
