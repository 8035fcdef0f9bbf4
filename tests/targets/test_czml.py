"""`czml`: the document parsed back as JSON and checked against CZML's packet rules."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

from orbc.compiler.columns import expand, satellite_names
from orbc.physics.geometry import circular_positions_eci
from orbc.targets import czml


def parse_reference(text: str) -> tuple[str, list[str]]:
    """Cesium's `ReferenceProperty.fromString`: `id#property.sub`, `\\` escapes the next
    character."""
    identifier, values, token, in_identifier, escaped = None, [], "", True, False
    for c in text:
        if escaped:
            token += c
            escaped = False
        elif c == "\\":
            escaped = True
        elif in_identifier and c == "#":
            identifier, token, in_identifier = token, "", False
        elif not in_identifier and c == ".":
            values.append(token)
            token = ""
        else:
            token += c
    values.append(token)
    assert identifier is not None, text
    return identifier, values


def check_packets(document: list) -> dict:
    """The packet rules every document must keep; returns id -> packet."""
    assert isinstance(document, list) and document
    first = document[0]
    assert first["id"] == "document" and first["version"] == "1.0"
    assert set(first["clock"]) == {"interval", "currentTime", "multiplier", "range", "step"}
    ids = [packet["id"] for packet in document]
    assert len(ids) == len(set(ids)), "packet ids are not unique"
    by_id = dict(zip(ids, document, strict=True))
    for packet in document[1:]:
        position = packet.get("position", {})
        if "cartesian" in position:
            samples = position["cartesian"]
            assert len(samples) % 4 == 0 and len(samples) >= 4 * 6  # enough for Lagrange-5
            times = samples[0::4]
            assert times[0] == 0.0 and all(b > a for a, b in itertools.pairwise(times))
            assert position["referenceFrame"] == "INERTIAL"
            assert position["interpolationAlgorithm"] == "LAGRANGE"
        if "polyline" in packet:
            for text in packet["polyline"]["positions"]["references"]:
                target, path = parse_reference(text)
                assert target in by_id, f"{text} references no packet"
                assert path == ["position"] and "position" in by_id[target]
    return by_id


@pytest.fixture(scope="module")
def document(conformance_model, emit_all):
    artifacts = emit_all(czml.Czml(), conformance_model)
    assert list(artifacts) == ["czml/constellation.czml"]
    return json.loads(artifacts["czml/constellation.czml"])


def test_packet_rules(document, conformance_model):
    by_id = check_packets(document)
    clock = document[0]["clock"]
    assert clock["interval"] == "2027-03-21T00:00:00.000Z/2027-03-22T00:00:00.000Z"
    assert clock["currentTime"] == "2027-03-21T00:00:00.000Z"
    satellites = [i for i in by_id if i.startswith("satellite/")]
    assert len(satellites) == conformance_model.satellites
    assert {i for i in by_id if i.startswith("station/")} == {"station/awarua", "station/redmond"}
    assert len([i for i in by_id if i.startswith("link/")]) == 1056  # the relay shell's grid


def test_samples_cover_the_horizon_every_tenth_of_an_orbit(document):
    packet = next(p for p in document if p["id"] == "satellite/relay-000-000")
    times = np.array(packet["position"]["cartesian"][0::4])
    assert times[-1] == 86400.0
    period = 2 * math.pi * math.sqrt((6378137.0 + 550e3) ** 3 / 3.986004418e14)
    assert np.diff(times).max() <= period / 36 + 1e-3


def test_positions_at_epoch_match_the_circular_orbit(document, conformance_model):
    packets = {p["id"]: p for p in document}
    for shell in conformance_model.shells.values():
        columns = expand(shell)
        expected = circular_positions_eci(columns.semi_major_axis_m, columns.inclination_rad,
                                          columns.raan_rad, columns.mean_anomaly_rad)
        names = satellite_names(shell.name, columns.plane, columns.slot)
        for name, position in zip(names, expected, strict=True):
            cartesian = packets[f"satellite/{name}"]["position"]["cartesian"]
            assert np.allclose(cartesian[1:4], position, atol=0.01)  # metres to the centimetre


def test_stations_are_longitude_latitude_height(document):
    station = next(p for p in document if p["id"] == "station/redmond")
    assert station["position"]["cartographicDegrees"] == pytest.approx([-122.12, 47.67, 80.0])


def test_labels_stay_data(shells_spec, emit_all):
    label = 'a\\"]}, {\\"id\\": \\"document\\"}#x\\\\y.z'
    model = shells_spec([label, "b"], extra="""
ground_station "gs\\"</script>" {
  location      = (10 deg, 20 deg, 0 m)
  min_elevation = 10 deg
  antennas      = 1
}
""", grid=True)
    document = json.loads(emit_all(czml.Czml(), model)["czml/constellation.czml"])
    by_id = check_packets(document)
    shell = next(iter(s for s in model.shells if s.startswith("a")))
    assert f"satellite/{shell}-000-000" in by_id
    assert by_id[f"satellite/{shell}-000-000"]["name"] == f"{shell}-000-000"
    assert [p["id"] for p in document].count("document") == 1
    links = [p for p in document if p["id"].startswith(f"link/{shell}-")]
    assert len(links) == 200  # 2T, each end resolved by check_packets despite `#` and `\\`


def test_large_constellation_drops_links_and_warns(conformance_model, emit_all, monkeypatch):
    assert czml.Czml().check(conformance_model) == []
    monkeypatch.setattr(czml, "MAX_SATELLITES", 100)
    (warning,) = czml.Czml().check(conformance_model)
    assert warning.code == "czml-too-large" and warning.severity == "warning"
    document = json.loads(emit_all(czml.Czml(), conformance_model)["czml/constellation.czml"])
    check_packets(document)
    assert not [p for p in document if p["id"].startswith("link/")]
    assert len([p for p in document if p["id"].startswith("satellite/")]) == 768


def test_long_horizon_is_capped_and_warned(conformance_model, emit_all, monkeypatch):
    monkeypatch.setattr(czml, "MAX_STEPS", 72)  # two orbits of the fastest shell
    (warning,) = czml.Czml().check(conformance_model)
    assert warning.code == "czml-horizon-capped"
    document = json.loads(emit_all(czml.Czml(), conformance_model)["czml/constellation.czml"])
    check_packets(document)
    end = document[0]["clock"]["interval"].split("/")[1]
    relay = next(p for p in document if p["id"] == "satellite/relay-000-000")
    span = relay["position"]["cartesian"][-4]
    assert span == pytest.approx(2 * 5738.99, abs=0.1)  # two periods of the 550 km shell
    assert end == str(np.datetime64("2027-03-21T00:00:00.000") +
                      np.timedelta64(round(span * 1000), "ms")) + "Z"


def test_golden(conformance_model, emit_all, golden):
    """The short packets only: sampled positions pass through sin/cos, whose last bit may
    differ between platforms and flip a centimetre, so the whole file has no hash golden."""
    content = emit_all(czml.Czml(), conformance_model)["czml/constellation.czml"].decode()
    lines = content.split("\n")
    short = [line for line in lines if not line.startswith('{"id":"satellite/')]
    golden("conformance/czml.head", "\n".join(short[:6] + short[-3:]))


def test_output_is_deterministic(conformance_model, emit_all):
    assert emit_all(czml.Czml(), conformance_model) == emit_all(czml.Czml(), conformance_model)
