"""Contact windows: every pass of every satellite of a shell over every ground station.

Three vectorised stages, none of which steps a satellite through every minute:

1. **Plane screening.** A satellite sees a station only while its whole orbit
   plane passes within the station's visibility cone: the angle δ between the
   station's direction and the plane must be ≤ λ_max, the largest Earth-central
   angle at which the station sees the shell at its minimum elevation. δ is
   evaluated for every (plane, station) on a coarse time grid — a plane, not a
   satellite, per row — and the grid segments where it is small enough (with
   margins for the grid step and the pass length) form "near runs".
2. **Candidate passes in closed form.** Within a near run the station projects
   onto the plane at argument of latitude u_s(t); a satellite at
   u_k(t) = u_k0 + u̇·t is closest to the station where u_k − u_s ≡ 0 (mod 2π).
   ψ(t) = u̇·t − u_s(t) is monotone (u̇ ≫ Earth rotation) and shared by the
   plane, so every satellite's crossings follow from one `searchsorted` on ψ.
3. **Refinement with SGP4.** Each candidate is propagated with
   `orbc.physics.propagation` (the SGP4 equations, evaluated per candidate at its
   own times): three samples of sin(elevation) at ±8 s around the estimate give the
   time of closest approach and the maximum elevation (the parabola of tan² of the
   zenith angle through them); then, for AOS and LOS, a geometric guess, a Newton
   step on the pass model, and secant steps on sin(elevation) − sin(min elevation)
   where that step was long, to within 10 ms (Illinois regula falsi where the secant
   fails), all as arrays over the candidates. About six SGP4 evaluations a pass.

Big shells are spread over worker processes, one per core, in chunks of whole
planes (`orbc.physics.workers`); the result does not depend on where a chunk ran.

Windows are clipped to [0, horizon]: a pass in progress at the start has its
AOS at 0, one in progress at the end its LOS at the horizon, and its TCA and
maximum elevation are those within the clipped window.
"""

from __future__ import annotations

import functools
import math

import attrs
import numpy as np

from orbc.constants import EARTH_ROTATION_RATE_RAD_S
from orbc.memory import release_free_memory
from orbc.physics.propagation import Sgp4Shell, sgp4_xyz_m
from orbc.physics.visibility import (
    earth_fixed_to_inertial,
    geodetic_up,
    gmst_rad,
    gmst_rate_rad_s,
    max_central_angle_rad,
    station_ecef_m,
    station_in_plane_coordinates,
)
from orbc.physics.workers import map_in_workers, worker_count

# SGP4's orbit radius departs from the mean semi-major axis by the J2 short-period
# terms and the J3 long-period eccentricity (≈ 1e-3 each): bound it generously.
_RADIUS_ALLOWANCE = 1.005
# The geodetic vertical leans up to 0.193° from the geocentric one (WGS-84).
_VERTICAL_ALLOWANCE_RAD = math.radians(0.25)
# Short-period wobble of node and inclination (≈ 0.05°) and interpolation error.
_ANGLE_ALLOWANCE_RAD = math.radians(0.3)
_TCA_SPACING_S = 8.0
_TCA_FITS = 4
# A pass's peak from its TCA samples alone (`_peak_from_samples`): only with every sample
# above 5.7°, the peak below 80°, and visibility not hanging on a difference under 1e-4.
_TRUSTED_SAMPLE_SIN = 0.1
_TRUSTED_PEAK_COT2 = 1.0 / math.tan(math.radians(80.0)) ** 2
_PEAK_MARGIN = 1e-4
_NEWTON_SETTLED_S = 0.5
_SECANT_ITERATIONS = 4
_SECANT_TOLERANCE_S = 1e-2
_ILLINOIS_ITERATIONS = 24
_REFINE_BATCH = 1 << 14
_CHUNKS_PER_WORKER = 4
_SCREENING_ELEMENTS = 2e6  # (planes × stations × grid points) screened at once, at most


@attrs.frozen
class Stations:
    """Ground stations as columns (WGS-84 geodetic, SI)."""

    latitude_rad: np.ndarray
    longitude_rad: np.ndarray
    altitude_m: np.ndarray
    min_elevation_rad: np.ndarray

    def __len__(self) -> int:
        return len(self.latitude_rad)

    @property
    def ecef_m(self) -> np.ndarray:
        return station_ecef_m(self.latitude_rad, self.longitude_rad, self.altitude_m)

    @property
    def up(self) -> np.ndarray:
        return geodetic_up(self.latitude_rad, self.longitude_rad)


@attrs.frozen
class Passes:
    """Contact windows as columns; times in seconds after the epoch, clipped to the horizon."""

    satellite: np.ndarray  # int64, index into the shell's satellites
    station: np.ndarray  # int64, index into the stations
    aos_s: np.ndarray
    los_s: np.ndarray
    tca_s: np.ndarray
    max_elevation_rad: np.ndarray

    def __len__(self) -> int:
        return len(self.satellite)

    @staticmethod
    def empty() -> Passes:
        none = np.zeros(0)
        return Passes(none.astype(np.int64), none.astype(np.int64), none, none, none, none)

    @staticmethod
    def concatenate(parts: list[Passes]) -> Passes:
        if not parts:
            return Passes.empty()
        return Passes(*(np.concatenate([getattr(p, f.name) for p in parts])
                        for f in attrs.fields(Passes)))

    @staticmethod
    def join(parts: list[Passes]) -> Passes:
        """`concatenate`, emptying `parts` on the way so that each column's pieces are freed
        (and their memory handed back) as soon as that column is joined: the peak is the
        result plus one column's pieces, not twice the result (hold no other reference to
        the parts)."""
        names = [f.name for f in attrs.fields(Passes)]
        if not parts:
            return Passes.empty()
        pieces = {name: [getattr(p, name) for p in parts] for name in names}
        parts.clear()
        columns = []
        for name in names:
            columns.append(np.concatenate(pieces.pop(name)))
            release_free_memory()
        return Passes(*columns)

    def take(self, index) -> Passes:
        return Passes(*(getattr(self, f.name)[index] for f in attrs.fields(Passes)))


@attrs.frozen
class _Geometry:
    """What the three stages share for one shell and a set of stations."""

    shell: Sgp4Shell
    raan_rad: np.ndarray  # per satellite
    mean_anomaly_rad: np.ndarray
    stations: Stations
    station_ecef: np.ndarray  # (S, 3)
    station_up: np.ndarray
    station_direction: np.ndarray  # (S, 3) geocentric unit vectors
    station_radius: np.ndarray  # (S,)
    sin_min_elevation: np.ndarray  # (S,)
    half_pass_s: np.ndarray  # (S,) bound on half a pass
    near_sin: np.ndarray  # (S,) plane screening threshold on |sin δ|
    pass_sin: np.ndarray  # (S,) threshold on |sin δ| where a satellite crosses the station
    gmst_epoch_rad: float  # IAU 1982 GMST at the epoch
    gmst_rate_rad_s: float

    def gmst(self, time_s):
        """GMST at `time_s` after the epoch, unreduced (θ₀ + θ̇·t)."""
        return self.gmst_epoch_rad + self.gmst_rate_rad_s * np.asarray(time_s)


class _Tracks:
    """Candidates' per-satellite and per-station columns, gathered once for the many SGP4
    evaluations of the refinement (rows: node − GMST₀, mean anomaly, station position,
    geodetic up and geocentric direction, each contiguous)."""

    def __init__(self, geometry: _Geometry, satellite=None, station=None, columns=None):
        self.geometry = geometry
        if columns is None:
            columns = np.empty((11, len(satellite)))
            np.take(geometry.raan_rad, satellite, out=columns[0])
            columns[0] -= geometry.gmst_epoch_rad
            np.take(geometry.mean_anomaly_rad, satellite, out=columns[1])
            per_station = np.concatenate([geometry.station_ecef.T, geometry.station_up.T,
                                          geometry.station_direction.T])
            np.take(per_station, station, axis=1, out=columns[2:])
        self.columns = columns

    def take(self, index) -> _Tracks:
        """The candidates at positions `index`."""
        return _Tracks(self.geometry, columns=np.take(self.columns, index, axis=1))

    def sin_elevation(self, index, time_s, central=False):
        """sin(elevation) of the candidates `index` (None: all) at their own times; with
        `central`, also the cosine of the Earth-central angle between satellite and station
        and the satellite's distance from the centre."""
        columns = self.columns if index is None else np.take(self.columns, index, axis=1)
        node, anomaly, sx, sy, sz, ux, uy, uz, cx, cy, cz = columns
        time_s = np.asarray(time_s, dtype=float)
        x, y, z = sgp4_xyz_m(self.geometry.shell, node, anomaly, time_s,
                             self.geometry.gmst_rate_rad_s * time_s)
        dx, dy, dz = x - sx, y - sy, z - sz
        sine = (dx * ux + dy * uy + dz * uz) / np.sqrt(dx * dx + dy * dy + dz * dz)
        if not central:
            return sine
        radius = np.sqrt(x * x + y * y + z * z)
        return sine, (x * cx + y * cy + z * cz) / radius, radius


def find_passes(shell: Sgp4Shell, raan_rad: np.ndarray, mean_anomaly_rad: np.ndarray,
                per_plane: int, stations: Stations, epoch_days: float, horizon_s: float,
                grid_step_s: float = 60.0, chunk_planes: int | None = None) -> Passes:
    """Every pass of every satellite of one near-Earth SGP4 shell over every station.

    Satellites are plane-major, `per_plane` to a plane, sharing their plane's
    node (``raan_rad`` and ``mean_anomaly_rad`` are per satellite, epoch values,
    argument of perigee 0). ``epoch_days`` is the epoch in days since J2000.0
    (UTC, taken as UT1). Returns windows clipped to [0, horizon_s], sorted by
    (satellite, station, AOS).
    """
    return Passes.concatenate(find_passes_by_chunk(
        shell, raan_rad, mean_anomaly_rad, per_plane, stations, epoch_days, horizon_s,
        grid_step_s, chunk_planes))


def find_passes_by_chunk(shell: Sgp4Shell, raan_rad: np.ndarray, mean_anomaly_rad: np.ndarray,
                         per_plane: int, stations: Stations, epoch_days: float,
                         horizon_s: float, grid_step_s: float = 60.0,
                         chunk_planes: int | None = None) -> list[Passes]:
    """`find_passes` as the passes of consecutive chunks of whole planes, for a caller that
    joins many shells' passes: concatenated, they are `find_passes`'s result."""
    if not shell.is_near_earth:
        raise ValueError("find_passes handles near-Earth SGP4 shells (period < 225 min) only")
    raan_rad = np.asarray(raan_rad, dtype=float)
    mean_anomaly_rad = np.asarray(mean_anomaly_rad, dtype=float)
    if len(raan_rad) == 0 or len(stations) == 0 or horizon_s <= 0:
        return []
    geometry = _geometry(shell, raan_rad, mean_anomaly_rad, stations, epoch_days)
    planes = len(raan_rad) // per_plane
    workers = worker_count(len(raan_rad) * len(stations))
    grid_points = horizon_s / grid_step_s + 2.0 * geometry.half_pass_s.max() / grid_step_s
    # Screening holds ≈ 80–140 bytes per (plane, station, grid point): where one plane over
    # every station is already over the budget (many stations, a long horizon), the
    # stations are screened a group at a time, so that memory does not grow with them.
    station_group = max(1, int(_SCREENING_ELEMENTS / (grid_points + 4.0 * per_plane)))
    if chunk_planes is None:  # keep (planes × stations × grid) and candidates near 2 M
        chunk_planes = max(1, int(_SCREENING_ELEMENTS
                                  / (len(stations) * (grid_points + 4.0 * per_plane))))
        # and at least _CHUNKS_PER_WORKER chunks per worker, so that they finish together
        # (but not below a few thousand satellites a chunk, where overheads would dominate)
        balanced = max(-(-planes // (_CHUNKS_PER_WORKER * workers)), -(-4096 // per_plane))
        chunk_planes = max(1, min(chunk_planes, balanced))
    # Each chunk carries only its own planes' elements, so it travels cheaply to a worker;
    # `map` keeps the chunks' order, and a chunk holds whole planes, so chunk by chunk
    # sorted is sorted.
    chunks = [_planes_of(geometry, first * per_plane, min(first + chunk_planes, planes) * per_plane)
              for first in range(0, planes, chunk_planes)]
    task = functools.partial(_chunk_passes, per_plane=per_plane, horizon_s=horizon_s,
                             step_s=grid_step_s, station_group=station_group)
    return list(map(task, chunks)) if workers == 1 else map_in_workers(task, chunks)


def _planes_of(geometry: _Geometry, first: int, end: int) -> tuple[_Geometry, int]:
    """`geometry` cut to satellites first … end − 1 (whole planes), and `first`."""
    return attrs.evolve(geometry, raan_rad=geometry.raan_rad[first:end],
                        mean_anomaly_rad=geometry.mean_anomaly_rad[first:end]), first


def _chunk_passes(chunk: tuple[_Geometry, int], per_plane, horizon_s, step_s,
                  station_group) -> Passes:
    """The passes of a chunk of whole planes, satellites numbered from the chunk's first;
    screened `station_group` stations at a time."""
    geometry, first = chunk
    plane_index = np.arange(len(geometry.raan_rad) // per_plane)
    pad = float(geometry.half_pass_s.max()) * 1.5 + 2.0 * step_s  # the same grid for all
    stations = len(geometry.stations)
    if station_group >= stations:
        satellite, station, centre = _candidates(geometry, plane_index, per_plane, horizon_s,
                                                 step_s, pad)
    else:
        groups = [(lo, _candidates(_stations_of(geometry, lo, lo + station_group), plane_index,
                                   per_plane, horizon_s, step_s, pad))
                  for lo in range(0, stations, station_group)]
        satellite, station, centre = (np.concatenate([found[k] + (lo if k == 1 else 0)
                                                      for lo, found in groups])
                                      for k in range(3))
        del groups
    found = _sorted_unique(Passes.concatenate([  # cache-sized batches
        _refine(geometry, satellite[lo:lo + _REFINE_BATCH], station[lo:lo + _REFINE_BATCH],
                centre[lo:lo + _REFINE_BATCH], horizon_s)
        for lo in range(0, len(satellite), _REFINE_BATCH)]))
    return attrs.evolve(found, satellite=found.satellite + first)


def _stations_of(geometry: _Geometry, lo: int, hi: int) -> _Geometry:
    """`geometry` cut to stations lo … hi − 1 (numbered from 0 in it)."""
    cut = slice(lo, hi)
    s = geometry.stations
    return attrs.evolve(
        geometry,
        stations=Stations(s.latitude_rad[cut], s.longitude_rad[cut], s.altitude_m[cut],
                          s.min_elevation_rad[cut]),
        station_ecef=geometry.station_ecef[cut], station_up=geometry.station_up[cut],
        station_direction=geometry.station_direction[cut],
        station_radius=geometry.station_radius[cut],
        sin_min_elevation=geometry.sin_min_elevation[cut],
        half_pass_s=geometry.half_pass_s[cut], near_sin=geometry.near_sin[cut],
        pass_sin=geometry.pass_sin[cut])


def _sorted_unique(passes: Passes) -> Passes:
    """Sorted by (satellite, station, AOS); a pass reached from two near runs (they can
    touch one pass) is kept once."""
    if len(passes) == 0:
        return passes
    # One float key, ((satellite, station) group)·span + AOS, sorts ≈ 15× faster than
    # lexsort; groups are a span ≥ 2 s wider than the AOS range apart, so rounding (below
    # 1e-3 s while the key stays under 2⁵⁰) cannot reorder them.
    first = passes.satellite.min()
    stations = int(passes.station.max()) + 1
    span = float(passes.aos_s.max()) + 2.0
    groups = (passes.satellite - first) * stations + passes.station
    if float(groups.max() + 1) * span < 2.0**50:
        order = np.argsort(groups * span + passes.aos_s)
    else:
        order = np.lexsort((passes.aos_s, passes.station, passes.satellite))
    passes = passes.take(order)
    repeat = np.zeros(len(passes), dtype=bool)
    repeat[1:] = ((passes.satellite[1:] == passes.satellite[:-1])
                  & (passes.station[1:] == passes.station[:-1])
                  & (passes.aos_s[1:] - passes.los_s[:-1] < 1.0))
    return passes.take(~repeat)


def _geometry(shell, raan_rad, mean_anomaly_rad, stations, epoch_days) -> _Geometry:
    ecef = stations.ecef_m
    orbit_radius_max = shell.semi_major_axis_m * _RADIUS_ALLOWANCE
    central = max_central_angle_rad(np.linalg.norm(ecef, axis=-1), orbit_radius_max,
                                    stations.min_elevation_rad - _VERTICAL_ALLOWANCE_RAD)
    # The satellite sweeps the cone at ≥ u̇ − ω⊕ − |Ω̇| relative to the turning Earth.
    relative_rate = (shell.latitude_argument_rate_rad_s - EARTH_ROTATION_RATE_RAD_S
                     - abs(shell.node_rate_rad_s))
    half_pass = 1.1 * central / relative_rate + 5.0
    # While a satellite crosses the cone, sin δ changes by at most (ω⊕ + |Ω̇|) per second
    # (the station turns about the pole, the plane's normal about it too).
    drift = EARTH_ROTATION_RATE_RAD_S + abs(shell.node_rate_rad_s)
    reach = np.sin(np.minimum(central + _ANGLE_ALLOWANCE_RAD, np.pi / 2))
    return _Geometry(shell, raan_rad, mean_anomaly_rad, stations, ecef, stations.up,
                     ecef / np.linalg.norm(ecef, axis=-1, keepdims=True),
                     np.linalg.norm(ecef, axis=-1),
                     np.sin(stations.min_elevation_rad), half_pass, reach + drift * half_pass, reach,
                     float(gmst_rad(epoch_days)), float(gmst_rate_rad_s(epoch_days)))


def _candidates(geometry: _Geometry, plane_index, per_plane, horizon_s, step_s, pad):
    """Stages 1 and 2: (satellite, station, approximate closest-approach time) triples, on a
    grid from −pad to the horizon + pad."""
    shell, stations = geometry.shell, geometry.stations
    times = np.arange(-pad, horizon_s + pad + step_s, step_s)  # (G,)
    # Station directions in TEME on the grid, (S, G, 3).
    direction = geometry.station_ecef / np.linalg.norm(geometry.station_ecef, axis=-1,
                                                       keepdims=True)
    inertial = earth_fixed_to_inertial(direction[:, None, :], geometry.gmst(times)[None, :])
    raan0 = geometry.raan_rad[plane_index * per_plane]  # (C,)
    raan = raan0[:, None, None] + shell.node_rate_rad_s * times[None, None, :]  # (C, 1, G)
    u_station, sin_delta = station_in_plane_coordinates(inertial[None], raan,
                                                        shell.inclination_rad)  # (C, S, G)
    drift = EARTH_ROTATION_RATE_RAD_S + abs(shell.node_rate_rad_s)
    threshold = geometry.near_sin + drift * step_s
    near_point = np.abs(sin_delta) <= threshold[None, :, None]
    near_segment = near_point[..., :-1] & near_point[..., 1:]  # (C, S, G−1)
    psi = shell.latitude_argument_rate_rad_s * times - np.unwrap(u_station, axis=-1)
    # Runs of consecutive near segments: start/end grid indices per (plane, station).
    flat = near_segment.reshape(-1, near_segment.shape[-1])
    padded = np.zeros((flat.shape[0], flat.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = flat
    edges = np.diff(padded, axis=1)
    row_start, seg_start = np.nonzero(edges == 1)
    row_end, seg_end = np.nonzero(edges == -1)  # seg_end: one past the last near segment
    if len(row_start) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    psi_all = psi.reshape(-1)  # row-major over (plane, station) rows of len(times) points
    psi_start = np.take(psi_all, row_start * len(times) + seg_start)
    psi_end = np.take(psi_all, row_end * len(times) + seg_end)  # runs cover seg_start … seg_end
    # Every satellite of the run's plane: crossings u_k0 + ψ = 2πm for ψ within the run.
    run_plane = plane_index[row_start // len(stations)]
    run_station = row_start % len(stations)
    runs = len(row_start)
    run_of_pair = np.repeat(np.arange(runs), per_plane)
    satellite = (np.repeat(run_plane * per_plane, per_plane)
                 + np.tile(np.arange(per_plane), runs))
    u0 = geometry.mean_anomaly_rad[satellite]  # argument of perigee 0: u = M at epoch
    first_m = np.ceil((psi_start[run_of_pair] + u0) / (2 * np.pi)).astype(np.int64)
    last_m = np.floor((psi_end[run_of_pair] + u0) / (2 * np.pi)).astype(np.int64)
    count = np.maximum(last_m - first_m + 1, 0)
    pair = np.repeat(np.arange(len(satellite)), count)
    m = first_m[pair] + (np.arange(len(pair)) - np.repeat(np.cumsum(count) - count, count))
    run = run_of_pair[pair]
    target = 2 * np.pi * m - u0[pair]  # the value of ψ at the crossing
    # Locate each target inside its run: ψ is increasing along a run, so offset the runs
    # into one increasing key and search it once.
    lengths = seg_end - seg_start + 1
    point_run = np.repeat(np.arange(runs), lengths)
    point_grid = (np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
                  + seg_start[point_run])
    point_psi = np.take(psi_all, row_start[point_run] * len(times) + point_grid)
    span = psi_end - psi_start
    offset = np.concatenate([[0.0], np.cumsum(span + 1.0)[:-1]])
    key = point_psi - psi_start[point_run] + offset[point_run]
    target_key = target - psi_start[run] + offset[run]
    # side="right": a target on a run's first point interpolates inside that run
    right = np.clip(np.searchsorted(key, target_key, side="right"), 1, len(key) - 1)
    left = right - 1
    fraction = np.clip((target_key - key[left]) / (key[right] - key[left]), 0.0, 1.0)
    grid_left = point_grid[left]
    # Grid points left and right of each crossing, as indices into the flattened rows.
    flat_left = row_start[run] * len(times) + grid_left
    flat_right = flat_left + (grid_left + 1 < len(times))
    sin_delta_all = sin_delta.reshape(-1)
    delta_left, delta_right = np.take(sin_delta_all, flat_left), np.take(sin_delta_all, flat_right)
    delta = delta_left + fraction * (delta_right - delta_left)
    station = run_station[run]
    keep = np.nonzero(np.abs(delta) <= geometry.pass_sin[station])[0]
    delta, delta_left, delta_right, fraction, flat_left, flat_right, grid_left, station, pair = (
        np.take(x, keep) for x in (delta, delta_left, delta_right, fraction, flat_left,
                                   flat_right, grid_left, station, pair))
    # The crossing φ = u − u_s = 0 is not quite the closest approach: the station moves
    # out of the plane meanwhile. cos γ = cos δ·cos φ is largest where
    # tan φ = −tan δ·δ̇/φ̇, i.e. Δt ≈ −sin δ·(d sin δ/dt) / (cos² δ · φ̇²).
    sin_rate = (delta_right - delta_left) / step_s
    phi_rate = (np.take(psi_all, flat_right) - np.take(psi_all, flat_left)) / step_s
    denominator = (1.0 - delta**2) * phi_rate**2
    shift = np.divide(-delta * sin_rate, denominator, out=np.zeros_like(delta),
                      where=denominator > 0)
    limit = geometry.half_pass_s[station]
    centre = times[grid_left] + fraction * step_s + np.clip(shift, -limit, limit)
    return np.take(satellite, pair), station, centre


def _refine(geometry: _Geometry, satellite, station, centre, horizon_s) -> Passes:
    """Stage 3: TCA by a parabola, AOS/LOS by Newton + secant with a bracketed fallback."""
    if len(satellite) == 0:
        return Passes.empty()
    half = 1.2 * geometry.half_pass_s[station] + 30.0

    tracks = _Tracks(geometry, satellite, station)

    # sin(elevation) is smooth and single-peaked over a pass: a parabola through samples at
    # ±8 s around the screening estimate (within ≈ 4 s of the peak) puts the TCA at its
    # vertex. Where the samples do not straddle a maximum (not concave, or the vertex
    # beyond them), move (to the vertex, or 16 s uphill) and fit again, on those only.
    spacing = _TCA_SPACING_S
    tca = centre.copy()
    middle = centre.copy()  # the time of the last fit's middle sample
    todo = np.arange(len(satellite))
    samples = np.empty((7, len(satellite)))  # sin(elevation), cos γ at −h, 0, +h; radius at 0
    for _ in range(_TCA_FITS):
        (f_minus, c_minus, _), (f_0, c_0, r_0), (f_plus, c_plus, _) = (
            tracks.sin_elevation(None if len(todo) == len(tca) else todo,
                                 tca[todo] + k * spacing, central=True)
            for k in (-1.0, 0.0, 1.0))
        samples[:, todo] = f_minus, f_0, f_plus, c_minus, c_0, c_plus, r_0
        middle[todo] = tca[todo]
        curvature = f_plus - 2.0 * f_0 + f_minus
        with np.errstate(invalid="ignore", divide="ignore"):
            shift = np.where(curvature < 0, 0.5 * spacing * (f_minus - f_plus) / curvature,
                             np.sign(f_plus - f_minus) * 2.0 * spacing)  # not yet concave: climb
        tca[todo] = np.clip(tca[todo] + np.clip(shift, -2.0 * spacing, 2.0 * spacing),
                            centre[todo] - half[todo], centre[todo] + half[todo])
        todo = todo[~((curvature < 0) & (np.abs(shift) <= spacing))]
        if len(todo) == 0:
            break
    c_minus, c_0, c_plus, radius = samples[3:]
    threshold = geometry.sin_min_elevation[station]
    tca, peak, cos_peak, trusted = _peak_from_samples(tca, middle, spacing, samples[:6])
    # Evaluate the peak where the samples cannot be trusted with it, where the fit did not
    # settle, and where visibility hangs on it.
    trusted[todo] = False
    trusted &= np.abs(peak - threshold) > _PEAK_MARGIN
    exact = np.nonzero(~trusted)[0]
    peak[exact], cos_peak[exact], radius[exact] = tracks.sin_elevation(exact, tca[exact],
                                                                       central=True)
    visible = np.flatnonzero(peak >= threshold)
    satellite, station, tca, half, threshold, peak, cos_peak, radius, curvature = (
        np.take(x, visible) for x in (satellite, station, tca, half, threshold, peak, cos_peak,
                                      radius, c_plus - 2.0 * c_0 + c_minus))
    if len(satellite) == 0:
        return Passes.empty()
    guess, slope = _edge_guesses(cos_peak, curvature / spacing**2, radius,
                                 geometry.station_radius[station], peak, threshold, half)
    tracks = tracks.take(visible)
    everyone = np.arange(len(satellite))

    def g(index, t):
        return tracks.sin_elevation(None if len(index) == len(satellite) else index, t)

    def crossing(direction):
        """The time on the `direction` side (−1 AOS, +1 LOS) of the TCA where the threshold
        is crossed: a Newton step on the pass model from the guess, taken as the answer where
        it is shorter than _NEWTON_SETTLED_S (the model's slope is within ≈ 1 % there, so
        such a step ends within ≈ 5 ms of the root), else secant steps until one is shorter
        than the tolerance and lands on the right side of the TCA. That last step is taken
        without evaluating it: the secant converges superlinearly, so its error is
        ≈ |f″/2f′|·|step|·|previous step|, far below the step. A bracketed Illinois search
        takes over wherever the secant does not converge."""
        x0 = tca + direction * guess
        f0 = g(everyone, x0) - threshold
        with np.errstate(invalid="ignore", divide="ignore"):  # a Newton step on the model
            x1 = x0 + direction * f0 / slope
        step = np.abs(x1 - x0)
        x1 = np.where(np.isfinite(x1) & (step < 0.25 * guess + 1.0), x1,
                      tca + direction * (1.01 * guess + 0.5))
        settled = (step < _NEWTON_SETTLED_S) & (direction * (x1 - tca) > 0)
        todo = everyone[~settled]
        f1 = np.zeros_like(x1)
        f1[todo] = g(todo, x1[todo]) - threshold[todo]
        for _ in range(_SECANT_ITERATIONS):
            a0, a1, b0, b1, centre_t = x0[todo], x1[todo], f0[todo], f1[todo], tca[todo]
            with np.errstate(invalid="ignore", divide="ignore"):
                a2 = a1 - b1 * (a1 - a0) / (b1 - b0)
            a2 = np.clip(np.where(np.isfinite(a2), a2, a1), centre_t - 2 * half[todo],
                         centre_t + 2 * half[todo])
            converged = (np.abs(a2 - a1) < _SECANT_TOLERANCE_S) & (direction * (a2 - centre_t) > 0)
            x1[todo[converged]] = a2[converged]
            todo, a1, b1, a2 = (x[~converged] for x in (todo, a1, b1, a2))
            if len(todo) == 0:
                break
            x0[todo], f0[todo], x1[todo] = a1, b1, a2
            f1[todo] = g(todo, a2) - threshold[todo]
        result = x1
        if len(todo):
            result[todo] = _bracketed_crossing(g, todo, tca[todo], direction * half[todo],
                                               threshold[todo])
        return result

    aos, los = crossing(-1.0), crossing(1.0)
    # Clip to the horizon; a TCA outside the clipped window moves to its nearer edge.
    aos_c, los_c = np.clip(aos, 0.0, horizon_s), np.clip(los, 0.0, horizon_s)
    inside = los_c > aos_c
    satellite, station, aos_c, los_c, tca, peak = (
        x[inside] for x in (satellite, station, aos_c, los_c, tca, peak))
    tca_c = np.clip(tca, aos_c, los_c)
    moved = np.nonzero(tca_c != tca)[0]
    peak[moved] = tracks.take(np.nonzero(inside)[0][moved]).sin_elevation(None, tca_c[moved])
    return Passes(satellite, station, aos_c, los_c, tca_c, np.arcsin(np.clip(peak, -1, 1)))


def _edge_guesses(cos_peak, curvature, radius, station_radius, sin_peak, sin_threshold, half):
    """Where to start looking for the edges (seconds either side of the TCA) and the slope
    of sin(elevation) there, from the pass's geometry.

    Along a great-circle track the central angle obeys cos γ(t) = cos γ_p·cos(ω·(t − tca)),
    so the curvature of cos γ at the TCA (per s²) gives ω, and the edge lies where γ
    reaches the angle λ_e at which a spherical Earth puts the satellite at the target
    elevation ε: the minimum elevation E shifted by the difference between the true peak
    elevation P and that model's, M (tan M = (cos γ_p − ρ/r)/sin γ_p). Angles are
    combined through their sines and cosines; only the last step takes an arccos. The
    slope (falling towards the LOS): with c = cos γ and d the range,
    d sin(elevation)/dc = r²·(r − ρc)/d³ and dc/dt = −cos γ_p·ω·sin(ω·(t − tca))."""
    rate = np.sqrt(np.maximum(-curvature, 0.0) / np.maximum(cos_peak, 1e-9))
    ratio = station_radius / radius
    sin_gamma = np.sqrt(np.maximum(1.0 - cos_peak**2, 0.0))
    norm = np.hypot(cos_peak - ratio, sin_gamma)
    sin_m, cos_m = (cos_peak - ratio) / norm, sin_gamma / norm
    cos_p = np.sqrt(np.maximum(1.0 - sin_peak**2, 0.0))
    cos_e = np.sqrt(1.0 - sin_threshold**2)
    sin_a, cos_a = sin_peak * cos_m - cos_p * sin_m, cos_p * cos_m + sin_peak * sin_m  # P − M
    sin_t, cos_t = sin_threshold * cos_a - cos_e * sin_a, cos_e * cos_a + sin_threshold * sin_a
    # λ_e = arccos(ρ/r·cos ε) − ε
    cos_edge_angle = ratio * cos_t**2 + sin_t * np.sqrt(np.maximum(1.0 - (ratio * cos_t)**2, 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        cos_along = np.clip(cos_edge_angle / cos_peak, -1.0, 1.0)
        guess = np.arccos(cos_along) / rate
    reached = np.isfinite(guess) & (guess <= half)
    cos_phase, sin_phase = cos_along, np.sqrt(1.0 - cos_along**2)
    if not reached.all():  # the model gives no edge within the bound: start at or before it
        guess = np.where(np.isfinite(guess), np.minimum(guess, half), 0.5 * half)
        cos_phase = np.where(reached, cos_phase, np.cos(rate * guess))
        sin_phase = np.where(reached, sin_phase, np.sin(rate * guess))
    cos_edge = cos_peak * cos_phase
    distance = np.sqrt(radius**2 + station_radius**2 - 2.0 * radius * station_radius * cos_edge)
    slope = (radius**2 * (radius - station_radius * cos_edge) / distance**3
             * cos_peak * rate * sin_phase)
    return guess, slope


def _peak_from_samples(tca, middle, spacing, samples):
    """The peak of each pass from sin(elevation) f and cos γ sampled at `middle` ∓ `spacing`
    (`tca` is the vertex of the parabola through the f samples).

    tan² of the zenith angle, (1 − f²)/f², is quadratic in time for a straight flyby at
    constant speed, and close to it over ±8 s of a real pass: the vertex of its parabola
    gives the TCA and the maximum elevation without another SGP4 evaluation, within
    0.0003° up to 80° of elevation (measured against evaluating at the TCA on 1.66 M passes;
    the error grows towards the zenith). cos γ at the TCA comes from its own parabola. Returns (TCA,
    sin(max elevation), cos γ, trusted): trusted where every sample is above 5.7° and the
    peak below 80°; elsewhere the caller evaluates the peak at the returned TCA (then the
    vertex of the f parabola)."""
    f_minus, f_0, f_plus, c_minus, c_0, c_plus = samples
    with np.errstate(invalid="ignore", divide="ignore"):
        q_minus, q_0, q_plus = ((1.0 - f * f) / (f * f) for f in (f_minus, f_0, f_plus))
        curvature = q_plus - 2.0 * q_0 + q_minus
        offset = 0.5 * spacing * (q_minus - q_plus) / curvature  # from the middle sample
        vertex = q_0 + 0.25 * offset * (q_plus - q_minus) / spacing
        peak = 1.0 / np.sqrt(1.0 + vertex)
    trusted = ((np.minimum(np.minimum(f_minus, f_0), f_plus) > _TRUSTED_SAMPLE_SIN)
               & (curvature > 0) & (np.abs(offset) <= spacing)
               & (vertex >= _TRUSTED_PEAK_COT2) & np.isfinite(peak))
    tca = np.where(trusted, middle + offset, tca)
    fraction = (tca - middle) / spacing  # where the TCA lies among the c samples
    cos_peak = c_0 + 0.5 * fraction * (c_plus - c_minus) \
        + 0.5 * fraction**2 * (c_plus - 2.0 * c_0 + c_minus)
    return tca, np.where(trusted, peak, 0.0), cos_peak, trusted


def _bracketed_crossing(g, index, tca, step, threshold):
    """Illinois regula falsi between the TCA (above the threshold) and a point below it,
    found by stepping outwards from the TCA by `step` (signed)."""
    outer = tca + step
    f_outer = g(index, outer) - threshold
    for _ in range(8):  # a pass longer than the bound: keep widening the bracket
        above = f_outer >= 0
        if not above.any():
            break
        outer[above] += step[above]
        f_outer[above] = g(index[above], outer[above]) - threshold[above]
    x0, f0 = outer, f_outer
    x1, f1 = tca.copy(), g(index, tca) - threshold
    for _ in range(_ILLINOIS_ITERATIONS):  # regula falsi that halves a stale end
        with np.errstate(invalid="ignore", divide="ignore"):
            x2 = x1 - f1 * (x1 - x0) / (f1 - f0)
        x2 = np.where(np.isfinite(x2), x2, 0.5 * (x0 + x1))
        f2 = g(index, x2) - threshold
        straddle = np.sign(f2) != np.sign(f1)
        x0, f0 = np.where(straddle, x1, x0), np.where(straddle, f1, 0.5 * f0)
        x1, f1 = x2, f2
    return x1
