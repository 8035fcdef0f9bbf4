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


SLICE_SATELLITES = 1 << 16  # about this many satellites per unit of sharded work


@attrs.frozen
class Slice:
    """Whole planes of one shell: the unit in which the engine shards element-set work."""

    shell: str
    first_plane: int
    plane_count: int


def slices(model: Model) -> list[Slice]:
    """Every satellite once, in catalog order, as slices of at most ~SLICE_SATELLITES."""
    found = []
    for name in sorted(model.shells):
        shell = model.shells[name]
        step = max(1, SLICE_SATELLITES // shell.per_plane)
        found += [Slice(name, first, min(step, shell.planes - first))
                  for first in range(0, shell.planes, step)]
    return found


def first_catalog_number(model: Model, piece: Slice) -> int:
    """The catalog number of the slice's first satellite: numbers run 1, 2, 3 … through the
    shells in name order, plane-major."""
    before = sum(model.shells[n].satellites for n in model.shells if n < piece.shell)
    return 1 + before + piece.first_plane * model.shells[piece.shell].per_plane


def slice_elements(model: Model, piece: Slice) -> ShellElements:
    """The elements of one slice."""
    shell = model.shells[piece.shell]
    columns = expand(shell, piece.first_plane, piece.plane_count)
    kozai = float(kozai_mean_motion_rad_min(columns.semi_major_axis_m, columns.inclination_rad))
    return ShellElements(
        shell=shell, first_catalog_number=first_catalog_number(model, piece),
        names=satellite_names(shell.name, columns.plane, columns.slot, shell.planes,
                              shell.per_plane),
        plane=columns.plane, slot=columns.slot,
        semi_major_axis_m=columns.semi_major_axis_m,
        inclination_deg=math.degrees(columns.inclination_rad),
        raan_deg=np.degrees(columns.raan_rad),
        mean_anomaly_deg=np.degrees(columns.mean_anomaly_rad),
        mean_motion_rev_per_day=kozai * MINUTES_PER_DAY / (2.0 * math.pi),
    )


def shell_elements(model: Model) -> Iterator[ShellElements]:
    """Elements shell by shell, whole shells (one shell's columns in memory at a time)."""
    for name in sorted(model.shells):
        yield slice_elements(model, Slice(name, 0, model.shells[name].planes))
