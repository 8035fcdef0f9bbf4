"""`tle`: the fixed columns, checksums, Alpha-5 numbers and limits, read back with sgp4 and skyfield."""

from __future__ import annotations

import hashlib
import io
import math

import numpy as np
import pytest
from sgp4.alpha5 import from_alpha5, to_alpha5
from sgp4.api import Satrec

from orbc.cli import main
from orbc.targets import tle

R_EARTH_KM = 6378.137  # WGS-84 equatorial radius, the sphere altitudes are measured from

SPEC = """
constellation "t" {{
  epoch        = {epoch}
  mission_life = 5 yr
}}
hardware "h" {{ mass = 100 kg }}
shell "{label}" {{
  altitude    = 550 km
  inclination = 53 deg
  walker_delta {{
    planes    = {planes}
    per_plane = {per_plane}
    phasing   = 1
  }}
  hardware = "h"
}}
"""


def spec(label="s", planes=2, per_plane=3, epoch="2027-03-21T00:00:00Z") -> str:
    return SPEC.format(label=label, planes=planes, per_plane=per_plane, epoch=epoch)


def records(content: str) -> list[tuple[str, str, str]]:
    lines = content.split("\n")
    assert lines[-1] == "" and len(lines) % 3 == 1, "whole three-line sets, LF-terminated"
    return [tuple(lines[i:i + 3]) for i in range(0, len(lines) - 1, 3)]


def checksum(line: str) -> int:
    """The NORAD checksum written out: digits count their value, `-` one, all else zero."""
    return sum(int(c) if c.isdigit() else c == "-" for c in line[:68]) % 10


def angle_error_deg(a, b):
    return np.abs((np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0)


def emit_text(model) -> str:
    (path, chunks), = tle.Tle().emit(model)
    assert path == "tle/satellites.tle"
    return b"".join(chunks).decode("ascii")


@pytest.fixture(scope="module")
def content(conformance_model):
    return emit_text(conformance_model)


def test_every_line_is_69_columns_with_a_valid_checksum(content, conformance_model):
    sets = records(content)
    assert len(sets) == conformance_model.satellites == 768
    for _, line1, line2 in sets:
        assert len(line1) == len(line2) == 69
        assert line1.startswith("1 ") and line2.startswith("2 ")
        assert int(line1[68]) == checksum(line1) and int(line2[68]) == checksum(line2)
        assert line1[2:7] == line2[2:7]


def test_fixed_columns(content):
    _, line1, line2 = records(content)[1]
    assert line1[7] == "U"  # classification
    assert line1[9:17] == " " * 8  # international designator: blank (docs/targets.md)
    assert line1[18:32] == "27080.00000000"  # 2027-03-21 is day 80
    assert line1[33:43] == " .00000000" and line1[44:52] == " 00000-0"  # ṅ/2, n̈/6
    assert line1[53:61] == " 00000-0" and line1[62] == "0"  # B*, ephemeris type
    assert line1[64:68] == "   1"  # element set number
    assert line2[26:33] == "0000000" and line2[34:42] == "  0.0000"  # e, ω
    assert line2[63:68] == "    0"  # revolution number


def test_sgp4_loads_every_set(content, conformance_model):
    for number, (title, line1, line2) in enumerate(records(content), start=1):
        satrec = Satrec.twoline2rv(line1, line2)
        assert satrec.satnum == number
        error, _, _ = satrec.sgp4(satrec.jdsatepoch, satrec.jdsatepochF)
        assert error == 0
    assert title.rstrip() == "relay-023-021"


def test_skyfield_reads_names_and_elements(content):
    from skyfield.iokit import parse_tle_file

    satellites = list(parse_tle_file(io.BytesIO(content.encode())))
    assert len(satellites) == 768
    assert satellites[0].name == "compute-000-000"
    assert satellites[240].name == "relay-000-000"


def test_title_lines_are_padded_to_24_columns(content):
    titles = [title for title, _, _ in records(content)]
    assert all(len(t) == 24 for t in titles)
    assert titles[241] == "relay-000-001".ljust(24)


def test_positions_agree_with_orbc_and_the_declared_mean_radius(
        content, conformance_model, walker_angles, sgp4_mean_radius_km):
    from orbc.physics.geometry import circular_positions_eci

    sets = records(content)
    first = 0
    for name, shell in conformance_model.shells.items():  # sorted by name, as the file
        a_km = R_EARTH_KM + shell.altitude_m / 1e3
        raan, anomaly = walker_angles(shell)
        ours_km = circular_positions_eci(a_km, shell.inclination_rad, raan, anomaly)
        for k in range(shell.satellites):
            satrec = Satrec.twoline2rv(*sets[first + k][1:])
            _, position, _ = satrec.sgp4(satrec.jdsatepoch, satrec.jdsatepochF)
            # SGP4 is not a Keplerian circle: its J3 long-period term alone gives a mean
            # circle an osculating e ≈ ½|J3/J2|·sin i·R/a ≈ 1e-3, 2ae ≈ 15 km along track,
            # and J2's short-period terms add about 2 km.
            assert np.linalg.norm(np.subtract(position, ours_km[k])) < 20.0, (name, k)
        mean_radius = sgp4_mean_radius_km(Satrec.twoline2rv(*sets[first][1:]))
        assert abs(mean_radius - a_km) < 2.0, name
        first += shell.satellites


def test_nodes_and_anomalies_follow_the_walker_pattern(content, conformance_model, walker_angles):
    sets = records(content)
    first = 0
    for shell in conformance_model.shells.values():
        raan, anomaly = walker_angles(shell)
        lines = [line2 for _, _, line2 in sets[first:first + shell.satellites]]
        written_raan = np.array([float(line[17:25]) for line in lines])
        written_anomaly = np.array([float(line[43:51]) for line in lines])
        assert angle_error_deg(written_raan, np.degrees(raan)).max() <= 0.5e-4 + 1e-9
        assert angle_error_deg(written_anomaly, np.degrees(anomaly)).max() <= 0.5e-4 + 1e-9
        assert all(float(line[8:16]) == round(math.degrees(shell.inclination_rad), 4)
                   for line in lines)
        first += shell.satellites


def test_alpha5_matches_sgp4_encoding():
    numbers = np.concatenate([np.arange(0, 340_000, 97), [99_999, 100_000, 339_999]])
    written = tle.alpha5(numbers)
    assert [row.tobytes().decode() for row in written] == [to_alpha5(int(n)) for n in numbers]
    with pytest.raises(ValueError):
        tle.alpha5(np.array([340_000]))


@pytest.fixture(scope="module")
def largest_model(tmp_path_factory):
    """339,999 satellites (33 × 10,303), the most a TLE file numbers."""
    from orbc.compiler.pipeline import compile_spec

    path = tmp_path_factory.mktemp("largest") / "largest.orb"
    path.write_text(spec(planes=33, per_plane=10_303))
    model = compile_spec(path).model
    assert model.satellites == tle.MAX_CATALOG_NUMBER
    return model


@pytest.fixture(scope="module")
def largest_sets(largest_model):
    return records(emit_text(largest_model))


@pytest.mark.parametrize("number", [99_999, 100_000, 123_456, 339_999])
def test_alpha5_catalog_numbers_round_trip_through_sgp4(largest_sets, number):
    _, line1, line2 = largest_sets[number - 1]
    assert line1[2:7] == to_alpha5(number) and from_alpha5(line1[2:7]) == number
    assert int(line1[68]) == checksum(line1) and int(line2[68]) == checksum(line2)
    assert Satrec.twoline2rv(line1, line2).satnum == number


def test_largest_model_has_no_overflow(largest_model):
    assert [d.code for d in tle.Tle().check(largest_model)] == []


def test_overflow_at_340000_satellites_writes_nothing(tmp_path, capsys):
    path = tmp_path / "big.orb"
    path.write_text(spec(planes=400, per_plane=850))
    output = tmp_path / "out"
    assert main(["build", str(path), "-o", str(output), "--target", "tle",
                 "--format", "concise"]) == 1
    assert not output.exists() or not any(output.rglob("*.tle"))
    err = capsys.readouterr().err
    assert "error[tle-catalog-overflow]" in err and "340,000 satellites" in err

    from orbc.compiler.pipeline import compile_spec

    diagnostic, = tle.Tle().check(compile_spec(path).model)
    assert diagnostic.code == "tle-catalog-overflow" and diagnostic.is_error
    assert diagnostic.category == "target"
    assert "340,000" in diagnostic.message and "339,999" in diagnostic.message
    assert "`omm-xml`" in diagnostic.help and "`omm-kvn`" in diagnostic.help
    assert diagnostic.span is not None and diagnostic.span.line == 10  # walker_delta


@pytest.mark.parametrize(("epoch", "expected"), [
    ("2027-03-21T00:00:00", "27080.00000000"),
    ("2027-03-21T06:00:00", "27080.25000000"),
    ("2024-12-31T23:59:59.999", "24366.99999999"),  # leap year, last millisecond
    ("2000-01-01T00:00:00.001", "00001.00000001"),
    ("1957-01-01T00:00:00", "57001.00000000"),
    ("2056-12-31T12:00:00", "56366.50000000"),
    ("1956-12-31T23:59:59", None),
    ("2057-01-01T00:00:00", None),
])
def test_epoch_is_yyddd_with_eight_decimals(epoch, expected):
    assert tle.tle_epoch(np.datetime64(epoch, "ms")) == expected


def test_epoch_outside_1957_2056_is_an_error(compile_text):
    model = compile_text(spec(epoch="2060-01-01T00:00:00Z"))
    diagnostic, = tle.Tle().check(model)
    assert diagnostic.code == "tle-epoch-out-of-range" and diagnostic.is_error
    assert diagnostic.span is not None and diagnostic.span.line == 3
    with pytest.raises(ValueError):
        emit_text(model)


def test_long_names_are_written_in_full_with_a_warning(compile_text):
    model = compile_text(spec(label="a-rather-long-shell-label"))
    diagnostic, = tle.Tle().check(model)
    assert diagnostic.code == "name-too-long" and diagnostic.severity == "warning"
    assert "33 characters" in diagnostic.message
    assert "16 characters or fewer" in diagnostic.help
    titles = [title for title, _, _ in records(emit_text(model))]
    assert titles[0] == "a-rather-long-shell-label-000-000"


@pytest.mark.parametrize(("label", "title"), [
    ("two\\nlines", "two?lines-000-000"),  # a line break cannot start a fake element set
    ("tab\\there", "tab?here-000-000"),
    ("ωmega", "?mega-000-000"),  # TLE files are ASCII (skyfield decodes them as such)
])
def test_characters_a_tle_cannot_carry_become_question_marks(compile_text, label, title):
    from skyfield.iokit import parse_tle_file

    model = compile_text(spec(label=label))
    codes = [d.code for d in tle.Tle().check(model)]
    assert codes == ["name-not-representable"]
    content = emit_text(model)
    sets = records(content)
    assert len(sets) == 6 and sets[0][0].rstrip() == title
    assert next(parse_tle_file(io.BytesIO(content.encode()))).name == title


def test_emit_is_deterministic(conformance_model, content):
    assert emit_text(conformance_model) == content


def test_golden(content, golden):
    sets = records(content)
    excerpt = [sets[k] for k in (0, 1, 239, 240, 241, len(sets) - 1)]
    golden("conformance/tle.head", "".join(f"{a}\n{b}\n{c}\n" for a, b, c in excerpt))
    digest = hashlib.sha256(content.encode()).hexdigest()
    golden("conformance/tle.sha256", f"{digest}  {len(content.encode())} bytes\n")
