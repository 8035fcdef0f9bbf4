"""`gmat`: a GMAT mission script that flies every satellite from its mean elements.

One `Spacecraft` per satellite with its Keplerian elements at epoch (UTC
Gregorian, EarthMJ2000Eq; a circle, so ECC = 0, AOP = 0 and the true anomaly
equals the mean anomaly), a force model with the JGM-2 field to degree and order
4, a RungeKutta89 propagator, and a mission sequence that propagates all of
them together over the schedule horizon.

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

from orbc.compiler.columns import satellite_names
from orbc.compiler.model import Model
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.targets.elements import ShellElements, shell_elements
from orbc.targets.identifiers import identifiers

MAX_SATELLITES = 1_000
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
    for elements in shell_elements(model):
        names = spacecraft_identifiers(elements, shell_ids[elements.shell.name])
        # The same rounding as the flight table (`orbc.targets.flight`).
        sma = f"{round(elements.semi_major_axis_m / 1e3, 6):.6f}"
        inc = f"{round(elements.inclination_deg, 9):.9f}"
        raan = np.char.mod("%.9f", np.round(elements.raan_deg, 9))
        ta = np.char.mod("%.9f", np.round(elements.mean_anomaly_deg, 9))
        for k in range(len(names)):
            yield {"name": names[k], "sma": sma, "inc": inc, "raan": raan[k], "ta": ta[k]}


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
    description = "GMAT mission script: every satellite, JGM-2 4x4, RungeKutta89 over the horizon"

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
            propagator=PROPAGATOR, propagate=_propagate(model, shell_ids))
        buffer, size = [], 0
        for piece in stream:
            buffer.append(piece)
            size += len(piece)
            if size >= 1 << 16:
                yield "".join(buffer).encode("ascii")
                buffer, size = [], 0
        yield "".join(buffer).encode("ascii")
