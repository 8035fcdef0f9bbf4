"""`orbc diff OLD NEW`: goldens of the three renderings for a typical pull request (a shell
raised, hardware heavier, a ground station replaced), and checks against the two
`orbc check --format json` documents read independently: every figure that moved is
listed with its old and new values, and nothing else."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).parent / "golden"
CONFORMANCE = (REPO / "examples" / "conformance.orb").read_text(encoding="utf-8")
STATION_OLD = 'ground_station "awarua" {\n  location      = (-46.53 deg, 168.38 deg, 10 m)'
STATION_NEW = 'ground_station "svalbard" {\n  location      = (78.23 deg, 15.39 deg, 500 m)'


def new_version() -> str:
    assert STATION_OLD in CONFORMANCE
    return (CONFORMANCE.replace("altitude    = 550 km", "altitude    = 560 km")
            .replace("mass = 800 kg", "mass = 850 kg").replace(STATION_OLD, STATION_NEW))


@pytest.fixture
def specs(tmp_path, monkeypatch):
    """old.orb and new.orb in the working directory, so that outputs name them relatively."""
    monkeypatch.chdir(tmp_path)
    Path("old.orb").write_text(CONFORMANCE, encoding="utf-8")
    Path("new.orb").write_text(new_version(), encoding="utf-8")
    return "old.orb", "new.orb"


@pytest.mark.parametrize("form, suffix", [("human", "txt"), ("markdown", "md"), ("json", "json")])
def test_golden(orbc, specs, form, suffix):
    code, out, err = orbc("diff", *specs, "--format", form)
    assert code == 0 and err == ""
    golden = GOLDEN / f"conformance.{suffix}"
    if os.environ.get("ORBC_REGEN_GOLDENS") == "1":
        golden.write_text(out, encoding="utf-8")
    assert out == golden.read_text(encoding="utf-8"), "regenerate with ORBC_REGEN_GOLDENS=1"


def _leaves(value, prefix=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix, value


def test_figures_are_exactly_those_that_moved_in_check_json(orbc, specs):
    documents = []
    for spec in specs:
        _, out, _ = orbc("check", spec, "--format", "json")
        document = json.loads(out)
        documents.append(dict(_leaves({"shells": document["shells"],
                                       "summary": document["summary"]})))
    old, new = documents
    moved = {path for path in old.keys() | new.keys() if old.get(path) != new.get(path)}
    _, out, _ = orbc("diff", *specs, "--format", "json")
    figures = json.loads(out)["figures"]
    assert {f["path"] for f in figures} == moved
    for figure in figures:
        assert figure["old"] == old.get(figure["path"])
        assert figure["new"] == new.get(figure["path"])
        if isinstance(figure["old"], float) and isinstance(figure["new"], float):
            assert figure["delta"] == figure["new"] - figure["old"]
    assert "shells.relay.altitude_km" in moved
    assert any(path.startswith("shells.relay.downlink.stations.svalbard") for path in moved)


def test_blocks_added_removed_and_changed(orbc, specs):
    _, out, _ = orbc("diff", *specs, "--format", "json")
    document = json.loads(out)
    assert document["added"]["ground_station"] == ["svalbard"]
    assert document["removed"]["ground_station"] == ["awarua"]
    (altitude,) = document["changed"]["shell"]["relay"]
    assert altitude == {"path": "altitude_m", "old": 550000.0, "new": 560000.0,
                        "delta": 10000.0}
    assert document["changed"]["hardware"]["relay-v2"][0]["path"] == "mass_kg"
    assert document["verdict"] == {"path": "verdict", "old": "ok", "new": "ok"}


def test_same_spec_has_no_differences(orbc, specs):
    code, out, _ = orbc("diff", specs[0], specs[0])
    assert code == 0 and out.endswith("no differences\n")


def test_a_broken_new_version_says_so(orbc, specs):
    Path("new.orb").write_text(CONFORMANCE.replace("mass = 800 kg", "mass = 800 km"))
    code, out, _ = orbc("diff", *specs)
    assert code == 0
    assert "verdict: ok → failed" in out and "satellites: 768 → —" in out


def test_unreadable_spec_is_a_usage_error(orbc, specs):
    assert orbc("diff", specs[0], "missing.orb")[0] == 2
