"""Routes and latency to ground against an independent recomputation.

The reference flies the TLEs orbc writes with the python `sgp4` library through
skyfield (TEME → ITRS with skyfield's own sidereal time), places the stations
with skyfield's WGS-84, builds the links from the link policies' definitions
written out here, and finds shortest paths with a heap Dijkstra of its own.
"""

from __future__ import annotations

import csv
import heapq
import io
import itertools
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec

from orbc.compiler.pipeline import compile_spec
from orbc.targets.routes import Routes
from orbc.targets.tle import Tle

REPO = Path(__file__).resolve().parents[2]
C = 299_792_458.0
R_EARTH = 6_378_137.0
RTT_TOLERANCE_MS = 0.05

# The conformance example: shell "relay" is a 24 × 22 / F=1 +grid (max_range 5000 km), shell
# "compute" links to its nearest "relay" satellite within 2500 km; grazing altitude 80 km;
# a relay satellite has 12 laser terminals, 4 for its grid, so it serves 8 users at a time.
EXTRA = """
ground_station "honolulu" {
  location      = (21.31 deg, -157.86 deg, 5 m)
  min_elevation = 25 deg
}

network {
  step    = 2 min
  horizon = 60 min
}

route "redmond-awarua" {
  from = "redmond"
  to   = "awarua"
}

route "honolulu-redmond" {
  from = "honolulu"
  to   = "redmond"
}
"""
STATIONS = {"redmond": (47.67, -122.12, 80.0, 25.0), "awarua": (-46.53, 168.38, 10.0, 25.0),
            "honolulu": (21.31, -157.86, 5.0, 25.0)}


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    folder = tmp_path_factory.mktemp("routes")
    spec = folder / "spec.orb"
    spec.write_text((REPO / "examples" / "conformance.orb").read_text() + EXTRA)
    compilation = compile_spec(spec)
    assert compilation.model is not None
    assert {d.code for d in compilation.diagnostics if d.is_error} <= {"relay-oversubscribed"}
    model = compilation.model
    tle = b"".join(b"".join(chunks) for _, chunks in Tle().emit(model)).decode()
    routes = b"".join(b"".join(chunks) for _, chunks in Routes().emit(model)).decode()
    rows = list(csv.DictReader(io.StringIO(routes)))
    reference = _Reference(tle, sorted({r["time"] for r in rows}), model)
    return compilation, rows, reference


class _Reference:
    """Positions, links and shortest paths computed without orbc."""

    def __init__(self, tle_text: str, times: list[str], model):
        from skyfield.api import EarthSatellite, Loader, wgs84
        from skyfield.framelib import itrs
        from skyfield_data import get_skyfield_data_path

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            ts = Loader(get_skyfield_data_path(), verbose=False).timescale(builtin=True)
        lines = tle_text.strip().splitlines()
        self.names = [lines[i][2:].strip() if lines[i].startswith("0 ") else lines[i].strip()
                      for i in range(0, len(lines), 3)]
        stamps = [ts.utc(int(t[:4]), int(t[5:7]), int(t[8:10]), int(t[11:13]), int(t[14:16]),
                         float(t[17:23])) for t in times]
        when = ts.tt_jd(np.array([s.tt for s in stamps]))
        self.times = times
        positions = []
        for i in range(0, len(lines), 3):
            satellite = EarthSatellite.from_satrec(Satrec.twoline2rv(lines[i + 1], lines[i + 2]),
                                                   ts)
            positions.append(satellite.at(when).frame_xyz(itrs).m.T)  # (times, 3)
        self.positions = np.stack(positions, axis=1)  # (times, satellites, 3)
        self.index = {name: i for i, name in enumerate(self.names)}
        self.stations = {}
        for name, (lat, lon, alt, elevation) in STATIONS.items():
            place = wgs84.latlon(lat, lon, elevation_m=alt)
            up = np.array([math.cos(math.radians(lat)) * math.cos(math.radians(lon)),
                           math.cos(math.radians(lat)) * math.sin(math.radians(lon)),
                           math.sin(math.radians(lat))])
            self.stations[name] = (place.itrs_xyz.m, up, math.radians(elevation))
        self.grid = self._grid_pairs()

    def _grid_pairs(self) -> set[tuple[str, str]]:
        planes, per_plane, phasing = 24, 22, 1
        pairs = set()
        for p in range(planes):
            for s in range(per_plane):
                here = f"relay-{p:03d}-{s:03d}"
                pairs.add(frozenset((here, f"relay-{p:03d}-{(s + 1) % per_plane:03d}")))
                q, t = (p + 1, s) if p + 1 < planes else (0, (s + phasing) % per_plane)
                pairs.add(frozenset((here, f"relay-{q:03d}-{t:03d}")))
        return pairs

    @staticmethod
    def clear(a, b, graze_m=80e3) -> bool:
        d = b - a
        f = min(max(-np.dot(a, d) / np.dot(d, d), 0.0), 1.0)
        return np.linalg.norm(a + f * d) - R_EARTH >= graze_m

    def laser_links(self, step: int) -> dict[frozenset, float]:
        where = self.positions[step]
        links = {}
        for pair in self.grid:
            a, b = (where[self.index[n]] for n in pair)
            if np.linalg.norm(a - b) <= 5000e3 and self.clear(a, b):
                links[pair] = float(np.linalg.norm(a - b))
        relays = [i for i, n in enumerate(self.names) if n.startswith("relay-")]
        wanted: dict[int, list[tuple[float, str]]] = {}
        for i, name in enumerate(self.names):
            if not name.startswith("compute-"):
                continue
            distance = np.linalg.norm(where[relays] - where[i], axis=1)
            j = relays[int(np.argmin(distance))]
            if distance.min() <= 2500e3 and self.clear(where[i], where[j]):
                wanted.setdefault(j, []).append((float(distance.min()), name))
        # A relay satellite has 12 terminals, 4 taken by its +grid: it serves its 8 nearest.
        for j, users in wanted.items():
            for length, name in sorted(users)[:8]:
                links[frozenset((name, self.names[j]))] = length
        return links

    def ground_links(self, step: int, station: str) -> dict[str, float]:
        position, up, minimum = self.stations[station]
        line = self.positions[step] - position
        length = np.linalg.norm(line, axis=1)
        seen = line @ up / length >= math.sin(minimum)
        return {self.names[i]: float(length[i]) for i in np.flatnonzero(seen)}

    def shortest(self, step: int, sources: list[str], target: str | None):
        """Heap Dijkstra from the ground links of `sources`; (lengths by satellite, the
        length to `target`'s ground links)."""
        adjacency: dict[str, list[tuple[str, float]]] = {}
        for pair, length in self.laser_links(step).items():
            a, b = tuple(pair)
            adjacency.setdefault(a, []).append((b, length))
            adjacency.setdefault(b, []).append((a, length))
        best: dict[str, float] = {}
        heap = [(length, name) for source in sources
                for name, length in self.ground_links(step, source).items()]
        heapq.heapify(heap)
        while heap:
            length, name = heapq.heappop(heap)
            if name in best:
                continue
            best[name] = length
            for other, hop in adjacency.get(name, ()):
                if other not in best:
                    heapq.heappush(heap, (length + hop, other))
        if target is None:
            return best, None
        ends = self.ground_links(step, target)
        return best, min((best[n] + d for n, d in ends.items() if n in best), default=math.inf)


def test_every_route_row_matches_the_reference(case):
    _, rows, reference = case
    assert len(rows) == 2 * 30
    for row in rows:
        step = reference.times.index(row["time"])
        source, target = row["route"].split("-")
        _, length = reference.shortest(step, [source], target)
        if math.isinf(length):
            assert row["rtt_ms"] == "" and row["path"] == "" and row["hops"] == ""
            continue
        assert abs(float(row["rtt_ms"]) - 2e3 * length / C) < RTT_TOLERANCE_MS, row


def test_every_path_is_made_of_real_links(case):
    _, rows, reference = case
    reachable = [row for row in rows if row["path"]]
    assert len(reachable) > 40
    for row in reachable:
        step = reference.times.index(row["time"])
        path = row["path"].split(" ")
        source, target = row["route"].split("-")
        assert (path[0], path[-1]) == (source, target)
        assert not set(path[1:-1]) & set(STATIONS), "a station in the middle of a path"
        assert int(row["hops"]) == len(path) - 1
        lasers = reference.laser_links(step)
        total = reference.ground_links(step, source)[path[1]]
        total += reference.ground_links(step, target)[path[-2]]
        for a, b in itertools.pairwise(path[1:-1]):
            total += lasers[frozenset((a, b))]  # KeyError: a link that does not exist
        assert abs(float(row["rtt_ms"]) - 2e3 * total / C) < RTT_TOLERANCE_MS


def test_rtt_is_at_least_the_great_circle_at_light_speed(case):
    _, rows, _ = case
    for row in rows:
        if not row["rtt_ms"]:
            continue
        (lat1, lon1, *_), (lat2, lon2, *_) = (STATIONS[n] for n in row["route"].split("-"))
        cosine = (math.sin(math.radians(lat1)) * math.sin(math.radians(lat2))
                  + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2))
                  * math.cos(math.radians(lon2 - lon1)))
        great_circle = 6_371_000.0 * math.acos(cosine)
        assert float(row["rtt_ms"]) >= 2e3 * great_circle / C


def test_route_figures_summarise_the_rows(case):
    compilation, rows, _ = case
    for name, figures in compilation.routes.items():
        rtts = [float(r["rtt_ms"]) for r in rows if r["route"] == name and r["rtt_ms"]]
        assert figures["rtt_ms_min"] == pytest.approx(min(rtts))
        assert figures["rtt_ms_max"] == pytest.approx(max(rtts))
        assert figures["rtt_ms_p50"] == pytest.approx(float(np.median(rtts)))
        assert figures["reachable_fraction"] == len(rtts) / 30


def test_latency_to_ground_matches_the_reference(case):
    compilation, _, reference = case
    samples = {"relay": [], "compute": []}
    for step in range(len(reference.times)):
        best, _ = reference.shortest(step, list(STATIONS), None)
        for name in reference.names:
            samples[re.sub(r"-\d+-\d+$", "", name)].append(best.get(name, math.inf) / C * 1e3)
    for shell, values in samples.items():
        values = np.array(values)
        figures = compilation.shells[shell]["latency_to_ground_ms"]
        reachable = values[np.isfinite(values)]
        assert figures["unreachable_fraction"] == pytest.approx(1 - len(reachable) / len(values))
        assert abs(figures["p50"] - np.percentile(reachable, 50)) < RTT_TOLERANCE_MS / 2
        assert abs(figures["p99"] - np.percentile(reachable, 99)) < RTT_TOLERANCE_MS / 2
        assert abs(figures["max"] - reachable.max()) < RTT_TOLERANCE_MS / 2
