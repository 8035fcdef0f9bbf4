"""`gmat`: the mission script read back by a small regex reader of GMAT's script syntax."""

from __future__ import annotations

import hashlib
import re

import pytest

from orbc.targets import flight, gmat

IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
ELEMENTS = ("SMA", "ECC", "INC", "RAAN", "AOP", "TA")


def read_script(text: str) -> dict:
    """GMAT script statements as the reader joins them: lines ending in `...` continue, `%`
    starts a comment line. Returns created objects, assignments and mission commands."""
    statements, pending = [], ""
    for line in text.split("\n"):
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("%")):
            continue
        if stripped.endswith("..."):
            pending += stripped[:-3] + " "
            continue
        statements.append(pending + stripped)
        pending = ""
    assert not pending, "the script ends inside a continued line"
    created, fields, commands = {}, {}, []
    for statement in statements:
        assert statement.endswith(";"), statement
        if m := re.fullmatch(r"Create (\w+) (\w+);", statement):
            assert m[2] not in created, f"{m[2]} created twice"
            created[m[2]] = m[1]
        elif m := re.fullmatch(r"GMAT (\w+)\.([\w.]+) = (.+);", statement):
            fields.setdefault(m[1], {})[m[2]] = m[3]
        else:
            commands.append(statement)
    return {"created": created, "fields": fields, "commands": commands}


@pytest.fixture(scope="module")
def script(conformance_model, emit_all):
    artifacts = emit_all(gmat.Gmat(), conformance_model)
    assert list(artifacts) == ["gmat/mission.script"]
    text = artifacts["gmat/mission.script"].decode("ascii")  # GMAT reads ASCII only
    return text, read_script(text)


def test_every_spacecraft_has_its_six_elements_from_the_flight_table(script, conformance_model):
    _, parsed = script
    rows = [row for batch in flight.batches(conformance_model) for row in batch.to_pylist()]
    spacecraft = [name for name, kind in parsed["created"].items() if kind == "Spacecraft"]
    assert len(spacecraft) == len(rows) == conformance_model.satellites
    for row in rows:
        name = row["name"].replace("-", "_")
        fields = parsed["fields"][name]
        assert set(ELEMENTS) <= set(fields)
        assert fields["DateFormat"] == "UTCGregorian"
        assert fields["Epoch"] == "'21 Mar 2027 00:00:00.000'"
        assert fields["CoordinateSystem"] == "EarthMJ2000Eq"
        assert fields["DisplayStateType"] == "Keplerian"
        assert float(fields["SMA"]) == pytest.approx(row["semi_major_axis_km"], abs=1e-6)
        assert float(fields["ECC"]) == row["eccentricity"] == 0.0
        assert float(fields["INC"]) == pytest.approx(row["inclination_deg"], abs=1e-9)
        assert float(fields["RAAN"]) == pytest.approx(row["raan_deg"], abs=1e-9)
        assert float(fields["AOP"]) == row["arg_perigee_deg"] == 0.0
        # A circle: the true anomaly is the mean anomaly.
        assert float(fields["TA"]) == pytest.approx(row["mean_anomaly_deg"], abs=1e-9)


def test_identifiers_are_valid_and_unique(script):
    _, parsed = script
    for name in parsed["created"]:
        assert IDENTIFIER.fullmatch(name), name
    assert set(parsed["fields"]) <= set(parsed["created"])


def test_force_model_propagator_and_mission(script, conformance_model):
    _, parsed = script
    created, fields = parsed["created"], parsed["fields"]
    assert created[gmat.FORCE_MODEL] == "ForceModel"
    model_fields = fields[gmat.FORCE_MODEL]
    assert model_fields["CentralBody"] == "Earth"
    assert model_fields["GravityField.Earth.PotentialFile"] == "'JGM2.cof'"
    assert model_fields["GravityField.Earth.Degree"] == model_fields[
        "GravityField.Earth.Order"] == "4"
    assert created[gmat.PROPAGATOR] == "Propagator"
    assert fields[gmat.PROPAGATOR]["FM"] == gmat.FORCE_MODEL
    assert fields[gmat.PROPAGATOR]["Type"] == "RungeKutta89"
    assert parsed["commands"][0] == "BeginMissionSequence;"
    (propagate,) = parsed["commands"][1:]
    m = re.fullmatch(rf"Propagate {gmat.PROPAGATOR}\((.*)\) \{{(\w+)\.ElapsedSecs = (\S+)\}};",
                     propagate)
    assert m, propagate
    propagated = [name.strip() for name in m[1].split(",")]
    spacecraft = [n for n, kind in created.items() if kind == "Spacecraft"]
    assert propagated == spacecraft
    assert m[2] == spacecraft[0]
    assert float(m[3]) == conformance_model.schedule.horizon_s == 86400.0


def test_labels_cannot_inject_script(shells_spec, emit_all):
    labels = ['evil\\"; Create Spacecraft Pwned; %', "x\\nGMAT Earth.Radius = 1;", "x;n",
              "x_n", "9lives", "évé"]
    model = shells_spec(labels)
    text = emit_all(gmat.Gmat(), model)["gmat/mission.script"].decode("ascii")
    parsed = read_script(text)
    spacecraft = [n for n, kind in parsed["created"].items() if kind == "Spacecraft"]
    assert len(spacecraft) == len(set(spacecraft)) == 12 * len(labels)
    assert "Pwned" not in parsed["created"] and "Earth" not in parsed["fields"]
    for name in parsed["created"]:
        assert IDENTIFIER.fullmatch(name), name
    assert set(parsed["fields"]) <= set(parsed["created"])
    # "x\n…" and "x;n" and "x_n" all sanitise to x_…; they stay apart.
    prefixes = {name.rsplit("_", 2)[0] for name in spacecraft}
    assert len(prefixes) == len(labels)


def test_large_constellation_warns(conformance_model, monkeypatch):
    assert gmat.Gmat().check(conformance_model) == []
    monkeypatch.setattr(gmat, "MAX_SATELLITES", 100)
    (warning,) = gmat.Gmat().check(conformance_model)
    assert warning.code == "gmat-too-large" and warning.severity == "warning"


def test_epoch_text():
    import numpy as np

    assert gmat.gmat_epoch(np.datetime64("2027-03-21T00:00:00.000")) == "21 Mar 2027 00:00:00.000"
    assert gmat.gmat_epoch(np.datetime64("2030-12-01T23:59:59.125")) == "01 Dec 2030 23:59:59.125"


def test_golden(script, golden):
    text, _ = script
    lines = text.split("\n")
    golden("conformance/gmat.head", "\n".join(lines[:20] + lines[-60:]))
    content = text.encode("ascii")
    golden("conformance/gmat.sha256",
           f"{hashlib.sha256(content).hexdigest()}  {len(content)} bytes\n")
