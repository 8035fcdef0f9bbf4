"""Compute utilisation (the mission-mean sunlit share) against an independent average.

The reference is computed here from scratch: the sun from skyfield and JPL DE421
(apparent, equator of date), each plane's node drifting at the J2 rate from
this file's own constants, the satellite's position on its circle in 3-D, and
the cylindrical shadow tested point by point on a grid of (time × plane ×
position in orbit). orbc instead averages a closed-form eclipse fraction of the
β angle with its low-precision sun.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from orbc.compiler.pipeline import compile_spec

R_EARTH_M = 6378137.0
MU_M3_S2 = 3.986004418e14
J2 = 1.0826267e-3
TROPICAL_YEAR_S = 365.2422 * 86400
EPOCH = (2027, 1, 1)
LIFE_S = 365.25 * 86400  # one year: every season, every β the planes reach


def _spec(tmp_path, shell: str) -> str:
    path = tmp_path / "spec.orb"
    path.write_text(f"""
constellation "sunlight" {{
  epoch        = 2027-01-01T00:00:00Z
  mission_life = 1 yr
}}
hardware "box" {{
  compute {{
    accelerators    = 10
    power_each      = 1 kW
    flops_each      = 1 PFLOPS
    shed_in_eclipse = true
  }}
  solar_array {{ area = 200 m^2; efficiency = 30 % }}
  battery {{ capacity = 20 kWh; depth_of_discharge = 80 % }}
  radiator {{ area = 50 m^2; emissivity = 0.9; temperature = 330 K }}
}}
shell "s" {{
  {shell}
  hardware = "box"
}}
""")
    return str(path)


def _node_rate_rad_s(a_m: float, inclination_rad: float) -> float:
    n = math.sqrt(MU_M3_S2 / a_m**3)
    return -1.5 * n * J2 * (R_EARTH_M / a_m) ** 2 * math.cos(inclination_rad)


def _reference_sunlit(timescale, ephemeris, a_m, inclination_rad, raan0_rad) -> float:
    """Share of (time, plane, argument of latitude) grid points outside the Earth's
    cylindrical shadow."""
    seconds = (np.arange(1461) + 0.5) * (LIFE_S / 1461)  # every 6 h, midpoints
    times = timescale.utc(*EPOCH, 0, 0, seconds)
    ra, dec, _ = ephemeris["earth"].at(times).observe(ephemeris["sun"]).apparent().radec("date")
    sun = np.stack([np.cos(dec.radians) * np.cos(ra.radians),
                    np.cos(dec.radians) * np.sin(ra.radians), np.sin(dec.radians)], axis=-1)
    u = np.linspace(0.0, 2 * np.pi, 720, endpoint=False)
    node = (np.asarray(raan0_rad)[None, :, None]
            + _node_rate_rad_s(a_m, inclination_rad) * seconds[:, None, None])
    cos_i, sin_i = math.cos(inclination_rad), math.sin(inclination_rad)
    position = a_m * np.stack([
        np.cos(node) * np.cos(u) - np.sin(node) * np.sin(u) * cos_i,
        np.sin(node) * np.cos(u) + np.cos(node) * np.sin(u) * cos_i,
        np.broadcast_to(np.sin(u) * sin_i, node.shape[:2] + u.shape),
    ], axis=-1)  # (time, plane, u, 3)
    along = np.einsum("tpuk,tk->tpu", position, sun)
    across = np.sqrt(np.maximum(a_m**2 - along**2, 0.0))
    shadow = (along < 0) & (across < R_EARTH_M)
    return 1.0 - shadow.mean()


def _utilisation(path: str) -> float:
    result = compile_spec(path)
    assert result.errors == 0, result.diagnostics
    return result.shells["s"]["compute"]["utilisation"]


def test_inclined_shell_utilisation(tmp_path, timescale, ephemeris):
    ours = _utilisation(_spec(tmp_path, """altitude = 550 km
  inclination = 53 deg
  raan_offset = 0 deg
  walker_delta { planes = 6; per_plane = 10; phasing = 1 }"""))
    a = R_EARTH_M + 550e3
    reference = _reference_sunlit(timescale, ephemeris, a, math.radians(53),
                                  2 * np.pi * np.arange(6) / 6)
    assert 0.6 < reference < 0.8  # a 53° shell is in shadow a good part of the year
    assert ours == pytest.approx(reference, rel=0.015)


def test_dawn_dusk_sso_is_nearly_always_sunlit(tmp_path, timescale, ephemeris):
    ours = _utilisation(_spec(tmp_path, """altitude = 650 km
  inclination = sun_synchronous
  ltan = 06:00
  walker_delta { planes = 1; per_plane = 20 }"""))
    a = R_EARTH_M + 650e3
    n = math.sqrt(MU_M3_S2 / a**3)
    inclination = math.acos(-(2 * math.pi / TROPICAL_YEAR_S) / (1.5 * n * J2 * (R_EARTH_M / a) ** 2))
    # 06:00 ascending node: 6 h (90°) west of the sun at epoch.
    ra, _, _ = ephemeris["earth"].at(timescale.utc(*EPOCH)).observe(
        ephemeris["sun"]).apparent().radec("date")
    reference = _reference_sunlit(timescale, ephemeris, a, inclination,
                                  np.array([ra.radians - np.pi / 2]))
    # Eclipses only in a season around the June solstice, of at most ≈21 min a 98 min orbit.
    assert reference > 0.95
    assert ours > 0.95
    assert ours == pytest.approx(reference, rel=0.015)


def test_compute_that_is_not_shed_runs_always(tmp_path):
    path = _spec(tmp_path, """altitude = 550 km
  inclination = 53 deg
  walker_delta { planes = 6; per_plane = 10 }""")
    spec = Path(path)
    spec.write_text(spec.read_text().replace("shed_in_eclipse = true", "shed_in_eclipse = false"))
    result = compile_spec(path)
    compute = result.shells["s"]["compute"]
    assert compute["utilisation"] == 1.0
    assert compute["flops_delivered"] == compute["flops_peak"] == 60 * 10 * 1e15
