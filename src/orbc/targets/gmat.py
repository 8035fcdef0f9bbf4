"""`gmat`: a GMAT mission script that flies every satellite from SGP4's state at epoch.

One `Spacecraft` per satellite whose Cartesian state (UTC Gregorian epoch,
EarthMJ2000Eq, km and km/s to the millimetre and the micrometre per second) is
SGP4's osculating state at the epoch from the element sets the TLE and OMM
targets write, rotated TEME → J2000 (`orbc.targets.trajectories`). SGP4's mean
elements are not GMAT's osculating Keplerian elements: read as such they put a
satellite tens of kilometres off. A force model with JGM-3 to degree and order
`GRAVITY_DEGREE`, the Sun and the Moon as point masses, no drag (the element sets
have B* = 0 and the spec no ballistic coefficient) and no solar pressure; a
RungeKutta89 propagator; one `EphemerisFile` per spacecraft in CCSDS OEM every
`EPHEMERIS_STEP_S` (GMAT's EphemerisFile takes a single spacecraft); and a
mission sequence that propagates all of them together over the schedule horizon.

Spacecraft identifiers are the satellite names made GMAT identifiers: the shell
label goes through `orbc.targets.identifiers` (only [A-Za-z0-9_], distinct per
shell) and `-` becomes `_`, so `relay-000-001` is `relay_000_001`. No label from
the spec reaches the script any other way. The Jinja template has autoescape
off (the output is not HTML); every value it receives is an identifier or a
number formatted here.

GMAT runs one object per spacecraft: above `MAX_SATELLITES` the script is still
written in full and `check` warns (`gmat-too-large`).
"""

from __future__ import annotations

from collections.abc import Iterator

import jinja2
import numpy as np

from orbc.compiler.columns import expand, satellite_names
from orbc.compiler.model import Model
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.targets.elements import ShellElements, shell_elements
from orbc.targets.identifiers import identifiers
from orbc.targets.trajectories import gcrs_states_at_epoch

MAX_SATELLITES = 1_000
GRAVITY_DEGREE = 8  # JGM-3 8×8: the zonals to J8 and the leading tesserals
EPHEMERIS_STEP_S = 60
POSITION_DECIMALS = 6  # km → mm
VELOCITY_DECIMALS = 9  # km/s → µm/s
FORCE_MODEL = "OrbcForceModel"  # satellite identifiers end in _PPP_SSS, so never these
PROPAGATOR = "OrbcPropagator"
NAMES_PER_LINE = 6  # in the Propagate command, continued with `...`
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("orbc.targets", "templates"), autoescape=False,
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined)


def gmat_epoch(epoch: np.datetime64) -> str:
    """The epoch as GMAT's UTCGregorian text, `21 Mar 2027 00:00:00.000` (English months)."""
    moment = epoch.astype("datetime64[ms]")
    date, time = str(moment).split("T")
    year, month, day = date.split("-")
    return f"{day} {_MONTHS[int(month) - 1]} {year} {time}"


def spacecraft_identifiers(elements: ShellElements, shell_id: str) -> np.ndarray:
    """GMAT identifiers of a shell's satellites: `<shell id>_PPP_SSS`."""
    # `shell_id` has no `-`, so every `-` left is a separator of the name.
    return np.char.replace(satellite_names(shell_id, elements.plane, elements.slot), "-", "_")


def _spacecraft(model: Model, shell_ids: dict[str, str]) -> Iterator[dict]:
    """Name and Cartesian state (text, km and km/s) of every spacecraft, shell by shell."""
    for elements in shell_elements(model):
        names = spacecraft_identifiers(elements, shell_ids[elements.shell.name])
        positions_m, velocities_m_s = gcrs_states_at_epoch(model, expand(elements.shell))
        position = np.char.mod(f"%.{POSITION_DECIMALS}f",
                               np.round(positions_m / 1e3, POSITION_DECIMALS) + 0.0)
        velocity = np.char.mod(f"%.{VELOCITY_DECIMALS}f",
                               np.round(velocities_m_s / 1e3, VELOCITY_DECIMALS) + 0.0)
        for k in range(len(names)):
            yield {"name": names[k], "x": position[k, 0], "y": position[k, 1],
                   "z": position[k, 2], "vx": velocity[k, 0], "vy": velocity[k, 1],
                   "vz": velocity[k, 2]}


def _ephemerides(model: Model, shell_ids: dict[str, str]) -> Iterator[dict]:
    for elements in shell_elements(model):
        for name in spacecraft_identifiers(elements, shell_ids[elements.shell.name]):
            # Spacecraft names end in `_PPP_SSS` (digits), so these never collide with one.
            yield {"name": name, "ephemeris": f"{name}_Ephemeris"}


def _propagate(model: Model, shell_ids: dict[str, str]) -> Iterator[str]:
    """The Propagate command, NAMES_PER_LINE spacecraft a line, joined by GMAT's `...`."""
    names = [str(n) for elements in shell_elements(model)
             for n in spacecraft_identifiers(elements, shell_ids[elements.shell.name])]
    if not names:
        return
    lines = [", ".join(names[i:i + NAMES_PER_LINE]) for i in range(0, len(names), NAMES_PER_LINE)]
    horizon = f"{round(model.schedule.horizon_s, 3):.3f}"
    for number, line in enumerate(lines):
        start = f"Propagate {PROPAGATOR}(" if number == 0 else "    "
        end = (f") {{{names[0]}.ElapsedSecs = {horizon}}};" if number == len(lines) - 1
               else ", ...")
        yield start + line + end


class Gmat:
    name = "gmat"
    description = ("GMAT mission script: SGP4's state at epoch in EarthMJ2000Eq, JGM-3 8x8 + Sun "
                   "and Moon, RungeKutta89 over the horizon, a CCSDS OEM per spacecraft")

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        if model.satellites <= MAX_SATELLITES:
            return []
        return [Diagnostic(
            "gmat-too-large",
            f"the GMAT script holds {model.satellites:,} spacecraft; GMAT propagates each as "
            f"its own object and slows to a crawl above about {MAX_SATELLITES:,}",
            model.constellation.spans.get(""), severity="warning",
            help="the script is written in full; for a large constellation, build `tle` or "
                 "`omm-xml` for an SGP4 tool, or cut the spec down to the shells to study")]

    def emit(self, model: Model, engine: Engine = LOCAL):
        yield "gmat/mission.script", self._chunks(model)

    def _chunks(self, model: Model) -> Iterator[bytes]:
        shell_ids = identifiers(model.shells)
        template = _ENVIRONMENT.get_template("mission.script.j2")
        stream = template.generate(
            constellation=identifiers([model.constellation.name])[model.constellation.name],
            count=model.satellites, epoch=gmat_epoch(model.constellation.epoch),
            spacecraft=_spacecraft(model, shell_ids), force_model=FORCE_MODEL,
            degree=GRAVITY_DEGREE, propagator=PROPAGATOR,
            ephemerides=_ephemerides(model, shell_ids), ephemeris_step=EPHEMERIS_STEP_S,
            propagate=_propagate(model, shell_ids))
        buffer, size = [], 0
        for piece in stream:
            buffer.append(piece)
            size += len(piece)
            if size >= 1 << 16:
                yield "".join(buffer).encode("ascii")
                buffer, size = [], 0
        yield "".join(buffer).encode("ascii")
