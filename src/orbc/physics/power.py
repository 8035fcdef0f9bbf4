"""Solar array and battery sizing (Wertz & Larson, SMAD 3rd ed., §11.4)."""

import numpy as np

from orbc.constants import (
    BATTERY_DISCHARGE_EFFICIENCY,
    PATH_EFFICIENCY_DIRECT_ENERGY_TRANSFER,
    PATH_EFFICIENCY_PEAK_POWER_TRACKING,
    SECONDS_PER_JULIAN_YEAR,
    SOLAR_CONSTANT_W_M2,
)

PATH_EFFICIENCIES = {
    "peak_power_tracking": PATH_EFFICIENCY_PEAK_POWER_TRACKING,
    "direct_energy_transfer": PATH_EFFICIENCY_DIRECT_ENERGY_TRANSFER,
}


def array_bol_power_w(
    area_m2, cell_efficiency, packing_factor=1.0, incidence_rad=0.0,
    solar_flux_w_m2=SOLAR_CONSTANT_W_M2,
):
    """Beginning-of-life array output P = A·η·S·packing·cos θ, watts.

    θ is the sun's angle from the panel normal; a panel facing away (cos θ < 0)
    gives 0. Broadcasts.
    """
    cos_incidence = np.maximum(np.cos(incidence_rad), 0.0)
    return area_m2 * cell_efficiency * solar_flux_w_m2 * packing_factor * cos_incidence


def array_eol_power_w(bol_power_w, degradation_per_year, mission_life_s):
    """End-of-life array output P_BOL·(1 − D)^years, watts; years are Julian. Broadcasts."""
    years = np.asarray(mission_life_s, dtype=float) / SECONDS_PER_JULIAN_YEAR
    return bol_power_w * (1.0 - np.asarray(degradation_per_year, dtype=float)) ** years


def required_array_power_w(
    eclipse_load_w, eclipse_s, daylight_load_w, daylight_s,
    regulation="peak_power_tracking",
):
    """Array output needed in daylight to run the loads and recharge, watts (SMAD Eq. 11-5).

    P_sa = (P_e·T_e/X_e + P_d·T_d/X_d) / T_d, with path efficiencies (X_e, X_d)
    = (0.60, 0.80) for ``"peak_power_tracking"`` and (0.65, 0.85) for
    ``"direct_energy_transfer"``. Durations are per orbit. Broadcasts.
    """
    x_eclipse, x_daylight = PATH_EFFICIENCIES[regulation]
    energy = eclipse_load_w * eclipse_s / x_eclipse + daylight_load_w * daylight_s / x_daylight
    return energy / daylight_s


def battery_depth_of_discharge(
    eclipse_load_w, eclipse_s, capacity_j, discharge_efficiency=BATTERY_DISCHARGE_EFFICIENCY,
):
    """Depth of discharge P_e·T_e / (C·η) of one eclipse, as a fraction (SMAD Eq. 11-6).

    ``capacity_j`` is the nameplate energy (1 Wh = 3600 J); η is the battery-
    to-load transmission efficiency, SMAD's ≈0.9. Broadcasts.
    """
    return eclipse_load_w * eclipse_s / (capacity_j * discharge_efficiency)


def required_battery_capacity_j(
    eclipse_load_w, eclipse_s, max_depth_of_discharge,
    discharge_efficiency=BATTERY_DISCHARGE_EFFICIENCY,
):
    """Nameplate energy C = P_e·T_e / (DoD·η) that one eclipse needs, joules (SMAD Eq. 11-6)."""
    return eclipse_load_w * eclipse_s / (max_depth_of_discharge * discharge_efficiency)
