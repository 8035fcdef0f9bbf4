"""Arrow tables to CSV bytes, the way every tabular target writes them."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.csv as pacsv


def csv_bytes(table: pa.Table, header: bool) -> bytes:
    """`table` as CSV, with or without the header line. Every string is quoted (Arrow's
    "needed" style quotes a string value whatever it holds, as any could hold a comma or a
    quote); numbers are not."""
    sink = io.BytesIO()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=header,
                                                     quoting_style="needed"))
    return sink.getvalue()


def csv_stream(tables: Iterable[pa.Table], schema: pa.Schema) -> Iterator[bytes]:
    """The header of `schema`, then each table's rows: one CSV file in chunks."""
    yield csv_bytes(schema.empty_table(), header=True)
    for table in tables:
        yield csv_bytes(table, header=False)
