"""Inter-satellite geometry."""

import numpy as np
import pytest

from orbc.constants import EARTH_RADIUS_M
from orbc.physics.geometry import (
    circular_pair_distance_m,
    circular_positions_eci,
    in_plane_neighbour_distance_m,
    max_grazing_range_m,
    max_pair_range_over_orbit_m,
    segment_min_altitude_m,
)
from orbc.physics.orbits import orbital_period_s, walker_columns

A550 = EARTH_RADIUS_M + 550e3


def test_max_grazing_range_starlink():
    # physics.md: d_max = 2√((R⊕+h)² − (R⊕+h_g)²) = 5,017 km at 550 km with 80 km.
    assert max_grazing_range_m(550e3, 550e3, 80e3) / 1e3 == pytest.approx(5017, abs=1)


def test_grazing_chord_just_clears_the_graze_altitude():
    # Two satellites at 550 km whose chord has length d_max: its lowest point is 80 km up.
    half_angle = np.arcsin(max_grazing_range_m(550e3, 550e3, 80e3) / (2 * A550))
    a = A550 * np.array([np.cos(half_angle), np.sin(half_angle), 0.0])
    b = A550 * np.array([np.cos(half_angle), -np.sin(half_angle), 0.0])
    assert segment_min_altitude_m(a, b) == pytest.approx(80e3, abs=1e-3)
    # Two altitudes: the tangent point splits the range as √(r² − r_g²).
    d = max_grazing_range_m(550e3, 1200e3, 100e3)
    r_g = EARTH_RADIUS_M + 100e3
    tangent = np.array([r_g, 0.0, 0.0])
    low = tangent + np.array([0.0, np.sqrt(A550**2 - r_g**2), 0.0])
    high = tangent - np.array([0.0, np.sqrt((EARTH_RADIUS_M + 1200e3) ** 2 - r_g**2), 0.0])
    assert np.linalg.norm(high - low) == pytest.approx(d)
    assert segment_min_altitude_m(low, high) == pytest.approx(100e3, abs=1e-3)


def test_segment_min_altitude_cases():
    r = A550
    points_a = np.array([[r, 0, 0], [r, 0, 0], [r, 0, 0], [r, 0, 0]])
    points_b = np.array([[-r, 0, 0], [2 * r, 0, 0], [0, r, 0], [r, 0, 0]])
    altitude = segment_min_altitude_m(points_a, points_b)
    # Through the centre; outward (nearer end); a 90° chord; a point.
    np.testing.assert_allclose(
        altitude, [-EARTH_RADIUS_M, 550e3, r * np.cos(np.pi / 4) - EARTH_RADIUS_M, 550e3]
    )
    assert segment_min_altitude_m(np.zeros((2, 5, 3)) + r, np.ones((2, 5, 3)) * r).shape == (2, 5)


def test_in_plane_neighbours_match_positions():
    # Starlink Gen1 shell 1: 72 × 22 at 550 km, 53°.
    columns = walker_columns(72, 22, 39, 0.0, 2 * np.pi)
    positions = circular_positions_eci(
        A550, np.radians(53), columns.raan_rad, columns.mean_anomaly_rad
    )
    assert positions.shape == (72 * 22, 3)
    np.testing.assert_allclose(np.linalg.norm(positions, axis=-1), A550)
    chord = np.linalg.norm(positions[1] - positions[0])
    assert in_plane_neighbour_distance_m(A550, 22) == pytest.approx(chord)
    assert in_plane_neighbour_distance_m(A550, 22) / 1e3 == pytest.approx(1971.9, abs=0.1)


def test_positions_match_rotation_matrices():
    # r = R3(−Ω)·R1(−i)·(a cos u, a sin u, 0), written out independently.
    rng = np.random.default_rng(1)
    a, inc, raan, u = 7e6, *rng.uniform(0, 2 * np.pi, (3, 50))

    def rotation_z(angle):
        c, s = np.cos(angle), np.sin(angle)
        return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])

    def rotation_x(angle):
        c, s = np.cos(angle), np.sin(angle)
        return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])

    expected = np.array(
        [rotation_z(o) @ rotation_x(i) @ [a * np.cos(m), a * np.sin(m), 0.0]
         for o, i, m in zip(raan, inc, u, strict=True)]
    )
    np.testing.assert_allclose(circular_positions_eci(a, inc, raan, u), expected, atol=1e-6)


def _starlink_cross_plane_pairs():
    # Each satellite of plane 0 to the same slot of plane 1 and of plane 36.
    columns = walker_columns(72, 22, 39, 0.0, 2 * np.pi)
    first = np.concatenate([np.arange(22), np.arange(22)])
    neighbour = np.concatenate([np.arange(22, 44), np.arange(36 * 22, 37 * 22)])
    inc = np.radians(53.0)

    def orbit(index):
        return A550, inc, columns.raan_rad[index], columns.mean_anomaly_rad[index]

    return orbit(first), orbit(neighbour)


def test_max_pair_range_over_orbit_against_dense_sampling():
    orbit_a, orbit_b = _starlink_cross_plane_pairs()
    fast = max_pair_range_over_orbit_m(orbit_a, orbit_b)
    time = np.linspace(0.0, orbital_period_s(A550), 200_001)
    dense = circular_pair_distance_m(
        tuple(np.asarray(x)[..., None] for x in orbit_a),
        tuple(np.asarray(x)[..., None] for x in orbit_b),
        time,
    ).max(axis=-1)
    assert fast.shape == (44,)
    np.testing.assert_allclose(fast, dense, atol=0.1)  # metres
    # Adjacent planes 5° apart stay far closer than the grazing limit.
    assert (fast[:22] < max_grazing_range_m(550e3, 550e3, 80e3)).all()


def test_max_pair_range_chunking():
    orbit_a, orbit_b = _starlink_cross_plane_pairs()
    np.testing.assert_allclose(
        max_pair_range_over_orbit_m(orbit_a, orbit_b, chunk_elements=1000),
        max_pair_range_over_orbit_m(orbit_a, orbit_b),
    )


def test_pair_distance_is_symmetric_and_periodic():
    orbit_a, orbit_b = _starlink_cross_plane_pairs()
    time = np.array([[0.0], [1234.5], [orbital_period_s(A550)]])
    forward = circular_pair_distance_m(orbit_a, orbit_b, time)
    assert forward.shape == (3, 44)
    np.testing.assert_allclose(forward, circular_pair_distance_m(orbit_b, orbit_a, time))
    np.testing.assert_allclose(forward[0], forward[2], atol=1e-3)
