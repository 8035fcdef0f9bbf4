"""Inter-satellite geometry: circular-orbit positions, ranges and line of sight.

The Earth is a sphere of radius R⊕ (WGS-84 equatorial); orbits are Keplerian
circles, which over one orbit differ from J2-perturbed ones by far less than
the margins these ranges feed.
"""

import numpy as np

from orbc.constants import EARTH_RADIUS_M
from orbc.physics.orbits import mean_motion_rad_s


def in_plane_neighbour_distance_m(semi_major_axis_m, per_plane):
    """Chord 2a·sin(π/S) between adjacent satellites of one circular plane, metres. Broadcasts."""
    return 2.0 * np.asarray(semi_major_axis_m, dtype=float) * np.sin(np.pi / np.asarray(per_plane))


def max_grazing_range_m(altitude_a_m, altitude_b_m, graze_altitude_m):
    """Longest line of sight between two altitudes that stays above ``graze_altitude_m``, metres.

    d_max = √(r_a² − r_g²) + √(r_b² − r_g²) with r = R⊕ + h; for equal
    altitudes 2√((R⊕+h)² − (R⊕+h_g)²). An end below the grazing altitude has
    no such line of sight at all: 0. Broadcasts.
    """
    graze_sq = (EARTH_RADIUS_M + np.asarray(graze_altitude_m, dtype=float)) ** 2
    radius_a = EARTH_RADIUS_M + np.asarray(altitude_a_m, dtype=float)
    radius_b = EARTH_RADIUS_M + np.asarray(altitude_b_m, dtype=float)
    reach_a, reach_b = radius_a**2 - graze_sq, radius_b**2 - graze_sq
    both = (reach_a >= 0) & (reach_b >= 0)
    return np.where(both, np.sqrt(np.maximum(reach_a, 0.0)) + np.sqrt(np.maximum(reach_b, 0.0)),
                    0.0)


def segment_min_altitude_m(position_a_m, position_b_m):
    """Lowest altitude above R⊕ along the straight segment between two points, metres.

    Positions have shape (..., 3) in any Earth-centred frame; the result has
    shape (...). The closest point to the centre is the foot of the
    perpendicular if it falls inside the segment, else the nearer end.
    """
    a = np.asarray(position_a_m, dtype=float)
    direction = np.asarray(position_b_m, dtype=float) - a
    length_sq = np.sum(direction * direction, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.clip(-np.sum(a * direction, axis=-1) / length_sq, 0.0, 1.0)
    fraction = np.nan_to_num(fraction)  # coincident points: the segment is a point
    closest = a + fraction[..., None] * direction
    return np.linalg.norm(closest, axis=-1) - EARTH_RADIUS_M


def circular_positions_eci(semi_major_axis_m, inclination_rad, raan_rad, mean_anomaly_rad):
    """Inertial positions (..., 3) in metres on circular orbits.

    The mean anomaly is counted from the ascending node (argument of
    perigee 0, so it equals the argument of latitude u):
    r = a·(cos Ω cos u − sin Ω sin u cos i, sin Ω cos u + cos Ω sin u cos i, sin u sin i).
    All arguments broadcast to the leading shape (...).
    """
    a, inc, raan, u = np.broadcast_arrays(
        np.asarray(semi_major_axis_m, dtype=float), inclination_rad, raan_rad, mean_anomaly_rad
    )
    cos_u, sin_u = np.cos(u), np.sin(u)
    cos_raan, sin_raan = np.cos(raan), np.sin(raan)
    cos_i, sin_i = np.cos(inc), np.sin(inc)
    return np.stack(
        [
            a * (cos_raan * cos_u - sin_raan * sin_u * cos_i),
            a * (sin_raan * cos_u + cos_raan * sin_u * cos_i),
            a * sin_u * sin_i,
        ],
        axis=-1,
    )


def circular_pair_distance_m(orbit_a, orbit_b, time_s):
    """Distance between two satellites on circular Keplerian orbits at ``time_s``, metres.

    ``orbit_a`` and ``orbit_b`` are (semi_major_axis_m, inclination_rad,
    raan_rad, mean_anomaly_rad at t = 0) tuples of broadcastable arrays; the
    mean anomaly advances at √(μ/a³). Everything broadcasts with ``time_s``.
    """
    return np.linalg.norm(_positions_at(orbit_a, time_s) - _positions_at(orbit_b, time_s), axis=-1)


def max_pair_range_over_orbit_m(orbit_a, orbit_b, samples=720, chunk_elements=1 << 20):
    """Largest distance over one orbit for each pair of satellites, metres.

    ``orbit_a`` / ``orbit_b`` as in ``circular_pair_distance_m``, each element
    broadcasting to the pair shape (N,). The distance is sampled at
    ``samples`` instants over the longer of the two periods (for two orbits
    of one shell the relative motion repeats with that period) and the
    largest sample is refined by a parabola through it and its neighbours,
    which at the default 720 samples leaves an error far below a metre.
    Pairs are processed in chunks of about ``chunk_elements`` (pair × sample)
    values.
    """
    a_a, a_b = np.asarray(orbit_a[0], dtype=float), np.asarray(orbit_b[0], dtype=float)
    pairs = np.broadcast_shapes(*(np.shape(x) for x in (*orbit_a, *orbit_b)))
    orbit_a = tuple(np.broadcast_to(x, pairs).ravel() for x in orbit_a)
    orbit_b = tuple(np.broadcast_to(x, pairs).ravel() for x in orbit_b)
    period = 2.0 * np.pi / np.minimum(mean_motion_rad_s(a_a), mean_motion_rad_s(a_b))
    period = np.broadcast_to(period, pairs).ravel()
    phase = np.arange(samples) / samples
    n_pairs = period.shape[0]
    rows = max(1, chunk_elements // samples)
    result = np.empty(n_pairs)
    for start in range(0, n_pairs, rows):
        part = slice(start, start + rows)
        time = period[part, None] * phase[None, :]
        chunk_a = tuple(x[part, None] for x in orbit_a)
        chunk_b = tuple(x[part, None] for x in orbit_b)
        distance = circular_pair_distance_m(chunk_a, chunk_b, time)
        result[part] = _parabolic_peak(distance)
    return result.reshape(pairs)


def _parabolic_peak(samples):
    """Peak of periodic samples along the last axis, refined by a parabola (vertex value)."""
    rows = np.arange(samples.shape[0])
    j = np.argmax(samples, axis=-1)
    peak = samples[rows, j]
    before = samples[rows, j - 1]
    after = samples[rows, (j + 1) % samples.shape[-1]]
    curvature = 2.0 * peak - before - after
    with np.errstate(invalid="ignore", divide="ignore"):
        lift = np.where(curvature > 0.0, (after - before) ** 2 / (8.0 * curvature), 0.0)
    return peak + lift


def _positions_at(orbit, time_s):
    a, inc, raan, mean_anomaly0 = orbit
    mean_anomaly = np.asarray(mean_anomaly0) + mean_motion_rad_s(a) * np.asarray(time_s)
    return circular_positions_eci(a, inc, raan, mean_anomaly)


def nearest_on_circular_planes(points_m, time_s, radius_m, inclination_rad, raan0_rad,
                               node_rate_rad_s, first_anomaly0_rad, mean_motion_rad_s, per_plane,
                               chunk_elements=1 << 22):
    """The satellite of a Walker-like shell with the largest dot product r_p·r_sat, per point.

    The shell is planes of `per_plane` satellites evenly spaced on circles of
    `radius_m` at one inclination. At time t plane j has node
    raan0_rad[j] + node_rate·t and its slot 0 sits at argument of latitude
    first_anomaly0_rad[j] + mean_motion·t. Point i is taken at `time_s[i]`
    (a scalar broadcasts). For equal-radius satellites the largest dot product
    is the nearest satellite; in a plane it is the slot whose phase is closest to
    the point's projected angle, so each (point, plane) costs O(1), not
    O(per_plane). `points_m` has shape (N, 3); returns (plane (N,), slot (N,),
    dot (N,) in m²), ties to the lower plane. Work goes in chunks of about
    `chunk_elements` (point × plane) values.
    """
    points = np.asarray(points_m, dtype=float).reshape(-1, 3)
    times = np.broadcast_to(np.asarray(time_s, dtype=float), (len(points),))
    raan0 = np.asarray(raan0_rad, dtype=float)[None, :]
    anomaly0 = np.asarray(first_anomaly0_rad, dtype=float)[None, :]
    cos_i, sin_i = np.cos(inclination_rad), np.sin(inclination_rad)
    spacing = 2.0 * np.pi / per_plane
    plane = np.empty(len(points), np.int64)
    slot = np.empty(len(points), np.int64)
    dot = np.empty(len(points))
    rows = max(1, chunk_elements // raan0.shape[1])
    for start in range(0, len(points), rows):
        part = slice(start, start + rows)
        p, t = points[part, :, None], times[part, None]
        raan = raan0 + node_rate_rad_s * t
        cos_raan, sin_raan = np.cos(raan), np.sin(raan)
        # Coordinates of each point in each plane's basis (node direction, in-plane normal).
        x = p[:, 0] * cos_raan + p[:, 1] * sin_raan
        y = (-p[:, 0] * sin_raan + p[:, 1] * cos_raan) * cos_i + p[:, 2] * sin_i
        phase = np.mod(np.arctan2(y, x) - anomaly0 - mean_motion_rad_s * t, 2.0 * np.pi)
        nearest_slot = np.mod(np.rint(phase / spacing), per_plane)
        best = radius_m * np.hypot(x, y) * np.cos(phase - nearest_slot * spacing)
        j = np.argmax(best, axis=1)
        k = np.arange(len(j))
        plane[part] = j
        slot[part] = nearest_slot[k, j].astype(np.int64)
        dot[part] = best[k, j]
    return plane, slot, dot
