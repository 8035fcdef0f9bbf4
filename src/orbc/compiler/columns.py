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


def expand(shell: Shell) -> ShellColumns:
    """The satellites of `shell` as columns (no Python loop over satellites)."""
    columns = walker_columns(shell.planes, shell.per_plane, shell.phasing, shell.raan0_rad,
                             _NODE_SPREAD_RAD[shell.pattern])
    return ShellColumns(shell.name, EARTH_RADIUS_M + shell.altitude_m, shell.inclination_rad,
                        columns.plane, columns.slot, columns.raan_rad, columns.mean_anomaly_rad)


def satellite_names(shell: str, plane: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """Names `shell-PPP-SSS` (zero-padded to the widest index), as a numpy string array."""
    width_p = max(3, len(str(int(plane.max(initial=0)))))
    width_s = max(3, len(str(int(slot.max(initial=0)))))
    planes = np.char.zfill(plane.astype(str), width_p)
    slots = np.char.zfill(slot.astype(str), width_s)
    return np.char.add(np.char.add(f"{shell}-", planes), np.char.add("-", slots))
