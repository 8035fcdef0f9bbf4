"""Circular orbits: Kepler period, J2 node drift, sun-synchronous inclination,
Walker expansion and the Kozai mean motion SGP4 expects."""

from typing import NamedTuple

import numpy as np

from orbc.constants import (
    EARTH_RADIUS_M,
    EARTH_RADIUS_WGS72_M,
    J2,
    J2_WGS72,
    MU_EARTH_M3_S2,
    MU_EARTH_WGS72_M3_S2,
    SUN_SYNC_NODE_RATE_RAD_S,
)

TWO_PI = 2.0 * np.pi


def mean_motion_rad_s(semi_major_axis_m):
    """Keplerian mean motion n = √(μ/a³) in rad/s; any shape."""
    a = np.asarray(semi_major_axis_m, dtype=float)
    return np.sqrt(MU_EARTH_M3_S2 / a**3)


def orbital_period_s(semi_major_axis_m):
    """Keplerian period T = 2π√(a³/μ) in seconds; any shape."""
    return TWO_PI / mean_motion_rad_s(semi_major_axis_m)


def nodal_precession_rate_rad_s(semi_major_axis_m, inclination_rad):
    """Secular J2 drift of the ascending node of a circular orbit, rad/s.

    Ω̇ = −1.5 · n · J2 · (R⊕/a)² · cos i (the semi-latus rectum p equals a for
    e = 0). Negative (westward) for prograde orbits. Broadcasts.
    """
    a = np.asarray(semi_major_axis_m, dtype=float)
    return -1.5 * mean_motion_rad_s(a) * J2 * (EARTH_RADIUS_M / a) ** 2 * np.cos(inclination_rad)


def sun_synchronous_inclination_rad(semi_major_axis_m):
    """Inclination (rad, > 90°) whose J2 node drift equals the sun's mean motion.

    Closed form: cos i = −Ω̇_sso / (1.5 · n · J2 · (R⊕/a)²). NaN where no
    inclination is fast enough (a ≳ 12,350 km). Any shape.
    """
    a = np.asarray(semi_major_axis_m, dtype=float)
    rate_per_cos_i = -1.5 * mean_motion_rad_s(a) * J2 * (EARTH_RADIUS_M / a) ** 2
    cos_i = SUN_SYNC_NODE_RATE_RAD_S / rate_per_cos_i
    with np.errstate(invalid="ignore"):
        return np.arccos(np.where(np.abs(cos_i) <= 1.0, cos_i, np.nan))


class WalkerColumns(NamedTuple):
    """One Walker shell as columns of length T = planes · per_plane, plane-major."""

    plane: np.ndarray  # int32, 0 … P−1
    slot: np.ndarray  # int32, 0 … S−1
    raan_rad: np.ndarray  # float64, in [0, 2π)
    mean_anomaly_rad: np.ndarray  # float64, in [0, 2π)


def walker_columns(planes, per_plane, phasing, raan0_rad, raan_spread_rad, first_plane=0,
                   plane_count=None):
    """Expand a Walker shell i:T/P/F into satellite columns.

    Ω_p = Ω₀ + spread · p / P and M_pk = 2π·k/S + 2π·F·p/T for plane p and
    slot k, with S = per_plane and T = P·S. Pass spread = 2π for a Walker
    delta and π for a Walker star. Only planes first_plane … first_plane +
    plane_count − 1 are expanded (all by default), so a large shell can be
    worked on in pieces. Built with np.repeat / np.tile: no loop over
    satellites. Angles are wrapped into [0, 2π).
    """
    total = planes * per_plane
    count = planes - first_plane if plane_count is None else plane_count
    plane = np.repeat(np.arange(first_plane, first_plane + count, dtype=np.int32), per_plane)
    slot = np.tile(np.arange(per_plane, dtype=np.int32), count)
    raan = np.mod(raan0_rad + raan_spread_rad * plane / planes, TWO_PI)
    mean_anomaly = np.mod(TWO_PI * slot / per_plane + TWO_PI * phasing * plane / total, TWO_PI)
    return WalkerColumns(plane, slot, raan, mean_anomaly)


def kozai_mean_motion_rad_min(mean_radius_m, inclination_rad):
    """Kozai mean motion (rad/min) that makes SGP4 fly a circle of this mean radius.

    ``mean_radius_m`` is the time-averaged |r| wanted (R⊕ WGS-84 + altitude).
    The result is what ``Satrec.sgp4init`` takes as ``no_kozai`` with e = 0
    and the WGS-72 constants; a TLE's mean motion in rev/day is this times
    1440 / 2π. Broadcasts over both arguments.

    Derivation, in Earth radii (WGS-72) and SGP4's time unit, where
    k_e = √μ and J2 are SGP4's own constants:

    1. SGP4's short-period terms give (propagation, ``mrt``)
       r = a″·(1 − 1.5·J2/(2a″²)·(3cos²i − 1)) + (J2/(4a″))·sin²i·cos 2u,
       whose orbit average is r̄ = a″ − 0.75·J2·(3cos²i − 1)/a″. Solve the
       quadratic for the Brouwer mean semi-major axis a″ and take
       n″ = k_e·a″^(−3/2).
    2. sgp4init "un-Kozais" the input: a₁ = (k_e/n₀)^(2/3),
       d₁ = 0.75·J2·(3cos²i − 1), δ₁ = d₁/a₁²,
       a₀ = a₁·(1 − δ₁/3 − δ₁² − 134δ₁³/81), δ₀ = d₁/a₀², n″ = n₀/(1 + δ₀).
       Invert it by the fixed point n₀ ← n″·(1 + δ₀(n₀)); each pass gains a
       factor |δ| ≲ 10⁻³, so four passes reach machine precision.
    """
    radius_er = np.asarray(mean_radius_m, dtype=float) / EARTH_RADIUS_WGS72_M
    minutes_per_time_unit = np.sqrt(EARTH_RADIUS_WGS72_M**3 / MU_EARTH_WGS72_M3_S2) / 60.0
    ke = 1.0 / minutes_per_time_unit  # √μ in Earth radii^1.5 per minute
    d1 = 0.75 * J2_WGS72 * (3.0 * np.cos(inclination_rad) ** 2 - 1.0)
    brouwer_a = 0.5 * (radius_er + np.sqrt(radius_er**2 + 4.0 * d1))
    brouwer_n = ke * brouwer_a**-1.5
    kozai_n = brouwer_n
    for _ in range(4):  # fixed-point passes, see step 2
        a1 = (ke / kozai_n) ** (2.0 / 3.0)
        delta1 = d1 / a1**2
        a0 = a1 * (1.0 - delta1 / 3.0 - delta1**2 - 134.0 * delta1**3 / 81.0)
        kozai_n = brouwer_n * (1.0 + d1 / a0**2)
    return kozai_n
