"""`czml`: a Cesium CZML document of the constellation: satellites, ground stations, grid links.

The document is a JSON array streamed packet by packet: the `document` packet
(name, CZML version 1.0, a clock over the sampled span), one packet per
satellite with its position sampled in the inertial frame, one per ground
station (`cartographicDegrees`), and one polyline per grid link whose ends
reference the two satellites' positions (`satellite/<name>#position`).

Positions: circular orbits with the Keplerian mean motion and the J2 drift of
the node (as `orbc.compiler.checks.relay` flies them), sampled `STEPS_PER_ORBIT`
times an orbit from the epoch to the end of the schedule horizon, metres to the
centimetre, seconds to the millisecond. Cesium interpolates them with a
degree-5 Lagrange polynomial, which over 10° of arc is good to well under a
metre. A satellite gets at most `MAX_STEPS` steps, so a horizon longer than
`MAX_STEPS` steps of the fastest shell is cut there (`czml-horizon-capped`),
and the clock covers what is sampled.

Cesium draws some tens of thousands of entities: above `MAX_SATELLITES` the
document holds the satellites and stations but no link packets
(`czml-too-large`). Relay links, which change partner over time, are not drawn.

Every name from the spec reaches the document through `json.dumps`; ids used in
references escape `\\` and `#` as Cesium's reference syntax asks.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import numpy as np

from orbc.compiler.columns import ShellColumns, expand, satellite_names, shell_satellite_names
from orbc.compiler.model import Model, Shell
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.physics.geometry import circular_positions_eci
from orbc.physics.orbits import mean_motion_rad_s, nodal_precession_rate_rad_s, orbital_period_s
from orbc.targets.elements import epoch_iso
from orbc.targets.isl import shell_links

STEPS_PER_ORBIT = 36  # a sample every 10° of arc
MAX_STEPS = 1_440  # per satellite: 40 orbits
MAX_SATELLITES = 20_000  # above this, no link packets
INTERPOLATION_DEGREE = 5
_SATELLITES_PER_CHUNK = 4_096
_POSITION_DECIMALS = 2  # metres → centimetres
_TIME_DECIMALS = 3  # seconds → milliseconds
# Colours of the shells in sorted order (RGBA), then round again.
_PALETTE = ((0, 200, 255), (255, 170, 0), (120, 230, 120), (255, 90, 140), (190, 140, 255),
            (255, 255, 120))


def sampled_span_s(model: Model) -> float:
    """How much of the horizon the document covers: all of it, or `MAX_STEPS` steps of the
    shell with the shortest period, whichever is shorter (seconds)."""
    horizon = model.schedule.horizon_s
    if not model.shells:
        return horizon
    shortest = min(_period_s(shell) for shell in model.shells.values())
    return min(horizon, MAX_STEPS * shortest / STEPS_PER_ORBIT)


def sample_times_s(shell: Shell, span_s: float) -> np.ndarray:
    """Sample instants of a shell (s after epoch): equal steps of at most period/36 from 0
    to `span_s` inclusive."""
    steps = max(1, math.ceil(round(span_s * STEPS_PER_ORBIT / _period_s(shell), 9)))
    return np.linspace(0.0, span_s, steps + 1)


def positions_m(columns: ShellColumns, rows: slice, times_s: np.ndarray) -> np.ndarray:
    """ECI positions (satellites, times, 3) in metres: Keplerian phase, J2 node drift."""
    sma, inclination = columns.semi_major_axis_m, columns.inclination_rad
    raan = (columns.raan_rad[rows, None]
            + float(nodal_precession_rate_rad_s(sma, inclination)) * times_s[None, :])
    anomaly = columns.mean_anomaly_rad[rows, None] + float(mean_motion_rad_s(sma)) * times_s[None, :]
    return circular_positions_eci(sma, inclination, raan, anomaly)


def reference(packet_id: str, prop: str = "position") -> str:
    """A CZML reference to a packet's property, escaping `\\` and `#` in the id."""
    return packet_id.replace("\\", "\\\\").replace("#", "\\#") + "#" + prop


def _period_s(shell: Shell) -> float:
    return float(orbital_period_s(expand(shell).semi_major_axis_m))


def _iso(epoch: np.datetime64, seconds: float) -> str:
    moment = epoch.astype("datetime64[ms]") + np.timedelta64(round(seconds * 1000), "ms")
    return np.datetime_as_string(moment, unit="ms") + "Z"


def _dumps(packet: dict) -> str:
    return json.dumps(packet, ensure_ascii=False, separators=(",", ":"))


class Czml:
    name = "czml"
    description = "Cesium CZML scene: satellites over the horizon, ground stations, grid links"

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        found = []
        if model.satellites > MAX_SATELLITES:
            found.append(Diagnostic(
                "czml-too-large",
                f"the constellation has {model.satellites:,} satellites; Cesium cannot draw "
                f"more than about {MAX_SATELLITES:,} with their links, so the CZML holds the "
                "satellites and stations without link packets",
                model.constellation.spans.get(""), severity="warning",
                help="the link list is in the `isl-csv` target"))
        span = sampled_span_s(model)
        if span < model.schedule.horizon_s:
            found.append(Diagnostic(
                "czml-horizon-capped",
                f"the CZML samples {MAX_STEPS:,} steps per satellite, {span / 3600:,.1f} h of "
                f"the {model.schedule.horizon_s / 3600:,.1f} h horizon; the clock stops there",
                model.schedule.spans.get("horizon"), severity="warning",
                help="shorten the schedule horizon to see the whole of it in Cesium"))
        return found

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
        for index, name in enumerate(sorted(model.shells)):
            yield from self._satellites(model.shells[name], span, start, interval,
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
        if model.satellites <= MAX_SATELLITES:
            for name in sorted(model.shells):
                yield from self._links(model, model.shells[name])
        yield b"\n]\n"

    def _satellites(self, shell: Shell, span: float, start: str, interval: str,
                    colour: tuple[int, int, int]) -> Iterator[bytes]:
        columns = expand(shell)
        names = satellite_names(shell.name, columns.plane, columns.slot)
        times = sample_times_s(shell, span)
        rounded_times = np.round(times, _TIME_DECIMALS)
        for first in range(0, len(columns), _SATELLITES_PER_CHUNK):
            rows = slice(first, first + _SATELLITES_PER_CHUNK)
            positions = np.round(positions_m(columns, rows, times), _POSITION_DECIMALS)
            samples = np.empty((positions.shape[0], len(times), 4))
            samples[:, :, 0] = rounded_times
            samples[:, :, 1:] = positions
            flat = samples.reshape(positions.shape[0], -1)
            parts = []
            for name, cartesian in zip(names[rows], flat, strict=True):
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
