"""The nodes of the network: satellites as position columns at each snapshot, and stations.

Satellites are numbered shell by shell in name order, plane-major, as in the
element-set targets, so row `i` of the network is catalog number `i + 1`.
Positions are Earth-fixed (TEME turned by the Greenwich mean sidereal time, as
`orbc.physics.visibility` defines it), which is the frame the station
geometry needs; lengths do not depend on the frame.

Why SGP4 and not the Keplerian columns: routes are meant to be recomputed by
others from the TLE/OMM orbc writes, and everyone flies those with SGP4. The
SGP4 orbit departs from the Keplerian circle by kilometres within an orbit
(J2 short-period terms, the secular drift of the argument of latitude), which
is an RTT difference of tens of microseconds per link; flying the same SGP4
equations as the `contacts` target (`orbc.physics.propagation`) makes the
positions agree with the python `sgp4` library to the millimetre. A shell whose
period is 225 min or more (SGP4's deep-space branch, not transcribed) flies the
Keplerian circle with J2 node drift instead.
"""

from __future__ import annotations

import math

import attrs
import numpy as np
from sgp4.api import SatrecArray

from orbc.compiler.columns import ShellColumns, expand, satellite_names
from orbc.compiler.model import Model, Shell
from orbc.constants import EARTH_RADIUS_M, SECONDS_PER_DAY
from orbc.physics.geometry import circular_positions_eci
from orbc.physics.orbits import (
    kozai_mean_motion_rad_min,
    mean_motion_rad_s,
    nodal_precession_rate_rad_s,
    orbital_period_s,
)
from orbc.physics.propagation import sgp4_shell, sgp4_xyz_m
from orbc.physics.sun import days_since_j2000
from orbc.physics.visibility import geodetic_up, gmst_rad, gmst_rate_rad_s, station_ecef_m

J2000_JD = 2451545.0  # Julian date of 2000-01-01 12:00, the origin of days_since_j2000
NOWHERE_M = 1e12  # where a satellite that SGP4 cannot fly is put: far from everything


@attrs.frozen
class ShellNodes:
    """One shell's satellites: rows `first` … `first + len − 1` of the network."""

    shell: Shell
    first: int
    columns: ShellColumns
    has_radio: bool  # ground links need a radio on the satellite
    external: str | None = None  # the external it belongs to; None: an own shell
    epoch_offset_s: float = 0.0  # the network's epoch after the shell's (an external's)

    def __len__(self) -> int:
        return len(self.columns)

    @property
    def label(self) -> str:
        """How relays name it: the shell, or "<external>/<shell>"."""
        return self.shell.name if self.external is None else f"{self.external}/{self.shell.name}"

    def positions_m(self, time_s: float, frame_angle_rad: float) -> np.ndarray:
        """Earth-fixed positions (len, 3) at `time_s` after the network's epoch, metres."""
        columns = self.columns
        time_s = time_s + self.epoch_offset_s
        propagator = sgp4_shell(float(kozai_mean_motion_rad_min(columns.semi_major_axis_m,
                                                                columns.inclination_rad)),
                                columns.inclination_rad)
        if propagator.is_near_earth:
            return np.stack(sgp4_xyz_m(propagator, columns.raan_rad, columns.mean_anomaly_rad,
                                       time_s, frame_angle_rad), axis=-1)
        sma, inclination = columns.semi_major_axis_m, columns.inclination_rad
        raan = (columns.raan_rad + float(nodal_precession_rate_rad_s(sma, inclination)) * time_s
                - frame_angle_rad)
        anomaly = columns.mean_anomaly_rad + float(mean_motion_rad_s(sma)) * time_s
        return circular_positions_eci(sma, inclination, raan, anomaly)

    def names(self, rows: np.ndarray) -> np.ndarray:
        """Names of the satellites at shell rows `rows`, as in the other artifacts (an
        external's prefixed with "<external>/")."""
        shell = self.shell
        names = satellite_names(shell.name, self.columns.plane[rows], self.columns.slot[rows],
                                shell.planes, shell.per_plane)
        return names if self.external is None else np.char.add(f"{self.external}/", names)


@attrs.frozen
class ElementNodes:
    """An external's element sets (TLE/OMM), flown with the `sgp4` library's SatrecArray."""

    external: str
    first: int
    satellite_names: np.ndarray  # str, "<external>/<name>" with spaces as "_"
    satellites: SatrecArray
    epoch_jd: float  # the network's epoch, Julian date (UTC)
    has_radio: bool = True  # an element set says nothing of radios: assume it can reach ground

    def __len__(self) -> int:
        return len(self.satellite_names)

    @property
    def label(self) -> str:
        return self.external

    def positions_m(self, time_s: float, frame_angle_rad: float) -> np.ndarray:
        """Earth-fixed positions (len, 3), metres; a satellite SGP4 cannot fly (decayed, bad
        elements) is put far away, where it links to nothing."""
        whole, fraction = divmod(self.epoch_jd + time_s / SECONDS_PER_DAY, 1.0)
        error, teme_km, _ = self.satellites.sgp4(np.array([whole]), np.array([fraction]))
        teme = teme_km[:, 0, :] * 1e3
        cosine, sine = math.cos(frame_angle_rad), math.sin(frame_angle_rad)
        fixed = np.stack([cosine * teme[:, 0] + sine * teme[:, 1],
                          -sine * teme[:, 0] + cosine * teme[:, 1], teme[:, 2]], axis=-1)
        fixed[(error[:, 0] != 0) | ~np.isfinite(fixed).all(axis=-1)] = NOWHERE_M
        return fixed

    def names(self, rows: np.ndarray) -> np.ndarray:
        return self.satellite_names[rows]


@attrs.frozen
class Nodes:
    """Every node of the network: satellites, then each station twice (see `routing`)."""

    shells: tuple[ShellNodes, ...]  # own shells, then external shells
    elements: tuple[ElementNodes, ...]
    station_names: tuple[str, ...]
    station_ecef_m: np.ndarray  # (S, 3)
    station_up: np.ndarray  # (S, 3) geodetic vertical
    station_min_elevation_rad: np.ndarray  # (S,)
    epoch_days: float  # days since J2000 (UTC ≈ UT1)

    @property
    def parts(self) -> tuple:
        """Every group of satellites in row order."""
        return tuple(sorted(self.shells + self.elements, key=lambda part: part.first))

    @property
    def own_shells(self) -> tuple[ShellNodes, ...]:
        return tuple(s for s in self.shells if s.external is None)

    @property
    def satellites(self) -> int:
        return sum(len(s) for s in self.parts)

    def relay_parts(self, relay: str) -> tuple:
        """The parts a `relay` reference names: an own shell, "<external>/<shell>", or every
        part of an external."""
        named = tuple(p for p in self.parts if p.label == relay)
        return named or tuple(p for p in self.parts
                              if getattr(p, "external", None) == relay)

    def frame_angle_rad(self, time_s: float) -> float:
        """Greenwich mean sidereal time at `time_s` after epoch."""
        return float(gmst_rad(self.epoch_days)) + float(gmst_rate_rad_s(self.epoch_days)) * time_s

    def positions_m(self, time_s: float) -> np.ndarray:
        """Earth-fixed positions (satellites, 3) of every satellite at `time_s`, metres."""
        angle = self.frame_angle_rad(time_s)
        parts = [s.positions_m(time_s, angle) for s in self.parts]
        return np.concatenate(parts) if parts else np.zeros((0, 3))

    def name_of(self, node: int) -> str:
        """The name of any node: a satellite, or a station (either of its two nodes)."""
        for part in self.parts:
            if part.first <= node < part.first + len(part):
                return str(part.names(np.array([node - part.first]))[0])
        stations = len(self.station_names)
        return self.station_names[(node - self.satellites) % stations]


def network_nodes(model: Model) -> Nodes:
    """The nodes of `model`'s network: own shells (by name), then each external's shells or
    element sets (externals by name)."""
    shells, elements, first = [], [], 0
    for name in sorted(model.shells):
        shell = model.shells[name]
        shells.append(ShellNodes(shell, first, expand(shell),
                                 bool(model.hardware[shell.hardware].radios)))
        first += shell.satellites
    epoch = model.constellation.epoch
    for label in sorted(model.externals):
        external = model.externals[label]
        if external.model is not None:
            theirs = external.model
            offset = float((epoch - theirs.constellation.epoch) / np.timedelta64(1, "ms")) / 1e3
            for name in sorted(theirs.shells):
                shell = theirs.shells[name]
                shells.append(ShellNodes(shell, first, expand(shell),
                                         bool(theirs.hardware[shell.hardware].radios),
                                         label, offset))
                first += shell.satellites
        else:
            names = np.char.add(f"{label}/", np.char.replace(
                np.array(external.names, dtype=str), " ", "_"))
            elements.append(ElementNodes(label, first, names,
                                         SatrecArray(list(external.satellites)),
                                         J2000_JD + float(days_since_j2000(epoch))))
            first += len(names)
    stations = [model.ground_stations[n] for n in sorted(model.ground_stations)]
    latitude = np.array([s.latitude_rad for s in stations])
    longitude = np.array([s.longitude_rad for s in stations])
    ecef = station_ecef_m(latitude, longitude, np.array([s.altitude_m for s in stations]))
    return Nodes(tuple(shells), tuple(elements), tuple(s.name for s in stations),
                 ecef.reshape(-1, 3), geodetic_up(latitude, longitude).reshape(-1, 3),
                 np.array([s.min_elevation_rad for s in stations]),
                 float(days_since_j2000(epoch)))


def snapshot_times_s(model: Model) -> np.ndarray:
    """Seconds after epoch of every snapshot: k·step for k = 0 … horizon/step − 1, and at
    least the one at epoch (a horizon shorter than a step). The horizon defaults to one
    orbit of the lowest own shell."""
    network = model.network
    horizon = network.horizon_s
    if horizon is None:
        lowest = min((s.altitude_m for s in model.shells.values()), default=None)
        if lowest is None:
            return np.zeros(0)
        horizon = float(orbital_period_s(EARTH_RADIUS_M + lowest))
    count = max(1, math.floor(horizon / network.step_s + 1e-9))
    return np.arange(count) * network.step_s



def iso_times(epoch: np.datetime64, times_s: np.ndarray) -> np.ndarray:
    """Snapshot instants as ISO 8601 UTC strings with milliseconds and `Z`."""
    offsets = np.rint(np.asarray(times_s) * 1e3).astype("timedelta64[ms]")
    return np.char.add(np.datetime_as_string(epoch + offsets, unit="ms"), "Z")
