"""`hypatia`: the input of Hypatia's satgenpy (Kassing et al., IMC 2020), a folder per shell.

`hypatia/` plays the part of satgenpy's `gen_data/` directory and each shell is
one satellite network in it, `hypatia/<shell>/` (the label made an identifier by
`orbc.targets.identifiers`), so `satgen.help_dynamic_state("hypatia", threads,
"<shell>", …)` runs on it unchanged. A folder holds one shell because
satgenpy's (and ns-3-sat-sim's) `tles.txt` header is one shell's
`<orbits> <per orbit>`, one `max_isl_length_m` bounds all its ISLs, and an ISL
is permanent (satgenpy stops when one grows longer), which relay links are not.

- `tles.txt`: `<planes> <per plane>`, then a name line `<shell> <id>` and the
  two TLE lines per satellite; ids 0 … T−1 in plane-major order, as satgenpy
  numbers them, and TLE catalog numbers id + 1. The TLE lines are the `tle`
  target's with one change: eccentricity 0.0000001 instead of 0, because
  pyephem, which satgenpy propagates with, cannot compute a satellite with
  e = 0 ("cannot compute the body's position"); Hypatia's own constellation
  scripts use the same value (`ECCENTRICITY = 0.0000001`). That moves the
  radius by 1e-7·a, under a metre.
- `isls.txt`: `a b` per grid link, a < b, sorted.
- `ground_stations.txt`: satgenpy's extended format
  `gid,name,latitude,longitude,elevation,x,y,z` (degrees, metres; x y z the
  WGS-84 Earth-fixed position, which ns-3-sat-sim places the station at),
  stations sorted by name, names made identifiers (no commas).
- `gsl_interfaces_info.txt`: `<node id>,1,1.0` for the satellites, then the
  stations (node id T + gid): one ground-link interface per node with the full
  rate (ns-3-sat-sim scales its `gsl_data_rate_megabit_per_s` by that 1.0), as
  Hypatia's own scripts write it for its "free one" routing algorithms.
- `description.txt`: `max_gsl_length_m` (the longest slant range at a station's
  elevation mask) and `max_isl_length_m` (the shorter of the policy's
  `max_range` and the grazing line of sight; satgenpy stops on a longer link).

A folder holds one shell, so relay links between shells cannot be written
(`hypatia-relay-links`, a warning). satgenpy gives every satellite a ground link,
so a shell without a radio gets `hypatia-no-radio` (a warning). satgenpy reads the TLE epoch year as 20YY,
so the epoch must lie in 2000–2056 (`hypatia-epoch-out-of-range`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import attrs
import numpy as np

from orbc.compiler.model import Model, Shell
from orbc.constants import EARTH_RADIUS_M
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.physics.geometry import max_grazing_range_m
from orbc.physics.visibility import station_ecef_m
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
    """The longest ground–satellite link, metres: the longest over the stations of the slant
    range at the station's elevation mask, d = √(r² − ρ²cos²ε) − ρ·sin ε for the orbit radius
    r = R⊕ + altitude and the station's geocentric radius ρ (WGS-84; a station at 47° latitude
    sits 11 km below the equatorial radius, which lengthens d by ~20 km at a 25° mask). The
    horizon of a station on the equator if there are no stations."""
    radius = EARTH_RADIUS_M + shell.altitude_m
    if not model.ground_stations:
        return math.sqrt(radius**2 - EARTH_RADIUS_M**2)
    stations = list(model.ground_stations.values())
    station_radius = np.linalg.norm(station_ecef_m(
        [s.latitude_rad for s in stations], [s.longitude_rad for s in stations],
        [s.altitude_m for s in stations]), axis=-1)
    mask = np.array([s.min_elevation_rad for s in stations])
    slant = (np.sqrt(radius**2 - (station_radius * np.cos(mask)) ** 2)
             - station_radius * np.sin(mask))
    return float(slant.max())


class Hypatia:
    name = "hypatia"
    description = ("Hypatia (satgenpy) input folders, one per shell: TLEs, ISLs, ground stations, "
                   "GSL interfaces, description")

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
            if model.ground_stations and not model.hardware[shell.hardware].radios:
                found.append(Diagnostic(
                    "hypatia-no-radio",
                    f'shell "{shell.name}" carries no radio, but satgenpy links every satellite '
                    "in range to the ground stations: routes in its Hypatia folder use ground "
                    "links it cannot have", shell.spans.get("hardware"), severity="warning",
                    help=f'give hardware "{shell.hardware}" a `radio`, or leave the ground '
                         "links of this shell's folder out of Hypatia's results"))
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
            yield f"{folder}/gsl_interfaces_info.txt", _gsl_interfaces(
                shell.satellites + len(model.ground_stations))
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


def _gsl_interfaces(nodes: int) -> Iterator[bytes]:
    """`gsl_interfaces_info.txt`: `<node id>,1,1.0` for nodes 0 … nodes − 1."""
    width = len(str(max(0, nodes - 1)))
    for part in text.batches(nodes, _BATCH):
        ids = np.arange(part.start, part.stop, dtype=np.int64)
        yield text.compact(text.rows([text.digits(ids, width, text.NUL),
                                      text.constant(",1,1.0\n")], len(ids)))


def _ground_stations(model: Model) -> bytes:
    """`ground_stations.txt` in satgenpy's extended format (a handful of rows)."""
    names = identifiers(model.ground_stations)
    lines = []
    for gid, s in enumerate(model.ground_stations.values()):
        x, y, z = station_ecef_m(s.latitude_rad, s.longitude_rad, s.altitude_m)
        lines.append(f"{gid},{names[s.name]},{math.degrees(s.latitude_rad):.8f},"
                     f"{math.degrees(s.longitude_rad):.8f},{s.altitude_m:.3f},"
                     f"{x:.3f},{y:.3f},{z:.3f}\n")
    return "".join(lines).encode()
