"""Radiator heat balance in low orbit: Earth view factors and net rejection per m².

A radiator is a flat panel emitting from ``faces`` sides. It absorbs direct
sunlight on its sunlit faces with its solar absorptivity α_s, Earth-reflected
sunlight (albedo) also with α_s, and Earth's infrared with its infrared
absorptivity, which by Kirchhoff's law equals its emissivity ε (a coating's
infrared absorptivity is its infrared emissivity). The albedo load uses the
same view factor as the infrared load, i.e. a sub-solar Earth: an upper bound.
"""

import numpy as np

from orbc.constants import (
    EARTH_ALBEDO,
    EARTH_IR_W_M2,
    EARTH_RADIUS_M,
    SOLAR_CONSTANT_W_M2,
    STEFAN_BOLTZMANN,
)


def earth_view_factor_nadir(orbit_radius_m):
    """View factor to the Earth of a flat plate facing nadir, F = (R⊕/r)². Broadcasts."""
    return (EARTH_RADIUS_M / np.asarray(orbit_radius_m, dtype=float)) ** 2


def earth_view_factor_edge_on(orbit_radius_m):
    """View factor to the Earth of one face of a plate whose normal is horizontal.

    F = (1/π)·(atan(1/√(H² − 1)) − √(H² − 1)/H²), H = r/R⊕: the plate-to-sphere
    factor for a plate tilted 90° from nadir (Howell, "A Catalog of Radiation
    Heat Transfer Configuration Factors", plate to sphere). 0.258 at 550 km,
    0.241 at 650 km. Broadcasts.
    """
    height = np.asarray(orbit_radius_m, dtype=float) / EARTH_RADIUS_M
    root = np.sqrt(height**2 - 1.0)
    return (np.arctan(1.0 / root) - root / height**2) / np.pi


def radiator_emitted_w_m2(temperature_k, emissivity, faces=2):
    """Power radiated per m² of panel, n_faces·ε·σ·T⁴, W/m². Broadcasts."""
    return faces * emissivity * STEFAN_BOLTZMANN * np.asarray(temperature_k, dtype=float) ** 4


def radiator_solar_load_w_m2(
    solar_absorptivity, sunlit_faces=1.0, solar_flux_w_m2=SOLAR_CONSTANT_W_M2,
):
    """Direct sunlight absorbed per m² of panel, α_s·S·sunlit_faces, W/m².

    ``sunlit_faces`` is the sum over faces of cos(sun incidence) (1 for one
    face square to the sun, 0 in eclipse or edge-on to the sun). Broadcasts.
    """
    return solar_absorptivity * solar_flux_w_m2 * sunlit_faces


def radiator_earth_load_w_m2(
    earth_view_factor, solar_absorptivity, ir_absorptivity,
    albedo=EARTH_ALBEDO, solar_flux_w_m2=SOLAR_CONSTANT_W_M2, earth_ir_w_m2=EARTH_IR_W_M2,
):
    """Earth albedo and infrared absorbed per m² of panel, W/m².

    F·(α_s·a·S + α_IR·E_IR), where F is the sum of the view factors of the
    panel's faces (e.g. 2 × ``earth_view_factor_edge_on`` for a two-sided
    panel edge-on to the Earth). Set ``albedo=0`` in eclipse. Broadcasts.
    """
    return earth_view_factor * (
        solar_absorptivity * albedo * solar_flux_w_m2 + ir_absorptivity * earth_ir_w_m2
    )


def radiator_net_rejection_w_m2(
    temperature_k, emissivity, solar_absorptivity, earth_view_factor,
    faces=2, sunlit_faces=1.0, albedo=EARTH_ALBEDO,
    solar_flux_w_m2=SOLAR_CONSTANT_W_M2, earth_ir_w_m2=EARTH_IR_W_M2, ir_absorptivity=None,
):
    """Heat a panel at ``temperature_k`` rejects per m², W/m² (negative: net absorber).

    q = n_faces·ε·σ·T⁴ − α_s·S·sunlit_faces − F·(α_s·a·S + α_IR·E_IR), with
    α_IR = ε (Kirchhoff) unless ``ir_absorptivity`` is given. Broadcasts.
    """
    absorbed = _absorbed_w_m2(
        emissivity, solar_absorptivity, earth_view_factor, sunlit_faces, albedo,
        solar_flux_w_m2, earth_ir_w_m2, ir_absorptivity,
    )
    return radiator_emitted_w_m2(temperature_k, emissivity, faces) - absorbed


def radiator_equilibrium_temperature_k(
    dissipation_w, area_m2, emissivity, solar_absorptivity, earth_view_factor,
    faces=2, sunlit_faces=1.0, albedo=EARTH_ALBEDO,
    solar_flux_w_m2=SOLAR_CONSTANT_W_M2, earth_ir_w_m2=EARTH_IR_W_M2, ir_absorptivity=None,
):
    """Temperature (K) at which a panel of ``area_m2`` rejects ``dissipation_w`` and its loads.

    Solves n_faces·ε·σ·T⁴·A = P + A·(absorbed loads); the panel is taken as
    isothermal. Broadcasts.
    """
    absorbed = _absorbed_w_m2(
        emissivity, solar_absorptivity, earth_view_factor, sunlit_faces, albedo,
        solar_flux_w_m2, earth_ir_w_m2, ir_absorptivity,
    )
    emitted = dissipation_w / np.asarray(area_m2, dtype=float) + absorbed
    return (emitted / (faces * emissivity * STEFAN_BOLTZMANN)) ** 0.25


def _absorbed_w_m2(
    emissivity, solar_absorptivity, earth_view_factor, sunlit_faces, albedo,
    solar_flux_w_m2, earth_ir_w_m2, ir_absorptivity,
):
    # Sun plus Earth; Kirchhoff (α_IR = ε) unless told otherwise.
    if ir_absorptivity is None:
        ir_absorptivity = emissivity
    return radiator_solar_load_w_m2(
        solar_absorptivity, sunlit_faces, solar_flux_w_m2
    ) + radiator_earth_load_w_m2(
        earth_view_factor, solar_absorptivity, ir_absorptivity, albedo, solar_flux_w_m2,
        earth_ir_w_m2,
    )
