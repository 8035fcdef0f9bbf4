"""A shell expanded into satellite columns: numpy arrays, one row per satellite.

Every satellite of a Walker shell shares the semi-major axis and inclination,
so those stay scalars on `ShellColumns`; only what varies per satellite
(plane, slot, node, mean anomaly) is an array. Rows are plane-major.
"""

from __future__ import annotations

import math

import attrs
import numpy as np

from orbc.compiler.model import Shell
from orbc.constants import EARTH_RADIUS_M
from orbc.physics.orbits import walker_columns

# Walker delta planes spread over the full circle of nodes, Walker star over half of it.
_NODE_SPREAD_RAD = {"walker_delta": 2.0 * math.pi, "walker_star": math.pi}


@attrs.frozen
class ShellColumns:
    shell: str
    semi_major_axis_m: float
    inclination_rad: float
    plane: np.ndarray  # int32
    slot: np.ndarray  # int32
    raan_rad: np.ndarray  # float64, [0, 2π)
    mean_anomaly_rad: np.ndarray  # float64, [0, 2π), at epoch

    def __len__(self) -> int:
        return len(self.plane)


def expand(shell: Shell, first_plane: int = 0, plane_count: int | None = None) -> ShellColumns:
    """The satellites of `shell` (or of planes first_plane … first_plane + plane_count − 1)
    as columns, without a Python loop over satellites."""
    columns = walker_columns(shell.planes, shell.per_plane, shell.phasing, shell.raan0_rad,
                             _NODE_SPREAD_RAD[shell.pattern], first_plane, plane_count)
    return ShellColumns(shell.name, EARTH_RADIUS_M + shell.altitude_m, shell.inclination_rad,
                        columns.plane, columns.slot, columns.raan_rad, columns.mean_anomaly_rad)


def satellite_names(shell: str, plane: np.ndarray, slot: np.ndarray,
                    plane_count: int | None = None, slot_count: int | None = None) -> np.ndarray:
    """Names `shell-PPP-SSS`, zero-padded to the widest index of the shell (give the shell's
    plane and slot counts when `plane`/`slot` cover only part of it), as a string array."""
    widest_plane = plane.max(initial=0) if plane_count is None else plane_count - 1
    widest_slot = slot.max(initial=0) if slot_count is None else slot_count - 1
    width_p = max(3, len(str(int(widest_plane))))
    width_s = max(3, len(str(int(widest_slot))))
    planes = np.char.zfill(plane.astype(str), width_p)
    slots = np.char.zfill(slot.astype(str), width_s)
    return np.char.add(np.char.add(f"{shell}-", planes), np.char.add("-", slots))


def shell_satellite_names(shell: Shell) -> np.ndarray:
    """The names of all of a shell's satellites, in row order."""
    columns = expand(shell)
    return satellite_names(shell.name, columns.plane, columns.slot)
