"""Contacts and schedules only where a radio is: satellites whose hardware has no `radio`
block get no contact row and no antenna, and are not counted as never served."""

from __future__ import annotations

import csv
import io
import json

import pytest

from orbc.targets import check_targets
from orbc.targets.contacts import Contacts, Schedule


def _artifacts(model) -> dict[str, bytes]:
    return {path: b"".join(chunks) for target in (Contacts(), Schedule())
            for path, chunks in target.emit(model)}


def _rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode())))


@pytest.fixture
def mixed(compile_text, specs):
    """Two radio shells and two compute shells without a radio, interleaved in name order
    (so that satellite numbering is not simply 'radio shells first'), at altitudes that see
    the stations: a compute shell with a radio would have passes."""
    shells = (specs.shell("a-relay", 550, "53 deg", 4, 6)
              + specs.shell("b-compute", 560, "53 deg", 4, 6, hardware="bare")
              + specs.shell("c-relay", 600, "97 deg", 3, 5)
              + specs.shell("d-compute", 650, "97 deg", 3, 5, hardware="bare"))
    stations = specs.station("mid", 40, 10, antennas=1) + specs.station("south", -35, 150,
                                                                         antennas=1)
    return compile_text(specs.text(shells, stations, horizon="1 h", policy="fair"))


def _radio_shells_of_spec() -> set[str]:
    """From the spec above, not from orbc: the shells whose hardware is "bus"."""
    return {"a-relay", "c-relay"}


def _shell_of(name: str) -> str:
    return name.rsplit("-", 2)[0]  # satellite names are shell-plane-slot


def test_no_contact_or_schedule_row_for_a_satellite_without_a_radio(mixed):
    content = _artifacts(mixed)
    contacts = _rows(content["contacts/contacts.csv"])
    schedule = _rows(content["contacts/schedule.csv"])
    assert contacts and schedule
    assert {_shell_of(r["satellite"]) for r in contacts} == _radio_shells_of_spec()
    assert {_shell_of(r["satellite"]) for r in schedule} <= _radio_shells_of_spec()
    report = json.loads(content["contacts/schedule.json"])
    assert report["satellites"] == 24 + 15  # the radio shells' satellites
    assert report["satellites_without_radio"] == 24 + 15
    assert report["satellites_served"] + report["satellites_never_served"] == 24 + 15


def test_the_radio_shells_rows_are_what_they_are_alone(compile_text, specs, mixed):
    """Leaving the compute shells out changes nothing for the radio shells."""
    alone = compile_text(specs.text(
        specs.shell("a-relay", 550, "53 deg", 4, 6) + specs.shell("c-relay", 600, "97 deg", 3, 5),
        specs.station("mid", 40, 10, antennas=1) + specs.station("south", -35, 150, antennas=1),
        horizon="1 h", policy="fair"))
    assert _artifacts(alone)["contacts/contacts.csv"] == _artifacts(mixed)["contacts/contacts.csv"]
    assert _artifacts(alone)["contacts/schedule.csv"] == _artifacts(mixed)["contacts/schedule.csv"]


def test_never_served_counts_only_radio_satellites_and_does_not_suggest_fair_twice(mixed):
    found = {d.code: d for d in Schedule().check(mixed)}
    never = found["satellites-never-served"]
    assert "of 39 satellites with a radio" in never.message
    assert "compute" not in never.message
    assert "policy = fair" not in never.help  # it is already fair
    assert "without a radio left out" in found["schedule-summary"].message


def test_never_served_suggests_fair_under_max_contact_time(compile_text, specs):
    model = compile_text(specs.text(specs.shell("a", 550, "53 deg", 6, 8),
                                    specs.station("mid", 40, 10, antennas=1), horizon="1 h"))
    (never,) = [d for d in Schedule().check(model) if d.code == "satellites-never-served"]
    assert "`policy = fair`" in never.help


def test_no_radio_at_all_is_one_clear_warning(compile_text, specs):
    model = compile_text(specs.text(specs.shell("c", 550, "53 deg", 4, 6, hardware="bare"),
                                    specs.station("mid", 40, 10)))
    found = check_targets(model, ["contacts", "schedule"])
    codes = [d.code for d in found if d.severity == "warning"]
    assert codes == ["contacts-no-radio"]  # once, and no station-never-in-view
    (warning,) = [d for d in found if d.code == "contacts-no-radio"]
    assert warning.span is not None and "radio" in warning.help
    content = _artifacts(model)
    assert _rows(content["contacts/contacts.csv"]) == []
    assert _rows(content["contacts/schedule.csv"]) == []
