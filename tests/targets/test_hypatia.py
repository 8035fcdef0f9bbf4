"""`hypatia`: satgenpy's input files, read back the way satgenpy reads them.

satgenpy itself is not a test dependency: it pulls astropy, cartopy, matplotlib,
statsmodels, networkx, geopy, ephem and exputil. The readers below follow its
own (`satgen/tles/read_tles.py`, `satgen/isls/read_isls.py`,
`satgen/ground_stations/read_ground_stations.py`, satgenpy 0.4.0) check for
check; the last test runs the real ones when satgenpy is installed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import math
from pathlib import Path

import attrs
import numpy as np
import pyarrow.csv as pacsv
import pytest
from sgp4.api import WGS72, Satrec

from orbc.targets import flight, hypatia, isl

R_EARTH = 6378137.0


def read_tles(text: str) -> dict:
    """satgenpy's `read_tles`: header `n_orbits n_sats_per_orbit`, then name/line 1/line 2
    triples, the second word of the name the id 0, 1, 2 …, one epoch for all."""
    lines = text.split("\n")
    assert lines[-1] == ""
    n_orbits, n_sats_per_orbit = (int(n) for n in lines[0].split())
    records = lines[1:-1]
    assert len(records) % 3 == 0
    satellites, epoch = [], None
    for i in range(0, len(records), 3):
        name, line1, line2 = records[i:i + 3]
        assert int(name.split()[1]) == i // 3, "satellite ids must go 0, 1, 2 …"
        year, day = "20" + line1[18:20], float(line1[20:32])  # as satgenpy reads it
        assert epoch in (None, (year, day)), "one epoch for all"
        epoch = (year, day)
        for line in (line1, line2):
            assert len(line) == 69
            digits = sum(int(c) if c.isdigit() else c == "-" for c in line[:68])
            assert digits % 10 == int(line[68]), f"bad checksum: {line}"
        satellites.append((name, line1, line2, Satrec.twoline2rv(line1, line2, WGS72)))
    return {"n_orbits": n_orbits, "n_sats_per_orbit": n_sats_per_orbit, "epoch": epoch,
            "satellites": satellites}


def read_isls(text: str, num_satellites: int) -> list[tuple[int, int]]:
    """satgenpy's `read_isls`: `a b` per line, both < N, a < b, no duplicates."""
    isls = []
    for line in text.splitlines():
        a, b = (int(x) for x in line.split())
        assert 0 <= a < b < num_satellites
        isls.append((a, b))
    assert len(set(isls)) == len(isls)
    return isls


def read_ground_stations_basic(text: str) -> list[dict]:
    """satgenpy's `read_ground_stations_basic`: five comma-separated columns, gid 0, 1, 2 …"""
    stations = []
    for gid, line in enumerate(text.splitlines()):
        split = line.split(",")
        assert len(split) == 5 and int(split[0]) == gid
        stations.append({"gid": gid, "name": split[1], "latitude": float(split[2]),
                         "longitude": float(split[3]), "elevation_m": float(split[4])})
    return stations


def read_description(text: str) -> dict[str, float]:
    pairs = dict(line.split("=") for line in text.splitlines())
    assert set(pairs) == {"max_gsl_length_m", "max_isl_length_m"}
    return {key: float(value) for key, value in pairs.items()}


@pytest.fixture(scope="module")
def artifacts(conformance_model, emit_all):
    return {path: content.decode("ascii")
            for path, content in emit_all(hypatia.Hypatia(), conformance_model).items()}


def test_one_folder_per_shell(artifacts):
    files = ("tles.txt", "isls.txt", "ground_stations.txt", "description.txt")
    assert sorted(artifacts) == sorted(f"hypatia/{shell}/{name}" for shell in ("compute", "relay")
                                       for name in files)


def test_tles_read_and_match_the_flight_table(artifacts, conformance_model):
    rows = {row["name"]: row for batch in flight.batches(conformance_model)
            for row in batch.to_pylist()}
    for shell_name, (planes, per_plane) in {"relay": (24, 22), "compute": (1, 240)}.items():
        tles = read_tles(artifacts[f"hypatia/{shell_name}/tles.txt"])
        assert (tles["n_orbits"], tles["n_sats_per_orbit"]) == (planes, per_plane)
        assert tles["epoch"] == ("2027", 80.0)  # 21 March 2027, day 80
        assert len(tles["satellites"]) == planes * per_plane
        for sid, (name, _, _, satrec) in enumerate(tles["satellites"]):
            assert name == f"{shell_name} {sid}"
            assert satrec.satnum == sid + 1
            # pyephem cannot fly e = 0, so Hypatia's eccentricity is 1e-7.
            assert satrec.ecco == pytest.approx(1e-7)
            row = rows[f"{shell_name}-{sid // per_plane:03d}-{sid % per_plane:03d}"]
            assert math.degrees(satrec.inclo) == pytest.approx(row["inclination_deg"], abs=1e-4)
            assert math.degrees(satrec.nodeo) == pytest.approx(row["raan_deg"], abs=1e-4)
            assert math.degrees(satrec.mo) == pytest.approx(row["mean_anomaly_deg"] % 360,
                                                            abs=1e-4)
            error, position, _ = satrec.sgp4_tsince(0.0)
            assert error == 0
            altitude_km = np.linalg.norm(position) - R_EARTH / 1e3
            assert altitude_km == pytest.approx(conformance_model.shells[shell_name].altitude_m
                                                / 1e3, abs=15)


def test_isls_are_the_grid_links(artifacts, conformance_model, emit_all):
    relay = read_isls(artifacts["hypatia/relay/isls.txt"], 528)
    assert read_isls(artifacts["hypatia/compute/isls.txt"], 240) == []
    assert len(relay) == 1056 and relay == sorted(relay)
    csv = pacsv.read_csv(io.BytesIO(emit_all(isl.IslCsv(), conformance_model)["links/isl.csv"]))

    def index(name):
        _, plane, slot = name.rsplit("-", 2)
        return int(plane) * 22 + int(slot)

    grid = {(index(r["a"]), index(r["b"])) for r in csv.to_pylist()
            if r["kind"] in ("intra", "inter")}
    assert set(relay) == grid


def test_ground_stations_and_description(artifacts, conformance_model):
    stations = read_ground_stations_basic(artifacts["hypatia/relay/ground_stations.txt"])
    assert [(s["name"], s["latitude"], s["longitude"], s["elevation_m"]) for s in stations] == [
        ("awarua", -46.53, 168.38, 10.0), ("redmond", 47.67, -122.12, 80.0)]
    description = read_description(artifacts["hypatia/relay/description.txt"])
    assert description["max_isl_length_m"] == 5_000_000.0  # max_range, shorter than grazing
    # Slant range at the 25° mask from awarua (10 m up), the longer of the two.
    radius, elevation = R_EARTH + 550e3 - 10.0, math.radians(25)
    slant = math.sqrt(radius**2 - (R_EARTH * math.cos(elevation)) ** 2) - R_EARTH * math.sin(
        elevation)
    assert description["max_gsl_length_m"] == pytest.approx(slant, abs=1e-3)
    compute = read_description(artifacts["hypatia/compute/description.txt"])
    grazing = 2 * math.sqrt((R_EARTH + 650e3) ** 2 - (R_EARTH + 80e3) ** 2)
    assert compute["max_isl_length_m"] == pytest.approx(grazing, abs=1e-3)


def test_relay_links_are_a_warning(conformance_model):
    (warning,) = hypatia.Hypatia().check(conformance_model)
    assert warning.code == "hypatia-relay-links" and warning.severity == "warning"


def test_epoch_outside_20yy_is_an_error(conformance_model):
    constellation = attrs.evolve(conformance_model.constellation,
                                 epoch=np.datetime64("1999-12-31T00:00:00.000"))
    model = attrs.evolve(conformance_model, constellation=constellation)
    codes = {d.code for d in hypatia.Hypatia().check(model) if d.is_error}
    assert codes == {"hypatia-epoch-out-of-range"}
    with pytest.raises(ValueError):
        list(hypatia.Hypatia().emit(model))


def test_labels_become_safe_folder_and_station_names(shells_spec, emit_all):
    model = shells_spec(["../evil", "a b", "a_b"], extra="""
ground_station "x,y\\nz" {
  location      = (10 deg, 20 deg, 0 m)
  min_elevation = 10 deg
  antennas      = 1
}
""")
    artifacts = emit_all(hypatia.Hypatia(), model)
    folders = sorted({path.split("/")[1] for path in artifacts})
    assert folders == ["a_b", "a_b_2", "x___evil"]
    for folder in folders:
        tles = read_tles(artifacts[f"hypatia/{folder}/tles.txt"].decode("ascii"))
        assert {name.split()[0] for name, *_ in tles["satellites"]} == {folder}
        (station,) = read_ground_stations_basic(
            artifacts[f"hypatia/{folder}/ground_stations.txt"].decode("ascii"))
        assert station["name"] == "x_y_z"


def test_golden(artifacts, golden):
    head = "".join(f"== {path}\n" + "\n".join(text.split("\n")[:7]).rstrip("\n") + "\n"
                   for path, text in sorted(artifacts.items()))
    golden("conformance/hypatia.head", head)
    golden("conformance/hypatia.sha256", "".join(
        f"{hashlib.sha256(text.encode()).hexdigest()}  {path}\n"
        for path, text in sorted(artifacts.items())))


def _satgen_module(relative: str):
    """A reader module of the installed satgenpy, loaded by path: satgen's package
    `__init__` imports cartopy and matplotlib, which its readers do not need."""
    found = importlib.util.find_spec("satgen")
    if found is None:
        pytest.skip("satgenpy is not installed (make test installs it)")
    path = Path(next(iter(found.submodule_search_locations))) / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_satgenpy_reads_the_folder(conformance_model, tmp_path):
    tles = _satgen_module("tles/read_tles.py").read_tles
    isls = _satgen_module("isls/read_isls.py").read_isls
    stations = _satgen_module("ground_stations/read_ground_stations.py")

    from orbc.targets.writer import write_atomically

    for relative, chunks in hypatia.Hypatia().emit(conformance_model):
        write_atomically(tmp_path, relative, chunks)
    for shell, count in (("relay", 528), ("compute", 240)):
        folder = tmp_path / "hypatia" / shell
        constellation = tles(str(folder / "tles.txt"))
        assert len(constellation["satellites"]) == count
        assert len(stations.read_ground_stations_basic(str(folder / "ground_stations.txt"))) == 2
    assert len(isls(str(tmp_path / "hypatia" / "relay" / "isls.txt"), 528)) == 1056
    # pyephem, which satgenpy computes with, flies the TLE at the declared altitude.
    satellite = constellation["satellites"][0]
    satellite.compute(constellation["epoch"].strftime("%Y/%m/%d %H:%M:%S"))
    assert abs(satellite.elevation / 1e3 - 650.0) < 30.0
