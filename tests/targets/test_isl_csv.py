"""`isl-csv`: link counts, degrees and ranges against an independent computation."""

from __future__ import annotations

import hashlib
import io
import math
from collections import Counter

import numpy as np
import pyarrow.csv as pacsv
import pytest

from orbc.compiler.checks.isl import optical_margin_db
from orbc.targets import isl

MU = 3.986004418e14  # m³/s², as orbc.constants (EGM-96/WGS-84)
R_EARTH = 6378137.0  # m, WGS-84 equatorial


def _read(content: bytes):
    return pacsv.read_csv(io.BytesIO(content)).to_pylist()


@pytest.fixture(scope="module")
def rows(conformance_model, emit_all):
    artifacts = emit_all(isl.IslCsv(), conformance_model)
    assert list(artifacts) == ["links/isl.csv"]
    return _read(artifacts["links/isl.csv"])


def _position(a, inc, raan, u):
    """R3(−Ω)·R1(−i)·(a cos u, a sin u, 0), one satellite at a time (independent of orbc)."""
    in_plane = np.array([a * math.cos(u), a * math.sin(u), 0.0])
    r1 = np.array([[1, 0, 0], [0, math.cos(inc), -math.sin(inc)], [0, math.sin(inc), math.cos(inc)]])
    r3 = np.array([[math.cos(raan), -math.sin(raan), 0], [math.sin(raan), math.cos(raan), 0],
                   [0, 0, 1]])
    return r3 @ r1 @ in_plane


def _index(name: str, shell) -> int:
    _, plane, slot = name.rsplit("-", 2)
    return int(plane) * shell.per_plane + int(slot)


def test_header_and_kinds(rows):
    assert set(rows[0]) == {"a", "b", "kind", "policy", "range_max_km", "margin_min_db"}
    assert {r["kind"] for r in rows} == {"intra", "inter", "relay"}


def test_relay_shell_plus_grid_has_2t_links_and_degree_4(rows, conformance_model):
    shell = conformance_model.shells["relay"]
    grid = [r for r in rows if r["kind"] in ("intra", "inter")]
    assert shell.satellites == 24 * 22
    assert len(grid) == 2 * shell.satellites == 1056
    pairs = {(r["a"], r["b"]) for r in grid}
    assert len(pairs) == len(grid)  # no link twice
    assert all(r["a"] < r["b"] for r in grid)  # each unordered pair once, lower name first
    degree = Counter([r["a"] for r in grid] + [r["b"] for r in grid])
    assert len(degree) == shell.satellites and set(degree.values()) == {4}
    assert Counter(r["kind"] for r in grid) == {"intra": 528, "inter": 528}


def test_rows_are_sorted(rows, conformance_model):
    keys = [(r["a"].split("-")[0], r["a"], r["b"]) for r in rows]
    assert keys == sorted(keys)


def test_intra_plane_range_is_the_chord(rows, conformance_model):
    shell = conformance_model.shells["relay"]
    chord_km = 2 * (R_EARTH + shell.altitude_m) * math.sin(math.pi / shell.per_plane) / 1e3
    intra = [r["range_max_km"] for r in rows if r["kind"] == "intra"]
    assert np.allclose(intra, chord_km, atol=1e-3)  # the CSV keeps metres


def test_inter_plane_ranges_match_a_brute_force_maximum(rows, conformance_model, walker_angles):
    shell = conformance_model.shells["relay"]
    a = R_EARTH + shell.altitude_m
    raan, anomaly = walker_angles(shell)
    n = math.sqrt(MU / a**3)
    times = np.linspace(0.0, 2 * math.pi / n, 20001)
    inter = [r for r in rows if r["kind"] == "inter"]
    seam = [r for r in inter if r["a"].startswith("relay-000-") and r["b"].startswith("relay-023-")]
    assert seam  # the Walker-delta seam is linked too
    for row in [inter[0], inter[100], inter[-1], seam[0]]:
        i, j = _index(row["a"], shell), _index(row["b"], shell)
        distances = [np.linalg.norm(_position(a, shell.inclination_rad, raan[i], anomaly[i] + n * t)
                                    - _position(a, shell.inclination_rad, raan[j],
                                                anomaly[j] + n * t))
                     for t in times]
        assert row["range_max_km"] * 1e3 == pytest.approx(max(distances), abs=2.0)


def test_grid_margin_is_the_terminal_margin_at_range(rows, conformance_model):
    terminal = conformance_model.hardware["relay-v2"].laser_terminal
    for row in (r for r in rows if r["kind"] != "relay"):
        expected = float(optical_margin_db(terminal, terminal, row["range_max_km"] * 1e3))
        assert row["margin_min_db"] == pytest.approx(expected, abs=2e-3)


def test_relay_links_go_to_the_nearest_relay_in_range(rows, conformance_model, walker_angles):
    model = conformance_model
    users, relays = model.shells["compute"], model.shells["relay"]
    limit_km = 2500.0  # the policy's max_range; the laser closes farther, grazing is farther
    relay_rows = [r for r in rows if r["kind"] == "relay"]
    assert all(r["policy"] == "to-relay" and r["range_max_km"] == limit_km for r in relay_rows)
    linked = {r["a"]: r["b"] for r in relay_rows}
    assert len(linked) == len(relay_rows)  # one link per user satellite at most

    a_u, a_r = R_EARTH + users.altitude_m, R_EARTH + relays.altitude_m
    raan_u, m_u = walker_angles(users)
    raan_r, m_r = walker_angles(relays)
    relay_positions = np.array([_position(a_r, relays.inclination_rad, o, m)
                                for o, m in zip(raan_r, m_r, strict=True)])
    for k in range(users.satellites):
        name = f"compute-000-{k:03d}"
        distance = np.linalg.norm(relay_positions - _position(a_u, users.inclination_rad,
                                                              raan_u[k], m_u[k]), axis=1)
        nearest = int(np.argmin(distance))
        if distance[nearest] <= limit_km * 1e3 - 1.0:
            assert linked[name] == f"relay-{nearest // 22:03d}-{nearest % 22:03d}"
        elif distance[nearest] > limit_km * 1e3 + 1.0:
            assert name not in linked
    assert 0 < len(linked) < users.satellites  # some users have no relay at epoch


def test_output_is_deterministic(conformance_model, emit_all):
    first = emit_all(isl.IslCsv(), conformance_model)
    assert emit_all(isl.IslCsv(), conformance_model) == first
    assert b"\r" not in first["links/isl.csv"]


def test_golden(conformance_model, emit_all, golden):
    content = emit_all(isl.IslCsv(), conformance_model)["links/isl.csv"]
    lines = content.decode().split("\n")
    golden("conformance/isl-csv.head", "\n".join(lines[:4] + lines[201:205]) + "\n")
    golden("conformance/isl-csv.sha256",
           f"{hashlib.sha256(content).hexdigest()}  {len(content)} bytes\n")


def test_no_links_gives_a_header_only(compile_text, emit_all):
    model = compile_text(SPEC_WITHOUT_LINKS)
    content = emit_all(isl.IslCsv(), model)["links/isl.csv"]
    assert content.decode().splitlines() == [
        '"a","b","kind","policy","range_max_km","margin_min_db"']


def test_grid_without_terminal_leaves_margin_empty(conformance_model):
    import attrs

    hardware = dict(conformance_model.hardware)
    hardware["relay-v2"] = attrs.evolve(hardware["relay-v2"], laser_terminal=None)
    model = attrs.evolve(conformance_model, hardware=hardware)
    links = isl.shell_links(model, model.shells["relay"])
    table = isl.link_table(model, links)
    assert table.column("margin_min_db").null_count == len(links) == 1056


SPEC_WITHOUT_LINKS = """
constellation "plain" {
  epoch        = 2027-03-21T00:00:00Z
  mission_life = 1 yr
}
hardware "bus" {
  mass = 100 kg
}
shell "s" {
  altitude    = 550 km
  inclination = 53 deg
  walker_delta {
    planes    = 2
    per_plane = 3
    phasing   = 1
  }
  hardware = "bus"
}
schedule {
  horizon      = 1 h
  min_pass     = 60 s
  handover_gap = 10 s
  policy       = max_contact_time
}
"""


def test_grid_links_are_computed_once_per_build(conformance, monkeypatch, tmp_path):
    """The checks and `isl-csv` share one computation of each shell's grid links."""
    from orbc.compiler import topology
    from orbc.compiler.pipeline import compile_spec
    from orbc.targets import build_targets

    calls = Counter()
    computed = topology.grid_links

    def counted(shell, columns, policy):
        calls[shell.name] += 1
        return computed(shell, columns, policy)

    monkeypatch.setattr(topology, "grid_links", counted)
    compilation = compile_spec(conformance)  # a fresh model: results are kept per model
    assert not compilation.errors and calls  # the checks judged the grid links
    build_targets(compilation.model, str(tmp_path / "out"), ["isl-csv"])
    assert set(calls.values()) == {1}
