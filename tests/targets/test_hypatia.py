"""`hypatia`: satgenpy's input folder, read with satgenpy's own readers and run through its
pipeline (`help_dynamic_state`), its routes checked against independent skyfield geometry.

satgenpy (0.4.0, with the dependencies it imports: astropy, ephem, exputil, geopy,
networkx, and through its package `__init__` cartopy, matplotlib and statsmodels) is in
the `test` extra.
"""

from __future__ import annotations

import hashlib
import io
import math
from pathlib import Path

import attrs
import exputil
import numpy as np
import pyarrow.csv as pacsv
import pytest
import satgen
from astropy import units
from satgen.post_analysis import compute_path_length_without_graph, get_path
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from sgp4.api import WGS72, Satrec
from skyfield.api import EarthSatellite, load, wgs84
from skyfield.framelib import itrs

from orbc.compiler.pipeline import compile_spec
from orbc.targets import flight, hypatia, isl
from orbc.targets.writer import write_atomically

R_EARTH = 6378137.0
SPEED_OF_LIGHT = 299_792_458.0
FILES = ("tles.txt", "isls.txt", "ground_stations.txt", "gsl_interfaces_info.txt",
         "description.txt")


def write_folder(model, directory: Path) -> Path:
    """The `hypatia` target written to disk as `orbc build` writes it; returns `hypatia/`."""
    for relative, chunks in hypatia.Hypatia().emit(model):
        write_atomically(directory, relative, chunks)
    return directory / "hypatia"


def read_folder(folder: Path) -> dict:
    """Every file of a network folder through satgenpy's own readers, as
    `help_dynamic_state` and `print_routes_and_rtt` read them."""
    tles = satgen.read_tles(str(folder / "tles.txt"))
    stations = satgen.read_ground_stations_extended(str(folder / "ground_stations.txt"))
    description = exputil.PropertiesConfig(str(folder / "description.txt"))
    return {
        "tles": tles,
        "isls": satgen.read_isls(str(folder / "isls.txt"), len(tles["satellites"])),
        "stations": stations,
        "interfaces": satgen.read_gsl_interfaces_info(
            str(folder / "gsl_interfaces_info.txt"), len(tles["satellites"]), len(stations)),
        "max_gsl_length_m": float(description.get_property_or_fail("max_gsl_length_m")),
        "max_isl_length_m": float(description.get_property_or_fail("max_isl_length_m")),
    }


def tle_lines(folder: Path) -> list[tuple[str, str, str]]:
    """(name, line 1, line 2) per satellite of `tles.txt`, after its header."""
    lines = (folder / "tles.txt").read_text(encoding="ascii").split("\n")
    assert lines[-1] == ""
    return [tuple(lines[i:i + 3]) for i in range(1, len(lines) - 1, 3)]


@pytest.fixture(scope="module")
def conformance_folder(conformance_model, tmp_path_factory):
    return write_folder(conformance_model, tmp_path_factory.mktemp("conformance"))


@pytest.fixture(scope="module")
def artifacts(conformance_model, emit_all):
    return {path: content.decode("ascii")
            for path, content in emit_all(hypatia.Hypatia(), conformance_model).items()}


def test_one_network_folder_per_shell(artifacts):
    assert sorted(artifacts) == sorted(f"hypatia/{shell}/{name}" for shell in ("compute", "relay")
                                       for name in FILES)


def test_satgenpy_reads_every_file(conformance_folder):
    for shell, (planes, per_plane) in {"relay": (24, 22), "compute": (1, 240)}.items():
        folder = read_folder(conformance_folder / shell)
        tles = folder["tles"]
        assert (tles["n_orbits"], tles["n_sats_per_orbit"]) == (planes, per_plane)
        assert len(tles["satellites"]) == planes * per_plane
        assert tles["epoch"].isot == "2027-03-21T00:00:00.000"
        # Satellites first, then the two stations: one interface each, at the full rate.
        assert folder["interfaces"] == [{"number_of_interfaces": 1,
                                         "aggregate_max_bandwidth": 1.0}] * (planes * per_plane + 2)
        assert len(folder["isls"]) == (1056 if shell == "relay" else 0)
    # pyephem, which satgenpy computes with, flies the TLE at the declared altitude.
    satellite = tles["satellites"][0]
    satellite.compute(tles["epoch"].strftime("%Y/%m/%d %H:%M:%S"))
    assert abs(satellite.elevation / 1e3 - 650.0) < 30.0


def test_tles_match_the_flight_table(conformance_folder, conformance_model):
    rows = {row["name"]: row for batch in flight.batches(conformance_model)
            for row in batch.to_pylist()}
    for shell_name, per_plane in (("relay", 22), ("compute", 240)):
        for sid, (name, line1, line2) in enumerate(tle_lines(conformance_folder / shell_name)):
            assert name == f"{shell_name} {sid}"
            for line in (line1, line2):
                digits = sum(int(c) if c.isdigit() else c == "-" for c in line[:68])
                assert len(line) == 69 and digits % 10 == int(line[68]), line
            satrec = Satrec.twoline2rv(line1, line2, WGS72)
            assert satrec.satnum == sid + 1
            # pyephem cannot fly e = 0, so Hypatia's eccentricity is 1e-7.
            assert satrec.ecco == pytest.approx(1e-7)
            row = rows[f"{shell_name}-{sid // per_plane:03d}-{sid % per_plane:03d}"]
            assert math.degrees(satrec.inclo) == pytest.approx(row["inclination_deg"], abs=1e-4)
            assert math.degrees(satrec.nodeo) == pytest.approx(row["raan_deg"], abs=1e-4)
            assert math.degrees(satrec.mo) == pytest.approx(row["mean_anomaly_deg"] % 360,
                                                            abs=1e-4)


def test_isls_are_the_grid_links(conformance_folder, conformance_model, emit_all):
    relay = satgen.read_isls(str(conformance_folder / "relay" / "isls.txt"), 528)
    assert len(relay) == 1056 and relay == sorted(relay)
    csv = pacsv.read_csv(io.BytesIO(emit_all(isl.IslCsv(), conformance_model)["links/isl.csv"]))

    def index(name):
        _, plane, slot = name.rsplit("-", 2)
        return int(plane) * 22 + int(slot)

    grid = {(index(r["a"]), index(r["b"])) for r in csv.to_pylist()
            if r["kind"] in ("intra", "inter")}
    assert set(relay) == grid


def test_ground_stations_in_the_extended_format(conformance_folder):
    stations = satgen.read_ground_stations_extended(
        str(conformance_folder / "relay" / "ground_stations.txt"))
    assert [(s["gid"], s["name"], float(s["latitude_degrees_str"]),
             float(s["longitude_degrees_str"]), s["elevation_m_float"]) for s in stations] == [
        (0, "awarua", -46.53, 168.38, 10.0), (1, "redmond", 47.67, -122.12, 80.0)]
    for station in stations:
        reference = wgs84.latlon(float(station["latitude_degrees_str"]),
                                 float(station["longitude_degrees_str"]),
                                 station["elevation_m_float"]).itrs_xyz.m
        written = [station[f"cartesian_{axis}"] for axis in "xyz"]
        assert written == pytest.approx(reference, abs=2e-3)


def test_description_lengths(conformance_folder, conformance_model):
    relay = read_folder(conformance_folder / "relay")
    assert relay["max_isl_length_m"] == 5_000_000.0  # max_range, shorter than grazing
    # The longest GSL: a point at the orbit radius seen from a station at its 25° mask,
    # along the geocentric vertical. Awarua and Redmond sit at about the same radius.
    longest = 0.0
    for station in relay["stations"]:
        position = np.array([station[f"cartesian_{axis}"] for axis in "xyz"])
        up = position / np.linalg.norm(position)
        north = np.cross(np.cross(up, [0.0, 0.0, 1.0]), up)
        north /= np.linalg.norm(north)
        elevation = math.radians(25)
        line = math.cos(elevation) * north + math.sin(elevation) * up
        # Solve |position + d·line| = R⊕ + 550 km (the relay shell) for d > 0.
        b, c = position @ line, position @ position - (R_EARTH + 550e3) ** 2
        longest = max(longest, -b + math.sqrt(b * b - c))
    assert relay["max_gsl_length_m"] == pytest.approx(longest, abs=1e-3)
    compute = read_folder(conformance_folder / "compute")
    grazing = 2 * math.sqrt((R_EARTH + 650e3) ** 2 - (R_EARTH + 80e3) ** 2)
    assert compute["max_isl_length_m"] == pytest.approx(grazing, abs=1e-3)


def test_gsl_interfaces_stream_in_batches():
    chunks = list(hypatia._gsl_interfaces(200_000))
    assert len(chunks) > 1
    lines = b"".join(chunks).decode("ascii").splitlines()
    assert lines[0] == "0,1,1.0" and lines[-1] == "199999,1,1.0" and len(lines) == 200_000


def test_relay_links_are_a_warning(conformance_model):
    (warning,) = hypatia.Hypatia().check(conformance_model)
    assert warning.code == "hypatia-relay-links" and warning.severity == "warning"


def test_a_shell_without_a_radio_is_a_warning(shells_spec):
    """satgenpy would link its satellites to the ground all the same."""
    station = """
ground_station "x" {
  location      = (10 deg, 20 deg, 0 m)
  min_elevation = 10 deg
  antennas      = 1
}
"""
    (warning,) = hypatia.Hypatia().check(shells_spec(["bare"], extra=station))
    assert (warning.code, warning.severity) == ("hypatia-no-radio", "warning")
    line = Path(warning.span.file).read_text().splitlines()[warning.span.line - 1]
    assert line.split() == ["hardware", "=", '"bus"']
    assert hypatia.Hypatia().check(shells_spec(["bare"])) == []  # no station, no ground link


def test_epoch_outside_20yy_is_an_error(conformance_model):
    constellation = attrs.evolve(conformance_model.constellation,
                                 epoch=np.datetime64("1999-12-31T00:00:00.000"))
    model = attrs.evolve(conformance_model, constellation=constellation)
    codes = {d.code for d in hypatia.Hypatia().check(model) if d.is_error}
    assert codes == {"hypatia-epoch-out-of-range"}
    with pytest.raises(ValueError):
        list(hypatia.Hypatia().emit(model))


def test_labels_become_safe_folder_and_station_names(shells_spec, tmp_path):
    model = shells_spec(["../evil", "a b", "a_b"], extra="""
ground_station "x,y\\nz" {
  location      = (10 deg, 20 deg, 0 m)
  min_elevation = 10 deg
  antennas      = 1
}
""")
    root = write_folder(model, tmp_path)
    folders = sorted(path.name for path in root.iterdir())
    assert folders == ["a_b", "a_b_2", "x___evil"]
    for name in folders:
        folder = read_folder(root / name)
        assert {s.name.split()[0] for s in folder["tles"]["satellites"]} == {name}
        assert [s["name"] for s in folder["stations"]] == ["x_y_z"]


def test_golden(artifacts, golden):
    head = "".join(f"== {path}\n" + "\n".join(text.split("\n")[:7]).rstrip("\n") + "\n"
                   for path, text in sorted(artifacts.items()))
    golden("conformance/hypatia.head", head)
    golden("conformance/hypatia.sha256", "".join(
        f"{hashlib.sha256(text.encode()).hexdigest()}  {path}\n"
        for path, text in sorted(artifacts.items())))


# --- satgenpy's pipeline on an orbc folder -----------------------------------------------

MESH_SPEC = """
constellation "pipeline" {
  epoch        = 2027-03-21T00:00:00Z
  mission_life = 1 yr
}
hardware "bus" {
  mass = 100 kg
  laser_terminal {
    count       = 4
    power       = 10 W
    aperture    = 8 cm
    wavelength  = 1550 nm
    rate        = 10 Gbps
    sensitivity = -38 dBm
  }
  radio "ka-down" {
    power        = 20 W
    antenna_gain = 36 dBi
    frequency    = 19 GHz
    bandwidth    = 500 MHz
  }
}
link_policy "grid" {
  topology   = plus_grid
  min_margin = 3 dB
}
shell "mesh" {
  altitude    = 550 km
  inclination = 53 deg
  walker_delta {
    planes    = 10
    per_plane = 10
    phasing   = 1
  }
  hardware = "bus"
  isl      = "grid"
}
ground_station "madrid" {
  location      = (40.42 deg, -3.70 deg, 650 m)
  min_elevation = 10 deg
  antennas      = 1
  radio { g_over_t = 16 dB/K }
}
ground_station "paris" {
  location      = (48.86 deg, 2.35 deg, 35 m)
  min_elevation = 15 deg
  antennas      = 1
  radio { g_over_t = 16 dB/K }
}
ground_station "singapore" {
  location      = (1.35 deg, 103.82 deg, 15 m)
  min_elevation = 10 deg
  antennas      = 1
  radio { g_over_t = 16 dB/K }
}
ground_station "svalbard" {
  location      = (78.23 deg, 15.39 deg, 500 m)
  min_elevation = 10 deg
  antennas      = 1
  radio { g_over_t = 16 dB/K }
}
schedule {
  horizon      = 2 h
  min_pass     = 60 s
  handover_gap = 10 s
  policy       = max_contact_time
}
"""
STEP_MS, DURATION_S = 20_000, 1200
# pyephem's SGP4 and station model against skyfield's: ~110 m on a ground link, ~30 m on
# an ISL (measured on this mesh). A GSL within this of the limit may be in or out.
GEOMETRY_TOLERANCE_M = 300.0


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """The mesh's folder after satgenpy's `help_dynamic_state`, driven as Hypatia's own
    `main_helper.py` drives it, with the lengths from the folder's `description.txt`."""
    directory = tmp_path_factory.mktemp("pipeline")
    (directory / "spec.orb").write_text(MESH_SPEC, encoding="utf-8")
    compilation = compile_spec(directory / "spec.orb")
    assert not compilation.diagnostics, [d.message for d in compilation.diagnostics]
    assert hypatia.Hypatia().check(compilation.model) == []
    root = write_folder(compilation.model, directory)
    network = read_folder(root / "mesh")
    satgen.help_dynamic_state(str(root), 1, "mesh", STEP_MS, DURATION_S,
                              network["max_gsl_length_m"], network["max_isl_length_m"],
                              "algorithm_free_one_only_over_isls", False)
    return root / "mesh", network


def forwarding_states(dynamic_state: Path, satellites: int, stations: int):
    """(t ns, fstate) per step; satgenpy writes only the changed entries after t = 0."""
    fstate: dict[tuple[int, int], int] = {}
    for t in range(0, DURATION_S * 10**9, STEP_MS * 10**6):
        with open(dynamic_state / f"fstate_{t}.txt") as rows:
            for row in rows:
                current, destination, next_hop, *_ = (int(x) for x in row.split(","))
                fstate[(current, destination)] = next_hop
        if t == 0:  # every (node, station) pair has an entry from the start
            assert len(fstate) == (satellites + stations) * stations - stations
        yield t, dict(fstate)


def skyfield_geometry(folder: Path, network: dict, seconds: np.ndarray):
    """Independent positions, Earth-fixed metres: satellites (steps, T, 3) by skyfield's
    SGP4 of the TLE lines, stations (G, 3) on the WGS-84 ellipsoid."""
    timescale = load.timescale(builtin=True)
    times = timescale.utc(2027, 3, 21, 0, 0, seconds)
    satellites = np.stack([
        EarthSatellite(line1, line2, name, timescale).at(times).frame_xyz(itrs).m.T
        for name, line1, line2 in tle_lines(folder)], axis=1)
    stations = np.array([wgs84.latlon(float(s["latitude_degrees_str"]),
                                      float(s["longitude_degrees_str"]),
                                      s["elevation_m_float"]).itrs_xyz.m
                         for s in network["stations"]])
    return satellites, stations


def shortest_length_m(satellites, isls, src, dst, max_gsl_m) -> float:
    """Shortest src → dst station path over the ISLs and ground links no longer than
    `max_gsl_m`, with no other station on the way; inf if there is none."""
    count = len(satellites)
    a, b = np.array(isls).T
    gsl_src = np.flatnonzero(np.linalg.norm(satellites - src, axis=1) <= max_gsl_m)
    gsl_dst = np.flatnonzero(np.linalg.norm(satellites - dst, axis=1) <= max_gsl_m)
    rows = np.concatenate([a, np.full(len(gsl_src), count), gsl_dst])
    cols = np.concatenate([b, gsl_src, np.full(len(gsl_dst), count + 1)])
    nodes = np.vstack([satellites, src, dst])
    weights = np.linalg.norm(nodes[rows] - nodes[cols], axis=1)
    graph = csr_matrix((weights, (rows, cols)), shape=(count + 2, count + 2))
    return float(dijkstra(graph, directed=False, indices=count)[count + 1])


def test_satgenpy_pipeline_writes_every_step(pipeline):
    folder, network = pipeline
    dynamic_state = folder / f"dynamic_state_{STEP_MS}ms_for_{DURATION_S}s"
    steps = DURATION_S * 1000 // STEP_MS
    assert len(list(dynamic_state.glob("fstate_*.txt"))) == steps
    # Satellites: their GSL interface comes after the four grid ISL interfaces.
    bandwidth = (dynamic_state / "gsl_if_bandwidth_0.txt").read_text().splitlines()
    assert bandwidth == [f"{sid},4,1.000000" for sid in range(100)] + [
        f"{100 + gid},0,1.000000" for gid in range(4)]
    # Paris has the highest mask, so its slant range is not the longest.
    assert network["max_gsl_length_m"] > 1.5e6


def test_satgenpy_routes_match_skyfield_geometry(pipeline):
    """Every station pair at every step: satgenpy's route (its own `get_path` over the
    fstate and `compute_path_length_without_graph`, which also checks each hop exists and
    is in range) is a station–satellites–station path as long as the shortest path in an
    independent graph from skyfield positions, and exists exactly when that one does."""
    folder, network = pipeline
    satellites, epoch = network["tles"]["satellites"], network["tles"]["epoch"]
    stations, isls = network["stations"], network["isls"]
    count, max_gsl = len(satellites), network["max_gsl_length_m"]
    seconds = np.arange(0, DURATION_S * 1000, STEP_MS) / 1000.0
    positions, station_positions = skyfield_geometry(folder, network, seconds)
    dynamic_state = folder / f"dynamic_state_{STEP_MS}ms_for_{DURATION_S}s"
    compared = reachable = multi_hop = 0
    for step, (t, fstate) in enumerate(forwarding_states(dynamic_state, count, len(stations))):
        for src in range(len(stations)):
            for dst in range(len(stations)):
                if src == dst:
                    continue
                path = get_path(count + src, count + dst, fstate)
                # The reference with ambiguous ground links (within the tolerance of the
                # limit) left out, and with them in.
                longest, shortest = (shortest_length_m(
                    positions[step], isls, station_positions[src], station_positions[dst],
                    max_gsl + sign * GEOMETRY_TOLERANCE_M) for sign in (-1, 1))
                compared += 1
                if path is None:
                    assert math.isinf(shortest), (t, src, dst)
                    continue
                assert not math.isinf(longest) or not math.isinf(shortest), (t, src, dst)
                assert path[0] == count + src and path[-1] == count + dst
                assert all(node < count for node in path[1:-1]), "stations never relay"
                length = compute_path_length_without_graph(
                    path, epoch, t, satellites, stations, isls, max_gsl,
                    network["max_isl_length_m"])
                hops = len(path) - 1
                assert shortest - hops * GEOMETRY_TOLERANCE_M <= length, (t, src, dst)
                assert length <= longest + hops * GEOMETRY_TOLERANCE_M, (t, src, dst)
                # satgenpy's ground-link lengths against skyfield's.
                for station, sid in ((src, path[1]), (dst, path[-2])):
                    ours = np.linalg.norm(positions[step, sid] - station_positions[station])
                    theirs = satgen.distance_m_ground_station_to_satellite(
                        stations[station], satellites[sid], str(epoch),
                        str(epoch + t * units.ns))
                    assert theirs == pytest.approx(ours, abs=GEOMETRY_TOLERANCE_M)
                reachable += 1
                multi_hop += hops >= 4
    # The comparison must have bite: Madrid, Paris and Singapore are joined through the
    # mesh, over up to 8 hops; Svalbard (78° N) never sees a 53° shell at a 10° mask.
    assert compared == len(seconds) * 12
    assert reachable == len(seconds) * 6 and multi_hop > 0, (reachable, multi_hop)
