"""`contacts-parquet` and `schedule-parquet`: pyarrow reads them, typed as documented, with the
rows and values of the CSV targets, in streamed row groups, byte-identical on a rebuild."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from orbc.compiler.pipeline import compile_spec
from orbc.targets import contacts_parquet
from orbc.targets.contacts import Contacts, Schedule
from orbc.targets.contacts_parquet import ContactsParquet, ScheduleParquet

from .conftest import REPO

NAME = pa.dictionary(pa.int32(), pa.string())
TIME = pa.timestamp("ms", tz="UTC")


def artifacts(target, model) -> dict[str, bytes]:
    return {path: b"".join(chunks) for path, chunks in target.emit(model)}


def csv_rows(target, model, path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(artifacts(target, model)[path].decode())))


def iso(stamp) -> str:
    """A timestamp as the CSV writes it, formatted by Python's datetime."""
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def read(content: bytes) -> pa.Table:
    return pq.read_table(io.BytesIO(content))


@pytest.fixture(params=[None, 7], ids=["one-row-group", "row-groups-of-7"])
def batch_rows(request, monkeypatch):
    if request.param:
        monkeypatch.setattr(contacts_parquet, "BATCH_ROWS", request.param)
    return request.param


def test_contacts_parquet_equals_the_csv(conformance_model, batch_rows):
    content = artifacts(ContactsParquet(), conformance_model)["contacts/contacts.parquet"]
    table = read(content)
    assert table.schema.types == [NAME, NAME, TIME, TIME, TIME, pa.float32(), pa.float64()]
    rows = csv_rows(Contacts(), conformance_model, "contacts/contacts.csv")
    assert table.column_names == list(rows[0])
    assert table.num_rows == len(rows) > 0
    metadata = pq.ParquetFile(io.BytesIO(content)).metadata
    expected_groups = -(-len(rows) // batch_rows) if batch_rows else 1
    assert metadata.num_row_groups == expected_groups
    assert metadata.row_group(0).column(0).compression == "ZSTD"
    assert "RLE_DICTIONARY" in metadata.row_group(0).column(0).encodings  # satellite names
    got = table.to_pylist()
    for row, parquet in zip(rows, got, strict=True):
        assert parquet["satellite"] == row["satellite"]
        assert parquet["station"] == row["station"]
        for column in ("aos", "los", "tca"):
            assert iso(parquet[column]) == row[column]
        assert parquet["max_elevation_deg"] == pytest.approx(float(row["max_elevation_deg"]),
                                                             abs=5e-6)
        assert parquet["duration_s"] == float(row["duration_s"])


def test_schedule_parquet_equals_the_csv(conformance_model, batch_rows):
    content = artifacts(ScheduleParquet(), conformance_model)
    assert list(content) == ["contacts/schedule.parquet"]  # schedule.json is `schedule`'s
    table = read(content["contacts/schedule.parquet"])
    assert table.schema.types == [NAME, pa.int32(), NAME, TIME, TIME]
    rows = csv_rows(Schedule(), conformance_model, "contacts/schedule.csv")
    assert table.column_names == list(rows[0])
    assert table.num_rows == len(rows) > 0
    for row, parquet in zip(rows, table.to_pylist(), strict=True):
        assert (parquet["station"], parquet["antenna"], parquet["satellite"]) == (
            row["station"], int(row["antenna"]), row["satellite"])
        assert (iso(parquet["start"]), iso(parquet["end"])) == (row["start"], row["end"])


def test_parquet_is_deterministic(batch_rows):
    # fresh models: the contact plan is cached per model object
    spec = REPO / "examples" / "conformance.orb"
    first, second = (compile_spec(spec).model for _ in range(2))
    for target in (ContactsParquet(), ScheduleParquet()):
        assert artifacts(target, first) == artifacts(target, second)
