"""Beta angle, cylindrical eclipses and the mission worst case."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbc.constants import EARTH_RADIUS_M, SECONDS_PER_JULIAN_YEAR
from orbc.physics.eclipse import (
    beta_angle_rad,
    critical_beta_rad,
    eclipse_duration_s,
    eclipse_fraction,
    worst_eclipse_over_mission,
)
from orbc.physics.orbits import (
    nodal_precession_rate_rad_s,
    orbital_period_s,
    sun_synchronous_inclination_rad,
)
from orbc.physics.sun import days_since_j2000, raan_from_ltan_rad, sun_ra_dec_rad

EPOCH = np.datetime64("2026-01-01T00:00")


def test_280_km_at_zero_beta():
    # physics.md: 280 km at β = 0 is 59 % sunlit, ≈53 min sun / 37 min shade.
    a = EARTH_RADIUS_M + 280e3
    assert 1 - eclipse_fraction(0.0, a) == pytest.approx(0.59, abs=0.01)
    assert eclipse_duration_s(0.0, a) / 60 == pytest.approx(37, abs=0.5)
    assert (orbital_period_s(a) - eclipse_duration_s(0.0, a)) / 60 == pytest.approx(53, abs=0.5)


def test_smad_firesat():
    # Wertz & Larson, SMAD 3rd ed., FireSat at 700 km: 35.3 min eclipse, 63.5 min day.
    a = EARTH_RADIUS_M + 700e3
    eclipse = eclipse_duration_s(0.0, a) / 60
    assert eclipse == pytest.approx(35.3, rel=0.03)
    assert orbital_period_s(a) / 60 - eclipse == pytest.approx(63.5, rel=0.03)


def test_no_eclipse_beyond_critical_beta():
    a = EARTH_RADIUS_M + np.array([550e3, 650e3])
    beta_star = critical_beta_rad(a)
    np.testing.assert_allclose(np.degrees(beta_star), [67.02, 65.16], atol=0.01)
    assert (eclipse_fraction(beta_star + 1e-9, a) == 0).all()
    assert (eclipse_fraction(-beta_star - 1e-9, a) == 0).all()
    assert (eclipse_fraction(beta_star - 1e-3, a) > 0).all()


@given(
    beta=st.floats(-np.pi / 2, np.pi / 2),
    altitude=st.floats(150e3, 40_000e3),
)
def test_eclipse_never_exceeds_zero_beta(beta, altitude):
    a = EARTH_RADIUS_M + altitude
    fraction = eclipse_fraction(beta, a)
    assert 0.0 <= fraction <= eclipse_fraction(0.0, a)
    assert eclipse_fraction(0.5 * beta, a) >= fraction


def test_beta_angle_limits():
    # Equatorial orbit: β = −δ☉·(−1) = δ☉; polar orbit with node at the sun: β = 0.
    dec = np.radians(23.44)
    assert np.degrees(beta_angle_rad(0.0, 0.0, 0.0, dec)) == pytest.approx(23.44)
    assert beta_angle_rad(np.pi / 2, 1.0, 1.0, 0.3) == pytest.approx(0.0)
    assert np.degrees(beta_angle_rad(np.pi / 2, np.pi / 2, 0.0, 0.0)) == pytest.approx(90.0)


@pytest.mark.parametrize("beta_deg", [0.0, 35.0, 60.0, 65.0, 70.0])
def test_eclipse_against_skyfield(
    beta_deg, timescale, ephemeris, circular_satrec, propagate_km
):
    # Independent check: SGP4 flies the orbit, skyfield's is_sunlit (a point
    # sun behind a spherical Earth of radius 6378.1366 km, DE421 sun) decides
    # the shadow. Penumbra is not modelled by either, so the difference is the
    # orbit's J2/J3 wobble and the few seconds of β drift over one orbit.
    from skyfield.api import EarthSatellite

    a = EARTH_RADIUS_M + 550e3
    inclination = sun_synchronous_inclination_rad(a)
    epoch = np.datetime64("2026-03-20T12:00")
    ra, dec = sun_ra_dec_rad(epoch)
    # Choose the node that gives the wanted β at epoch.
    sin_offset = (np.sin(np.radians(beta_deg)) - np.sin(dec) * np.cos(inclination)) / (
        np.cos(dec) * np.sin(inclination)
    )
    raan = ra + np.arcsin(sin_offset)
    satrec = circular_satrec(a, inclination, raan, epoch)
    period_min = 2 * np.pi / satrec.mdot
    minutes = np.arange(0, period_min, 2.0 / 60)
    satellite = EarthSatellite.from_satrec(satrec, timescale)
    t = timescale.utc(2026, 3, 20, 12, 0, minutes * 60.0)
    shadow = ~satellite.at(t).is_sunlit(ephemeris)
    beta = beta_angle_rad(inclination, raan, ra, dec)
    assert np.degrees(beta) == pytest.approx(beta_deg, abs=1e-6)
    assert shadow.mean() == pytest.approx(eclipse_fraction(beta, a), abs=0.02)
    assert shadow.sum() * 2.0 == pytest.approx(eclipse_duration_s(beta, a), abs=60.0)


def _dawn_dusk_worst(altitude_m):
    a = EARTH_RADIUS_M + altitude_m
    raan0 = raan_from_ltan_rad(18 * 3600.0, EPOCH)
    return worst_eclipse_over_mission(
        [raan0], sun_synchronous_inclination_rad(a), a, EPOCH, SECONDS_PER_JULIAN_YEAR
    )


def test_dawn_dusk_650_km_sees_20_min_at_solstice():
    # physics.md: a dawn-dusk orbit at 650 km still sees eclipses of up to
    # ≈20 min around a solstice (here the June one: LTAN 18:00).
    worst = _dawn_dusk_worst(650e3)
    assert worst.duration_s[0] / 60 == pytest.approx(20.0, abs=2.0)
    assert worst.time_s[0] / 86400 == pytest.approx(171.0, abs=5.0)  # 2026-06-21
    assert worst.min_sunlit_fraction[0] == pytest.approx(
        1 - worst.duration_s[0] / orbital_period_s(EARTH_RADIUS_M + 650e3)
    )


def test_dawn_dusk_above_1400_km_is_eclipse_free():
    # physics.md: only above ≈1,400 km is a dawn-dusk orbit eclipse-free all year.
    assert _dawn_dusk_worst(1400e3).duration_s[0] == 0.0
    assert _dawn_dusk_worst(1350e3).duration_s[0] > 0.0


def _brute_force_min_abs_beta(raan0, inclination, a, epoch, life_s, step_s):
    t = np.arange(0.0, life_s + step_s, step_s)
    ra, dec = sun_ra_dec_rad(days_since_j2000(epoch) + t / 86400)
    raan = np.asarray(raan0)[:, None] + nodal_precession_rate_rad_s(a, inclination) * t
    return np.abs(beta_angle_rad(inclination, raan, ra, dec)).min(axis=1)


@pytest.mark.parametrize(
    ("altitude_m", "inclination_deg", "ltan_h"),
    # A drifting 53° shell (β crosses 0 often), a grazing dawn-dusk orbit
    # (eclipse very sensitive to β) and a 10:30 SSO.
    [(550e3, 53.0, None), (1350e3, None, 18.0), (700e3, None, 10.5)],
)
def test_worst_eclipse_within_one_percent_of_brute_force(altitude_m, inclination_deg, ltan_h):
    a = EARTH_RADIUS_M + altitude_m
    if inclination_deg is None:
        inclination = sun_synchronous_inclination_rad(a)
        raan0 = raan_from_ltan_rad(ltan_h * 3600 + np.array([0.0, 5400.0]), EPOCH)
    else:
        inclination = np.radians(inclination_deg)
        raan0 = np.radians([0.0, 45.0, 90.0, 135.0, 180.0])
    worst = worst_eclipse_over_mission(raan0, inclination, a, EPOCH, SECONDS_PER_JULIAN_YEAR)
    brute = eclipse_duration_s(
        _brute_force_min_abs_beta(raan0, inclination, a, EPOCH, SECONDS_PER_JULIAN_YEAR, 60.0), a
    )
    assert (worst.duration_s >= brute - 1e-6).all()
    np.testing.assert_allclose(worst.duration_s, brute, rtol=0.01)


def test_worst_eclipse_chunking_does_not_change_the_answer():
    a = EARTH_RADIUS_M + 550e3
    raan0 = np.linspace(0, 2 * np.pi, 37)[:-1]
    args = (raan0, np.radians(53.0), a, EPOCH, 3 * SECONDS_PER_JULIAN_YEAR)
    whole = worst_eclipse_over_mission(*args)
    chunked = worst_eclipse_over_mission(*args, chunk_elements=100)
    for field_whole, field_chunked in zip(whole, chunked, strict=True):
        np.testing.assert_allclose(field_whole, field_chunked)
    assert whole.duration_s.shape == (36,)
