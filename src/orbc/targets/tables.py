"""Arrow tables to CSV or Parquet bytes, the way every tabular target writes them."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq


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


def parquet_stream(tables: Iterable[pa.Table | pa.RecordBatch], schema: pa.Schema,
                   **options) -> Iterator[bytes]:
    """One zstd-compressed Parquet file in chunks: each table (or batch) becomes a row group
    and its bytes are handed on as soon as it is written, so the file is never held whole.
    The bytes depend only on the rows and the pyarrow version (no timestamps). `options`
    go to `pyarrow.parquet.ParquetWriter` (`use_dictionary`, `column_encoding`)."""
    sink = ChunkSink()
    with pq.ParquetWriter(sink, schema, compression="zstd", **options) as writer:
        for table in tables:
            if isinstance(table, pa.RecordBatch):
                writer.write_batch(table)
            else:
                writer.write_table(table, row_group_size=max(table.num_rows, 1))
            yield sink.drain()
    yield sink.drain()


class ChunkSink(io.RawIOBase):
    """A write-only stream whose bytes are handed on as chunks, so Parquet streams too."""

    def __init__(self):
        self._parts: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position

    def drain(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data
