"""Radiator heat balance."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orbc.constants import EARTH_RADIUS_M, STEFAN_BOLTZMANN
from orbc.physics.thermal import (
    earth_view_factor_edge_on,
    earth_view_factor_nadir,
    radiator_earth_load_w_m2,
    radiator_emitted_w_m2,
    radiator_equilibrium_temperature_k,
    radiator_net_rejection_w_m2,
    radiator_solar_load_w_m2,
)

ZERO_C = 273.15


def _view_factor_by_quadrature(orbit_radius_m, tilt_rad, n=600):
    # F = (1/π)∫ max(0, n̂·ŝ) dΩ over the Earth's disc seen from the satellite,
    # midpoint rule in (angle from nadir, azimuth); independent of the closed forms.
    half_angle = np.arcsin(EARTH_RADIUS_M / orbit_radius_m)
    theta = (np.arange(n) + 0.5) * half_angle / n
    phi = (np.arange(2 * n) + 0.5) * np.pi / n
    theta, phi = np.meshgrid(theta, phi, indexing="ij")
    # Nadir is −z; the plate normal is tilted from nadir by tilt_rad towards +x.
    cosine = np.sin(tilt_rad) * np.sin(theta) * np.cos(phi) + np.cos(tilt_rad) * np.cos(theta)
    integrand = np.maximum(cosine, 0.0) * np.sin(theta)
    return integrand.sum() * (half_angle / n) * (np.pi / n) / np.pi


def test_view_factors():
    # physics.md: nadir 0.848 at 550 km; edge-on 0.258 at 550 km, 0.241 at 650 km.
    r550, r650 = EARTH_RADIUS_M + 550e3, EARTH_RADIUS_M + 650e3
    assert earth_view_factor_nadir(r550) == pytest.approx(0.848, abs=0.001)
    assert earth_view_factor_edge_on(r550) == pytest.approx(0.258, abs=0.001)
    assert earth_view_factor_edge_on(r650) == pytest.approx(0.241, abs=0.001)
    for r in (r550, r650, EARTH_RADIUS_M + 2000e3):
        assert _view_factor_by_quadrature(r, 0.0) == pytest.approx(
            float(earth_view_factor_nadir(r)), abs=1e-4
        )
        assert _view_factor_by_quadrature(r, np.pi / 2) == pytest.approx(
            float(earth_view_factor_edge_on(r)), abs=1e-4
        )


def test_starcloud_radiator():
    # Starcloud white paper p.9: T = 20 °C, ε = 0.92, α = 0.09, F = 0.25,
    # a = 0.30, S = 1366 W/m², T_E = −20 °C, two faces emitting, one sunlit:
    # 770.48 − 122.94 − 14.46 = 633.08 W/m².
    earth_ir = STEFAN_BOLTZMANN * (ZERO_C - 20) ** 4
    common = {"albedo": 0.30, "solar_flux_w_m2": 1366.0, "earth_ir_w_m2": earth_ir}
    # The paper used σ = 5.670e-8; CODATA's 5.670374e-8 adds 0.05 W/m².
    assert radiator_emitted_w_m2(ZERO_C + 20, 0.92) == pytest.approx(770.48, abs=0.1)
    assert radiator_solar_load_w_m2(0.09, 1.0, 1366.0) == pytest.approx(122.94, abs=0.01)
    # The published 14.46 = 0.09·0.25·(0.30·1366 + σT_E⁴): the paper applied the
    # *solar* absorptivity 0.09 to Earth's infrared too.
    assert radiator_earth_load_w_m2(0.25, 0.09, 0.09, **common) == pytest.approx(14.46, abs=0.05)
    published = radiator_net_rejection_w_m2(
        ZERO_C + 20, 0.92, 0.09, 0.25, ir_absorptivity=0.09, **common
    )
    assert published == pytest.approx(633.08, abs=0.1)
    # With Kirchhoff (infrared absorptivity = ε = 0.92), the default, the Earth
    # term is 0.25·(0.09·409.8 + 0.92·232.9) = 62.8 W/m² and the net 584.8 W/m².
    kirchhoff = radiator_net_rejection_w_m2(ZERO_C + 20, 0.92, 0.09, 0.25, **common)
    assert kirchhoff == pytest.approx(584.8, abs=0.1)


def test_black_plate():
    # physics.md: a 1 m² black plate at 20 °C radiates ≈838 W from both sides.
    assert radiator_emitted_w_m2(ZERO_C + 20, 1.0, faces=2) == pytest.approx(838, abs=1)
    net = radiator_net_rejection_w_m2(ZERO_C + 20, 1.0, 1.0, 0.0, sunlit_faces=0.0)
    assert net == pytest.approx(837.5, abs=0.1)


def test_equilibrium_temperature_inverts_net_rejection():
    args = (0.9, 0.2, 2 * earth_view_factor_edge_on(EARTH_RADIUS_M + 650e3))
    temperature = radiator_equilibrium_temperature_k(5000.0, 10.0, *args)
    assert 10.0 * radiator_net_rejection_w_m2(temperature, *args) == pytest.approx(5000.0)


temperatures = st.floats(200.0, 400.0)
areas = st.floats(0.01, 1e4)


@given(area=areas, extra=areas, temperature=temperatures,
       absorptivity=st.floats(0.0, 1.0), emissivity=st.floats(0.05, 1.0),
       view=st.floats(0.0, 1.0), sunlit=st.floats(0.0, 1.0))
def test_more_radiator_area_never_lowers_rejection(
    area, extra, temperature, absorptivity, emissivity, view, sunlit
):
    # At a temperature where the panel is a net rejector, more panel rejects
    # more; for a fixed dissipation, more panel never runs hotter.
    q = radiator_net_rejection_w_m2(
        temperature, emissivity, absorptivity, view, sunlit_faces=sunlit
    )
    if q >= 0:
        assert (area + extra) * q >= area * q
    args = (emissivity, absorptivity, view, 2, sunlit)
    small = radiator_equilibrium_temperature_k(1000.0, area, *args)
    large = radiator_equilibrium_temperature_k(1000.0, area + extra, *args)
    assert large <= small * (1 + 1e-12)


@given(cold=temperatures, warm=temperatures)
def test_hotter_radiator_rejects_more(cold, warm):
    cold, warm = sorted((cold, warm))
    args = (0.9, 0.2, 0.5)
    assert radiator_net_rejection_w_m2(warm, *args) >= radiator_net_rejection_w_m2(cold, *args)
