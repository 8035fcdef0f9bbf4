"""`flight-csv` and `flight-parquet`: the flight parameter table, one row per satellite."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import numpy as np
import pyarrow as pa

from orbc.compiler.model import Model
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.targets.elements import ShellElements, Slice, epoch_iso, slice_elements, slices
from orbc.targets.tables import csv_bytes, parquet_stream

SCHEMA = pa.schema([
    ("name", pa.string()), ("shell", pa.string()), ("plane", pa.int32()),
    ("slot", pa.int32()), ("catalog_number", pa.int64()),
    ("epoch", pa.timestamp("ms", tz="UTC")), ("semi_major_axis_km", pa.float64()),
    ("eccentricity", pa.float64()), ("inclination_deg", pa.float64()),
    ("raan_deg", pa.float64()), ("arg_perigee_deg", pa.float64()),
    ("mean_anomaly_deg", pa.float64()), ("mean_motion_rev_per_day", pa.float64()),
    ("hardware", pa.string()),
])


def _batch(elements: ShellElements, epoch: np.datetime64) -> pa.RecordBatch:
    count = len(elements.plane)

    def constant(value, dtype):
        return pa.array(np.full(count, value, dtype=dtype))

    return pa.RecordBatch.from_arrays([
        pa.array(elements.names), pa.array(np.full(count, elements.shell.name, dtype=object)),
        pa.array(elements.plane), pa.array(elements.slot), pa.array(elements.catalog_numbers),
        pa.array(np.full(count, epoch, dtype="datetime64[ms]"), pa.timestamp("ms", tz="UTC")),
        constant(round(elements.semi_major_axis_m / 1e3, 6), np.float64),
        constant(0.0, np.float64),
        constant(round(elements.inclination_deg, 9), np.float64),
        pa.array(np.round(elements.raan_deg, 9)), constant(0.0, np.float64),
        pa.array(np.round(elements.mean_anomaly_deg, 9)),
        constant(round(elements.mean_motion_rev_per_day, 10), np.float64),
        pa.array(np.full(count, elements.shell.hardware, dtype=object)),
    ], schema=SCHEMA)


def slice_batch(model: Model, piece: Slice) -> pa.RecordBatch:
    """One slice of the table (runs on an engine worker)."""
    return _batch(slice_elements(model, piece), model.constellation.epoch)


def batches(model: Model, engine: Engine = LOCAL) -> Iterator[pa.RecordBatch]:
    """The table slice by slice in catalog order, as Arrow record batches."""
    return engine.map(partial(slice_batch, model), slices(model), "flight table")


def _csv_slice(model: Model, piece: Slice) -> bytes:
    batch = slice_batch(model, piece)
    table = pa.Table.from_batches([batch]).set_column(
        5, "epoch", pa.array(np.full(batch.num_rows, epoch_iso(model), dtype=object),
                             pa.string()))
    return csv_bytes(table, header=False)


class FlightCsv:
    name = "flight-csv"
    description = "flight parameter table, one row per satellite (CSV)"

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        return []

    def emit(self, model: Model, engine: Engine = LOCAL):
        yield "flight/satellites.csv", self._chunks(model, engine)

    def _chunks(self, model: Model, engine: Engine) -> Iterator[bytes]:
        header = SCHEMA.empty_table().set_column(5, "epoch", pa.array([], pa.string()))
        yield csv_bytes(header, header=True)
        yield from engine.map(partial(_csv_slice, model), slices(model), "flight-csv")


class FlightParquet:
    name = "flight-parquet"
    description = "flight parameter table, one row per satellite (Parquet, typed columns)"

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        return []

    def emit(self, model: Model, engine: Engine = LOCAL):
        yield "flight/satellites.parquet", self._chunks(model, engine)

    def _chunks(self, model: Model, engine: Engine) -> Iterator[bytes]:
        return parquet_stream(batches(model, engine), SCHEMA)
