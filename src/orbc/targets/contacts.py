"""`contacts` and `schedule`: ground contact windows and antenna assignments.

`contacts` writes `contacts/contacts.csv`, one row per pass of every satellite
over every ground station during the schedule horizon from the epoch, sorted by
satellite (in element-set order), station (by name) and AOS; passes
come from `orbc.physics.contacts`, which propagates the element sets orbc
emits (`orbc.targets.elements`) with SGP4. `schedule` writes
`contacts/schedule.csv` (antenna assignments from `orbc.compiler.schedule`)
and `contacts/schedule.json` (per station: windows, achieved time, upper
bound). Times are ISO 8601 UTC with milliseconds and `Z`. docs/contacts.md has
the models and the algorithms.

Only satellites that carry a radio (hardware with a `radio` block) can be in
contact with a ground station: shells without one get no contact and no antenna
time, and are not counted as never served.

Both targets compute from one contact plan per model, cached, so `check` (which
reports stations no satellite reaches and satellites never served) and `emit`
do the work once.
"""

from __future__ import annotations

import json
import math
import weakref
from collections.abc import Iterator
from functools import cache, partial

import attrs
import numpy as np
import pyarrow as pa

from orbc.compiler.columns import expand, shell_satellite_names
from orbc.compiler.model import Model
from orbc.compiler.schedule import AntennaSchedule, schedule_antennas
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.memory import release_free_memory
from orbc.physics.contacts import Passes, Stations, find_passes_by_chunk
from orbc.physics.orbits import kozai_mean_motion_rad_min
from orbc.physics.propagation import sgp4_shell
from orbc.physics.sun import days_since_j2000
from orbc.targets.elements import Slice, first_catalog_number, slices
from orbc.targets.tables import csv_stream

CONTACTS_SCHEMA = pa.schema([
    ("satellite", pa.string()), ("station", pa.string()), ("aos", pa.string()),
    ("los", pa.string()), ("tca", pa.string()), ("max_elevation_deg", pa.float64()),
    ("duration_s", pa.float64()),
])
SCHEDULE_SCHEMA = pa.schema([
    ("station", pa.string()), ("antenna", pa.int32()), ("satellite", pa.string()),
    ("start", pa.string()), ("end", pa.string()),
])
BATCH_ROWS = 200_000
_NAMES_LISTED = 5


@attrs.frozen
class ContactPlan:
    """All passes of a model; satellites numbered in `elements` order (shells by name,
    plane-major), stations in name order."""

    passes: Passes
    satellite_names: np.ndarray  # str, per satellite
    has_radio: np.ndarray  # bool, per satellite: only these have passes
    station_names: list[str]
    deep_space_shells: list[str]  # shells with a radio that SGP4 flies with SDP4, not computed


_plans: dict[int, tuple[weakref.ref, dict]] = {}  # id(model) -> (model, results)


def _cached(model: Model, key: str, compute):
    ident = id(model)
    entry = _plans.get(ident)
    if entry is None or entry[0]() is not model:
        try:
            reference = weakref.ref(model, lambda _, ident=ident: _plans.pop(ident, None))
        except TypeError:  # not weak-referenceable: no cache
            return compute(model)
        entry = _plans[ident] = (reference, {})
    if key not in entry[1]:
        entry[1][key] = compute(model)
    return entry[1][key]


def contact_plan(model: Model, engine: Engine = LOCAL) -> ContactPlan:
    """The passes of every shell over every station (computed once per model)."""
    return _cached(model, "plan", partial(_contact_plan, engine=engine))


def antenna_schedule(model: Model, engine: Engine = LOCAL) -> AntennaSchedule:
    """The antenna schedule of the model's `schedule` block (computed once per model)."""
    return _cached(model, "schedule", partial(_antenna_schedule, engine=engine))


def model_stations(model: Model) -> Stations:
    """The model's ground stations as `Stations` columns, in name order."""
    stations = list(model.ground_stations.values())
    return Stations(*(np.array([getattr(s, f) for s in stations], dtype=float)
                      for f in ("latitude_rad", "longitude_rad", "altitude_m",
                                "min_elevation_rad")))


def _slice_passes(model: Model, piece: Slice) -> list[Passes] | None:
    """The passes of one slice of whole planes in chunks, numbered in element-set order;
    None for a deep-space shell (runs on an engine worker)."""
    shell = model.shells[piece.shell]
    columns = expand(shell, piece.first_plane, piece.plane_count)
    kozai = float(kozai_mean_motion_rad_min(columns.semi_major_axis_m, columns.inclination_rad))
    sgp4 = sgp4_shell(kozai, columns.inclination_rad)
    if not sgp4.is_near_earth:
        return None
    chunks = find_passes_by_chunk(
        sgp4, columns.raan_rad, columns.mean_anomaly_rad, shell.per_plane, model_stations(model),
        float(days_since_j2000(model.constellation.epoch)), model.schedule.horizon_s)
    first = first_catalog_number(model, piece) - 1
    return [attrs.evolve(passes, satellite=passes.satellite + first) for passes in chunks]


def radio_shells(model: Model) -> list[str]:
    """The shells whose satellites carry a radio (in name order): only they have contacts."""
    return [name for name in sorted(model.shells)
            if model.hardware[model.shells[name].hardware].radios]


def _contact_plan(model: Model, engine: Engine) -> ContactPlan:
    with_radio = set(radio_shells(model))
    pieces = [piece for piece in slices(model) if piece.shell in with_radio]
    found = list(engine.map(partial(_slice_passes, model), pieces, "contacts"))
    deep = sorted({piece.shell for piece, chunks in zip(pieces, found) if chunks is None})
    shells = sorted(model.shells)
    names = [shell_satellite_names(model.shells[name]) for name in shells]
    parts = [p for chunks in found if chunks is not None for p in chunks]
    del found
    passes = Passes.join(parts)  # sorted by satellite, station, AOS
    all_names = np.concatenate(names) if names else np.zeros(0, dtype=str)
    has_radio = np.repeat([name in with_radio for name in shells],
                          [model.shells[name].satellites for name in shells]).astype(bool)
    return ContactPlan(passes, all_names, has_radio, list(model.ground_stations), deep)


def _no_radio(model: Model, plan: ContactPlan) -> list[Diagnostic]:
    """The warning that no satellite carries a radio, where there are satellites and
    stations (one diagnostic: both targets give it, and identical ones are reported once)."""
    if plan.has_radio.any() or not len(plan.has_radio) or not plan.station_names:
        return []
    first_station = next(iter(model.ground_stations.values()))
    span = model.schedule.spans.get("", first_station.spans.get(""))
    return [Diagnostic(
        "contacts-no-radio",
        f"no satellite carries a radio, so none can be in contact with the "
        f"{len(plan.station_names)} ground station(s): the contacts and the schedule are empty",
        span, severity="warning",
        help="give the hardware of the shells that talk to the ground a `radio` block")]


def _antenna_schedule(model: Model, engine: Engine) -> AntennaSchedule:
    plan = contact_plan(model, engine)
    antennas = [s.antennas for s in model.ground_stations.values()]
    p = plan.passes
    schedule = schedule_antennas(p.satellite, p.station, p.aos_s, p.los_s, antennas,
                                 model.schedule.min_pass_s, model.schedule.handover_gap_s,
                                 model.schedule.policy)
    release_free_memory()
    return schedule


def iso_times(model: Model, seconds: np.ndarray) -> pa.StringArray:
    """Seconds after the epoch as ISO 8601 UTC strings with milliseconds and `Z`
    (`2027-03-21T00:57:50.963Z`), assembled from tables into one buffer: the contact
    table has tens of millions of them."""
    epoch = model.constellation.epoch.astype("datetime64[ms]")
    stamps = epoch + np.round(np.asarray(seconds, dtype=float) * 1e3).astype("timedelta64[ms]")
    days = stamps.astype("datetime64[D]")
    unique_days, which = np.unique(days, return_inverse=True)
    day_texts = np.datetime_as_string(unique_days, unit="D")
    if len(day_texts) and np.strings.str_len(day_texts).max() != 10:  # a year past 9999
        return pa.array(np.strings.add(np.datetime_as_string(stamps, unit="ms"), "Z"))
    millisecond = (stamps - days).astype(np.int64)  # of the day
    text = np.empty(len(stamps), dtype=_ISO_RECORD)
    text["day"] = np.strings.add(day_texts, "T").astype("S11")[which.reshape(-1)]
    text["clock"] = _clock_texts()[millisecond // 1000]
    text["fraction"] = _fraction_texts()[millisecond % 1000]
    offsets = np.arange(0, _ISO_RECORD.itemsize * (len(stamps) + 1), _ISO_RECORD.itemsize,
                        dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), len(stamps),
                                 [None, pa.py_buffer(offsets), pa.py_buffer(text.view(np.uint8))])


_ISO_RECORD = np.dtype([("day", "S11"), ("clock", "S8"), ("fraction", "S5")])  # 24 bytes


@cache
def _clock_texts() -> np.ndarray:
    """`HH:MM:SS` for every second of a day, indexed by the second."""
    return np.array([f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60)
                     for s in range(60)], dtype="S8")


@cache
def _fraction_texts() -> np.ndarray:
    """`.mmmZ` for every millisecond of a second."""
    return np.array([f".{k:03d}Z" for k in range(1000)], dtype="S5")


class Contacts:
    name = "contacts"
    description = "ground contact windows, one row per pass (contacts/contacts.csv)"

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        plan = contact_plan(model, engine)
        found = []
        for name in plan.deep_space_shells:
            shell = model.shells[name]
            found.append(Diagnostic(
                "contacts-deep-space", f"shell {name!r} orbits with a period of 225 min or "
                "more, where SGP4 switches to its deep-space equations (SDP4); orbc does not "
                "compute its contacts", shell.spans.get("altitude", shell.spans.get("")),
                severity="warning", help="contact windows are computed for LEO shells"))
        found += _no_radio(model, plan)
        seen = np.bincount(plan.passes.station, minlength=len(plan.station_names))
        # some satellite with a radio whose passes were computed
        computed = len(plan.deep_space_shells) < len(radio_shells(model)) and model.satellites
        for index, name in enumerate(plan.station_names):
            if seen[index] == 0 and computed:
                station = model.ground_stations[name]
                found.append(Diagnostic(
                    "station-never-in-view",
                    f"ground station {name!r} sees no satellite above its minimum elevation "
                    f"({math.degrees(station.min_elevation_rad):.1f}°) during the "
                    f"{model.schedule.horizon_s / 3600:g} h horizon",
                    station.spans.get("location", station.spans.get("")), severity="warning",
                    help="move the station, lower its `min_elevation`, or fly an inclination "
                         "that reaches its latitude"))
        return found

    def emit(self, model: Model, engine: Engine = LOCAL):
        yield "contacts/contacts.csv", csv_stream(self._tables(model, engine), CONTACTS_SCHEMA)

    def _tables(self, model: Model, engine: Engine) -> Iterator[pa.Table]:
        plan = contact_plan(model, engine)
        satellites, stations = pa.array(plan.satellite_names), pa.array(plan.station_names)
        p = plan.passes
        for lo in range(0, len(p), BATCH_ROWS):
            b = p.take(slice(lo, lo + BATCH_ROWS))
            yield pa.Table.from_arrays([
                satellites.take(b.satellite),
                stations.take(b.station),
                iso_times(model, b.aos_s),
                iso_times(model, b.los_s),
                iso_times(model, b.tca_s),
                pa.array(np.round(np.degrees(b.max_elevation_rad), 3)),
                pa.array(np.round(b.los_s - b.aos_s, 3)),
            ], schema=CONTACTS_SCHEMA)


class Schedule:
    name = "schedule"
    description = ("antenna assignments per ground station (contacts/schedule.csv) and their "
                   "totals (contacts/schedule.json)")

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        plan = contact_plan(model, engine)
        schedule = antenna_schedule(model, engine)
        found = _no_radio(model, plan)
        served = np.zeros(len(plan.satellite_names), dtype=bool)
        served[schedule.satellite] = True
        never = np.flatnonzero(plan.has_radio & ~served)  # without a radio: not expected to be
        radios = int(plan.has_radio.sum())
        if len(never) and len(plan.station_names):
            listed = ", ".join(plan.satellite_names[never[:_NAMES_LISTED]])
            more = f" and {len(never) - _NAMES_LISTED:,} more" if len(never) > _NAMES_LISTED \
                else ""
            remedies = ["add stations or antennas", "lower `min_pass`"]
            if model.schedule.policy != "fair":
                remedies.append("use `policy = fair`")
            found.append(Diagnostic(
                "satellites-never-served",
                f"{len(never):,} of {radios:,} satellites with a radio get no antenna time "
                f"during the {model.schedule.horizon_s / 3600:g} h horizon ({listed}{more})",
                model.schedule.spans.get("policy", model.schedule.spans.get("")),
                severity="warning",
                help=", ".join(remedies[:-1]) + ", or " + remedies[-1]))
        achieved, bound = schedule.achieved_s.sum(), schedule.upper_bound_s.sum()
        without = len(plan.has_radio) - radios
        found.append(Diagnostic(
            "schedule-summary",
            f"{model.schedule.policy}: {achieved / 3600:,.2f} h of contact scheduled in "
            f"{len(schedule):,} contacts; upper bound {bound / 3600:,.2f} h"
            + (f" ({achieved / bound:.1%})" if bound > 0 else "")
            + (f"; {without:,} satellites without a radio left out" if without else ""),
            model.schedule.spans.get("policy", model.schedule.spans.get("")), severity="note"))
        return found

    def emit(self, model: Model, engine: Engine = LOCAL):
        yield "contacts/schedule.csv", csv_stream(self._tables(model, engine), SCHEDULE_SCHEMA)
        yield "contacts/schedule.json", [report_json(model, engine).encode()]

    def _tables(self, model: Model, engine: Engine) -> Iterator[pa.Table]:
        plan = contact_plan(model, engine)
        s = antenna_schedule(model, engine)
        satellites, stations = pa.array(plan.satellite_names), pa.array(plan.station_names)
        for lo in range(0, len(s), BATCH_ROWS):
            part = slice(lo, lo + BATCH_ROWS)
            yield pa.Table.from_arrays([
                stations.take(s.station[part]),
                pa.array(s.antenna[part].astype(np.int32)),
                satellites.take(s.satellite[part]),
                iso_times(model, s.start_s[part]),
                iso_times(model, s.end_s[part]),
            ], schema=SCHEDULE_SCHEMA)


def report_json(model: Model, engine: Engine = LOCAL) -> str:
    """The schedule's totals: per station and overall, achieved and upper bound, in seconds."""
    plan = contact_plan(model, engine)
    s = antenna_schedule(model, engine)
    windows = np.bincount(plan.passes.station, minlength=len(plan.station_names))
    contacts = np.bincount(s.station, minlength=len(plan.station_names))
    served = len(np.unique(s.satellite))
    radios = int(plan.has_radio.sum())
    report = {
        "policy": model.schedule.policy,
        "horizon_s": model.schedule.horizon_s,
        "achieved_s": round(float(s.achieved_s.sum()), 3),
        "upper_bound_s": round(float(s.upper_bound_s.sum()), 3),
        "contacts": len(s),
        "windows": len(plan.passes),
        "satellites": radios,  # with a radio: the others have no contact
        "satellites_served": served,
        "satellites_never_served": radios - served,
        "satellites_without_radio": len(plan.satellite_names) - radios,
        "stations": {
            name: {"antennas": model.ground_stations[name].antennas,
                   "windows": int(windows[i]), "contacts": int(contacts[i]),
                   "achieved_s": round(float(s.achieved_s[i]), 3),
                   "upper_bound_s": round(float(s.upper_bound_s[i]), 3)}
            for i, name in enumerate(plan.station_names)},
    }
    return json.dumps(report, indent=2, sort_keys=True) + "\n"
