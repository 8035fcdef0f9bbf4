"""The numbers the report's figures draw, computed from the model with the checks' own physics.

Pure numpy, SI in; each function returns plain arrays (and says what it sampled) so that the
plots only draw. Big constellations are sampled: the report draws at most a few thousand
points per figure, and every sample is named on its figure.
"""

from __future__ import annotations

import attrs
import numpy as np

from orbc.compiler.checks.power import loads_w
from orbc.compiler.columns import expand
from orbc.compiler.model import Model, Shell
from orbc.constants import PATH_EFFICIENCY_PEAK_POWER_TRACKING, SECONDS_PER_DAY
from orbc.physics.eclipse import beta_angle_rad, eclipse_duration_s
from orbc.physics.geometry import circular_positions_eci
from orbc.physics.orbits import nodal_precession_rate_rad_s, orbital_period_s
from orbc.physics.sun import days_since_j2000, sun_ra_dec_rad
from orbc.physics.visibility import gmst_rad, gmst_rate_rad_s

MAP_POINTS = 8_000  # sub-satellite points drawn over all shells, at most
BETA_PLANES = 24  # planes sampled per shell for the β / eclipse figure, at most
BETA_SAMPLES = 1_000  # samples over the mission, at most (and at most one a day)
GANTT_SATELLITES = 2_000  # satellites whose contacts are scheduled for the Gantt, at most


def sample_indices(count: int, limit: int) -> np.ndarray:
    """At most `limit` indices spread evenly over range(count), first and last kept."""
    if count <= limit:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, limit).round().astype(np.int64))


def random_sample(count: int, limit: int, seed: int) -> np.ndarray:
    """At most `limit` of range(count), sorted, drawn with a fixed seed (the same every run):
    an even stride over plane-major rows would draw stripes, not the shell."""
    if count <= limit:
        return np.arange(count)
    return np.sort(np.random.default_rng(seed).choice(count, limit, replace=False))


@attrs.frozen
class SubSatellitePoints:
    shell: str
    longitude_deg: np.ndarray
    latitude_deg: np.ndarray  # geocentric
    drawn: int
    satellites: int
    track_longitude_deg: np.ndarray  # the first satellite over one orbit
    track_latitude_deg: np.ndarray


def sub_satellite_points(model: Model) -> list[SubSatellitePoints]:
    """Each shell's satellites under them at the epoch (circular orbits, Earth turning at
    GMST), a share of `MAP_POINTS` in proportion to the shell's size, and one ground track."""
    day0 = float(days_since_j2000(model.constellation.epoch))
    gmst0, rate = float(gmst_rad(day0)), float(gmst_rate_rad_s(day0))
    total = max(model.satellites, 1)
    result = []
    for shell in model.shells.values():
        columns = expand(shell)
        limit = max(1, MAP_POINTS * shell.satellites // total)
        rows = random_sample(len(columns), limit, seed=len(result))
        lon, lat = _lon_lat_deg(columns.semi_major_axis_m, columns.inclination_rad,
                                columns.raan_rad[rows], columns.mean_anomaly_rad[rows], gmst0)
        period = float(orbital_period_s(columns.semi_major_axis_m))
        t = np.linspace(0.0, period, 181)
        motion = 2.0 * np.pi / period
        track_lon, track_lat = _lon_lat_deg(
            columns.semi_major_axis_m, columns.inclination_rad, columns.raan_rad[0],
            columns.mean_anomaly_rad[0] + motion * t, gmst0 + rate * t)
        result.append(SubSatellitePoints(shell.name, lon, lat, len(rows), shell.satellites,
                                         track_lon, track_lat))
    return result


def _lon_lat_deg(a_m, inclination_rad, raan_rad, anomaly_rad, gmst):
    position = circular_positions_eci(a_m, inclination_rad, raan_rad, anomaly_rad)
    x, y, z = position[..., 0], position[..., 1], position[..., 2]
    lon = np.degrees(np.mod(np.arctan2(y, x) - gmst + np.pi, 2.0 * np.pi) - np.pi)
    lat = np.degrees(np.arcsin(z / np.sqrt(x * x + y * y + z * z)))
    return lon, lat


@attrs.frozen
class BetaSeries:
    shell: str
    time_yr: np.ndarray  # (T,)
    planes: np.ndarray  # (P,) plane numbers drawn
    plane_count: int
    beta_deg: np.ndarray  # (T, P)
    eclipse_s: np.ndarray  # (T, P), per orbit


def beta_series(model: Model, shell: Shell) -> BetaSeries:
    """β and the eclipse per orbit over the mission (`BETA_SAMPLES` samples, at most one a
    day), for up to `BETA_PLANES`
    planes; the node drifts at the J2 rate as in the mission's worst-eclipse search."""
    columns = expand(shell)
    planes = sample_indices(shell.planes, BETA_PLANES)
    raan0 = columns.raan_rad[planes * shell.per_plane]
    life = model.constellation.mission_life_s
    samples = min(BETA_SAMPLES, int(np.ceil(life / SECONDS_PER_DAY)) + 1)
    t = np.linspace(0.0, life, max(2, samples))
    day0 = float(days_since_j2000(model.constellation.epoch))
    ra, dec = sun_ra_dec_rad(day0 + t / SECONDS_PER_DAY)
    rate = nodal_precession_rate_rad_s(columns.semi_major_axis_m, columns.inclination_rad)
    raan = raan0[None, :] + rate * t[:, None]
    beta = beta_angle_rad(columns.inclination_rad, raan, ra[:, None], dec[:, None])
    eclipse = eclipse_duration_s(beta, columns.semi_major_axis_m)
    return BetaSeries(shell.name, t / (365.25 * SECONDS_PER_DAY), planes, shell.planes,
                      np.degrees(beta), eclipse)


@attrs.frozen
class PowerOrbit:
    shell: str
    time_min: np.ndarray  # from eclipse entry, over one period
    array_w: np.ndarray
    load_w: np.ndarray
    state_of_charge: np.ndarray  # fraction of nameplate capacity
    eclipse_s: float


def power_orbit(model: Model, shell: Shell, figures: dict, samples: int = 361) -> PowerOrbit:
    """One orbit with the mission's longest eclipse, from eclipse entry: the end-of-life array
    (0 in shadow), the load (the eclipse load in shadow), and the battery's charge.

    The battery leaves each eclipse `battery_dod_required` below full (SMAD Eq. 11-6, the
    check's figure) and recharges in sunlight from the array's surplus over the load, through
    the peak-power-tracking paths (X_e, X_d) of SMAD Eq. 11-5: d(SoC)/dt = (P_array −
    P_day/X_d)·X_e / (C·η). With exactly the required array this refills the battery at the
    end of the orbit, so the curve shows the power margin as time spent full.
    """
    period, eclipse = figures["period_s"], figures["eclipse_max_s"]
    power = figures["power"]
    hardware = model.hardware[shell.hardware]
    daylight_load, eclipse_load = loads_w(hardware)
    t = np.union1d(np.linspace(0.0, period, samples), [eclipse])  # the exit is a sample
    shadow = t < eclipse
    array = np.where(shadow, 0.0, power["array_eol_w"])
    load = np.where(shadow, eclipse_load, daylight_load)
    depth = power["battery_dod_required"]
    battery = hardware.battery
    if battery is None or not np.isfinite(depth):
        charge = np.full_like(t, np.nan)
    else:
        x_eclipse, x_daylight = PATH_EFFICIENCY_PEAK_POWER_TRACKING
        store_j = battery.capacity_j * battery.efficiency
        recharge = (power["array_eol_w"] - daylight_load / x_daylight) * x_eclipse / store_j
        charge = np.where(shadow, 1.0 - depth * t / max(eclipse, 1e-9),
                          np.minimum(1.0, 1.0 - depth + recharge * (t - eclipse)))
    return PowerOrbit(shell.name, t / 60.0, array, load, charge, eclipse)


@attrs.frozen
class Gantt:
    stations: list[str]
    antennas: list[int]
    station: np.ndarray  # per contact
    antenna: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray
    shell: list[str]  # per contact
    achieved_s: np.ndarray  # per station
    upper_bound_s: np.ndarray
    satellites: int  # scheduled (all, or the sample)
    total_satellites: int
    horizon_s: float


def contact_gantt(model: Model) -> Gantt:
    """The antenna schedule over the schedule horizon: the build's own when the constellation
    has at most `GANTT_SATELLITES` satellites, else that of an even sample of each shell
    (whole planes, or evenly spaced slots of fewer planes than the share; the stations then
    serve only the sample: fewer contacts, more idle)."""
    from orbc.targets.contacts import antenna_schedule, contact_plan

    if model.satellites <= GANTT_SATELLITES:
        plan, schedule = contact_plan(model), antenna_schedule(model)
        shell_of = np.array([name.rsplit("-", 2)[0] for name in plan.satellite_names])
        satellites = model.satellites
    else:
        schedule, shell_of, satellites = _sampled_schedule(model)
    stations = list(model.ground_stations)
    return Gantt(stations, [model.ground_stations[s].antennas for s in stations],
                 schedule.station, schedule.antenna, schedule.start_s, schedule.end_s,
                 [str(s) for s in shell_of[schedule.satellite]] if len(schedule) else [],
                 schedule.achieved_s, schedule.upper_bound_s, satellites, model.satellites,
                 model.schedule.horizon_s)


def _sampled_schedule(model: Model):
    from orbc.compiler.schedule import schedule_antennas
    from orbc.physics.contacts import find_passes
    from orbc.physics.orbits import kozai_mean_motion_rad_min
    from orbc.physics.propagation import sgp4_shell
    from orbc.targets.contacts import model_stations

    stations = model_stations(model)
    day0 = float(days_since_j2000(model.constellation.epoch))
    parts, shell_names, first = [], [], 0
    for shell in model.shells.values():
        share = max(1, GANTT_SATELLITES * shell.satellites // model.satellites)
        planes = sample_indices(shell.planes, max(1, share // shell.per_plane))
        # whole planes where they fit in the share, else evenly spaced slots of each
        slots = sample_indices(shell.per_plane, max(1, share // len(planes)))
        columns = expand(shell)
        rows = (planes[:, None] * shell.per_plane + slots[None, :]).ravel()
        kozai = float(kozai_mean_motion_rad_min(columns.semi_major_axis_m,
                                                columns.inclination_rad))
        sgp4 = sgp4_shell(kozai, columns.inclination_rad)
        if not sgp4.is_near_earth:
            continue
        passes = find_passes(sgp4, columns.raan_rad[rows], columns.mean_anomaly_rad[rows],
                             len(slots), stations, day0, model.schedule.horizon_s,
                             chunk_planes=len(planes))
        parts.append(attrs.evolve(passes, satellite=passes.satellite + first))
        shell_names += [shell.name] * len(rows)
        first += len(rows)
    satellite = np.concatenate([p.satellite for p in parts]) if parts else np.zeros(0, int)
    station = np.concatenate([p.station for p in parts]) if parts else np.zeros(0, int)
    aos = np.concatenate([p.aos_s for p in parts]) if parts else np.zeros(0)
    los = np.concatenate([p.los_s for p in parts]) if parts else np.zeros(0)
    s = model.schedule
    schedule = schedule_antennas(satellite, station, aos, los,
                                 [g.antennas for g in model.ground_stations.values()],
                                 s.min_pass_s, s.handover_gap_s, s.policy)
    return schedule, np.array(shell_names or [""]), first
