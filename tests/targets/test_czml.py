"""`czml`: the document parsed back as JSON and checked against CZML's packet rules."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

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


def sgp4_period_s(satellite) -> float:
    """The period of the element set's (Kozai) mean motion, seconds; SGP4's own un-Kozai'd
    mean motion differs by parts in 10⁴."""
    return 2 * math.pi / satellite.model.no_kozai * 60.0


def samples(packet) -> np.ndarray:
    """A satellite packet's samples as rows (t, x, y, z)."""
    return np.array(packet["position"]["cartesian"]).reshape(-1, 4)


def lagrange(times, values, at, degree=czml.INTERPOLATION_DEGREE):
    """Cesium's `LagrangePolynomialApproximation` over the degree + 1 samples around each
    instant (the window centred on the interval, shifted inside the samples at the ends)."""
    index = np.searchsorted(times, at, side="right") - 1
    first = np.clip(index - (degree - 1) // 2, 0, len(times) - degree - 1)
    window = first[:, None] + np.arange(degree + 1)  # (instants, degree + 1)
    nodes = times[window]
    offsets = at[:, None] - nodes  # t − t_m
    gaps = nodes[:, :, None] - nodes[:, None, :]  # t_j − t_m
    np.einsum("ijj->ij", gaps)[...] = 1.0
    numerators = np.where(np.eye(degree + 1, dtype=bool)[None], 1.0, offsets[:, None, :])
    weights = numerators.prod(axis=2) / gaps.prod(axis=2)  # ℓ_j(t)
    return np.einsum("ij,ijk->ik", weights, values[window])


def distances_from_sgp4(document, reference, epoch, skyfield_times, every=1):
    """Worst distance (m) of the samples and of the Lagrange-interpolated midpoints from SGP4 in
    GCRS (the sgp4 package, rotated TEME → GCRS by skyfield), over every `every`-th
    satellite."""
    from skyfield.sgp4lib import TEME

    rotations = {}

    def expected(satellite, seconds):
        key = seconds.tobytes()
        if key not in rotations:  # skyfield's GCRS → TEME, (times, 3, 3)
            rotations[key] = np.moveaxis(TEME.rotation_at(skyfield_times(epoch, seconds)), -1, 0)
        satrec = satellite.model
        error, teme_km, _ = satrec.sgp4_array(np.full(len(seconds), satrec.jdsatepoch),
                                              satrec.jdsatepochF + seconds / 86400.0)
        assert not error.any()
        return np.einsum("tji,tj->ti", rotations[key], teme_km) * 1e3

    worst_sample = worst_between = 0.0
    packets = [p for p in document if p["id"].startswith("satellite/")][::every]
    for packet in packets:
        rows = samples(packet)
        satellite = reference[packet["name"]]
        worst_sample = max(worst_sample, np.linalg.norm(
            rows[:, 1:] - expected(satellite, rows[:, 0]), axis=1).max())
        middle = (rows[1:, 0] + rows[:-1, 0]) / 2
        interpolated = lagrange(rows[:, 0], rows[:, 1:], middle)
        worst_between = max(worst_between, np.linalg.norm(
            interpolated - expected(satellite, middle), axis=1).max())
    return worst_sample, worst_between


def test_samples_and_interpolation_follow_sgp4_in_gcrs(document, conformance_model,
                                                       sgp4_reference, skyfield_times):
    """The contract is 1 km at every sample and between samples; frames and rounding leave a
    few metres (IAU 1976/1980 against skyfield's IAU 2006/2000A, the frame bias)."""
    reference = sgp4_reference(conformance_model)
    at_samples, between = distances_from_sgp4(document, reference,
                                              conformance_model.constellation.epoch,
                                              skyfield_times)
    assert at_samples < 20.0
    assert between < 20.0


CZML_SPEC = """
constellation "czml" {{
  epoch        = 2031-07-04T06:30:00Z
  mission_life = 5 yr
}}
hardware "bus" {{
  mass = 200 kg
}}
shell "low" {{
  altitude    = 590 km
  inclination = 97.7 deg
  walker_star {{
    planes    = 6
    per_plane = 10
    phasing   = 1
  }}
  hardware = "bus"
}}
shell "polar" {{
  altitude    = 1200 km
  inclination = 87.9 deg
  walker_delta {{
    planes    = 4
    per_plane = 5
    phasing   = 1
  }}
  hardware = "bus"
}}
shell "meo" {{
  altitude    = 8062 km
  inclination = 10 deg
  walker_delta {{
    planes    = 2
    per_plane = 4
    phasing   = 1
  }}
  hardware = "bus"
}}
{czml}
"""


def test_the_czml_block_sets_shells_horizon_and_step(compile_text, emit_all, sgp4_reference,
                                                     skyfield_times):
    """A 590 km sun-synchronous-like shell and an SDP4 (deep-space, 8,062 km) shell, drawn for
    6 h every 120 s; the third shell is left out."""
    model = compile_text(CZML_SPEC.format(
        czml='czml {\n  horizon = 6 h\n  step = 120 s\n  shells = ["low", "meo"]\n}'))
    assert czml.Czml().check(model) == []
    document = json.loads(emit_all(czml.Czml(), model)["czml/constellation.czml"])
    by_id = check_packets(document)
    drawn = {p["name"].rsplit("-", 2)[0] for p in document if p["id"].startswith("satellite/")}
    assert drawn == {"low", "meo"}
    assert document[0]["clock"]["interval"] == \
        "2031-07-04T06:30:00.000Z/2031-07-04T12:30:00.000Z"
    times = samples(by_id["satellite/low-000-000"])[:, 0]
    assert times[-1] == 6 * 3600 and np.diff(times).max() <= 120.0
    at_samples, between = distances_from_sgp4(document, sgp4_reference(model),
                                              model.constellation.epoch, skyfield_times)
    assert at_samples < 20.0 and between < 20.0


def test_default_step_is_a_36th_of_the_orbit(compile_text, emit_all, sgp4_reference):
    model = compile_text(CZML_SPEC.format(czml=""))
    document = json.loads(emit_all(czml.Czml(), model)["czml/constellation.czml"])
    reference = sgp4_reference(model)
    for shell in ("low", "polar", "meo"):
        packet = next(p for p in document if p["id"] == f"satellite/{shell}-000-000")
        times = samples(packet)[:, 0]
        assert times[-1] == 86400.0
        period = sgp4_period_s(reference[f"{shell}-000-000"])
        # equal steps that fit the horizon, each at most a 36th of the orbit
        assert period / 36 * 0.99 < np.diff(times).max() <= period / 36 * 1.001


def test_a_coarse_step_is_warned_and_strays(compile_text, emit_all, sgp4_reference,
                                            skyfield_times):
    text = CZML_SPEC.format(czml='czml {\n  step = 1200 s\n  shells = ["low"]\n}')
    model = compile_text(text)
    (warning,) = czml.Czml().check(model)
    assert warning.code == "czml-step-coarse" and '"low"' in warning.message
    assert warning.span.line == text.split("\n").index("  step = 1200 s") + 1
    document = json.loads(emit_all(czml.Czml(), model)["czml/constellation.czml"])
    _, between = distances_from_sgp4(document, sgp4_reference(model),
                                     model.constellation.epoch, skyfield_times, every=7)
    assert between > 1000.0  # what the warning is about


def test_a_large_document_is_warned_with_its_size(conformance_model, emit_all, monkeypatch):
    content = emit_all(czml.Czml(), conformance_model)["czml/constellation.czml"]
    estimate = czml.estimated_bytes(conformance_model)
    assert 0.8 * len(content) < estimate < 1.25 * len(content)
    monkeypatch.setattr(czml, "LARGE_DOCUMENT_BYTES", len(content) // 2)
    (warning,) = czml.Czml().check(conformance_model)
    assert warning.code == "czml-large-document"
    assert f"{estimate:,} bytes" in warning.message


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


def test_long_horizon_is_capped_and_warned(conformance_model, emit_all, monkeypatch,
                                           sgp4_reference):
    monkeypatch.setattr(czml, "MAX_STEPS", 72)  # two orbits of the fastest shell
    (warning,) = czml.Czml().check(conformance_model)
    assert warning.code == "czml-horizon-capped"
    document = json.loads(emit_all(czml.Czml(), conformance_model)["czml/constellation.czml"])
    check_packets(document)
    end = document[0]["clock"]["interval"].split("/")[1]
    relay = next(p for p in document if p["id"] == "satellite/relay-000-000")
    span = relay["position"]["cartesian"][-4]
    # two SGP4 periods of the fastest (550 km) shell
    period = sgp4_period_s(sgp4_reference(conformance_model)["relay-000-000"])
    assert span == pytest.approx(2 * period, rel=1e-3)
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
