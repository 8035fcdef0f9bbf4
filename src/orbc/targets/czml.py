"""`czml`: a Cesium CZML document of the constellation: satellites, ground stations, grid links.

The document is a JSON array streamed packet by packet: the `document` packet
(name, CZML version 1.0, a clock over the sampled span), one packet per
satellite with its position sampled in the inertial frame, one per ground
station (`cartographicDegrees`), and one polyline per grid link whose ends
reference the two satellites' positions (`satellite/<name>#position`).

Positions are those of the TLE and OMM targets and of the contact windows: SGP4
of orbc's element sets (`orbc.targets.trajectories`), rotated from TEME to GCRS
(`orbc.physics.frames`), since `INERTIAL` in CZML is ICRF. Samples are metres
to the centimetre and seconds to the millisecond, every `step` (the spec's
`czml { step = … }`) or 36 times an orbit, each shell from the epoch to the end
of the horizon (`czml { horizon = … }`, else the schedule's). Cesium
interpolates them with a degree-5 Lagrange polynomial, whose error grows as the
sixth power of the arc between samples: measured against SGP4 at 590 km, a few
metres at 10°, 260 m at 20°, 3 km at 30°; a step of more than 20° of a drawn
shell's orbit is warned (`czml-step-coarse`). A satellite gets at most
`MAX_STEPS` steps, so a horizon longer than `MAX_STEPS` steps of the shell with
the shortest step is cut there (`czml-horizon-capped`), and the clock covers
what is sampled.

`czml { shells = ["a", "b"] }` draws those shells only (stations always). Cesium
draws some tens of thousands of entities: above `MAX_SATELLITES` drawn the
document holds the satellites and stations but no link packets
(`czml-too-large`); a document estimated above `LARGE_DOCUMENT_BYTES` is warned
with its size (`czml-large-document`). Relay links, which change partner over
time, are not drawn.

Every name from the spec reaches the document through `json.dumps`; ids used in
references escape `\\` and `#` as Cesium's reference syntax asks.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import numpy as np

from orbc.compiler.columns import expand, satellite_names, shell_satellite_names
from orbc.compiler.model import Model, Shell
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.targets.elements import epoch_iso
from orbc.targets.isl import shell_links
from orbc.targets.trajectories import gcrs_positions_m, period_s

STEPS_PER_ORBIT = 36  # a sample every 10° of arc: Lagrange-5 to a few metres
COARSEST_STEPS_PER_ORBIT = 18  # 20° of arc: Lagrange-5 to ≈ 260 m (30° strays ≈ 3 km)
MAX_STEPS = 1_440  # per satellite: 40 orbits at the default step
MAX_SATELLITES = 20_000  # above this, no link packets
LARGE_DOCUMENT_BYTES = 256 * 2**20  # warn before writing more than this
INTERPOLATION_DEGREE = 5
# Bytes a sample `t,x,y,z` takes (up to 6 + 3·11 digits, signs, points, commas) and the rest
# of a satellite packet, a link packet and a station packet, measured on the examples.
_SAMPLE_BYTES, _SATELLITE_BYTES, _LINK_BYTES, _STATION_BYTES = 44, 330, 290, 250
_SATELLITES_PER_CHUNK = 1_024
_POSITION_DECIMALS = 2  # metres → centimetres
_TIME_DECIMALS = 3  # seconds → milliseconds
# Colours of the shells in sorted order (RGBA), then round again.
_PALETTE = ((0, 200, 255), (255, 170, 0), (120, 230, 120), (255, 90, 140), (190, 140, 255),
            (255, 255, 120))


def drawn_shells(model: Model) -> list[Shell]:
    """The shells the document draws, sorted by name: `czml { shells }` or all of them."""
    wanted = model.czml.shells
    return [model.shells[name] for name in sorted(model.shells)
            if wanted is None or name in wanted]


def step_s(model: Model, shell: Shell) -> float:
    """The sample step of a shell: `czml { step }` or a 36th of its SGP4 period (seconds)."""
    return model.czml.step_s or period_s(shell) / STEPS_PER_ORBIT


def horizon_s(model: Model) -> float:
    return model.czml.horizon_s or model.schedule.horizon_s


def sampled_span_s(model: Model) -> float:
    """How much of the horizon the document covers: all of it, or `MAX_STEPS` steps of the
    drawn shell with the shortest step, whichever is shorter (seconds)."""
    shells = drawn_shells(model)
    if not shells:
        return horizon_s(model)
    return min(horizon_s(model), MAX_STEPS * min(step_s(model, shell) for shell in shells))


def sample_times_s(step: float, span_s: float) -> np.ndarray:
    """Sample instants (s after epoch): equal steps of at most `step` from 0 to `span_s`
    inclusive, and at least INTERPOLATION_DEGREE of them so that Cesium can interpolate."""
    steps = max(INTERPOLATION_DEGREE, math.ceil(round(span_s / step, 9)))
    return np.linspace(0.0, span_s, steps + 1)


def estimated_bytes(model: Model) -> int:
    """About how large the document will be: samples, packets, links (at most two a
    satellite, as a plus grid has)."""
    span = sampled_span_s(model)
    total = _STATION_BYTES * len(model.ground_stations)
    links = drawn_satellites(model) <= MAX_SATELLITES
    for shell in drawn_shells(model):
        samples = len(sample_times_s(step_s(model, shell), span))
        total += shell.satellites * (samples * _SAMPLE_BYTES + _SATELLITE_BYTES)
        if shell.isl is not None and links:
            total += 2 * shell.satellites * _LINK_BYTES
    return total


def drawn_satellites(model: Model) -> int:
    return sum(shell.satellites for shell in drawn_shells(model))


def reference(packet_id: str, prop: str = "position") -> str:
    """A CZML reference to a packet's property, escaping `\\` and `#` in the id."""
    return packet_id.replace("\\", "\\\\").replace("#", "\\#") + "#" + prop


def _iso(epoch: np.datetime64, seconds: float) -> str:
    moment = epoch.astype("datetime64[ms]") + np.timedelta64(round(seconds * 1000), "ms")
    return np.datetime_as_string(moment, unit="ms") + "Z"


def _dumps(packet: dict) -> str:
    return json.dumps(packet, ensure_ascii=False, separators=(",", ":"))


class Czml:
    name = "czml"
    description = "Cesium CZML scene: SGP4 positions in GCRS over the horizon, ground " \
                  "stations, grid links"

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        found = []
        satellites = drawn_satellites(model)
        if satellites > MAX_SATELLITES:
            found.append(Diagnostic(
                "czml-too-large",
                f"the CZML draws {satellites:,} satellites; Cesium cannot draw more than "
                f"about {MAX_SATELLITES:,} with their links, so the CZML holds the "
                "satellites and stations without link packets",
                model.constellation.spans.get(""), severity="warning",
                help="the link list is in the `isl-csv` target; `czml { shells = [...] }` "
                     "draws fewer shells"))
        span = sampled_span_s(model)
        if span < horizon_s(model):
            found.append(Diagnostic(
                "czml-horizon-capped",
                f"the CZML samples {MAX_STEPS:,} steps per satellite, {span / 3600:,.1f} h of "
                f"the {horizon_s(model) / 3600:,.1f} h horizon; the clock stops there",
                _czml_span(model, "horizon") or model.schedule.spans.get("horizon"),
                severity="warning",
                help="shorten the horizon (`czml { horizon = ... }`) or lengthen the step to "
                     "see the whole of it in Cesium"))
        found += self._coarse_steps(model)
        size = estimated_bytes(model)
        if size > LARGE_DOCUMENT_BYTES:
            found.append(Diagnostic(
                "czml-large-document",
                f"the CZML document will be about {size / 2**20:,.0f} MiB "
                f"({size:,} bytes); Cesium loads it whole into the browser",
                model.constellation.spans.get(""), severity="warning",
                help="draw fewer shells, a shorter horizon or a longer step with a "
                     "`czml { shells = [...]  horizon = 6 h  step = 120 s }` block"))
        return found

    def _coarse_steps(self, model: Model) -> list[Diagnostic]:
        if model.czml.step_s is None:
            return []
        coarse = [shell.name for shell in drawn_shells(model)
                  if model.czml.step_s > period_s(shell) / COARSEST_STEPS_PER_ORBIT]
        if not coarse:
            return []
        return [Diagnostic(
            "czml-step-coarse",
            f"a {model.czml.step_s:g} s step is more than 20° of arc of the orbit of "
            + ", ".join(f'"{name}"' for name in coarse)
            + "; Cesium's interpolation between samples strays by kilometres",
            _czml_span(model, "step"), severity="warning",
            help=f"a step of at most "
                 f"{min(period_s(model.shells[n]) for n in coarse) / STEPS_PER_ORBIT:.0f} s "
                 "(10° of arc) keeps it within a metre")]

    def emit(self, model: Model, engine: Engine = LOCAL):
        yield "czml/constellation.czml", self._chunks(model)

    def _chunks(self, model: Model) -> Iterator[bytes]:
        epoch = model.constellation.epoch
        span = sampled_span_s(model)
        start, end = epoch_iso(model), _iso(epoch, span)
        interval = f"{start}/{end}"
        document = {
            "id": "document", "name": model.constellation.name, "version": "1.0",
            "clock": {"interval": interval, "currentTime": start, "multiplier": 60,
                      "range": "LOOP_STOP", "step": "SYSTEM_CLOCK_MULTIPLIER"},
        }
        yield ("[\n" + _dumps(document)).encode()
        shells = drawn_shells(model)
        for index, shell in enumerate(shells):
            yield from self._satellites(model, shell, span, start, interval,
                                        _PALETTE[index % len(_PALETTE)])
        for station in model.ground_stations.values():
            packet = {
                "id": f"station/{station.name}", "name": station.name,
                "position": {"cartographicDegrees": [
                    round(math.degrees(station.longitude_rad), 9),
                    round(math.degrees(station.latitude_rad), 9), round(station.altitude_m, 3)]},
                "point": {"pixelSize": 8, "color": {"rgba": [255, 255, 255, 255]}},
                "label": {"text": station.name, "pixelOffset": {"cartesian2": [0, -16]},
                          "scale": 0.5},
            }
            yield (",\n" + _dumps(packet)).encode()
        if drawn_satellites(model) <= MAX_SATELLITES:
            for shell in shells:
                yield from self._links(model, shell)
        yield b"\n]\n"

    def _satellites(self, model: Model, shell: Shell, span: float, start: str, interval: str,
                    colour: tuple[int, int, int]) -> Iterator[bytes]:
        times = sample_times_s(step_s(model, shell), span)
        rounded_times = np.round(times, _TIME_DECIMALS)
        planes = max(1, _SATELLITES_PER_CHUNK // shell.per_plane)
        for first in range(0, shell.planes, planes):
            columns = expand(shell, first, min(planes, shell.planes - first))
            names = satellite_names(shell.name, columns.plane, columns.slot, shell.planes,
                                    shell.per_plane)
            positions = np.round(gcrs_positions_m(model, columns, times), _POSITION_DECIMALS)
            samples = np.empty((len(columns), len(times), 4))
            samples[:, :, 0] = rounded_times
            samples[:, :, 1:] = positions
            flat = samples.reshape(len(columns), -1)
            parts = []
            for name, cartesian in zip(names, flat, strict=True):
                parts.append(",\n" + _dumps({
                    "id": f"satellite/{name}", "name": str(name), "availability": interval,
                    "point": {"pixelSize": 4, "color": {"rgba": [*colour, 255]}},
                    "position": {"epoch": start, "interpolationAlgorithm": "LAGRANGE",
                                 "interpolationDegree": INTERPOLATION_DEGREE,
                                 "referenceFrame": "INERTIAL", "cartesian": cartesian.tolist()},
                }))
            yield "".join(parts).encode()

    def _links(self, model: Model, shell: Shell) -> Iterator[bytes]:
        links = shell_links(model, shell)
        if links is None or not len(links) or links.b_shell != shell.name:
            return
        names = shell_satellite_names(shell)
        parts = []
        for a, b, kind in zip(names[links.a], names[links.b], links.kind, strict=True):
            parts.append(",\n" + _dumps({
                "id": f"link/{a}/{b}", "name": f"{a} – {b} ({kind})",
                "polyline": {"positions": {"references": [reference(f"satellite/{a}"),
                                                          reference(f"satellite/{b}")]},
                             "width": 1, "arcType": "NONE",
                             "material": {"solidColor": {"color": {"rgba": [0, 255, 255, 96]}}}},
            }))
            if len(parts) >= _SATELLITES_PER_CHUNK:
                yield "".join(parts).encode()
                parts = []
        yield "".join(parts).encode()


def _czml_span(model: Model, attribute: str):
    return model.czml.spans.get(attribute) or model.czml.spans.get("")
