"""Shared fixtures: an offline skyfield loader (de421 from skyfield-data) and SGP4 satellites."""

import warnings

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec

from orbc.physics.orbits import kozai_mean_motion_rad_min

SGP4_EPOCH0 = np.datetime64("1949-12-31T00:00:00", "ns")


@pytest.fixture(scope="session")
def skyfield_loader():
    """A skyfield Loader reading the files skyfield-data ships; never downloads."""
    from skyfield.api import Loader
    from skyfield_data import get_skyfield_data_path

    with warnings.catch_warnings():
        # skyfield-data warns that its bundled finals2000A.all has expired; the
        # tests use the builtin timescale and only de421.bsp from it.
        warnings.simplefilter("ignore", RuntimeWarning)
        return Loader(get_skyfield_data_path(), verbose=False)


@pytest.fixture(scope="session")
def timescale(skyfield_loader):
    return skyfield_loader.timescale(builtin=True)


@pytest.fixture(scope="session")
def ephemeris(skyfield_loader):
    return skyfield_loader("de421.bsp")


def _circular_satrec(
    mean_radius_m, inclination_rad, raan_rad, epoch, mean_anomaly_rad=0.0, mean_motion_rad_min=None,
):
    if mean_motion_rad_min is None:
        mean_motion_rad_min = kozai_mean_motion_rad_min(mean_radius_m, inclination_rad)
    satrec = Satrec()
    epoch_days = (np.datetime64(epoch, "ns") - SGP4_EPOCH0) / np.timedelta64(86400, "s")
    satrec.sgp4init(
        WGS72, "i", 1, float(epoch_days), 0.0, 0.0, 0.0, 0.0, 0.0,
        float(inclination_rad), float(mean_anomaly_rad),
        float(mean_motion_rad_min), float(raan_rad),
    )
    return satrec


def _propagate_km(satrec, minutes):
    minutes = np.asarray(minutes, dtype=float)
    jd = np.full(minutes.shape, satrec.jdsatepoch)
    error, position, velocity = satrec.sgp4_array(jd, satrec.jdsatepochF + minutes / 1440.0)
    assert not error.any()
    return position, velocity


@pytest.fixture(scope="session")
def circular_satrec():
    """Factory (mean_radius_m, inclination_rad, raan_rad, epoch[, mean_anomaly_rad]) → Satrec:
    an SGP4 satellite (WGS-72, e = 0, no drag) on a circle of that mean radius.
    ``mean_motion_rad_min`` overrides the Kozai mean motion handed to sgp4init."""
    return _circular_satrec


@pytest.fixture(scope="session")
def propagate_km():
    """(satrec, minutes after epoch) → TEME positions and velocities in km and km/s."""
    return _propagate_km
