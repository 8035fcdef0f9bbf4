"""Beta angle and eclipses in a cylindrical Earth shadow, and their mission worst case.

The shadow is a cylinder of radius R⊕ (WGS-84 equatorial) behind the Earth,
the sun a point at infinity. The real shadow has a penumbra: at LEO the sun's
0.53° disc takes ≈8 s to set, so the umbra is a few seconds shorter and
umbra + penumbra a few seconds longer than the cylinder's eclipse, which sits
between the two. Oblateness shifts it by a similar few seconds.
"""

from typing import NamedTuple

import numpy as np

from orbc.constants import EARTH_RADIUS_M, SECONDS_PER_DAY
from orbc.physics.orbits import nodal_precession_rate_rad_s, orbital_period_s
from orbc.physics.sun import days_since_j2000, sun_ra_dec_rad

_GOLDEN = (np.sqrt(5.0) - 1.0) / 2.0
# Golden-section passes over two grid intervals: 0.618^40 · 1 day < 1 ms.
_GOLDEN_PASSES = 40


def sin_beta_angle(inclination_rad, raan_rad, sun_ra_rad, sun_dec_rad):
    """Sine of the beta angle, in [−1, 1] (see `beta_angle_rad`). Broadcasts."""
    sin_beta = np.cos(sun_dec_rad) * np.sin(inclination_rad) * np.sin(
        np.asarray(raan_rad) - sun_ra_rad
    ) + np.sin(sun_dec_rad) * np.cos(inclination_rad)
    return np.clip(sin_beta, -1.0, 1.0)


def beta_angle_rad(inclination_rad, raan_rad, sun_ra_rad, sun_dec_rad):
    """Angle between the sun direction and the orbit plane, radians in [−π/2, π/2].

    sin β = cos δ☉ · sin i · sin(Ω − α☉) + sin δ☉ · cos i; positive on the side
    of the orbit normal. Broadcasts.
    """
    return np.arcsin(sin_beta_angle(inclination_rad, raan_rad, sun_ra_rad, sun_dec_rad))


def critical_beta_rad(semi_major_axis_m):
    """β* = asin(R⊕/a): a circular orbit with |β| ≥ β* is never eclipsed. Radians."""
    return np.arcsin(EARTH_RADIUS_M / np.asarray(semi_major_axis_m, dtype=float))


def eclipse_fraction(beta_rad, semi_major_axis_m):
    """Fraction of a circular orbit spent in the cylindrical shadow, in [0, 0.5).

    f = (1/π)·acos(√(a² − R⊕²) / (a·cos β)) for |β| < β*, else 0 (√(a² − R⊕²)
    is √(h² + 2R⊕h)). Broadcasts.
    """
    a = np.asarray(semi_major_axis_m, dtype=float)
    ratio = np.sqrt(a**2 - EARTH_RADIUS_M**2) / (a * np.cos(beta_rad))
    return np.arccos(np.minimum(ratio, 1.0)) / np.pi


def eclipse_duration_s(beta_rad, semi_major_axis_m):
    """Time in the cylindrical shadow per orbit, seconds. Broadcasts."""
    return eclipse_fraction(beta_rad, semi_major_axis_m) * orbital_period_s(semi_major_axis_m)


class WorstEclipse(NamedTuple):
    """Per-plane worst case over a mission; every field has shape (planes,)."""

    duration_s: np.ndarray  # longest eclipse of one orbit
    min_sunlit_fraction: np.ndarray  # 1 − worst eclipse fraction
    time_s: np.ndarray  # seconds after epoch when |β| is smallest
    min_abs_beta_rad: np.ndarray  # smallest |β| reached


def worst_eclipse_over_mission(
    raan0_rad,
    inclination_rad,
    semi_major_axis_m,
    epoch,
    mission_life_s,
    step_s=0.5 * SECONDS_PER_DAY,
    chunk_elements=1 << 20,
):
    """Worst eclipse per orbit plane over ``[epoch, epoch + mission_life_s]``.

    ``raan0_rad`` has shape (planes,); ``inclination_rad`` and
    ``semi_major_axis_m`` are scalars or (planes,). ``epoch`` is datetime64
    (UTC) or days since J2000. The node drifts at the J2 rate and the sun
    follows the low-precision ephemeris.

    The eclipse grows as |β| shrinks. x(t) = sin β(t) is smooth and is sampled
    on a grid of spacing ≤ ``step_s``, (time × planes) in chunks of about
    ``chunk_elements`` values. A plane whose x changes sign reaches β = 0, the
    longest eclipse; its time is the first crossing, interpolated. Otherwise
    |x| is smooth and its minimum is refined by golden-section search over the
    two grid intervals around the lowest sample. A minimum hidden between two
    other samples can lie below them by at most M·h²/8 with
    M = (|Ω̇| + 1.75·n☉)² bounding |x''|: 2·10⁻⁴ in sin β (0.01° in β) for a 53°
    shell at the default half-day grid, less for slower nodes.
    """
    raan0 = np.atleast_1d(np.asarray(raan0_rad, dtype=float))
    planes = raan0.shape[0]
    inclination = np.broadcast_to(np.asarray(inclination_rad, dtype=float), (planes,))
    a = np.broadcast_to(np.asarray(semi_major_axis_m, dtype=float), (planes,))
    node_rate = nodal_precession_rate_rad_s(a, inclination)
    day0 = float(days_since_j2000(epoch))

    def sin_beta(t_s, plane):
        # t_s and plane broadcast together; the sun is evaluated at t_s.
        ra, dec = sun_ra_dec_rad(day0 + t_s / SECONDS_PER_DAY)
        raan = raan0[plane] + node_rate[plane] * t_s
        return sin_beta_angle(inclination[plane], raan, ra, dec)

    n_grid = max(2, int(np.ceil(mission_life_s / step_s)) + 1)
    grid = np.linspace(0.0, float(mission_life_s), n_grid)
    spacing = grid[1] - grid[0]
    rows = max(2, chunk_elements // planes)
    all_planes = np.arange(planes)

    best = np.full(planes, np.inf)
    best_t = np.zeros(planes)
    crossed = np.zeros(planes, dtype=bool)
    cross_t = np.zeros(planes)
    previous = None  # the last sampled row, to see sign changes across chunks
    for start in range(0, n_grid, rows):
        t = grid[start : start + rows]
        x = sin_beta(t[:, None], all_planes[None, :])
        x_ext = x if previous is None else np.vstack([previous, x])
        t_ext = t if previous is None else np.concatenate([grid[start - 1 : start], t])
        change = x_ext[:-1] * x_ext[1:] <= 0.0
        first = np.argmax(change, axis=0)
        new = change.any(axis=0) & ~crossed
        x0, x1 = x_ext[first, all_planes], x_ext[first + 1, all_planes]
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(x0 != x1, x0 / (x0 - x1), 0.0)
        cross_t = np.where(new, t_ext[first] + share * spacing, cross_t)
        crossed |= new
        magnitude = np.abs(x)
        j = np.argmin(magnitude, axis=0)
        improved = magnitude[j, all_planes] < best
        best = np.where(improved, magnitude[j, all_planes], best)
        best_t = np.where(improved, t[j], best_t)
        previous = x[-1:]

    lo = np.maximum(best_t - spacing, 0.0)
    hi = np.minimum(best_t + spacing, float(mission_life_s))
    t_min, s_min = _golden_section_min(lambda x: np.abs(sin_beta(x, all_planes)), lo, hi)
    refined = s_min < best
    values = np.where(crossed, 0.0, np.where(refined, s_min, best))
    times = np.where(crossed, cross_t, np.where(refined, t_min, best_t))
    min_beta = np.arcsin(values)
    fraction = eclipse_fraction(min_beta, a)
    return WorstEclipse(fraction * orbital_period_s(a), 1.0 - fraction, times, min_beta)


def _golden_section_min(f, lo, hi):
    """Vectorised golden-section search of f on [lo, hi]; returns (argmin, min)."""
    c = hi - _GOLDEN * (hi - lo)
    d = lo + _GOLDEN * (hi - lo)
    fc, fd = f(c), f(d)
    for _ in range(_GOLDEN_PASSES):
        left = fc < fd
        hi = np.where(left, d, hi)
        lo = np.where(left, lo, c)
        new_c = np.where(left, hi - _GOLDEN * (hi - lo), d)
        new_d = np.where(left, c, lo + _GOLDEN * (hi - lo))
        fx = f(np.where(left, new_c, new_d))
        fc, fd = np.where(left, fx, fd), np.where(left, fc, fx)
        c, d = new_c, new_d
    left = fc < fd
    return np.where(left, c, d), np.where(left, fc, fd)
