"""`omm-xml` and `omm-kvn`: read back with sgp4's OMM reader, against the TLEs and the Walker pattern."""

from __future__ import annotations

import hashlib
import io
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from sgp4 import omm as sgp4_omm
from sgp4.api import Satrec

from orbc.targets import omm, tle

R_EARTH_KM = 6378.137  # WGS-84 equatorial radius, the sphere altitudes are measured from


def emit_bytes(target, model) -> bytes:
    (_, chunks), = target.emit(model)
    return b"".join(chunks)


def read_kvn(content: bytes) -> list[dict[str, str]]:
    """KVN messages as keyword -> value dicts, in order (a reader written out for the test:
    `KEY = value` lines, a message starting at each CCSDS_OMM_VERS)."""
    messages: list[dict[str, str]] = []
    for line in content.decode("ascii").split("\n"):
        if not line.strip():
            continue
        key, value = (part.strip() for part in line.split("=", 1))
        if key == "CCSDS_OMM_VERS":
            messages.append({})
        assert key not in messages[-1]
        messages[-1][key] = value
    return messages


@pytest.fixture(scope="module")
def xml_content(conformance_model):
    return emit_bytes(omm.OmmXml(), conformance_model)


@pytest.fixture(scope="module")
def kvn_content(conformance_model):
    return emit_bytes(omm.OmmKvn(), conformance_model)


@pytest.fixture(scope="module")
def xml_records(xml_content):
    return list(sgp4_omm.parse_xml(io.BytesIO(xml_content)))


def angle_error_deg(a, b):
    return np.abs((np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0)


def satrec(fields) -> Satrec:
    satellite = Satrec()
    sgp4_omm.initialize(satellite, fields)
    return satellite


def test_paths(conformance_model):
    assert [path for path, _ in omm.OmmXml().emit(conformance_model)] == ["omm/satellites.xml"]
    assert [path for path, _ in omm.OmmKvn().emit(conformance_model)] == ["omm/satellites.kvn"]


def test_xml_is_an_ndm_of_omm_3_messages(xml_content, conformance_model):
    root = ET.fromstring(xml_content)
    assert root.tag == "ndm"
    messages = root.findall("omm")
    assert len(messages) == conformance_model.satellites
    for message in messages[:3]:
        assert message.attrib == {"id": "CCSDS_OMM_VERS", "version": "3.0"}
        assert [e.tag for e in message.find("header")] == ["CREATION_DATE", "ORIGINATOR"]
        segment = message.find("body/segment")
        assert [e.tag for e in segment.find("metadata")] == list(omm.METADATA)
        assert [e.tag for e in segment.find("data/meanElements")] == list(omm.MEAN_ELEMENTS)
        assert [e.tag for e in segment.find("data/tleParameters")] == list(omm.TLE_PARAMETERS)
    assert xml_content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')


def test_sgp4_reads_every_xml_record(xml_records, conformance_model):
    assert len(xml_records) == conformance_model.satellites
    for number, fields in enumerate(xml_records, start=1):
        satellite = satrec(fields)
        assert satellite.satnum == number
        assert fields["CENTER_NAME"] == "EARTH" and fields["REF_FRAME"] == "TEME"
        assert fields["TIME_SYSTEM"] == "UTC" and fields["MEAN_ELEMENT_THEORY"] == "SGP4"
        assert fields["EPOCH"] == "2027-03-21T00:00:00.000"


def test_kvn_carries_the_same_values_as_the_xml(kvn_content, xml_records):
    messages = read_kvn(kvn_content)
    assert len(messages) == len(xml_records)
    for message, fields in zip(messages, xml_records):
        assert list(message) == ["CCSDS_OMM_VERS", *omm.KEYWORDS]
        assert message["CCSDS_OMM_VERS"] == "3.0" and message["ORIGINATOR"] == "orbc"
        assert {k: message[k] for k in fields} == fields
        satrec(message)  # sgp4's initialiser takes the KVN values as they are


def test_kvn_lines_are_printable_ascii_and_short(kvn_content):
    text = kvn_content.decode("ascii")
    assert text.startswith("CCSDS_OMM_VERS")
    assert all(len(line) <= omm.KVN_MAX_LINE and line.isprintable() for line in text.split("\n"))


def test_positions_agree_with_the_tles_and_the_mean_radius(
        xml_records, conformance_model, walker_angles, sgp4_mean_radius_km):
    from orbc.physics.geometry import circular_positions_eci

    lines = emit_bytes(tle.Tle(), conformance_model).decode().split("\n")
    first = 0
    for name, shell in conformance_model.shells.items():
        a_km = R_EARTH_KM + shell.altitude_m / 1e3
        ours_km = circular_positions_eci(a_km, shell.inclination_rad, *walker_angles(shell))
        for k in range(shell.satellites):
            line = 3 * (first + k)
            from_omm = satrec(xml_records[first + k])
            from_tle = Satrec.twoline2rv(lines[line + 1], lines[line + 2])
            _, r_omm, _ = from_omm.sgp4(from_omm.jdsatepoch, from_omm.jdsatepochF)
            _, r_tle, _ = from_tle.sgp4(from_tle.jdsatepoch, from_tle.jdsatepochF)
            # The TLE rounds angles to 1e-4° (12 m here) and the epoch to 0.86 ms.
            assert np.linalg.norm(np.subtract(r_omm, r_tle)) < 0.05, (name, k)
            # SGP4's J3 long-period term: see test_tle.test_positions_agree_with_orbc…
            assert np.linalg.norm(np.subtract(r_omm, ours_km[k])) < 20.0, (name, k)
        assert abs(sgp4_mean_radius_km(satrec(xml_records[first])) - a_km) < 2.0, name
        first += shell.satellites


def test_nodes_and_anomalies_follow_the_walker_pattern(
        xml_records, conformance_model, walker_angles):
    first = 0
    for shell in conformance_model.shells.values():
        raan, anomaly = walker_angles(shell)
        plane = np.repeat(np.arange(shell.planes), shell.per_plane)
        slot = np.tile(np.arange(shell.per_plane), shell.planes)
        fields = xml_records[first:first + shell.satellites]
        names = [f"{shell.name}-{p:03d}-{s:03d}" for p, s in zip(plane, slot)]
        assert [f["OBJECT_NAME"] for f in fields] == names
        written_raan = np.array([float(f["RA_OF_ASC_NODE"]) for f in fields])
        written_anomaly = np.array([float(f["MEAN_ANOMALY"]) for f in fields])
        assert angle_error_deg(written_raan, np.degrees(raan)).max() < 1e-8
        assert angle_error_deg(written_anomaly, np.degrees(anomaly)).max() < 1e-8
        assert {float(f["INCLINATION"]) for f in fields} == {
            round(math.degrees(shell.inclination_rad), 9)}
        assert {f["ECCENTRICITY"] for f in fields} == {"0.0"}
        first += shell.satellites


def test_provisional_object_ids_are_unique_and_never_a_real_launch():
    ids = [bytes(row[row != 0]).decode() for row in omm.object_ids(np.arange(1, 20_001), 2027)]
    assert ids[:3] == ["2027-000A", "2027-000B", "2027-000C"]
    assert ids[23:26] == ["2027-000Z", "2027-000AA", "2027-000AB"]
    assert ids[24 + 576 - 1:24 + 576 + 1] == ["2027-000ZZ", "2027-000AAA"]
    assert len(set(ids)) == len(ids)
    assert not any("I" in i[9:] or "O" in i[9:] for i in ids)
    last, = omm.object_ids(np.array([10_000_000]), 2027)
    assert bytes(last[last != 0]).decode().startswith("2027-000")


def test_tle_parameters(xml_records):
    fields = xml_records[241]
    assert fields["OBJECT_ID"] == "2027-000KB"  # 242 = 24·10 + 2: K (10th, I skipped), B
    assert (fields["EPHEMERIS_TYPE"], fields["CLASSIFICATION_TYPE"]) == ("0", "U")
    assert (fields["NORAD_CAT_ID"], fields["ELEMENT_SET_NO"], fields["REV_AT_EPOCH"]) == (
        "242", "1", "0")
    assert (fields["BSTAR"], fields["MEAN_MOTION_DOT"], fields["MEAN_MOTION_DDOT"]) == (
        "0.0", "0.0", "0.0")


@pytest.mark.parametrize("label", [
    "a<b&c",
    "x</OBJECT_NAME><NORAD_CAT_ID>7</NORAD_CAT_ID><OBJECT_NAME>",
    "]]><!--",
    "q\\\"uote'&amp;",
])
def test_labels_cannot_inject_xml(shells_spec, label):
    model = shells_spec([label])
    shell = next(iter(model.shells))
    content = emit_bytes(omm.OmmXml(), model)
    messages = ET.fromstring(content).findall("omm")  # well-formed
    assert len(messages) == 12
    for message in messages:
        assert len(message.findall(".//NORAD_CAT_ID")) == 1
        assert len(message.findall(".//OBJECT_NAME")) == 1
    fields = list(sgp4_omm.parse_xml(io.BytesIO(content)))
    assert fields[0]["OBJECT_NAME"] == f"{shell}-000-000"
    assert [f["NORAD_CAT_ID"] for f in fields] == [str(n) for n in range(1, 13)]
    assert [d.code for d in omm.OmmXml().check(model)] == []


@pytest.mark.parametrize(("label", "xml_name", "kvn_name"), [
    ("ωmega", "ωmega-000-000", "?mega-000-000"),  # XML is UTF-8; KVN is ASCII
    ("two\\nlines", "two?lines-000-000", "two?lines-000-000"),
    ("bell\u0007", "bell?-000-000", "bell?-000-000"),
])
def test_characters_a_format_cannot_carry(shells_spec, label, xml_name, kvn_name):
    model = shells_spec([label])
    xml_fields = list(sgp4_omm.parse_xml(io.BytesIO(emit_bytes(omm.OmmXml(), model))))
    kvn = read_kvn(emit_bytes(omm.OmmKvn(), model))
    assert xml_fields[0]["OBJECT_NAME"] == xml_name and kvn[0]["OBJECT_NAME"] == kvn_name
    assert len(kvn) == 12
    kvn_codes = [d.code for d in omm.OmmKvn().check(model)]
    xml_codes = [d.code for d in omm.OmmXml().check(model)]
    assert kvn_codes == ["name-not-representable"]
    assert xml_codes == ([] if xml_name == f"{next(iter(model.shells))}-000-000"
                         else ["name-not-representable"])


def test_kvn_warns_about_names_longer_than_a_line(shells_spec):
    model = shells_spec(["x" * 240])
    diagnostic, = omm.OmmKvn().check(model)
    assert diagnostic.code == "name-too-long" and diagnostic.severity == "warning"
    assert read_kvn(emit_bytes(omm.OmmKvn(), model))[0]["OBJECT_NAME"] == "x" * 240 + "-000-000"


def test_emits_are_deterministic(conformance_model, xml_content, kvn_content):
    assert emit_bytes(omm.OmmXml(), conformance_model) == xml_content
    assert emit_bytes(omm.OmmKvn(), conformance_model) == kvn_content


def test_chunks_are_batches(conformance_model):
    (_, chunks), = omm.OmmXml().emit(conformance_model)
    sizes = [len(chunk) for chunk in chunks]
    assert len(sizes) == 2 + 2  # prologue, one batch per shell (both under a batch), epilogue


@pytest.mark.parametrize(("target", "lines"), [("omm-xml", 2 + 39), ("omm-kvn", 2 * 25)])
def test_golden(target, lines, xml_content, kvn_content, golden):
    content = xml_content if target == "omm-xml" else kvn_content
    head = b"\n".join(content.split(b"\n")[:lines]).decode() + "\n"
    golden(f"conformance/{target}.head", head)
    golden(f"conformance/{target}.sha256",
           f"{hashlib.sha256(content).hexdigest()}  {len(content)} bytes\n")
