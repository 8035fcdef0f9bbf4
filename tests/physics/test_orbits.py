"""Orbits: reference values and SGP4 cross-checks."""

import numpy as np
import pytest

from orbc.constants import EARTH_RADIUS_M, SUN_SYNC_NODE_RATE_RAD_S
from orbc.physics.orbits import (
    kozai_mean_motion_rad_min,
    mean_motion_rad_s,
    nodal_precession_rate_rad_s,
    orbital_period_s,
    sun_synchronous_inclination_rad,
    walker_columns,
)

EPOCH = np.datetime64("2026-03-01T00:00:00")


def test_sun_synchronous_node_rate():
    # physics.md: 360° per 365.2422 d = 1.99106e-7 rad/s.
    assert pytest.approx(1.99106e-7, abs=1e-12) == SUN_SYNC_NODE_RATE_RAD_S


@pytest.mark.parametrize(
    ("altitude_km", "inclination_deg"),
    # Sun-synchronous inclinations quoted in physics.md (J2-only circular orbits).
    [(550, 97.59), (650, 97.99), (700, 98.19)],
)
def test_sun_synchronous_inclination(altitude_km, inclination_deg):
    inclination = sun_synchronous_inclination_rad(EARTH_RADIUS_M + altitude_km * 1e3)
    assert np.degrees(inclination) == pytest.approx(inclination_deg, abs=0.05)


def test_landsat8():
    # USGS Landsat 8 Data Users Handbook, §2: 705 km, 98.2°, 98.9 min.
    a = EARTH_RADIUS_M + 705e3
    assert np.degrees(sun_synchronous_inclination_rad(a)) == pytest.approx(98.2, abs=0.05)
    assert orbital_period_s(a) / 60 == pytest.approx(98.9, abs=0.05)


def test_galileo_period():
    # European GNSS Service Centre, Galileo constellation: a = 29,600.318 km,
    # period 14 h 04 m 42 s.
    assert orbital_period_s(29_600_318.0) == pytest.approx(14 * 3600 + 4 * 60 + 42, abs=1.0)


def test_node_rate_vectorised_and_signed():
    a = EARTH_RADIUS_M + np.array([[550e3], [1200e3]])
    inclination = np.radians([0.0, 53.0, 90.0, 120.0])
    rate = nodal_precession_rate_rad_s(a, inclination)
    assert rate.shape == (2, 4)
    assert (rate[:, 0] < 0).all() and np.allclose(rate[:, 2], 0.0) and (rate[:, 3] > 0).all()
    # Higher orbits drift more slowly.
    assert (np.abs(rate[1, :2]) < np.abs(rate[0, :2])).all()


def test_no_sun_synchronous_orbit_far_out():
    inclination = sun_synchronous_inclination_rad(np.array([7e6, 13e6]))
    assert np.isfinite(inclination[0]) and np.isnan(inclination[1])


def test_walker_delta_galileo():
    # Galileo is Walker 56°:24/3/1 (physics.md).
    columns = walker_columns(3, 8, 1, 0.0, 2 * np.pi)
    assert columns.plane.dtype == np.int32 and columns.slot.dtype == np.int32
    assert len(columns.plane) == 24
    np.testing.assert_array_equal(columns.plane, np.repeat([0, 1, 2], 8))
    np.testing.assert_array_equal(columns.slot, np.tile(np.arange(8), 3))
    np.testing.assert_allclose(np.degrees(columns.raan_rad[::8]), [0, 120, 240])
    # Slot spacing 45°, plane-to-plane phase 360°·F/T = 15°.
    m = np.degrees(columns.mean_anomaly_rad).reshape(3, 8)
    np.testing.assert_allclose(m[0], np.arange(8) * 45.0)
    np.testing.assert_allclose(m[1, 0], 15.0)
    np.testing.assert_allclose(m[2, 0], 30.0)


def test_walker_star_spreads_planes_over_half_circle():
    columns = walker_columns(6, 10, 2, np.radians(10), np.pi)
    np.testing.assert_allclose(np.degrees(columns.raan_rad[::10]), 10 + 30 * np.arange(6))
    assert ((columns.mean_anomaly_rad >= 0) & (columns.mean_anomaly_rad < 2 * np.pi)).all()


def _mean_radius_km(satrec, propagate_km):
    # One orbit of SGP4's own mean motion, 200 samples.
    minutes = np.arange(200) * (2 * np.pi / satrec.mdot) / 200
    position, _ = propagate_km(satrec, minutes)
    return np.linalg.norm(position, axis=1).mean()


@pytest.mark.parametrize(
    ("altitude_km", "inclination_deg"), [(550, 53.0), (650, None), (550, 0.0), (1200, 87.9)]
)
def test_kozai_mean_motion_gives_declared_mean_radius(
    altitude_km, inclination_deg, circular_satrec, propagate_km
):
    # The declared altitude is above the WGS-84 sphere: the mean |r| SGP4 flies
    # must come back to 6378.137 km + h. Measured: within 3 m (the residue is the
    # e ≈ 8e-4 SGP4's J3 term induces); asked for: 1 km.
    radius = EARTH_RADIUS_M + altitude_km * 1e3
    inclination = (
        sun_synchronous_inclination_rad(radius)
        if inclination_deg is None
        else np.radians(inclination_deg)
    )
    satrec = circular_satrec(radius, inclination, 0.3, EPOCH)
    assert _mean_radius_km(satrec, propagate_km) == pytest.approx(radius / 1e3, abs=0.05)


def test_keplerian_mean_motion_would_miss_by_kilometres(circular_satrec, propagate_km):
    # Why the conversion exists: handing SGP4 √(μ/a³) at 650 km SSO lands ≈1.5 km high.
    radius = EARTH_RADIUS_M + 650e3
    inclination = sun_synchronous_inclination_rad(radius)
    keplerian = mean_motion_rad_s(radius) * 60.0
    satrec = circular_satrec(radius, inclination, 0.3, EPOCH, mean_motion_rad_min=keplerian)
    assert abs(_mean_radius_km(satrec, propagate_km) - radius / 1e3) > 1.0


def test_kozai_mean_motion_broadcasts():
    radius = EARTH_RADIUS_M + np.array([[550e3], [650e3]])
    n = kozai_mean_motion_rad_min(radius, np.radians([53.0, 97.6, 30.0]))
    assert n.shape == (2, 3)
    # Close to, but not equal to, the Keplerian mean motion.
    keplerian = np.broadcast_to(mean_motion_rad_s(radius) * 60, n.shape)
    np.testing.assert_allclose(n, keplerian, rtol=2e-3)
    assert not np.allclose(n, mean_motion_rad_s(radius) * 60, rtol=1e-5)


def test_sun_synchronous_node_drift_in_sgp4(circular_satrec, propagate_km):
    # The node of an SSO built from our inclination must turn at the sun's mean
    # rate when SGP4 (J2, J2², J4) flies it: fit the osculating RAAN over 4 weeks.
    radius = EARTH_RADIUS_M + 650e3
    inclination = sun_synchronous_inclination_rad(radius)
    satrec = circular_satrec(radius, inclination, 1.0, EPOCH)
    minutes = np.arange(0, 28 * 1440 + 1, 90.0)
    position, velocity = propagate_km(satrec, minutes)
    normal = np.cross(position, velocity)
    raan = np.unwrap(np.arctan2(normal[:, 0], -normal[:, 1]))
    rate = np.polyfit(minutes * 60.0, raan, 1)[0]
    assert rate == pytest.approx(SUN_SYNC_NODE_RATE_RAD_S, rel=0.01)
    assert rate == pytest.approx(nodal_precession_rate_rad_s(radius, inclination), rel=0.01)
