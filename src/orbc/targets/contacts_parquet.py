"""`contacts-parquet` and `schedule-parquet`: the contact windows and the antenna schedule
as typed Parquet, for specs too large for CSV.

The columns and their order are the CSV targets' (`orbc.targets.contacts`), typed:

- `aos`, `los`, `tca`, `start`, `end`: `timestamp[ms, UTC]`, the same milliseconds the CSV
  writes as text.
- `max_elevation_deg`: float32. It is rounded to 0.001° like the CSV; float32 spaces its
  values at most 7.6e-6° apart below 90°, so every CSV value reads back the same to that
  precision, at half the bytes.
- `duration_s`: float64. A pass may last hours (the horizon, for a satellite that never
  sets); float32 spaces values 0.008 s apart at a day, coarser than the milliseconds kept.
- `satellite`, `station`: dictionary-encoded strings. A row group's satellite dictionary
  holds only the satellites of its rows, so it stays small at any satellite count.
- `antenna`: int32.

Each row group (`BATCH_ROWS` rows, zstd) is written and handed to the output as soon as it
is built from the model's contact plan, which `contacts` and `schedule` share. Only the
names and the antenna are dictionary-encoded in the file: timestamps are delta-encoded and
floats byte-stream-split, because Parquet's default of trying a dictionary for every column
spent most of the writing time on columns of nearly all distinct values (6.3 M contacts:
11 s → 1.7 s written, 151 → 123 MB).
`schedule.json` comes from the `schedule` target alone.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from orbc.compiler.model import Model
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.targets.contacts import (
    BATCH_ROWS,
    Contacts,
    Schedule,
    antenna_schedule,
    contact_plan,
)
from orbc.targets.tables import parquet_stream

_NAME = pa.dictionary(pa.int32(), pa.string())
_TIME = pa.timestamp("ms", tz="UTC")

CONTACTS_SCHEMA = pa.schema([
    ("satellite", _NAME), ("station", _NAME), ("aos", _TIME), ("los", _TIME), ("tca", _TIME),
    ("max_elevation_deg", pa.float32()), ("duration_s", pa.float64()),
])
SCHEDULE_SCHEMA = pa.schema([
    ("station", _NAME), ("antenna", pa.int32()), ("satellite", _NAME),
    ("start", _TIME), ("end", _TIME),
])


def encodings(schema: pa.Schema, dictionary: list[str]) -> dict:
    """ParquetWriter options: a dictionary for the columns `dictionary`, delta encoding for
    timestamps and byte stream split for floats."""
    encoding = {}
    for field in schema:
        if pa.types.is_timestamp(field.type):
            encoding[field.name] = "DELTA_BINARY_PACKED"
        elif pa.types.is_floating(field.type):
            encoding[field.name] = "BYTE_STREAM_SPLIT"
    return {"use_dictionary": dictionary, "column_encoding": encoding}


def timestamps(model: Model, seconds: np.ndarray) -> pa.TimestampArray:
    """Seconds after the epoch as UTC timestamps, rounded to the millisecond as the CSV's."""
    epoch = model.constellation.epoch.astype("datetime64[ms]")
    stamps = epoch + np.round(np.asarray(seconds, dtype=float) * 1e3).astype("timedelta64[ms]")
    return pa.array(stamps.astype(np.int64), _TIME)


def used_names(names: np.ndarray, index: np.ndarray) -> pa.DictionaryArray:
    """`names[index]` dictionary-encoded with only the names used (in `names` order)."""
    used, codes = np.unique(index, return_inverse=True)
    return pa.DictionaryArray.from_arrays(pa.array(codes.reshape(-1).astype(np.int32)),
                                          pa.array(names[used]))


def all_names(names: list[str], index: np.ndarray) -> pa.DictionaryArray:
    """`names[index]` dictionary-encoded against all of `names` (a short list: stations)."""
    return pa.DictionaryArray.from_arrays(pa.array(np.asarray(index, dtype=np.int32)),
                                          pa.array(names, pa.string()))


class ContactsParquet:
    name = "contacts-parquet"
    description = ("ground contact windows, one row per pass (contacts/contacts.parquet, "
                   "typed columns)")

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        return Contacts().check(model, engine)

    def emit(self, model: Model, engine: Engine = LOCAL):
        yield "contacts/contacts.parquet", parquet_stream(
            self._tables(model, engine), CONTACTS_SCHEMA,
            **encodings(CONTACTS_SCHEMA, ["satellite", "station"]))

    def _tables(self, model: Model, engine: Engine) -> Iterator[pa.Table]:
        plan = contact_plan(model, engine)
        p = plan.passes
        for lo in range(0, len(p), BATCH_ROWS):
            b = p.take(slice(lo, lo + BATCH_ROWS))
            yield pa.Table.from_arrays([
                used_names(plan.satellite_names, b.satellite),
                all_names(plan.station_names, b.station),
                timestamps(model, b.aos_s),
                timestamps(model, b.los_s),
                timestamps(model, b.tca_s),
                pa.array(np.round(np.degrees(b.max_elevation_rad), 3).astype(np.float32)),
                pa.array(np.round(b.los_s - b.aos_s, 3)),
            ], schema=CONTACTS_SCHEMA)


class ScheduleParquet:
    name = "schedule-parquet"
    description = "antenna assignments per ground station (contacts/schedule.parquet, typed)"

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        return Schedule().check(model, engine)

    def emit(self, model: Model, engine: Engine = LOCAL):
        yield "contacts/schedule.parquet", parquet_stream(
            self._tables(model, engine), SCHEDULE_SCHEMA,
            **encodings(SCHEDULE_SCHEMA, ["station", "antenna", "satellite"]))

    def _tables(self, model: Model, engine: Engine) -> Iterator[pa.Table]:
        plan = contact_plan(model, engine)
        s = antenna_schedule(model, engine)
        for lo in range(0, len(s), BATCH_ROWS):
            part = slice(lo, lo + BATCH_ROWS)
            yield pa.Table.from_arrays([
                all_names(plan.station_names, s.station[part]),
                pa.array(s.antenna[part].astype(np.int32)),
                used_names(plan.satellite_names, s.satellite[part]),
                timestamps(model, s.start_s[part]),
                timestamps(model, s.end_s[part]),
            ], schema=SCHEDULE_SCHEMA)
