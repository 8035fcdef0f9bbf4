"""What specs mean: every value form of the language, `extends`, limits, and columns."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from orbc.compiler.columns import expand
from orbc.compiler.elaborate import elaborate
from orbc.compiler.evaluate import ClockTime, Evaluator, Instant, Quantity, Sequence, Text, Word
from orbc.diagnostics import Span, render_human
from orbc.dsl.loader import decode, load
from orbc.dsl.parser import parse
from orbc.units import (
    ANGLE,
    DIMENSIONLESS,
    FLUX,
    FREQUENCY,
    INVERSE_TEMPERATURE,
    LENGTH,
    POWER,
    TIME,
)

DEG = math.pi / 180
YEAR_S = 365.25 * 86400


def value_of(text: str):
    """Evaluate the expression `text` as the value of an attribute; (value, diagnostics)."""
    module, problems = parse(f'x "y" {{\n  v = {text}\n}}\n', "t.orb")
    assert problems == [], problems
    diagnostics = []
    return Evaluator(diagnostics).evaluate(module.blocks[0].attributes[0].value), diagnostics


def codes_of(spec: str, tmp_path) -> list[tuple[int, str]]:
    path = tmp_path / "spec.orb"
    path.write_text(spec)
    loaded = load(path)
    _, diagnostics = elaborate(loaded)
    return [(d.span.line, d.code) for d in loaded.diagnostics + diagnostics]


def model_of(path):
    model, diagnostics = elaborate(load(path))
    assert [d for d in diagnostics if d.is_error] == []
    return model


# --- value forms ----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "si", "dimension", "logarithmic"), [
    ("550 km", 550e3, LENGTH, False),
    ("-35 dBm", -65.0, POWER, True),
    ("-38 dBm", -68.0, POWER, True),
    ("3 dB", 3.0, DIMENSIONLESS, True),
    ("1.2e3 W", 1200.0, POWER, False),
    ("25 %", 0.25, DIMENSIONLESS, False),
    ("2.5 %/yr", 0.025 / YEAR_S, FREQUENCY, False),
    ("1361 W/m^2", 1361.0, FLUX, False),
    ("16 dB/K", 16.0, INVERSE_TEMPERATURE, True),
    ("53 deg", 53 * DEG, ANGLE, False),
    ("1_000 s", 1000.0, TIME, False),
    (".5 h", 1800.0, TIME, False),
    ("64 * 700 W + 900 W", 45_700.0, POWER, False),
    ("(6378.137 km + 550 km) * 2", 13_856_274.0, LENGTH, False),
    ("1 km / 2 s * 4 s", 2000.0, LENGTH, False),
    ("-(2 km - 5 km)", 3000.0, LENGTH, False),
    ("+7", 7.0, DIMENSIONLESS, False),
    ("3 dBW + 2 dB", 5.0, POWER, True),
    ("3 dBW - 3 dBm", 30.0, DIMENSIONLESS, True),
    ("3 dB * 2", 6.0, DIMENSIONLESS, True),
])
def test_quantities_and_expressions(text, si, dimension, logarithmic):
    value, diagnostics = value_of(text)
    assert diagnostics == []
    assert isinstance(value, Quantity)
    assert value.value == pytest.approx(si, rel=1e-12)
    assert (value.dimension, value.logarithmic) == (dimension, logarithmic)


def test_other_literals():
    assert value_of('"v3-ai"')[0].value == "v3-ai"
    assert isinstance(value_of('"v3-ai"')[0], Text)
    assert value_of('"a \\"quoted\\" word"')[0].value == 'a "quoted" word'
    assert value_of("plus_grid")[0] == Word("plus_grid", value_of("plus_grid")[0].span)
    assert isinstance(value_of("2027-01-01T00:00:00Z")[0], Instant)
    assert isinstance(value_of("06:00")[0], ClockTime)
    location = value_of("(47.67 deg, -122.12 deg, 80 m)")[0]
    assert isinstance(location, Sequence) and location.is_tuple
    assert [q.value for q in location.items] == pytest.approx([47.67 * DEG, -122.12 * DEG, 80])
    bands = value_of('["ka",\n  "optical",\n]')[0]  # lists may span lines
    assert not bands.is_tuple and [t.value for t in bands.items] == ["ka", "optical"]
    assert value_of("[]")[0].items == ()


@pytest.mark.parametrize(("text", "code"), [
    ("1 km + 1 s", "incompatible-units"),
    ("3 dBm + 3 dBm", "log-unit-arithmetic"),
    ("3 dB + 2 W", "log-unit-arithmetic"),
    ("3 dB * 2 W", "log-unit-arithmetic"),
    ("2 / 3 dB", "log-unit-arithmetic"),
    ("1 km / 0", "division-by-zero"),
    ("1 km / (1 s - 1 s)", "division-by-zero"),
    ("3 dB / 0", "division-by-zero"),
    ("1e400", "non-finite-number"),
    ("1e400 km", "non-finite-number"),
    ("-1e400 dBm", "non-finite-number"),
    ("1e308 km * 10", "non-finite-number"),
    ("1e308 km * 10 - 1 km", "non-finite-number"),
    ("1 kms", "unknown-unit"),
    ("1 dB/s", "unknown-unit"),
    ("1 km^400", "unknown-unit"),
    ("1 AU^9999", "unknown-unit"),
    ('"a" + 1', "wrong-type"),
])
def test_bad_expressions_give_one_diagnostic(text, code):
    value, diagnostics = value_of(text)
    assert value is None
    assert [d.code for d in diagnostics] == [code]


@pytest.mark.parametrize("word", ["nan", "inf", "NaN", "infinity"])
def test_nan_and_inf_are_not_numbers(word, tmp_path):
    spec = f'constellation "c" {{\n  epoch = 2027-03-21T00:00:00Z\n  mission_life = {word}\n}}\n'
    assert codes_of(spec, tmp_path) == [(3, "wrong-type")]


def test_decibel_value_too_large_for_a_linear_attribute(tmp_path):
    spec = ('constellation "c" {\n  epoch = 2027-03-21T00:00:00Z\n  mission_life = 5 yr\n}\n'
            'hardware "h" {\n  radio "r" {\n    power = 4000 dBW\n    antenna_gain = 36 dBi\n'
            '    frequency = 19 GHz\n    bandwidth = 500 MHz\n  }\n}\n')
    assert codes_of(spec, tmp_path) == [(7, "non-finite-number")]


def test_linear_value_for_a_decibel_attribute_is_converted(tmp_path):
    spec = ('constellation "c" {\n  epoch = 2027-03-21T00:00:00Z\n  mission_life = 5 yr\n}\n'
            'ground_station "g" {\n  location = (0 deg, 0 deg)\n  radio { g_over_t = 40 K^-1 }'
            '\n}\n')
    path = tmp_path / "spec.orb"
    path.write_text(spec)
    model = model_of(path)
    assert model.ground_stations["g"].g_over_t_db_per_k == pytest.approx(10 * math.log10(40))


# --- the conformance sample and extends -------------------------------------------------------

def test_conformance_model(conformance):
    model = model_of(conformance)
    assert model.constellation.mission_life_s == pytest.approx(5 * YEAR_S)
    assert model.constellation.epoch == np.datetime64("2027-03-21T00:00:00", "ms")
    assert model.satellites == 24 * 22 + 240
    compute = model.shells["compute"]
    assert compute.sun_synchronous and compute.ltan_s == 6 * 3600
    assert math.degrees(compute.inclination_rad) == pytest.approx(97.99, abs=0.05)
    assert model.ground_stations["redmond"].g_over_t_db_per_k == 16.0
    assert model.hardware["relay-v2"].laser_terminal.sensitivity_dbw == pytest.approx(-68.0)
    assert model.link_policies["to-relay"].min_availability == pytest.approx(0.70)


def test_extends_overrides_attribute_by_attribute_and_block_by_block(conformance):
    model = model_of(conformance)
    relay, compute = model.hardware["relay-v2"], model.hardware["compute-v1"]
    assert compute.mass_kg == 2400 and relay.mass_kg == 800
    assert compute.solar_array.area_m2 == 520 and relay.solar_array.area_m2 == 105
    assert compute.solar_array.efficiency == relay.solar_array.efficiency == pytest.approx(0.30)
    assert compute.solar_array.degradation_per_s == relay.solar_array.degradation_per_s
    assert compute.battery.capacity_j == pytest.approx(40 * 3.6e6)
    assert compute.battery.depth_of_discharge == pytest.approx(0.35)
    assert compute.radiator.area_m2 == 160 and compute.radiator.emissivity == 0.88
    assert compute.radiator.temperature_k == relay.radiator.temperature_k == 310
    assert [load.name for load in compute.loads] == ["bus", "comms"]
    assert compute.laser_terminal == relay.laser_terminal
    assert compute.radios == relay.radios
    assert compute.compute.accelerators == 64 and relay.compute is None
    assert compute.compute.flops_each == pytest.approx(2e15)


def test_extends_chain_and_cycle(tmp_path):
    base = 'constellation "c" {\n  epoch = 2027-03-21T00:00:00Z\n  mission_life = 5 yr\n}\n'
    spec = base + ('hardware "a" extends "b" { mass = 1 kg }\n'
                   'hardware "b" extends "c" { mass = 2 kg }\n'
                   'hardware "c" extends "a" { mass = 3 kg }\n')
    path = tmp_path / "spec.orb"
    path.write_text(spec)
    _, diagnostics = elaborate(load(path))
    (cycle,) = diagnostics
    assert (cycle.code, cycle.span.line) == ("extends-cycle", 7)
    assert cycle.message == "hardware extends itself: a -> b -> c -> a"


# --- one mistake, one diagnostic --------------------------------------------------------------

SPEC = '''constellation "c" {
  epoch        = 2027-03-21T00:00:00Z
  mission_life = 5 yr
}
hardware "h" {
  mass = 800 kg
}
shell "s" {
  altitude    = 550 km
  inclination = 53 deg
  walker_delta {
    planes    = 24
    per_plane = 22
  }
  hardware = "h"
}
'''


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("altitude    = 550 km", "altitude    = 550 kg", [(9, "unit-mismatch")]),
    ("altitude    = 550 km", "altitude    = 550 kmm", [(9, "unknown-unit")]),
    ("altitude    = 550 km", "altitud     = 550 km", [(9, "unknown-attribute")]),
    ("walker_delta {", "walker_delat {", [(11, "unknown-block")]),
    ("planes    = 24", "planes    = 24.5", [(12, "not-an-integer")]),
    ('hardware = "h"', "hardware = h", [(15, "wrong-type")]),
    ('hardware = "h"', 'hardware = "hh"', [(15, "unknown-reference")]),
    ('shell "s"', 'shel "s"', [(8, "unknown-block")]),
    ("epoch        = 2027-03-21T00:00:00Z", "epoch = 2027-03-21", [(2, "invalid-timestamp")]),
])
def test_one_mistake_gives_one_diagnostic(old, new, expected, tmp_path):
    assert codes_of(SPEC, tmp_path) == []
    assert codes_of(SPEC.replace(old, new), tmp_path) == expected


def test_a_rejected_parent_value_is_not_reported_again_in_the_child(tmp_path):
    spec = SPEC + 'hardware "h2" extends "h" {\n}\n'
    spec = spec.replace("mass = 800 kg", "solar_array {\n    area = 5 km\n"
                                         "    efficiency = 30 %\n  }")
    assert codes_of(spec, tmp_path) == [(7, "unit-mismatch")]


# --- limits: no out-of-memory, no hang, no crash ---------------------------------------------

@pytest.mark.parametrize(("planes", "per_plane", "code"), [
    ("1e30", "22", "out-of-range"),
    ("24", "1e15", "out-of-range"),
    ("-1", "22", "out-of-range"),
    ("0", "22", "out-of-range"),
    ("100000", "100000", "too-many-satellites"),
])
def test_huge_counts_are_errors_quickly(planes, per_plane, code, tmp_path):
    spec = SPEC.replace("planes    = 24", f"planes    = {planes}").replace(
        "per_plane = 22", f"per_plane = {per_plane}")
    start = time.perf_counter()
    assert [c for _, c in codes_of(spec, tmp_path)] == [code]
    assert time.perf_counter() - start < 5


@pytest.mark.parametrize("text", [
    "(" * 500 + "1 km" + ")" * 500,
    "- " * 500 + "1 km",
    "1 km + " * 2000 + "1 km",
    "[" * 500 + "]" * 500,
])
def test_deep_expressions_are_a_syntax_error(text):
    module, problems = parse(f'x "y" {{\n  v = {text}\n}}\n', "t.orb")
    assert module is None
    assert [(d.code, d.span.line) for d in problems] == [("syntax-error", 2)]


def test_deep_blocks_are_a_syntax_error():
    module, problems = parse("a {\n" * 1000 + "}\n" * 1000, "t.orb")
    assert module is None and [d.code for d in problems] == ["syntax-error"]


@pytest.mark.parametrize(("text", "si"), [
    ("1 km" + " + 1 km" * 100, 101e3),
    ("(" * 60 + "1 km" + ")" * 60 + " * 2" * 40, 2**40 * 1e3),
    ("- " * 100 + "1 km", 1e3),
])
def test_nesting_up_to_the_limit_evaluates(text, si):
    value, diagnostics = value_of(text)
    assert diagnostics == [] and value.value == pytest.approx(si)


# --- positions ---------------------------------------------------------------------------------

def test_unexpected_end_points_at_the_last_line_with_text():
    for tail in ("", "\n", "\n\n   \n", "  # the end\n\n"):
        text = 'constellation "c" {\n  epoch = 2027-03-21T00:00:00Z' + tail
        _, (problem,) = parse(text, "t.orb")
        last = max(i for i, line in enumerate(text.split("\n"), 1) if line.strip())
        assert (problem.code, problem.span.line) == ("unexpected-end", last)


def test_unexpected_end_names_the_unclosed_block(conformance):
    """Without the `}` of `laser_terminal`, its `{` takes the hardware's `}`: the block left
    open is `hardware "relay-v2"` on line 7."""
    text = conformance.read_text().replace("    sensitivity = -38 dBm\n  }\n",
                                           "    sensitivity = -38 dBm\n")
    _, (problem,) = parse(text, "t.orb")
    assert (problem.code, problem.span.line) == ("unexpected-end", text.rstrip().count("\n") + 1)
    assert problem.help == "the `{` on line 7 is never closed"


def test_not_text_points_at_the_first_bad_byte():
    _, problem = decode("# ok\n# µµ ".encode() + b"\xff rest\n", "t.orb")
    assert (problem.code, problem.span.line, problem.span.column) == ("not-text", 2, 6)
    _, problem = decode(b"# ok\x00\xff", "t.orb")
    assert (problem.span.line, problem.span.column) == (1, 5)
    assert decode(b"\xef\xbb\xbfconstellation", "t.orb") == ("constellation", None)


def test_lines_count_newlines_only():
    """Form feeds and Unicode line separators are not line breaks, for lark nor for the
    renderer, so the caret sits under the right text."""
    text = 'constellation "c" {\f\n  # \u2028 \x85 comment\n  epoch = 2027-03-21T00:00:00Z @\n}\n'
    _, (problem,) = parse(text, "t.orb")
    assert (problem.code, problem.span.line) == ("invalid-token", 3)
    rendered = render_human(problem, {"t.orb": text})
    assert "3 |   epoch = 2027-03-21T00:00:00Z @\n" in rendered


def test_renderer_without_source_or_span():
    from orbc.diagnostics import Diagnostic

    bare = Diagnostic("missing-constellation", "no constellation", None, help="add one")
    assert render_human(bare, {}) == "error[missing-constellation]: no constellation\n = help: add one"
    far = Diagnostic("syntax-error", "x", Span("t.orb", 99, 1, 99, 2))
    assert render_human(far, {"t.orb": "one line"}) == "error[syntax-error]: x\n  --> t.orb:99:1"


# --- columns -----------------------------------------------------------------------------------

def test_a_shell_expands_to_numpy_columns(conformance):
    model = model_of(conformance)
    relay = expand(model.shells["relay"])
    assert len(relay) == 24 * 22
    assert relay.plane.dtype == np.int32 and relay.raan_rad.dtype == np.float64
    assert (relay.plane == np.repeat(np.arange(24), 22)).all()  # plane-major
    assert (relay.slot == np.tile(np.arange(22), 24)).all()
    assert np.unique(relay.raan_rad).size == 24
    assert np.diff(np.unique(relay.raan_rad)) == pytest.approx(2 * math.pi / 24)
    assert relay.mean_anomaly_rad[1] - relay.mean_anomaly_rad[0] == pytest.approx(
        2 * math.pi / 22)
    assert ((relay.mean_anomaly_rad >= 0) & (relay.mean_anomaly_rad < 2 * math.pi)).all()
    assert relay.semi_major_axis_m == pytest.approx(6378.137e3 + 550e3, abs=1e3)
    compute = expand(model.shells["compute"])
    assert len(compute) == 240 and np.unique(compute.raan_rad).size == 1
