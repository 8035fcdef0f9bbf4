"""SGP4 for the element sets orbc emits, vectorised over satellites *and* times.

orbc writes every satellite as a circular (e = 0), drag-free (B* = 0),
near-Earth (period < 225 min) SGP4 element set with the argument of perigee 0.
For such an element set the SGP4 equations collapse to a few dozen array
operations: the secular J2/J4 rates of M, ω and Ω, the J3 long-period terms
(`aycof`, `xlcof`), a Kepler solve on the clamped eccentricity 1e-6 and the J2
short-period terms. `Sgp4Shell` is that reduction, transcribed term by term from
Vallado's reference implementation (`sgp4init` / `sgp4` in the `sgp4` package,
"Revisiting Spacetrack Report #3", AIAA 2006-6753) with every drag term, which
is a multiple of B*, dropped. The gain over `sgp4.api.SatrecArray` is that each
satellite is evaluated at its *own* times (pass edges differ per satellite),
where SatrecArray evaluates the full satellites × times product.

Agreement with the C++ SGP4 is at the millimetre level (tests/contacts). Deep
space element sets (period ≥ 225 min, SDP4's lunisolar terms) are not handled:
`is_near_earth` says which shells qualify.
"""

from __future__ import annotations

import math

import attrs
import numpy as np

from orbc.constants import EARTH_RADIUS_WGS72_M, J2_WGS72, MU_EARTH_WGS72_M3_S2

# WGS-72 zonal harmonics J3 and J4 as SGP4 uses them (Vallado et al. 2006,
# `getgravconst('wgs72')`); J2 is orbc.constants.J2_WGS72.
J3_WGS72 = -0.00000253881
J4_WGS72 = -0.00000165597
_RADIUS_KM = EARTH_RADIUS_WGS72_M / 1e3
_XKE = 60.0 / math.sqrt(_RADIUS_KM**3 / (MU_EARTH_WGS72_M3_S2 / 1e9))  # √μ, Earth radii^1.5/min
_TWO_PI = 2.0 * math.pi
# SGP4 switches to the deep-space equations at a period of 225 minutes.
DEEP_SPACE_PERIOD_MIN = 225.0


@attrs.frozen
class Sgp4Shell:
    """SGP4 constants shared by every satellite of a shell (same n₀ and i, e = 0, B* = 0).

    Rates are per minute and lengths in Earth radii, as inside SGP4.
    """

    inclination_rad: float
    no_unkozai: float  # rad/min, Brouwer mean motion after sgp4init's un-Kozai step
    ao: float  # Earth radii
    mdot: float  # rad/min
    argpdot: float
    nodedot: float
    con41: float
    x1mth2: float
    x7thm1: float
    xlcof: float
    aycof: float

    @property
    def period_min(self) -> float:
        return _TWO_PI / self.no_unkozai

    @property
    def is_near_earth(self) -> bool:
        return self.period_min < DEEP_SPACE_PERIOD_MIN

    @property
    def latitude_argument_rate_rad_s(self) -> float:
        """Secular rate of the argument of latitude u = ω + M, rad/s."""
        return (self.mdot + self.argpdot) / 60.0

    @property
    def node_rate_rad_s(self) -> float:
        return self.nodedot / 60.0

    @property
    def semi_major_axis_m(self) -> float:
        return self.ao * EARTH_RADIUS_WGS72_M


def sgp4_shell(kozai_mean_motion_rad_min: float, inclination_rad: float) -> Sgp4Shell:
    """`sgp4init` for a circular, drag-free element set (WGS-72 constants)."""
    j2 = J2_WGS72
    cosio = math.cos(inclination_rad)
    sinio = math.sin(inclination_rad)
    cosio2 = cosio * cosio
    # _initl: un-Kozai the mean motion (e = 0, so omeosq = rteosq = 1).
    ak = (_XKE / kozai_mean_motion_rad_min) ** (2.0 / 3.0)
    d1 = 0.75 * j2 * (3.0 * cosio2 - 1.0)
    delta = d1 / (ak * ak)
    adel = ak * (1.0 - delta * delta - delta * (1.0 / 3.0 + 134.0 * delta * delta / 81.0))
    delta = d1 / (adel * adel)
    no = kozai_mean_motion_rad_min / (1.0 + delta)
    ao = (_XKE / no) ** (2.0 / 3.0)
    con42 = 1.0 - 5.0 * cosio2
    con41 = -con42 - cosio2 - cosio2
    pinvsq = 1.0 / (ao * ao)
    cosio4 = cosio2 * cosio2
    temp1 = 1.5 * j2 * pinvsq * no
    temp2 = 0.5 * temp1 * j2 * pinvsq
    temp3 = -0.46875 * J4_WGS72 * pinvsq * pinvsq * no
    mdot = no + 0.5 * temp1 * con41 + 0.0625 * temp2 * (13.0 - 78.0 * cosio2 + 137.0 * cosio4)
    argpdot = (-0.5 * temp1 * con42 + 0.0625 * temp2 * (7.0 - 114.0 * cosio2 + 395.0 * cosio4)
               + temp3 * (3.0 - 36.0 * cosio2 + 49.0 * cosio4))
    xhdot1 = -temp1 * cosio
    nodedot = xhdot1 + (0.5 * temp2 * (4.0 - 19.0 * cosio2)
                        + 2.0 * temp3 * (3.0 - 7.0 * cosio2)) * cosio
    j3oj2 = J3_WGS72 / j2
    denominator = 1.0 + cosio if abs(cosio + 1.0) > 1.5e-12 else 1.5e-12
    xlcof = -0.25 * j3oj2 * sinio * (3.0 + 5.0 * cosio) / denominator
    aycof = -0.5 * j3oj2 * sinio
    return Sgp4Shell(inclination_rad, no, ao, mdot, argpdot, nodedot, con41,
                     1.0 - cosio2, 7.0 * cosio2 - 1.0, xlcof, aycof)


# Sines and cosines of full angles from a table of _SINE_TABLE_SIZE points on the circle
# and a series for the remainder (|r| ≤ π/4096, where the series' error is ≲ 1e-18):
# about three times cheaper than numpy's float64 sin + cos, as accurate to ≈ 1e-16 plus
# 1e-16 of the angle (the rounding of 2π, which SGP4's own fmod shares).
_SINE_TABLE_SIZE = 4096
_TABLE_STEP = _TWO_PI / _SINE_TABLE_SIZE
_TABLE_COS = np.cos(np.arange(_SINE_TABLE_SIZE) * _TABLE_STEP)
_TABLE_SIN = np.sin(np.arange(_SINE_TABLE_SIZE) * _TABLE_STEP)


def _sin_cos(angle):
    """sin and cos of an array of angles (any size), by table and series."""
    steps = angle * (1.0 / _TABLE_STEP)
    k = np.rint(steps)
    r = (steps - k) * _TABLE_STEP  # exact subtraction
    index = k.astype(np.int64) & (_SINE_TABLE_SIZE - 1)
    cos_k, sin_k = _TABLE_COS[index], _TABLE_SIN[index]
    square = r * r
    sin_r = r - r * square * (1.0 / 6.0)
    cos_r = 1.0 - square * (0.5 - square * (1.0 / 24.0))
    return sin_k * cos_r + cos_k * sin_r, cos_k * cos_r - sin_k * sin_r


def _small_angle(angle):
    """cos and sin of an angle of ≲ 1e-3 rad by their series, exact to O(angle⁵)."""
    square = angle * angle
    return 1.0 - 0.5 * square * (1.0 - square / 12.0), angle * (1.0 - square / 6.0)


def _rotate(cos_a, sin_a, cos_b, sin_b):
    """cos and sin of a + b."""
    return cos_a * cos_b - sin_a * sin_b, sin_a * cos_b + cos_a * sin_b


def sgp4_positions_m(shell: Sgp4Shell, raan_rad, mean_anomaly_rad, time_s, frame_angle_rad=0.0):
    """Positions (..., 3) in metres of satellites of `shell` at `time_s` after epoch; see
    `sgp4_xyz_m`, which returns the three components as separate arrays."""
    return np.stack(sgp4_xyz_m(shell, raan_rad, mean_anomaly_rad, time_s, frame_angle_rad),
                    axis=-1)


def sgp4_xyz_m(shell: Sgp4Shell, raan_rad, mean_anomaly_rad, time_s, frame_angle_rad=0.0):
    """Positions (x, y, z), each (...), in metres of satellites of `shell` at `time_s` after epoch.

    ``raan_rad`` and ``mean_anomaly_rad`` are the epoch elements (argument of
    perigee 0); all arguments broadcast together, so each satellite can be
    evaluated at its own times. The frame is TEME turned about z by
    −``frame_angle_rad``: pass the sidereal time to get Earth-fixed positions
    (the node and the sidereal angle then share one sine and cosine).

    The SGP4 steps are kept, with shortcuts exact to well below a micrometre:
    angles are not reduced modulo 2π (they only enter sines and cosines, taken
    by table and series, `_sin_cos`); Kepler's equation is solved by two Newton
    steps from E = u; angles that SGP4 perturbs by ≈ 1e-3 rad (argument of
    latitude, inclination) are turned by series rather than new sines and
    cosines, and the node's perturbation is added before its one sine and
    cosine; the argument of perigee, which enters only as 1e-6·(cos ω, sin ω),
    takes single-precision sines.
    """
    t = np.asarray(time_s, dtype=float)  # seconds; SGP4's rates are per minute
    inclm = shell.inclination_rad
    argpm = (shell.argpdot / 60.0) * t
    nodem = np.asarray(raan_rad, dtype=float) + (shell.nodedot / 60.0) * t
    am = shell.ao  # tempa = 1 without drag, so am = (xke/no)^(2/3)
    em = 1.0e-6  # SGP4 clamps the eccentricity from below
    # ω enters only through em·(cos ω, sin ω) with em = 1e-6: single precision (7e-8) puts
    # ≲ 1e-13 rad into E, a micrometre, at a twentieth of the cost.
    argpm_single = np.asarray(argpm, dtype=np.float32)
    axnl = em * np.cos(argpm_single).astype(float)
    temp = 1.0 / (am * (1.0 - em * em))
    aynl = em * np.sin(argpm_single).astype(float) + temp * shell.aycof
    # u = xl − node with xl = M + ω + Ω + (long-period term)
    u = np.asarray(mean_anomaly_rad, dtype=float) + ((shell.mdot + shell.argpdot) / 60.0) * t \
        + (temp * shell.xlcof) * axnl
    # Kepler's equation E = u + axnl·sin E − aynl·cos E by two Newton steps from E = u:
    # |(axnl, aynl)| ≈ 1e-3, so E − u ≈ 1e-3, the first step leaves ≈ 5e-10 rad and the
    # second ≈ 1e-19, below SGP4's own tolerance (1e-12). Only u takes a sine and cosine:
    # E₁ is u turned by series (exact to ~1e-17), E₂ is E₁ turned to first order.
    sin_u, cos_u = _sin_cos(u)
    step = (axnl * sin_u - aynl * cos_u) / (1.0 - axnl * cos_u - aynl * sin_u)
    cos_d, sin_d = _small_angle(step)
    sin_e1, cos_e1 = sin_u * cos_d + cos_u * sin_d, cos_u * cos_d - sin_u * sin_d
    step = (axnl * sin_e1 - aynl * cos_e1 - step) / (1.0 - axnl * cos_e1 - aynl * sin_e1)
    sineo1, coseo1 = sin_e1 + step * cos_e1, cos_e1 - step * sin_e1
    ecose = axnl * coseo1 + aynl * sineo1
    esine = axnl * sineo1 - aynl * coseo1
    el2 = axnl * axnl + aynl * aynl
    pl = am * (1.0 - el2)
    rl = am * (1.0 - ecose)
    betal = np.sqrt(1.0 - el2)
    temp = esine / (1.0 + betal)
    sinu = am / rl * (sineo1 - aynl - axnl * temp)
    cosu = am / rl * (coseo1 - axnl + aynl * temp)
    sin2u = (cosu + cosu) * sinu
    cos2u = 1.0 - 2.0 * sinu * sinu
    temp1 = 0.5 * J2_WGS72 / pl
    temp2 = temp1 / pl
    cosip, sinip = math.cos(inclm), math.sin(inclm)
    mrt = rl * (1.0 - temp2 * betal * (1.5 * shell.con41)) \
        + temp1 * (0.5 * shell.x1mth2) * cos2u
    # su = atan2(sinu, cosu) − ¼·temp2·x7thm1·sin 2u, turned rather than recomputed
    norm = np.sqrt(sinu * sinu + cosu * cosu)  # ≈ 1: no overflow for hypot to guard
    cos_d, sin_d = _small_angle(temp2 * (-0.25 * shell.x7thm1) * sin2u)
    cossu, sinsu = _rotate(cosu / norm, sinu / norm, cos_d, sin_d)
    # xnode = Ω + 1.5·temp2·cos i·sin 2u, minus the frame angle
    snod, cnod = _sin_cos(nodem - frame_angle_rad + temp2 * (1.5 * cosip) * sin2u)
    # xinc = i + 1.5·temp2·cos i·sin i·cos 2u
    cos_d, sin_d = _small_angle(temp2 * (1.5 * cosip * sinip) * cos2u)
    cosi, sini = _rotate(cosip, sinip, cos_d, sin_d)
    radius = mrt * EARTH_RADIUS_WGS72_M
    return (radius * (cnod * cossu - snod * cosi * sinsu),
            radius * (snod * cossu + cnod * cosi * sinsu),
            radius * sini * sinsu)
