"""Solar array and battery sizing."""

import numpy as np
import pytest

from orbc.constants import SECONDS_PER_JULIAN_YEAR
from orbc.physics.power import (
    array_bol_power_w,
    array_eol_power_w,
    battery_depth_of_discharge,
    required_array_power_w,
    required_battery_capacity_j,
)


def test_starlink_v2_mini_array():
    # Suncatcher paper's estimate quoted in physics.md: ≈105 m² × 1361 W/m² ×
    # 22 % × 90 % ≈ 28 kW.
    assert array_bol_power_w(105.0, 0.22, 0.90) / 1e3 == pytest.approx(28.3, abs=0.1)


def test_array_incidence():
    power = array_bol_power_w(10.0, 0.3, 0.9, np.radians([0.0, 60.0, 90.0, 120.0]))
    np.testing.assert_allclose(power / power[0], [1.0, 0.5, 0.0, 0.0], atol=1e-12)


def test_array_end_of_life():
    # 3 %/yr over 10 years: 0.97^10 = 0.7374.
    eol = array_eol_power_w(1000.0, 0.03, 10 * SECONDS_PER_JULIAN_YEAR)
    assert eol == pytest.approx(737.42, abs=0.01)
    assert array_eol_power_w(1000.0, 0.03, 0.0) == 1000.0


def test_smad_array_sizing_firesat_orbit():
    # SMAD Eq. 11-5 with FireSat's 700 km orbit (35.3 min eclipse, 63.5 min
    # day) and a flat 110 W load: by hand,
    # DET: (110·35.3/0.65 + 110·63.5/0.85)/63.5 = 223.49 W;
    # PPT: (110·35.3/0.60 + 110·63.5/0.80)/63.5 = 239.42 W.
    args = (110.0, 35.3 * 60, 110.0, 63.5 * 60)
    det = required_array_power_w(*args, regulation="direct_energy_transfer")
    ppt = required_array_power_w(*args, regulation="peak_power_tracking")
    assert det == pytest.approx(223.49, abs=0.01)
    assert ppt == pytest.approx(239.42, abs=0.01)
    # Without eclipse only the daylight path loss is left.
    assert required_array_power_w(110.0, 0.0, 110.0, 3600.0) == pytest.approx(110 / 0.8)


def test_battery_depth_of_discharge_and_capacity_are_inverse():
    # 110 W through a 35.3 min eclipse from a 300 Wh battery at η = 0.9 (SMAD
    # Eq. 11-6): 64.72 Wh / (300 Wh · 0.9) = 0.2397.
    eclipse_s = 35.3 * 60
    dod = battery_depth_of_discharge(110.0, eclipse_s, 300 * 3600.0)
    assert dod == pytest.approx(0.2397, abs=1e-4)
    capacity = required_battery_capacity_j(110.0, eclipse_s, dod)
    assert capacity == pytest.approx(300 * 3600.0)
    assert required_battery_capacity_j(np.array([110.0, 220.0]), eclipse_s, 0.3).shape == (2,)
