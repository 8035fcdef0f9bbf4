"""SGP4 trajectories of the element sets orbc emits, rotated out of TEME, for CZML and GMAT.

The elements are those of `orbc.targets.elements` (the TLE and OMM targets write
them rounded to 10⁻⁹°, a millimetre) and the propagation is the one the contact
windows use: `orbc.physics.propagation` for near-Earth shells. A shell with a
period of 225 min or more is flown by SGP4's deep-space equations (SDP4), which
orbc's propagation does not reduce; those shells go through the `sgp4` package's
`SatrecArray`, whose evaluation is vectorised (its `Satrec` objects are made one
per satellite, which deep-space shells, a few satellites each, afford).
Positions are rotated TEME → GCRS by `orbc.physics.frames`.

Velocities (for GMAT's initial states) are the central difference of the SGP4
positions over ±`_VELOCITY_STEP_S`: the truncation error h²/6·|r⃛| ≈ h²/6·n³·r is
4·10⁻⁶ m/s in LEO and the rounding of the positions (10⁻⁹ m) adds 10⁻⁸ m/s. That
is the velocity of the trajectory SGP4 draws; SGP4's own velocity output, whose
short-period terms are truncated differently, differs from it by 1–2 cm/s.
"""

from __future__ import annotations

import math

import numpy as np
from sgp4.api import WGS72, Satrec, SatrecArray

from orbc.compiler.columns import ShellColumns, expand
from orbc.compiler.model import Model, Shell
from orbc.constants import SECONDS_PER_DAY
from orbc.physics.frames import rotate, teme_to_gcrs_matrix
from orbc.physics.orbits import kozai_mean_motion_rad_min
from orbc.physics.propagation import Sgp4Shell, sgp4_positions_m, sgp4_shell
from orbc.physics.sun import days_since_j2000

_VELOCITY_STEP_S = 0.05
# The sgp4 package counts epochs in days since 1949-12-31 00:00 UTC (JD 2433281.5).
_SGP4_EPOCH_ORIGIN = np.datetime64("1949-12-31T00:00:00", "ms")
_JULIAN_DATE_OF_ORIGIN = 2433281.5


def shell_sgp4(shell: Shell) -> Sgp4Shell:
    """`sgp4init` of a shell's element set (every satellite shares n₀ and i)."""
    columns = expand(shell, 0, 0)
    kozai = float(kozai_mean_motion_rad_min(columns.semi_major_axis_m, columns.inclination_rad))
    return sgp4_shell(kozai, columns.inclination_rad)


def period_s(shell: Shell) -> float:
    """The SGP4 period of a shell (anomalistic, from the un-Kozai'd mean motion), seconds."""
    return shell_sgp4(shell).period_min * 60.0


def teme_positions_m(model: Model, columns: ShellColumns, times_s: np.ndarray) -> np.ndarray:
    """SGP4 positions in TEME (satellites, times, 3), metres, `times_s` after the epoch."""
    sgp4 = shell_sgp4(model.shells[columns.shell])
    times = np.asarray(times_s, dtype=float)
    if sgp4.is_near_earth:
        return sgp4_positions_m(sgp4, columns.raan_rad[:, None], columns.mean_anomaly_rad[:, None],
                                times[None, :])
    return _satrec_positions_m(model, columns, sgp4, times)


def gcrs_positions_m(model: Model, columns: ShellColumns, times_s: np.ndarray) -> np.ndarray:
    """SGP4 positions rotated to GCRS (satellites, times, 3), metres."""
    times = np.asarray(times_s, dtype=float)
    days = float(days_since_j2000(model.constellation.epoch)) + times / SECONDS_PER_DAY
    return rotate(teme_to_gcrs_matrix(days)[None], teme_positions_m(model, columns, times))


def gcrs_states_at_epoch(model: Model, columns: ShellColumns) -> tuple[np.ndarray, np.ndarray]:
    """SGP4's osculating state at the epoch in GCRS: positions (satellites, 3) in metres and
    velocities (satellites, 3) in m/s."""
    h = _VELOCITY_STEP_S
    positions = gcrs_positions_m(model, columns, np.array([-h, 0.0, h]))
    return positions[:, 1], (positions[:, 2] - positions[:, 0]) / (2.0 * h)


def _satrec_positions_m(model: Model, columns: ShellColumns, sgp4: Sgp4Shell,
                        times: np.ndarray) -> np.ndarray:
    """Deep-space shells: the `sgp4` package's SDP4 (metres, TEME)."""
    epoch = model.constellation.epoch.astype("datetime64[ms]")
    epoch_days = float((epoch - _SGP4_EPOCH_ORIGIN) / np.timedelta64(1, "ms")) / 86_400_000.0
    kozai = float(kozai_mean_motion_rad_min(columns.semi_major_axis_m, columns.inclination_rad))
    satellites = []
    for raan, anomaly in zip(columns.raan_rad.tolist(), columns.mean_anomaly_rad.tolist(),
                             strict=True):
        satrec = Satrec()
        satrec.sgp4init(WGS72, "i", 0, epoch_days, 0.0, 0.0, 0.0, 0.0, 0.0,
                        sgp4.inclination_rad, anomaly, kozai, raan)
        satellites.append(satrec)
    whole = _JULIAN_DATE_OF_ORIGIN + math.floor(epoch_days)
    fraction = (epoch_days - math.floor(epoch_days)) + times / SECONDS_PER_DAY
    _, positions_km, _ = SatrecArray(satellites).sgp4(np.full(len(times), whole), fraction)
    return positions_km * 1e3
