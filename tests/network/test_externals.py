"""External constellations: another .orb spec and a TLE catalog, used as relays only."""

from __future__ import annotations

import csv
import io
import math
import warnings

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec
from sgp4.exporter import export_tle

from orbc.compiler.pipeline import compile_spec
from orbc.network.nodes import network_nodes
from orbc.targets.routes import Routes
from orbc.targets.tle import Tle

HARDWARE = """
hardware "bus" {{
  mass = 300 kg
  laser_terminal {{
    count       = {count}
    power       = 2 W
    aperture    = 8 cm
    wavelength  = 1550 nm
    rate        = 100 Gbps
    sensitivity = -38 dBm
  }}
  radio "ka" {{
    power        = 20 W
    antenna_gain = 36 dBi
    frequency    = 19 GHz
    bandwidth    = 500 MHz
  }}
}}
"""
OTHER = """
constellation "other" {
  epoch        = 2027-03-20T12:00:00Z
  mission_life = 5 yr
}
""" + HARDWARE.format(count=8) + """
link_policy "grid" {
  topology  = plus_grid
  max_range = 5000 km
}
shell "leo" {
  altitude    = 550 km
  inclination = 53 deg
  walker_delta {
    planes    = 12
    per_plane = 10
    phasing   = 1
  }
  hardware = "bus"
  isl      = "grid"
}
"""
MAIN = """
constellation "mine" {
  epoch        = 2027-03-21T00:00:00Z
  mission_life = 5 yr
}
""" + HARDWARE.format(count=2) + """
external "other" {
  source = "vendor/other.orb"
}
external "catalog" {
  source = "vendor/catalog.tle"
}
link_policy "to-other" {
  topology  = nearest
  relay     = "other/leo"
  max_range = 3000 km
}
link_policy "to-catalog" {
  topology  = nearest
  relay     = "catalog"
  max_range = 3000 km
}
shell "compute" {
  altitude    = 700 km
  inclination = 60 deg
  walker_delta {
    planes    = 1
    per_plane = 40
  }
  hardware = "bus"
  isl      = ["to-other", "to-catalog"]
}
ground_station "madrid" {
  location = (40.4 deg, -3.7 deg)
}
ground_station "santiago" {
  location = (-33.4 deg, -70.6 deg)
}
network {
  step    = 5 min
  horizon = 60 min
}
route "madrid-santiago" {
  from = "madrid"
  to   = "santiago"
}
"""


def _catalog(count: int = 40, seed: int = 7) -> str:
    """TLEs of satellites on unrelated orbits (not a Walker pattern), epoch 2027-03-20."""
    rng = np.random.default_rng(seed)
    lines = []
    for number in range(1, count + 1):
        satellite = Satrec()
        mean_motion = rng.uniform(14.6, 15.4) * 2 * math.pi / 1440.0  # rad/min
        epoch = (np.datetime64("2027-03-20T00:00") - np.datetime64("1949-12-31T00:00")) \
            / np.timedelta64(1, "D")  # sgp4init counts days from 1949-12-31 00:00 UTC
        satellite.sgp4init(WGS72, "i", 90000 + number, epoch, 0.0, 0.0, 0.0, rng.uniform(0, 0.01),
                           rng.uniform(0, 2 * math.pi), rng.uniform(0.6, 1.7),
                           rng.uniform(0, 2 * math.pi), mean_motion, rng.uniform(0, 2 * math.pi))
        one, two = export_tle(satellite)
        lines += [f"RELAY {number}", one, two]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def compiled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("externals")
    (folder / "vendor").mkdir()
    (folder / "vendor" / "other.orb").write_text(OTHER)
    (folder / "vendor" / "catalog.tle").write_text(_catalog())
    (folder / "main.orb").write_text(MAIN)
    compilation = compile_spec(folder / "main.orb")
    assert compilation.model is not None and not compilation.errors, [
        d.message for d in compilation.diagnostics]
    return compilation


def test_externals_are_not_ours(compiled):
    model = compiled.model
    assert model.satellites == 40 and compiled.summary["satellites"] == 40
    assert set(compiled.shells) == {"compute"}
    assert set(model.externals) == {"catalog", "other"}
    nodes = network_nodes(model)
    assert nodes.satellites == 40 + 120 + 40


def test_routes_relay_through_external_satellites(compiled):
    text = b"".join(b"".join(c) for _, c in Routes().emit(compiled.model)).decode()
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["path"]]
    assert rows, "madrid and santiago are never connected"
    hops = {name.split("/")[0] for row in rows for name in row["path"].split(" ")[1:-1]}
    assert "other" in hops


def _skyfield():
    from skyfield.api import Loader
    from skyfield_data import get_skyfield_data_path

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return Loader(get_skyfield_data_path(), verbose=False).timescale(builtin=True)


@pytest.mark.parametrize("minutes", [0.0, 37.0, 60.0])
def test_external_positions_match_sgp4_and_skyfield(compiled, minutes):
    """Catalog satellites (their own epoch) and the external spec's satellites (its own
    epoch, 12 h before ours) where sgp4 + skyfield put them at our epoch + t."""
    from skyfield.api import EarthSatellite
    from skyfield.framelib import itrs

    ts = _skyfield()
    model = compiled.model
    nodes = network_nodes(model)
    positions = nodes.positions_m(minutes * 60.0)
    when = ts.utc(2027, 3, 21, 0, minutes)
    other_tle = b"".join(b"".join(c) for _, c in Tle().emit(model.externals["other"].model))
    lines = other_tle.decode().splitlines()
    pairs = [(f"other/{lines[i].strip()}", lines[i + 1], lines[i + 2])
             for i in range(0, len(lines), 3)]
    catalog = _catalog().splitlines()
    pairs += [(f"catalog/{catalog[i].replace(' ', '_')}", catalog[i + 1], catalog[i + 2])
              for i in range(0, len(catalog), 3)]
    rows = {nodes.name_of(i): i for i in range(40, nodes.satellites)}
    for name, one, two in pairs:
        satellite = EarthSatellite.from_satrec(Satrec.twoline2rv(one, two), ts)
        expected = satellite.at(when).frame_xyz(itrs).m
        assert np.linalg.norm(positions[rows[name]] - expected) < 1000.0, name
