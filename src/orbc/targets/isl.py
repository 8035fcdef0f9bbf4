"""`isl-csv`: every inter-satellite link, one row per link, with its worst-case range and margin.

Grid links (`plus_grid`, `ring`) come from `orbc.compiler.topology.shell_grid_links`
(computed once per model, shared with the checks):
their range is the largest over an orbit and the margin is the optical margin
at that range with the shell hardware's laser terminal at both ends (empty when
the hardware has none). Relay links (`topology = nearest`) join each satellite
of a user shell to the nearest satellite of the relay shell at epoch that is
usable (within `max_range`, clear of `min_grazing_altitude`, closing with
`min_margin`); a relay link is handed over when it leaves that limit, so its
row carries the limit and the margin there. A satellite with no usable relay at
epoch has no row.

Rows are ordered by shell name, then by the first satellite's row in its shell
(plane-major), then by the second's. The CSV is written by pyarrow, one chunk
per shell.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import attrs
import numpy as np
import pyarrow as pa

from orbc.compiler.checks.isl import optical_margin_db
from orbc.compiler.checks.relay import relay_range_limit_m
from orbc.compiler.columns import ShellColumns, expand, shell_satellite_names
from orbc.compiler.model import LinkPolicy, Model, Shell
from orbc.compiler.topology import shell_grid_links
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.physics.geometry import circular_positions_eci, nearest_on_circular_planes
from orbc.targets.tables import csv_bytes

SCHEMA = pa.schema([
    ("a", pa.string()), ("b", pa.string()), ("kind", pa.string()), ("policy", pa.string()),
    ("range_max_km", pa.float64()), ("margin_min_db", pa.float64()),
])


@attrs.frozen
class ShellLinks:
    """The links that start in one shell, as columns sorted by (a, b).

    `a` indexes the shell's rows; `b` indexes the rows of `b_shell` (the shell
    itself for grid links, the relay shell for relay links).
    """

    shell: str
    b_shell: str
    policy: str
    kind: np.ndarray  # str: intra | inter | relay
    a: np.ndarray  # int64
    b: np.ndarray  # int64
    range_max_m: np.ndarray  # float64
    margin_min_db: np.ndarray | None  # float64, None without laser terminals

    def __len__(self) -> int:
        return len(self.a)


def shell_links(model: Model, shell: Shell) -> ShellLinks | None:
    """The grid or relay links of `shell`, or None when its policy makes none."""
    policy = model.link_policies.get(shell.isl) if shell.isl else None
    if policy is None:
        return None
    if policy.topology in ("plus_grid", "ring"):
        return _grid(model, shell, policy)
    if policy.topology == "nearest" and policy.relay in model.shells:
        return _relay(model, shell, policy)
    return None


def _grid(model: Model, shell: Shell, policy: LinkPolicy) -> ShellLinks:
    sets = shell_grid_links(model, shell.name)
    a = np.concatenate([s.a for s in sets]) if sets else np.zeros(0, np.int64)
    b = np.concatenate([s.b for s in sets]) if sets else np.zeros(0, np.int64)
    kind = (np.concatenate([np.full(len(s), s.kind) for s in sets]) if sets
            else np.zeros(0, "<U5"))
    ranges = np.concatenate([s.range_max_m for s in sets]) if sets else np.zeros(0)
    order = np.lexsort((b, a))
    terminal = model.hardware[shell.hardware].laser_terminal
    ranges = ranges[order]
    margin = (np.asarray(optical_margin_db(terminal, terminal, ranges), dtype=float)
              if terminal is not None and len(ranges) else None)
    return ShellLinks(shell.name, shell.name, policy.name, kind[order], a[order], b[order],
                      ranges, margin)


def _relay(model: Model, shell: Shell, policy: LinkPolicy) -> ShellLinks:
    relay = model.shells[policy.relay]
    limit, margin = relay_range_limit_m(model, shell, policy)
    users, relays = expand(shell), expand(relay)
    a, b = nearest_at_epoch(users, relays, relay, limit)
    count = len(a)
    return ShellLinks(shell.name, relay.name, policy.name, np.full(count, "relay"), a, b,
                      np.full(count, limit), None if margin is None else np.full(count, margin))


def nearest_at_epoch(users: ShellColumns, relays: ShellColumns, relay: Shell,
                     limit_m: float) -> tuple[np.ndarray, np.ndarray]:
    """For each user satellite, the nearest relay at epoch if it is within `limit_m`.

    Each shell flies one radius, so the nearest relay has the largest dot product
    r_u·r_r, found plane by plane (`nearest_on_circular_planes`); it is in range
    when that is ≥ (r_u² + r_r² − limit²)/2. Returns (user rows, relay rows),
    users ascending; users without a relay in range are left out.
    """
    if len(users) == 0 or len(relays) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    points = circular_positions_eci(users.semi_major_axis_m, users.inclination_rad,
                                    users.raan_rad, users.mean_anomaly_rad)
    first = np.arange(0, len(relays), relay.per_plane)
    plane, slot, dot = nearest_on_circular_planes(
        points, 0.0, relays.semi_major_axis_m, relays.inclination_rad, relays.raan_rad[first],
        0.0, relays.mean_anomaly_rad[first], 0.0, relay.per_plane)
    threshold = 0.5 * (users.semi_major_axis_m**2 + relays.semi_major_axis_m**2 - limit_m**2)
    rows = np.flatnonzero(dot >= threshold)
    return rows.astype(np.int64), plane[rows] * relay.per_plane + slot[rows]


def link_table(model: Model, links: ShellLinks) -> pa.Table:
    """The CSV rows of one shell's links."""
    names = shell_satellite_names(model.shells[links.shell])
    other = (names if links.b_shell == links.shell
             else shell_satellite_names(model.shells[links.b_shell]))
    count = len(links)
    margin = (pa.array(np.round(links.margin_min_db, 3)) if links.margin_min_db is not None
              else pa.nulls(count, pa.float64()))
    return pa.Table.from_arrays([
        pa.array(names[links.a]), pa.array(other[links.b]), pa.array(links.kind),
        pa.array(np.full(count, links.policy, dtype=object), pa.string()),
        pa.array(np.round(links.range_max_m / 1e3, 3)), margin,
    ], schema=SCHEMA)


class IslCsv:
    name = "isl-csv"
    description = "inter-satellite links (grid and relay), one row per link (CSV)"

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        return []

    def emit(self, model: Model, engine: Engine = LOCAL):
        yield "links/isl.csv", self._chunks(model, engine)

    def _chunks(self, model: Model, engine: Engine) -> Iterator[bytes]:
        yield csv_bytes(SCHEMA.empty_table(), header=True)
        yield from engine.map(partial(_shell_rows, model), sorted(model.shells), "isl-csv")


def _shell_rows(model: Model, name: str) -> bytes:
    """One shell's links as CSV rows without a header (runs on an engine worker)."""
    links = shell_links(model, model.shells[name])
    return csv_bytes(link_table(model, links), header=False) if links is not None and len(links) \
        else b""
