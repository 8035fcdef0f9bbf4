"""`routes`: every route at every network snapshot, from `orbc.network`.

`routes.csv` has one row per snapshot per route, ordered by time then route
name: `time` (ISO 8601 UTC, milliseconds, `Z`), `route`, `rtt_ms` (twice the
one-way shortest path length over c), `hops` (links on the path) and `path`
(node names from station to station separated by spaces: stations by their
label, satellites `shell-PPP-SSS` as in the other artifacts). `rtt_ms`, `hops`
and `path` are empty at a snapshot with no path.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from orbc.compiler.model import Model
from orbc.constants import SPEED_OF_LIGHT
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.network.nodes import iso_times
from orbc.network.run import network_run
from orbc.targets.tables import csv_bytes

SCHEMA = pa.schema([
    ("time", pa.string()), ("route", pa.string()), ("rtt_ms", pa.float64()),
    ("hops", pa.int32()), ("path", pa.string()),
])


class Routes:
    name = "routes"
    description = "routes.csv: RTT and path of every route at every network snapshot"

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        return []  # the route checks run with `orbc check` (compiler.checks.network)

    def emit(self, model: Model, engine: Engine = LOCAL) -> Iterator[tuple[str, list[bytes]]]:
        yield "routes.csv", [csv_bytes(routes_table(model), header=True)]


def routes_table(model: Model) -> pa.Table:
    """The rows of routes.csv as an Arrow table."""
    run = network_run(model)
    times = iso_times(model.constellation.epoch, run.times_s)
    names = sorted(run.routes)
    columns = {field: [] for field in SCHEMA.names}
    for step, time in enumerate(times):
        for name in names:
            series = run.routes[name]
            path = series.paths[step]
            reachable = len(path) > 0
            columns["time"].append(str(time))
            columns["route"].append(name)
            columns["rtt_ms"].append(2e3 * float(series.length_m[step]) / SPEED_OF_LIGHT
                                     if reachable else None)
            columns["hops"].append(len(path) - 1 if reachable else None)
            columns["path"].append(" ".join(run.nodes.name_of(int(n)) for n in path)
                                   if reachable else None)
    return pa.table({k: pa.array(v, type=SCHEMA.field(k).type) for k, v in columns.items()},
                    schema=SCHEMA)
