"""The vectorised SGP4 reduction against the sgp4 package's C++ SGP4, and GMST against
SGP4's own `gstime`."""

from __future__ import annotations

import math

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec
from sgp4.propagation import gstime

from orbc.physics.orbits import kozai_mean_motion_rad_min
from orbc.physics.propagation import sgp4_positions_m, sgp4_shell
from orbc.physics.visibility import gmst_rad


@pytest.mark.parametrize("altitude_km, inclination_deg", [
    (550, 53.0), (650, 97.99), (1200, 30.0), (350, 0.0), (500, 180.0), (2000, 89.9)])
def test_positions_match_sgp4_to_a_millimetre(altitude_km, inclination_deg):
    radius = 6378137.0 + altitude_km * 1e3
    inclination = math.radians(inclination_deg)
    kozai = float(kozai_mean_motion_rad_min(radius, inclination))
    shell = sgp4_shell(kozai, inclination)
    raan, anomaly = np.array([0.0, 2.1, 5.9]), np.array([1.3, 0.0, 4.4])
    times = np.linspace(-3600.0, 2 * 86400.0, 2001)
    for node, mean_anomaly in zip(raan, anomaly):
        satrec = Satrec()
        satrec.sgp4init(WGS72, "i", 1, 27473.0, 0.0, 0.0, 0.0, 0.0, 0.0, inclination,
                        float(mean_anomaly), kozai, float(node))
        error, position, _ = satrec.sgp4_array(np.full(times.shape, satrec.jdsatepoch),
                                               satrec.jdsatepochF + times / 86400.0)
        assert not error.any()
        ours = sgp4_positions_m(shell, node, mean_anomaly, times)
        assert np.abs(ours - position * 1e3).max() < 1e-3


def test_each_satellite_at_its_own_times():
    inclination = math.radians(53)
    shell = sgp4_shell(float(kozai_mean_motion_rad_min(6928137.0, inclination)), inclination)
    raan, anomaly, times = np.array([0.1, 0.2]), np.array([0.3, 0.4]), np.array([10.0, 5000.0])
    together = sgp4_positions_m(shell, raan, anomaly, times)
    apart = [sgp4_positions_m(shell, raan[k], anomaly[k], times[k]) for k in range(2)]
    np.testing.assert_allclose(together, np.stack(apart), atol=1e-9)


def test_deep_space_shells_are_flagged():
    inclination = math.radians(56)
    galileo = sgp4_shell(float(kozai_mean_motion_rad_min(29600318.0, inclination)), inclination)
    assert not galileo.is_near_earth
    assert sgp4_shell(float(kozai_mean_motion_rad_min(6928137.0, 0.9)), 0.9).is_near_earth


@pytest.mark.parametrize("days", [-7305.5, 0.0, 9940.0, 9940.123456789, 18262.75])
def test_gmst_matches_sgp4_gstime(days):
    # gstime loses ~1e-9 rad to the size of the Julian date; 1e-8 rad is 0.06 mm on the ground.
    assert gmst_rad(days) == pytest.approx(gstime(2451545.0 + days), abs=1e-8)
