"""Optical and RF link budgets."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbc.constants import SPEED_OF_LIGHT
from orbc.physics.links import (
    beam_divergence_rad,
    carrier_to_noise_db,
    carrier_to_noise_density_db_hz,
    confocal_range_m,
    db_to_ratio,
    eb_over_n0_db,
    eirp_dbw,
    free_space_path_loss_db,
    optical_antenna_gain,
    optical_link_margin_db,
    optical_received_power_w,
    photons_per_bit,
    pointing_loss,
    ratio_to_db,
    slant_range_m,
)

WAVELENGTH = 1.55e-6


def test_suncatcher_link():
    # Google Suncatcher paper §4.2: 5 W, G_T = G_R = 105.1 dB (10 cm at ~80 %),
    # 1.55 µm, −3 dB other losses, 5,000 km → P_R ≈ 1.6 µW, θ ≈ 18.9 µrad.
    gain_db = ratio_to_db(optical_antenna_gain(0.10, WAVELENGTH, 0.80))
    assert gain_db == pytest.approx(105.1, abs=0.1)
    gain = db_to_ratio(105.1)
    received = optical_received_power_w(5.0, gain, gain, WAVELENGTH, 5_000e3, 0.10, db_to_ratio(-3))
    assert received * 1e6 == pytest.approx(1.6, abs=0.05)
    assert beam_divergence_rad(0.10, WAVELENGTH) * 1e6 == pytest.approx(18.9, abs=0.05)


def test_near_field_cap():
    # physics.md: confocal range ≈5 km for a 5 cm radius; received power stops
    # growing inside it.
    assert confocal_range_m(0.10, WAVELENGTH) / 1e3 == pytest.approx(5.07, abs=0.01)
    gain = optical_antenna_gain(0.10, WAVELENGTH, 0.8)
    power = optical_received_power_w(1.0, gain, gain, WAVELENGTH, [100.0, 1e3, 5067.0, 10e3], 0.10)
    assert power[0] == power[1] == pytest.approx(power[2], rel=1e-3)
    assert power[3] < power[2]


def test_pointing_loss():
    divergence = beam_divergence_rad(0.10, WAVELENGTH)
    loss = pointing_loss(np.array([0.0, 0.5, 1.0]) * divergence, divergence)
    np.testing.assert_allclose(loss, [1.0, np.exp(-0.5), np.exp(-2.0)])


def test_photons_per_bit():
    # A 1.55 µm photon carries 0.79990 eV = 1.28157e-19 J (hc/λ, CODATA).
    assert 1.0 / photons_per_bit(1.0, 1.0, WAVELENGTH) == pytest.approx(1.28157e-19, rel=1e-5)
    # 1.6 µW at 10 Gbps, by hand: 1.6e-6 / (1e10 · 1.28157e-19) = 1248.5 photons/bit.
    assert photons_per_bit(1.6e-6, 10e9, WAVELENGTH) == pytest.approx(1248.5, abs=0.5)
    margin = optical_link_margin_db(1.6e-6, 10e9, WAVELENGTH, 71.0)
    assert margin == pytest.approx(ratio_to_db(1248.5 / 71.0), abs=0.01)


@given(
    near=st.floats(1.0, 1e8), factor=st.floats(1.0, 100.0),
    aperture=st.floats(0.01, 0.5), rate=st.floats(1e6, 1e12),
)
def test_optical_margin_falls_with_range(near, factor, aperture, rate):
    gain = optical_antenna_gain(aperture, WAVELENGTH, 0.8)

    def margin(distance):
        power = optical_received_power_w(1.0, gain, gain, WAVELENGTH, distance, aperture, 0.5)
        return optical_link_margin_db(power, rate, WAVELENGTH, 71.0)

    far = near * factor
    assert margin(far) <= margin(near)
    if near > confocal_range_m(aperture, WAVELENGTH) and factor > 1.001:
        assert margin(far) < margin(near)


@given(distance_km=st.floats(1.0, 1e6), frequency_ghz=st.floats(0.1, 100.0))
def test_fspl_matches_the_textbook_form(distance_km, frequency_ghz):
    # 92.45 + 20 log d[km] + 20 log f[GHz] is 20 log(4π·1e12/c) rounded.
    textbook = 92.45 + 20 * np.log10(distance_km) + 20 * np.log10(frequency_ghz)
    exact = free_space_path_loss_db(distance_km * 1e3, frequency_ghz * 1e9)
    assert exact == pytest.approx(textbook, abs=0.01)


def test_fcc_sat_loi_20110809_00148():
    # FCC IBFS SAT-LOI-20110809-00148, Schedule S telemetry link budget: 19,700.5
    # MHz, P_T −22.0 dBW, line losses 7.0 dB, antenna 51.0 dBi → EIRP 22.0 dBW;
    # FSPL 210.2 dB; earth-station G/T 37.5 dB/K → C/N 18.9 dB; required 9.0,
    # margin 9.9 dB. The filing does not state the noise bandwidth: C/N₀ is
    # 77.9 dB-Hz, so C/N = 18.9 dB implies B = 10^5.90 Hz ≈ 0.79 MHz
    # (0.76–0.83 MHz given the one-decimal rounding).
    eirp = eirp_dbw(db_to_ratio(-22.0), 51.0, 7.0)
    assert eirp == pytest.approx(22.0, abs=1e-9)
    c_over_n0 = carrier_to_noise_density_db_hz(eirp, 210.2, 37.5)
    assert c_over_n0 == pytest.approx(77.9, abs=1e-9)
    implied_bandwidth_hz = db_to_ratio(c_over_n0 - 18.9)
    assert implied_bandwidth_hz / 1e6 == pytest.approx(0.79, abs=0.01)
    c_over_n = carrier_to_noise_db(c_over_n0, 0.8e6)
    assert c_over_n == pytest.approx(18.9, abs=0.05)
    assert c_over_n - 9.0 == pytest.approx(9.9, abs=0.05)
    # 210.2 dB at 19.7005 GHz is 39,190 km: a GEO slant range (35,786 km at
    # zenith, 41,679 km at the horizon).
    distance = db_to_ratio(210.2 / 2) * SPEED_OF_LIGHT / (4 * np.pi * 19.7005e9)
    assert free_space_path_loss_db(distance, 19.7005e9) == pytest.approx(210.2)
    assert slant_range_m(35_786e3, np.pi / 2) < distance < slant_range_m(35_786e3, 0.0)


def test_eb_over_n0():
    assert eb_over_n0_db(77.9, 1e6) == pytest.approx(17.9)


def test_slant_range():
    assert slant_range_m(550e3, np.pi / 2) == pytest.approx(550e3)
    # Horizon range of GEO, 41,679 km (standard value, √(42,164² − 6,378²)).
    assert slant_range_m(35_786e3, 0.0) / 1e3 == pytest.approx(41_679, abs=1)
    ranges = slant_range_m(550e3, np.radians([10, 25, 40, 90]))
    assert (np.diff(ranges) < 0).all()
    # Starlink at 550 km and 25° minimum elevation: ≈1,123 km (law of sines check).
    elevation = np.radians(25.0)
    nadir = np.arcsin(6378.137 / 6928.137 * np.cos(elevation))
    central = np.pi / 2 - elevation - nadir
    assert ranges[1] == pytest.approx(6928.137e3 * np.sin(central) / np.cos(elevation), rel=1e-9)
