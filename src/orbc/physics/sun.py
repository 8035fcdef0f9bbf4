"""Low-precision solar ephemeris (Astronomical Almanac, section C), about 0.01°.

Coordinates are geocentric, referred to the equator and equinox of date,
which is the frame SGP4's TEME node angles live in to well within that
accuracy. Time is either ``numpy.datetime64`` (UTC) or float days since
J2000.0 (2000-01-01 12:00); UTC and TT are not told apart, since the 69 s
between them moves the sun by 0.0008°.
"""

import numpy as np

from orbc.constants import SECONDS_PER_DAY

J2000_UTC = np.datetime64("2000-01-01T12:00:00", "ns")


def days_since_j2000(time):
    """Days since J2000.0 as float64, from datetime64 (UTC) or numbers (passed through)."""
    time = np.asarray(time)
    if np.issubdtype(time.dtype, np.datetime64):
        return (time - J2000_UTC) / np.timedelta64(1, "ns") / (SECONDS_PER_DAY * 1e9)
    return time.astype(float)


def _mean_longitude_and_anomaly_rad(days):
    # Astronomical Almanac low-precision formulae, valid 1950–2050.
    mean_longitude = np.radians(280.460 + 0.9856474 * days)
    mean_anomaly = np.radians(357.528 + 0.9856003 * days)
    return mean_longitude, mean_anomaly


def sun_ra_dec_rad(time):
    """Apparent right ascension in [0, 2π) and declination of the sun, radians.

    ``time``: datetime64 (UTC) or days since J2000.0, any shape; returns two
    arrays of that shape.
    """
    days = days_since_j2000(time)
    mean_longitude, mean_anomaly = _mean_longitude_and_anomaly_rad(days)
    ecliptic_longitude = (
        mean_longitude
        + np.radians(1.915) * np.sin(mean_anomaly)
        + np.radians(0.020) * np.sin(2.0 * mean_anomaly)
    )
    obliquity = np.radians(23.439 - 4.0e-7 * days)
    sin_lon = np.sin(ecliptic_longitude)
    ra = np.arctan2(np.cos(obliquity) * sin_lon, np.cos(ecliptic_longitude))
    dec = np.arcsin(np.sin(obliquity) * sin_lon)
    return np.mod(ra, 2.0 * np.pi), dec


def raan_from_ltan_rad(ltan_s, time):
    """Right ascension of the ascending node (rad, [0, 2π)) for a local time of ascending node.

    ``ltan_s`` is the local *mean* solar time of the node in seconds after
    midnight (18:00 → 64,800 s), the convention sun-synchronous missions fly:
    their node turns at the mean sun's rate, so the mean sun is the reference,
    Ω = α_mean_sun + 2π·(LTAN − 12 h)/24 h. The apparent sun differs from it by
    the equation of time (up to ±16 min, i.e. ±4°). Broadcasts.
    """
    mean_longitude, _ = _mean_longitude_and_anomaly_rad(days_since_j2000(time))
    hour_angle = 2.0 * np.pi * (np.asarray(ltan_s, dtype=float) / SECONDS_PER_DAY - 0.5)
    return np.mod(mean_longitude + hour_angle, 2.0 * np.pi)
