"""Mean orbital elements of every satellite, shell by shell, as the element-set targets need.

The order is fixed: shells sorted by name, then plane-major. Catalog numbers are
provisional, assigned 1, 2, 3 … in that order (real ones come from the 18th
Space Defense Squadron at launch). Mean motion is the Kozai mean motion that
SGP4 expects, solved so that SGP4 flies each satellite at the declared mean
radius R⊕ + h (see `orbc.physics.orbits.kozai_mean_motion_rad_min`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import attrs
import numpy as np

from orbc.compiler.columns import expand, satellite_names
from orbc.compiler.model import Model, Shell
from orbc.physics.orbits import kozai_mean_motion_rad_min

MINUTES_PER_DAY = 1440.0


@attrs.frozen
class ShellElements:
    shell: Shell
    first_catalog_number: int
    names: np.ndarray  # str
    plane: np.ndarray  # int32
    slot: np.ndarray  # int32
    semi_major_axis_m: float
    inclination_deg: float
    raan_deg: np.ndarray
    mean_anomaly_deg: np.ndarray
    mean_motion_rev_per_day: float  # Kozai, for SGP4

    @property
    def catalog_numbers(self) -> np.ndarray:
        return np.arange(self.first_catalog_number,
                         self.first_catalog_number + len(self.plane), dtype=np.int64)


def epoch_iso(model: Model) -> str:
    """The epoch as ISO 8601 UTC with milliseconds and `Z`."""
    return np.datetime_as_string(model.constellation.epoch, unit="ms") + "Z"


def shell_elements(model: Model) -> Iterator[ShellElements]:
    """Elements shell by shell (one shell's columns in memory at a time)."""
    next_catalog = 1
    for name in sorted(model.shells):
        shell = model.shells[name]
        columns = expand(shell)
        kozai = float(kozai_mean_motion_rad_min(columns.semi_major_axis_m,
                                                columns.inclination_rad))
        yield ShellElements(
            shell=shell, first_catalog_number=next_catalog,
            names=satellite_names(name, columns.plane, columns.slot),
            plane=columns.plane, slot=columns.slot,
            semi_major_axis_m=columns.semi_major_axis_m,
            inclination_deg=math.degrees(columns.inclination_rad),
            raan_deg=np.degrees(columns.raan_rad),
            mean_anomaly_deg=np.degrees(columns.mean_anomaly_rad),
            mean_motion_rev_per_day=kozai * MINUTES_PER_DAY / (2.0 * math.pi),
        )
        next_catalog += len(columns)
