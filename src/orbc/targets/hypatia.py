"""`hypatia`: the input folder of Hypatia's satgenpy (Kassing et al., IMC 2020), one per shell.

satgenpy's readers (`satgen.tles.read_tles`, `satgen.isls.read_isls`,
`satgen.ground_stations.read_ground_stations_basic`) take one shell of equal
orbits, so each shell gets its own folder `hypatia/<shell>/` (the shell label
made an identifier by `orbc.targets.identifiers`), even when there is only one:

- `tles.txt`: `<planes> <per plane>`, then a name line `<shell> <id>` and the
  two TLE lines per satellite; ids 0 … T−1 in plane-major order, as satgenpy
  numbers them, and TLE catalog numbers id + 1. The TLE lines are the `tle`
  target's with one change: eccentricity 0.0000001 instead of 0, because
  pyephem, which satgenpy propagates with, cannot compute a satellite with
  e = 0 ("cannot compute the body's position"); Hypatia's own constellation
  scripts use the same value (`ECCENTRICITY = 0.0000001`). That moves the
  radius by 1e-7·a, under a metre.
- `isls.txt`: `a b` per grid link, a < b, sorted.
- `ground_stations.txt`: `gid,name,latitude,longitude,elevation` (degrees,
  metres), stations sorted by name, names made identifiers (no commas).
- `description.txt`: `max_gsl_length_m` (the slant range at the lowest station
  elevation mask) and `max_isl_length_m` (the shorter of the policy's
  `max_range` and the grazing line of sight; satgenpy stops on a longer link).

A folder holds one shell, so relay links between shells cannot be written
(`hypatia-relay-links`, a warning). satgenpy reads the TLE epoch year as 20YY,
so the epoch must lie in 2000–2056 (`hypatia-epoch-out-of-range`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import attrs
import numpy as np

from orbc.compiler.model import Model, Shell
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.physics.geometry import max_grazing_range_m
from orbc.physics.links import slant_range_m
from orbc.targets import text, tle
from orbc.targets.elements import ShellElements, shell_elements
from orbc.targets.identifiers import identifiers
from orbc.targets.isl import shell_links

# satgenpy reads a TLE epoch's two-digit year as 20YY; a TLE's year ends at 2056.
FIRST_YEAR, LAST_YEAR = 2000, tle.LAST_TLE_YEAR
# Hypatia's own grazing altitude for its max ISL length, and orbc's default.
DEFAULT_GRAZING_ALTITUDE_M = 80e3
# pyephem, which satgenpy propagates with, refuses e = 0; Hypatia's own scripts use 1e-7.
HYPATIA_ECCENTRICITY = "0000001"
_BATCH = 1 << 16  # links per chunk of isls.txt


def folders(model: Model) -> dict[str, str]:
    """Shell name -> its folder under `hypatia/`."""
    return identifiers(model.shells)


def max_isl_length_m(model: Model, shell: Shell) -> float:
    """The longest ISL satgenpy accepts: the grazing line of sight, capped by the grid
    policy's `max_range` (Hypatia's 80 km grazing altitude for a shell without a grid)."""
    policy = model.link_policies.get(shell.isl) if shell.isl else None
    if policy is not None and policy.topology not in ("plus_grid", "ring"):
        policy = None  # relay links are not in the folder
    grazing = policy.min_grazing_altitude_m if policy else DEFAULT_GRAZING_ALTITUDE_M
    longest = float(max_grazing_range_m(shell.altitude_m, shell.altitude_m, grazing))
    if policy is not None and policy.max_range_m is not None:
        longest = min(longest, policy.max_range_m)
    return longest


def max_gsl_length_m(model: Model, shell: Shell) -> float:
    """The longest ground–satellite link: the slant range at the lowest elevation mask (the
    horizon if there are no stations)."""
    ranges = [float(slant_range_m(shell.altitude_m - s.altitude_m, s.min_elevation_rad))
              for s in model.ground_stations.values()]
    return max(ranges) if ranges else float(slant_range_m(shell.altitude_m, 0.0))


class Hypatia:
    name = "hypatia"
    description = "Hypatia (satgenpy) input folders, one per shell: TLEs, ISLs, ground stations"

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        found = []
        year = int(model.constellation.epoch.astype("datetime64[Y]").astype(np.int64)) + 1970
        if not FIRST_YEAR <= year <= LAST_YEAR:
            found.append(Diagnostic(
                "hypatia-epoch-out-of-range",
                f"satgenpy reads a TLE epoch year as 20YY, so the epoch must lie in "
                f"{FIRST_YEAR}–{LAST_YEAR}; it is {model.constellation.epoch}",
                model.constellation.spans.get("epoch"),
                help=f"move the epoch into {FIRST_YEAR}–{LAST_YEAR} for Hypatia"))
        for shell in model.shells.values():
            if shell.satellites > tle.MAX_CATALOG_NUMBER:
                found.append(Diagnostic(
                    "hypatia-shell-too-large",
                    f'shell "{shell.name}" has {shell.satellites:,} satellites; a TLE numbers '
                    f"at most {tle.MAX_CATALOG_NUMBER:,}", shell.spans.get(""),
                    help="split the shell, or use the `isl-csv` and `flight-csv` targets"))
            policy = model.link_policies.get(shell.isl) if shell.isl else None
            if policy is not None and policy.topology == "nearest":
                found.append(Diagnostic(
                    "hypatia-relay-links",
                    f'shell "{shell.name}" links to relay shell "{policy.relay}", but a Hypatia '
                    "folder holds one shell: those links are not written",
                    shell.spans.get("isl"), severity="warning",
                    help="the relay links at epoch are in the `isl-csv` target"))
        return found

    def emit(self, model: Model, engine: Engine = LOCAL):
        if any(d.is_error for d in self.check(model)):
            raise ValueError("the model does not fit Hypatia's input; `check` says why")
        names = folders(model)
        epoch = tle.tle_epoch(model.constellation.epoch)
        stations = _ground_stations(model)
        for elements in shell_elements(model):
            shell = elements.shell
            folder = f"hypatia/{names[shell.name]}"
            yield f"{folder}/tles.txt", _tles(elements, names[shell.name], epoch)
            yield f"{folder}/isls.txt", _isls(model, shell)
            yield f"{folder}/ground_stations.txt", [stations]
            yield f"{folder}/description.txt", [
                (f"max_gsl_length_m={max_gsl_length_m(model, shell):.10f}\n"
                 f"max_isl_length_m={max_isl_length_m(model, shell):.10f}\n").encode()]


def _tles(elements: ShellElements, name: str, epoch: str) -> Iterator[bytes]:
    """`tles.txt`: the header, then `<name> <id>` and the `tle` target's two lines."""
    shell = elements.shell
    yield f"{shell.planes} {shell.per_plane}\n".encode()
    # Catalog numbers id + 1 within the shell, as satgenpy's own generator numbers them.
    numbered = attrs.evolve(elements, first_catalog_number=1)
    width = len(str(max(0, shell.satellites - 1)))
    for part in text.batches(shell.satellites, tle.BATCH):
        count = part.stop - part.start
        ids = np.arange(part.start, part.stop, dtype=np.int64)
        yield text.compact(text.rows(
            [text.constant(f"{name} "), text.digits(ids, width, text.NUL), text.constant("\n"),
             *tle.two_line_parts(numbered, epoch, part, HYPATIA_ECCENTRICITY)], count))


def _isls(model: Model, shell: Shell) -> Iterator[bytes]:
    """`isls.txt`: the shell's grid links, `a b` with a < b, in (a, b) order."""
    links = shell_links(model, shell)
    if links is None or links.b_shell != shell.name:
        yield b""
        return
    width = len(str(max(0, shell.satellites - 1)))
    for part in text.batches(len(links), _BATCH):
        a, b = links.a[part], links.b[part]
        yield text.compact(text.rows([text.digits(a, width, text.NUL), text.constant(" "),
                                      text.digits(b, width, text.NUL), text.constant("\n")],
                                     len(a)))


def _ground_stations(model: Model) -> bytes:
    """`ground_stations.txt` in satgenpy's basic format (a handful of rows)."""
    names = identifiers(model.ground_stations)
    lines = [f"{gid},{names[s.name]},{math.degrees(s.latitude_rad):.8f},"
             f"{math.degrees(s.longitude_rad):.8f},{s.altitude_m:.3f}\n"
             for gid, s in enumerate(model.ground_stations.values())]
    return "".join(lines).encode()
