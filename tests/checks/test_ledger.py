"""The ledger end to end: subsystem masses, the launch rule and compute delivered, each
against a sum done by hand from the spec's own numbers."""

from __future__ import annotations

import json

import pytest

from orbc.cli import main

SPEC = """
constellation "ledger" {
  epoch        = 2027-03-21T00:00:00Z
  mission_life = 5 yr
}

hardware "sat" {
  mass = MASS
  solar_array {
    area          = 100 m^2
    efficiency    = 30 %
    areal_density = 1.2 kg/m^2
  }
  radiator {
    area          = 20 m^2
    emissivity    = 0.9
    temperature   = 330 K
    areal_density = 3.5 kg/m^2
  }
  battery {
    capacity           = 15 kWh
    depth_of_discharge = 50 %
    specific_energy    = 150 Wh/kg
  }
  compute {
    accelerators = 8
    power_each   = 1 kW
    flops_each   = 1 PFLOPS
    mass_each    = 6 kg
  }
  laser_terminal {
    count       = 4
    power       = 2 W
    aperture    = 8 cm
    wavelength  = 1550 nm
    rate        = 100 Gbps
    sensitivity = -38 dBm
    mass        = 12 kg
  }
  radio "a" { power = 20 W; antenna_gain = 36 dBi; frequency = 19 GHz; bandwidth = 500 MHz; mass = 5 kg }
  radio "b" { power = 20 W; antenna_gain = 36 dBi; frequency = 19 GHz; bandwidth = 500 MHz; mass = 7 kg }
  load "bus" { mass = 180 kg }
  load "avionics" { power = 500 W }
  load "heaters" { power = 100 W }
}

launcher "small" {
  payload = PAYLOAD
}

shell "launched" {
  altitude    = 550 km
  inclination = 53 deg
  walker_delta { planes = 4; per_plane = 10; phasing = 1 }
  hardware = "sat"
  launcher = "small"
}

shell "other" {
  altitude    = 600 km
  inclination = 70 deg
  walker_delta { planes = 2; per_plane = 5 }
  hardware = "sat"
}
"""

# By hand: 100·1.2 + 20·3.5 + 15,000/150 + 8·6 + 4·12 + 5 + 7 + 180 (avionics and heaters declare no mass).
BY_HAND_KG = {"solar_array": 120.0, "radiator": 70.0, "battery": 100.0, "compute": 48.0,
              "laser_terminal": 48.0, "radio.a": 5.0, "radio.b": 7.0, "load.bus": 180.0}
ESTIMATE_KG = 578.0


def check(tmp_path, capsys, mass="600 kg", payload="2 t") -> tuple[int, dict, str]:
    text = SPEC.replace("MASS", mass).replace("PAYLOAD", payload)
    spec = tmp_path / "spec.orb"
    spec.write_text(text)
    code = main(["check", str(spec), "--format", "json"])
    return code, json.loads(capsys.readouterr().out), text


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_estimate_is_the_hand_sum(tmp_path, capsys):
    code, document, _ = check(tmp_path, capsys)
    assert code == 0, document["diagnostics"]
    mass = document["shells"]["launched"]["mass_kg"]
    assert mass["declared"] == 600.0
    assert mass["by_subsystem"] == pytest.approx(BY_HAND_KG)
    assert mass["estimated"] == pytest.approx(ESTIMATE_KG)


def test_figures_of_merit_by_hand(tmp_path, capsys):
    _, document, _ = check(tmp_path, capsys)
    shell = document["shells"]["launched"]
    # Array BOL: 100 m² · 30 % · 1361 W/m² · 0.90 packing, over the declared 600 kg.
    assert shell["specific_power_w_per_kg"] == pytest.approx(100 * 0.30 * 1361 * 0.90 / 600)
    assert shell["compute_w_per_t"] == pytest.approx(8 * 1000 / 0.6)
    assert shell["compute"]["joules_per_flop"] == pytest.approx(1000 / 1e15)
    summary = document["summary"]
    assert summary["mass_to_orbit_t"] == pytest.approx(50 * 0.6)  # 40 + 10 satellites


def test_launches_follow_the_rule(tmp_path, capsys):
    # floor(2,000 / 600) = 3 satellites a launch; a plane of 10 needs ceil(10 / 3) = 4; 4 planes.
    _, document, _ = check(tmp_path, capsys)
    launched = document["shells"]["launched"]
    assert launched["satellites_per_launch"] == 3
    assert launched["launches"] == 16
    assert document["shells"]["other"]["launches"] is None  # it names no launcher
    assert document["summary"]["launches"] == 16


def test_exact_multiple_fills_a_launch(tmp_path, capsys):
    # 1.8 t / 600 kg is 3 exactly (not 2.999…): ceil(10 / 3) = 4 launches per plane still,
    # and 6 t / 600 kg = 10 puts each plane on one launch.
    _, document, _ = check(tmp_path, capsys, payload="1.8 t")
    assert document["shells"]["launched"]["satellites_per_launch"] == 3
    _, document, _ = check(tmp_path, capsys, payload="6 t")
    assert document["shells"]["launched"]["launches"] == 4


def test_declared_mass_below_the_estimate_fails_at_the_mass_line(tmp_path, capsys):
    code, document, text = check(tmp_path, capsys, mass=f"{ESTIMATE_KG - 30:g} kg")
    assert code == 1
    (error,) = [d for d in document["diagnostics"] if d["code"] == "mass-exceeded"]
    assert error["line"] == line_of(text, "mass = 548 kg")
    # The three heaviest: the bus load, the array, the battery.
    for part in ("load.bus 180.0 kg", "solar_array 120.0 kg", "battery 100.0 kg"):
        assert part in error["message"]
    assert "radiator" not in error["message"]
    assert error["suggestion"]["replacement"] == "578 kg"


def test_estimate_equal_to_the_declared_mass_passes(tmp_path, capsys):
    code, document, _ = check(tmp_path, capsys, mass="578 kg")
    assert code == 0, document["diagnostics"]


def test_launcher_too_small_for_one_satellite(tmp_path, capsys):
    code, document, text = check(tmp_path, capsys, payload="0.5 t")
    assert code == 1
    (error,) = [d for d in document["diagnostics"] if d["code"] == "launcher-too-small"]
    assert error["line"] == line_of(text, 'launcher = "small"')


def test_delivered_compute_without_shedding_is_the_peak(tmp_path, capsys):
    _, document, _ = check(tmp_path, capsys)
    peak = (40 + 10) * 8 * 1e15
    assert document["summary"]["compute_flops_peak"] == pytest.approx(peak)
    assert document["summary"]["compute_flops_delivered"] == pytest.approx(peak)


def test_delivered_compute_follows_utilisation_when_shed(tmp_path, capsys):
    text = SPEC.replace("mass_each    = 6 kg", "mass_each    = 6 kg\n    shed_in_eclipse = true")
    spec = tmp_path / "spec.orb"
    spec.write_text(text.replace("MASS", "600 kg").replace("PAYLOAD", "2 t"))
    main(["check", str(spec), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    shells = document["shells"]
    delivered = sum(8 * 1e15 * s["satellites"] * s["compute"]["utilisation"]
                    for s in shells.values())
    for figures in shells.values():
        assert 0.55 < figures["compute"]["utilisation"] < 0.9
    assert document["summary"]["compute_flops_delivered"] == pytest.approx(delivered)
    assert document["summary"]["compute_flops_delivered"] < document["summary"][
        "compute_flops_peak"]


def test_human_table_fits_160_columns(tmp_path, capsys):
    spec = tmp_path / "spec.orb"
    spec.write_text(SPEC.replace("MASS", "600 kg").replace("PAYLOAD", "2 t"))
    main(["check", str(spec)])
    out = capsys.readouterr().out
    assert "launches" in out and "delivered" in out and "mass kg" in out
    assert max(len(line) for line in out.splitlines()) <= 160
