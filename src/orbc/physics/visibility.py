"""Ground-station geometry: sidereal time, station vectors, elevation and visibility cones.

Frames: SGP4 positions are TEME (true equator, mean equinox); the pseudo
Earth-fixed frame is TEME turned by the Greenwich mean sidereal time (IAU 1982,
as SGP4's own `gstime` and skyfield's TEME→ITRS use it), with UT1 ≈ UTC and
polar motion ignored (≤ 0.9 s of Earth rotation, ≈ 0.4 km at the equator, and
≈ 10 m). Stations are WGS-84 geodetic (latitude, longitude, height); elevation
is measured from the geodetic horizon, without refraction.
"""

from __future__ import annotations

import numpy as np

from orbc.constants import EARTH_FLATTENING, EARTH_RADIUS_M, SECONDS_PER_DAY

_FIRST_ECCENTRICITY_SQ = EARTH_FLATTENING * (2.0 - EARTH_FLATTENING)


def gmst_rad(days_since_j2000_ut1):
    """Greenwich mean sidereal time (IAU 1982, Vallado eq. 3-45) in [0, 2π); any shape.

    The argument is UT1 days since 2000-01-01 12:00 (JD 2451545.0). The
    integer part of the day is split off before scaling so that the angle
    keeps sub-microsecond resolution over decades.
    """
    days = np.asarray(days_since_j2000_ut1, dtype=float)
    centuries = days / 36525.0
    # The 876600 h·3600 s per century of the formula is 86,400 s per day: whole days
    # are whole turns (86,400 s / 240 = 360°) and drop out; only the day fraction stays.
    fraction = np.mod(days, 1.0)
    seconds = (67310.54841 + fraction * SECONDS_PER_DAY
               + 8640184.812866 * centuries
               + 0.093104 * centuries**2 - 6.2e-6 * centuries**3)
    return np.mod(np.radians(seconds / 240.0), 2.0 * np.pi)


def gmst_rate_rad_s(days_since_j2000_ut1):
    """Rate of the IAU 1982 GMST, rad per second of UT1 (the derivative of `gmst_rad`).

    It changes by parts in 10¹⁵ per day, so θ(t) = θ₀ + θ̇·t is exact to far below
    a microradian over any schedule horizon.
    """
    centuries = np.asarray(days_since_j2000_ut1, dtype=float) / 36525.0
    seconds_per_day = (SECONDS_PER_DAY + (8640184.812866 + 2 * 0.093104 * centuries
                                          - 3 * 6.2e-6 * centuries**2) / 36525.0)
    return np.radians(seconds_per_day / 240.0) / SECONDS_PER_DAY


def station_ecef_m(latitude_rad, longitude_rad, altitude_m):
    """WGS-84 geodetic coordinates to Earth-fixed Cartesian metres, shape (..., 3)."""
    lat, lon, h = np.broadcast_arrays(np.asarray(latitude_rad, dtype=float),
                                      np.asarray(longitude_rad, dtype=float),
                                      np.asarray(altitude_m, dtype=float))
    sin_lat = np.sin(lat)
    prime_vertical = EARTH_RADIUS_M / np.sqrt(1.0 - _FIRST_ECCENTRICITY_SQ * sin_lat**2)
    return np.stack([(prime_vertical + h) * np.cos(lat) * np.cos(lon),
                     (prime_vertical + h) * np.cos(lat) * np.sin(lon),
                     (prime_vertical * (1.0 - _FIRST_ECCENTRICITY_SQ) + h) * sin_lat], axis=-1)


def geodetic_up(latitude_rad, longitude_rad):
    """Unit normal to the WGS-84 ellipsoid (the local vertical), Earth-fixed, shape (..., 3)."""
    lat, lon = np.broadcast_arrays(np.asarray(latitude_rad, dtype=float),
                                   np.asarray(longitude_rad, dtype=float))
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def sin_elevation(satellite_ecef_m, station_ecef, up):
    """Sine of the elevation of satellites above stations' geodetic horizons; broadcasts (..., 3)."""
    line = satellite_ecef_m - station_ecef
    return np.sum(line * up, axis=-1) / np.linalg.norm(line, axis=-1)


def max_central_angle_rad(station_radius_m, orbit_radius_m, min_elevation_rad):
    """Largest Earth-central angle between a station and a satellite seen at ≥ the elevation.

    From the triangle centre–station–satellite: cos(λ + ε) = (ρ/r)·cos ε for a
    station at radius ρ, a satellite at radius r and elevation ε. NaN-free:
    where the orbit is below the station's horizon plane the angle is 0.
    Broadcasts.
    """
    ratio = np.asarray(station_radius_m, dtype=float) / np.asarray(orbit_radius_m, dtype=float)
    cos_sum = np.clip(ratio * np.cos(min_elevation_rad), -1.0, 1.0)
    return np.maximum(np.arccos(cos_sum) - min_elevation_rad, 0.0)


def plane_frame(raan_rad, inclination_rad):
    """Node direction, in-plane normal to it, and orbit normal of circular planes; each (..., 3).

    A point at argument of latitude u is cos u·node + sin u·in_plane.
    """
    raan, inc = np.broadcast_arrays(np.asarray(raan_rad, dtype=float),
                                    np.asarray(inclination_rad, dtype=float))
    cos_o, sin_o, cos_i, sin_i = np.cos(raan), np.sin(raan), np.cos(inc), np.sin(inc)
    node = np.stack([cos_o, sin_o, np.zeros_like(cos_o)], axis=-1)
    in_plane = np.stack([-sin_o * cos_i, cos_o * cos_i, sin_i], axis=-1)
    normal = np.stack([sin_o * sin_i, -cos_o * sin_i, cos_i], axis=-1)
    return node, in_plane, normal


def station_in_plane_coordinates(station_inertial_unit, raan_rad, inclination_rad):
    """Where a station's direction sits relative to orbit planes: (u_s, sin δ).

    ``u_s`` is the argument of latitude of the station's projection onto the
    plane and δ its angle out of the plane; a satellite of the plane at
    argument of latitude u is seen from the Earth's centre at the angle
    λ with cos λ = cos δ · cos(u − u_s) from the station. Broadcasts.
    """
    # The products with plane_frame's three axes, by components: with
    # w = X·sin Ω − Y·cos Ω, x = X·cos Ω + Y·sin Ω, y = Z·sin i − w·cos i, z = Z·cos i + w·sin i.
    raan = np.asarray(raan_rad, dtype=float)
    cos_o, sin_o = np.cos(raan), np.sin(raan)
    cos_i, sin_i = np.cos(inclination_rad), np.sin(inclination_rad)
    big_x, big_y, big_z = (station_inertial_unit[..., k] for k in range(3))
    x = big_x * cos_o + big_y * sin_o
    w = big_x * sin_o - big_y * cos_o
    return np.arctan2(big_z * sin_i - w * cos_i, x), big_z * cos_i + w * sin_i


def earth_fixed_to_inertial(vector, gmst):
    """Turn Earth-fixed vectors (..., 3) about z by +GMST into TEME."""
    cos_g, sin_g = np.cos(gmst), np.sin(gmst)
    x, y, z = vector[..., 0], vector[..., 1], vector[..., 2]
    x_new, y_new = cos_g * x - sin_g * y, sin_g * x + cos_g * y
    return np.stack([x_new, y_new, np.broadcast_to(z, x_new.shape)], axis=-1)
