"""Feasibility checks end to end: the conformance sample passes, broken variants fail at the
line most responsible, and the figures agree with independent closed forms."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from orbc.cli import main

SAMPLE = (Path(__file__).parents[2] / "examples" / "conformance.orb").read_text()
R_EARTH_KM = 6378.137
MU_KM3_S2 = 398600.4418


def run(tmp_path, capsys, text: str) -> tuple[int, dict]:
    spec = tmp_path / "spec.orb"
    spec.write_text(text)
    code = main(["check", str(spec), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def mutate(old: str, new: str) -> str:
    assert SAMPLE.count(old) == 1, old
    return SAMPLE.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def physics_errors(document: dict) -> set[tuple[str, int]]:
    return {(d["code"], d["line"]) for d in document["diagnostics"]
            if d["severity"] == "error" and d["category"] == "physics"}


def test_conformance_sample_is_feasible(tmp_path, capsys):
    code, document = run(tmp_path, capsys, SAMPLE)
    assert code == 0 and document["ok"], document["diagnostics"]
    relay, compute = document["shells"]["relay"], document["shells"]["compute"]
    assert relay["satellites"] == 528 and compute["satellites"] == 240
    assert relay["isl"]["links"] == 2 * 528  # a +grid link counts once
    assert relay["isl"]["occluded_links"] == 0
    assert 0.70 <= compute["relay"]["availability"] < 1.0  # closes most, not all, of the time
    assert document["summary"]["satellites"] == 768


def test_period_and_sun_synchronous_inclination(tmp_path, capsys):
    _, document = run(tmp_path, capsys, SAMPLE)
    for name, altitude in (("relay", 550.0), ("compute", 650.0)):
        a = R_EARTH_KM + altitude
        kepler = 2 * math.pi * math.sqrt(a**3 / MU_KM3_S2)
        assert document["shells"][name]["period_s"] == pytest.approx(kepler, rel=2e-3)
    # physics.md: 97.99° at 650 km
    assert document["shells"]["compute"]["inclination_deg"] == pytest.approx(97.99, abs=0.05)


def test_inclined_shell_reaches_beta_zero_eclipse(tmp_path, capsys):
    """A 53° shell over five years sees β = 0, so its worst eclipse is the β = 0 value."""
    _, document = run(tmp_path, capsys, SAMPLE)
    h, r = 550.0, R_EARTH_KM + 550.0
    period = 2 * math.pi * math.sqrt(r**3 / MU_KM3_S2)
    beta_zero = period / math.pi * math.acos(math.sqrt(h**2 + 2 * R_EARTH_KM * h) / r)
    assert document["shells"]["relay"]["eclipse_max_s"] == pytest.approx(beta_zero, rel=0.01)


def test_intra_plane_range_is_the_chord(tmp_path, capsys):
    _, document = run(tmp_path, capsys, SAMPLE)
    chord = 2 * (R_EARTH_KM + 550) * math.sin(math.pi / 22)
    assert document["shells"]["relay"]["isl"]["range_max_km"] == pytest.approx(chord, rel=1e-3)


def test_dawn_dusk_shell_high_enough_has_no_eclipse(tmp_path, capsys):
    text = mutate("altitude    = 650 km", "altitude    = 1500 km")
    _, document = run(tmp_path, capsys, text)
    assert document["shells"]["compute"]["eclipse_max_s"] == 0.0


@pytest.mark.parametrize("old, new, code, blame", [
    ("solar_array { area = 520 m^2 }", "solar_array { area = 150 m^2 }", "power-deficit",
     "area = 150 m^2"),
    ("radiator { area = 160 m^2 }", "radiator { area = 60 m^2 }", "thermal-deficit",
     "radiator { area = 60 m^2 }"),
    ("capacity           = 20 kWh", "capacity           = 2 kWh", "battery-depth-exceeded",
     "capacity           = 2 kWh"),
    ("per_plane = 22", "per_plane = 4", "isl-occluded", "per_plane = 4"),
    ("power       = 2 W", "power       = 2 uW", "isl-margin", "power       = 2 uW"),
    ("min_availability = 70 %", "min_availability = 99 %", "relay-availability",
     "min_availability = 99 %"),
    ("power        = 20 W", "power        = 1 uW", "downlink-margin", "power        = 1 uW"),
])
def test_infeasible_variants_fail_at_the_responsible_line(tmp_path, capsys, old, new, code,
                                                          blame):
    text = mutate(old, new)
    exit_code, document = run(tmp_path, capsys, text)
    assert exit_code == 1 and not document["ok"]
    assert (code, line_of(text, blame)) in physics_errors(document)


def test_isl_beyond_policy_max_range(tmp_path, capsys):
    text = mutate("max_range                   = 5000 km", "max_range                   = 1000 km")
    exit_code, document = run(tmp_path, capsys, text)
    assert exit_code == 1
    assert ("isl-beyond-max-range", line_of(text, "= 1000 km")) in physics_errors(document)


def test_walker_star_has_no_seam_links(tmp_path, capsys):
    text = mutate("  walker_delta {\n    planes    = 24", "  walker_star {\n    planes    = 24")
    _, document = run(tmp_path, capsys, text)
    isl = document["shells"]["relay"]["isl"]
    assert isl["links_by_kind"] == {"inter": 23 * 22, "intra": 24 * 22}


def test_shedding_compute_in_eclipse_is_what_keeps_the_battery_in_limits(tmp_path, capsys):
    text = mutate("shed_in_eclipse = true", "shed_in_eclipse = false")
    exit_code, document = run(tmp_path, capsys, text)
    assert exit_code == 1
    assert "battery-depth-exceeded" in {code for code, _ in physics_errors(document)}
