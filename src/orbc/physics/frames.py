"""Rotations out of TEME, SGP4's frame: to J2000 / GCRS (GMAT's EarthMJ2000Eq, Cesium's
INERTIAL) and to the Earth-fixed frame (Cesium's FIXED), vectorised over times.

TEME (true equator, mean equinox) is the frame SGP4 positions come out in. Following
Vallado, Crawford, Hujsak & Kelso, "Revisiting Spacetrack Report #3" (AIAA 2006-6753,
section "TEME", and its `teme2eci`):

    r_J2000 = Pᵀ · Nᵀ · R3(−Eq) · r_TEME

with P the IAU 1976 precession (Lieske et al. 1977, A&A 58, 1; Vallado, "Fundamentals of
Astrodynamics and Applications", 4th ed., eq. 3-88), N the IAU 1980 nutation (Seidelmann
1982, Celest. Mech. 27, 79; the coefficients as Meeus, "Astronomical Algorithms", 2nd ed.,
Table 22.A tabulates them) and Eq = Δψ·cos ε̄ the equation of the equinoxes without the
kinematic terms, as `teme2eci` takes it (those terms, 0.0026″, are 9 cm at LEO).

Accuracy, from the model to GCRS at LEO radii: the 35 largest of the 106 nutation terms
leave ≤ 0.013″ (the sum of every term dropped; 0.5 m at 7,000 km); IAU 1976/1980 differs
from IAU 2006/2000A by ≲ 0.05″ over 1980–2060 (≲ 2 m); J2000 is taken as GCRS without
the 0.023″ frame bias (0.8 m). tests/physics/test_frames.py measures a few metres against
skyfield's GCRS over decades. Times are UTC days since J2000.0: TT is 69 s later, which
moves precession and nutation by < 0.001″.

The Earth-fixed rotation is TEME turned by the IAU 1982 GMST (`orbc.physics.visibility`),
with UT1 = UTC and polar motion ignored, as orbc's contact windows fly it: within 0.9 s
of Earth rotation (≤ 0.4 km at the equator) and ≈ 10 m of ITRF.
"""

from __future__ import annotations

import numpy as np

from orbc.physics.visibility import gmst_rad

_ARCSEC = np.pi / (180.0 * 3600.0)
_DAYS_PER_CENTURY = 36525.0

# IAU 1980 nutation, the 35 terms of 1 mas and more (Meeus Table 22.A order). Each row:
# multipliers of D, M, M′, F, Ω; Δψ = (A + B·T) sin(arg), Δε = (C + D·T) cos(arg), in units
# of 0.0001″ (T in Julian centuries).
_NUTATION_1980 = np.array([
    (0, 0, 0, 0, 1, -171996, -174.2, 92025, 8.9),
    (-2, 0, 0, 2, 2, -13187, -1.6, 5736, -3.1),
    (0, 0, 0, 2, 2, -2274, -0.2, 977, -0.5),
    (0, 0, 0, 0, 2, 2062, 0.2, -895, 0.5),
    (0, 1, 0, 0, 0, 1426, -3.4, 54, -0.1),
    (0, 0, 1, 0, 0, 712, 0.1, -7, 0.0),
    (-2, 1, 0, 2, 2, -517, 1.2, 224, -0.6),
    (0, 0, 0, 2, 1, -386, -0.4, 200, 0.0),
    (0, 0, 1, 2, 2, -301, 0.0, 129, -0.1),
    (-2, -1, 0, 2, 2, 217, -0.5, -95, 0.3),
    (-2, 0, 1, 0, 0, -158, 0.0, 0, 0.0),
    (-2, 0, 0, 2, 1, 129, 0.1, -70, 0.0),
    (0, 0, -1, 2, 2, 123, 0.0, -53, 0.0),
    (2, 0, 0, 0, 0, 63, 0.0, 0, 0.0),
    (0, 0, 1, 0, 1, 63, 0.1, -33, 0.0),
    (2, 0, -1, 2, 2, -59, 0.0, 26, 0.0),
    (0, 0, -1, 0, 1, -58, -0.1, 32, 0.0),
    (0, 0, 1, 2, 1, -51, 0.0, 27, 0.0),
    (-2, 0, 2, 0, 0, 48, 0.0, 0, 0.0),
    (0, 0, -2, 2, 1, 46, 0.0, -24, 0.0),
    (2, 0, 0, 2, 2, -38, 0.0, 16, 0.0),
    (0, 0, 2, 2, 2, -31, 0.0, 13, 0.0),
    (0, 0, 2, 0, 0, 29, 0.0, 0, 0.0),
    (-2, 0, 1, 2, 2, 29, 0.0, -12, 0.0),
    (0, 0, 0, 2, 0, 26, 0.0, 0, 0.0),
    (-2, 0, 0, 2, 0, -22, 0.0, 0, 0.0),
    (0, 0, -1, 2, 1, 21, 0.0, -10, 0.0),
    (0, 2, 0, 0, 0, 17, -0.1, 0, 0.0),
    (2, 0, -1, 0, 1, 16, 0.0, -8, 0.0),
    (-2, 2, 0, 2, 2, -16, 0.1, 7, 0.0),
    (0, 1, 0, 0, 1, -15, 0.0, 9, 0.0),
    (-2, 0, 1, 0, 1, -13, 0.0, 7, 0.0),
    (0, -1, 0, 0, 1, -12, 0.0, 6, 0.0),
    (0, 0, 2, -2, 0, 11, 0.0, 0, 0.0),
    (2, 0, -1, 2, 1, -10, 0.0, 5, 0.0),
])
# Fundamental arguments D, M, M′, F, Ω in degrees: constant, T, T², T³ (Meeus eq. 22.1).
_ARGUMENTS_DEG = np.array([
    (297.85036, 445267.111480, -0.0019142, 1.0 / 189474.0),
    (357.52772, 35999.050340, -0.0001603, -1.0 / 300000.0),
    (134.96298, 477198.867398, 0.0086972, 1.0 / 56250.0),
    (93.27191, 483202.017538, -0.0036825, 1.0 / 327270.0),
    (125.04452, -1934.136261, 0.0020708, 1.0 / 450000.0),
])


def _centuries(days_since_j2000):
    return np.asarray(days_since_j2000, dtype=float) / _DAYS_PER_CENTURY


def _rotation(axis: int, angle_rad) -> np.ndarray:
    """The frame rotation R_axis(angle) (Vallado's R1, R2, R3), shape (..., 3, 3)."""
    angle = np.asarray(angle_rad, dtype=float)
    c, s = np.cos(angle), np.sin(angle)
    matrix = np.zeros(angle.shape + (3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    matrix[..., axis, axis] = 1.0
    matrix[..., i, i] = c
    matrix[..., j, j] = c
    matrix[..., i, j] = s
    matrix[..., j, i] = -s
    return matrix


def mean_obliquity_rad(days_since_j2000):
    """Mean obliquity of the ecliptic, IAU 1980 (Lieske et al. 1977), radians; any shape."""
    t = _centuries(days_since_j2000)
    return (84381.448 - 46.8150 * t - 0.00059 * t**2 + 0.001813 * t**3) * _ARCSEC


def nutation_rad(days_since_j2000):
    """IAU 1980 nutation in longitude and obliquity (Δψ, Δε), radians; each of the input shape."""
    t = _centuries(days_since_j2000)
    powers = np.stack([np.ones_like(t), t, t**2, t**3], axis=-1)  # (..., 4)
    fundamental = np.radians(powers @ _ARGUMENTS_DEG.T)  # (..., 5)
    argument = fundamental @ _NUTATION_1980[:, :5].T  # (..., terms)
    a, b, c, d = _NUTATION_1980[:, 5:].T
    longitude = (np.sin(argument) * (a + b * t[..., None])).sum(axis=-1)
    obliquity = (np.cos(argument) * (c + d * t[..., None])).sum(axis=-1)
    return longitude * 1e-4 * _ARCSEC, obliquity * 1e-4 * _ARCSEC


def precession_matrix(days_since_j2000) -> np.ndarray:
    """IAU 1976 precession, mean equator and equinox of J2000 → of date: P = R3(−z)·R2(θ)·
    R3(−ζ), shape (..., 3, 3)."""
    t = _centuries(days_since_j2000)
    zeta = (2306.2181 * t + 0.30188 * t**2 + 0.017998 * t**3) * _ARCSEC
    theta = (2004.3109 * t - 0.42665 * t**2 - 0.041833 * t**3) * _ARCSEC
    z = (2306.2181 * t + 1.09468 * t**2 + 0.018203 * t**3) * _ARCSEC
    return _rotation(2, -z) @ _rotation(1, theta) @ _rotation(2, -zeta)


def teme_to_gcrs_matrix(days_since_j2000) -> np.ndarray:
    """The rotation r_GCRS = M · r_TEME at UTC days since J2000.0, shape (..., 3, 3).

    GCRS here is the J2000 mean equator and equinox (EarthMJ2000Eq in GMAT), which
    differs from GCRS by the 0.023″ frame bias only.
    """
    days = np.asarray(days_since_j2000, dtype=float)
    epsilon = mean_obliquity_rad(days)
    d_psi, d_epsilon = nutation_rad(days)
    # N (mean of date → true of date) = R1(−ε)·R3(−Δψ)·R1(ε̄)
    nutation = _rotation(0, -(epsilon + d_epsilon)) @ _rotation(2, -d_psi) @ _rotation(0, epsilon)
    # TEME → true of date: turn by the equation of the equinoxes, r_TOD = R3(−Eq)·r_TEME
    teme_to_tod = _rotation(2, -d_psi * np.cos(epsilon))
    precession = precession_matrix(days)
    return np.swapaxes(precession, -1, -2) @ np.swapaxes(nutation, -1, -2) @ teme_to_tod


def teme_to_fixed_matrix(days_since_j2000) -> np.ndarray:
    """The rotation r_fixed = M · r_TEME (IAU 1982 GMST, UT1 = UTC, no polar motion),
    shape (..., 3, 3)."""
    return _rotation(2, gmst_rad(days_since_j2000))


def rotate(matrix: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Apply rotations (..., 3, 3) to vectors (..., 3) that broadcast with them."""
    return np.einsum("...ij,...j->...i", matrix, vectors)
