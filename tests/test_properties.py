"""Properties (Hypothesis): no input makes orbc crash, and unit conversions round-trip.

Grammar-generated and mutated specs go through the real CLI entry point with
`--debug`, so an internal error raises here instead of hiding behind exit code 3.
Example counts are bounded so that this module runs in seconds.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
from pathlib import Path

import lark
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from orbc.cli import main
from orbc.compiler import schema
from orbc.compiler.evaluate import Evaluator, Quantity
from orbc.compiler.validate import Validator
from orbc.diagnostics import Span
from orbc.dsl.ast import QuantityLiteral
from orbc.dsl.parser import grammar_text
from orbc.units import DIMENSIONLESS, UNITS, parse_unit

REPO = Path(__file__).resolve().parents[1]
CONFORMANCE = (REPO / "examples" / "conformance.orb").read_bytes()
SPAN = Span("t.orb", 1, 1, 1, 2)
FAST = settings(deadline=None, max_examples=60,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory) -> Path:
    """One file that each example overwrites (a module-scoped fixture is safe with @given)."""
    return tmp_path_factory.mktemp("properties") / "spec.orb"


def check(path: Path, data: bytes) -> tuple[int, dict]:
    """`orbc --debug check PATH --format json` on `data`: the exit code and the document."""
    path.write_bytes(data)
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(["--debug", "check", str(path), "--format", "json"])
    return code, json.loads(out.getvalue())


def assert_well_formed(code: int, document: dict, data: bytes) -> None:
    """Exit 0 or 1, matching `ok`; every diagnostic inside the file and not a usage error."""
    assert code in (0, 1)
    assert document["ok"] is (code == 0)
    lines = data.count(b"\n") + 1
    for diagnostic in document["diagnostics"]:
        assert diagnostic["category"] != "usage", diagnostic
        assert 1 <= diagnostic["line"] <= lines, diagnostic
        assert diagnostic["column"] >= 1, diagnostic
    if code == 1:
        assert any(d["severity"] == "error" for d in document["diagnostics"])


# --- grammar-generated input -------------------------------------------------------------------

_WORDS = sorted({*schema.TOP_LEVEL, *(a for b in schema.TOP_LEVEL.values() for a in b.attrs),
                 *(k for b in schema.TOP_LEVEL.values() for k in b.blocks),
                 *(a for b in schema.TOP_LEVEL.values() for s in b.blocks.values()
                   for a in s.attrs),
                 "plus_grid", "nearest", "sun_synchronous", "true", "false", "x"})


def _spaced(strategy):
    """Tokens are drawn back to back; a trailing space keeps them apart."""
    return strategy.map(lambda text: text + " ")


_TERMINALS = {
    "NAME": _spaced(st.sampled_from(_WORDS) | st.from_regex(r"[a-z_][a-z0-9_]{0,8}",
                                                            fullmatch=True)),
    "STRING": _spaced(st.sampled_from(['"relay"', '"relay-v2"', '"grid"', '""', '"a\\"b"'])),
    "NUMBER": _spaced(st.sampled_from(["0", "1", "24", "0.5", "1e30", "1e400", "2.5",
                                       "550", "1_000", ".5", "1e-320"])),
    "UNIT": _spaced(st.sampled_from(sorted(UNITS) + ["m^2", "W/m^2", "%/yr", "kms", "km^400"])),
    "TIMESTAMP": _spaced(st.sampled_from(["2027-03-21T00:00:00Z", "2027-02-30T00:00:00Z",
                                          "2027-03-21", "2027-03-21T00:00:00+01:00"])),
    "CLOCK": _spaced(st.sampled_from(["06:00", "25:00", "23:59:59", "6:00"])),
    "COMMENT": st.just(" "),
}


# The project's grammar without the post-lexer: generation needs no lexing.
GRAMMAR = lark.Lark(grammar_text(), start="start")


@FAST
@given(text=from_lark(GRAMMAR, explicit=_TERMINALS))
def test_grammar_generated_input_never_crashes(spec_file, text):
    data = text.encode("utf-8")
    assert_well_formed(*check(spec_file, data), data)


# --- schema-shaped input: real block and attribute names, values of every kind --------------

_LABELS = ["relay", "compute", "grid", "bus"]
_VALUES = ["550 km", "53 deg", "sun_synchronous", "06:00", "25:00", "24", "0", "-1", "1e30",
           "2.5", "30 %", "130 %", "0.88", "true", "plus_grid", "nearest", "max_contact_time",
           "(47.67 deg, -122.12 deg, 80 m)", "(1 deg)", "[1, 2]", "2027-03-21T00:00:00Z",
           "2027-02-30T00:00:00Z", "3 dB", "-38 dBm", "5000 dBW", "16 dB/K", "0 K^-1",
           "1361 W/m^2", "2.5 %/yr", "1 km / 0", "1e308 km * 10", "64 * 700 W + 900 W",
           "1 km + 1 s", "3 dBm + 3 dBm", "2 PFLOPS", "20 kWh", "100 Gbps", "1550 nm",
           "10 s", "24 h", "5 yr", "800 kg", "1e-320 m", "100000"] + [f'"{x}"' for x in _LABELS]


def _value(attr: schema.Attr, careful: bool):
    """A value the attribute accepts or, unless `careful`, sometimes any value at all."""
    valid = (st.sampled_from([f'"{x}"' for x in _LABELS]) if attr.kind == "reference"
             else st.just(attr.example or "1"))
    return valid if careful else st.one_of(valid, st.sampled_from(_VALUES))


@st.composite
def _block(draw, kind: str, spec: schema.BlockSpec, careful: bool, depth: int = 0) -> str:
    head = kind
    if spec.label == "required" or not careful and draw(st.integers(0, 9)) == 0:
        head += f' "{draw(st.sampled_from(_LABELS))}"'
    if spec.extendable and draw(st.booleans()):
        head += f' extends "{draw(st.sampled_from(_LABELS))}"'
    names = [name for name, attr in spec.attrs.items() if attr.required]
    for name in draw(st.lists(st.sampled_from(sorted(spec.attrs)), max_size=3)):
        if not careful or name not in names:
            names.append(name)
    lines = [f"{name} = {draw(_value(spec.attrs[name], careful))}" for name in names]
    if spec.blocks and depth < 2:
        for child in draw(st.lists(st.sampled_from(sorted(spec.blocks)), max_size=3,
                                   unique=careful)):
            lines.append(draw(_block(child, spec.blocks[child], careful, depth + 1)))
    return head + " {\n" + "\n".join(lines) + "\n}"


@st.composite
def schema_shaped_spec(draw) -> bytes:
    """Blocks of the schema. A `careful` spec writes accepted values only, so that many
    reach elaboration's cross-block rules and the physics checks."""
    careful = draw(st.booleans())
    kinds = draw(st.lists(st.sampled_from(sorted(schema.TOP_LEVEL)), max_size=8))
    if careful:
        kinds = [kind for kind in kinds if kind != "constellation"]
    blocks = [draw(_block(kind, schema.TOP_LEVEL[kind], careful))
              for kind in ["constellation", *kinds]]
    return "\n\n".join(blocks).encode()


@FAST
@given(data=schema_shaped_spec())
def test_schema_shaped_input_never_crashes(spec_file, data):
    assert_well_formed(*check(spec_file, data), data)


# --- mutations of the conformance sample -------------------------------------------------------

_NUMBER = re.compile(rb"(?<![\w.])\d+(\.\d+)?(?![\w:-])")
_UNIT = re.compile(rb"(?<=\d )[A-Za-z%][\w/^%]*")
_TOKEN = re.compile(rb"\S+")


@st.composite
def _mutation(draw, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["delete", "duplicate", "swap", "unit", "number", "truncate",
                                 "insert"]))
    lines = data.split(b"\n")
    if kind in ("delete", "duplicate"):
        index = draw(st.integers(0, len(lines) - 1))
        lines[index:index + 1] = [] if kind == "delete" else [lines[index]] * 2
        return b"\n".join(lines)
    if kind == "truncate":
        return data[:draw(st.integers(0, len(data)))]
    if kind == "insert":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    pattern = {"swap": _TOKEN, "unit": _UNIT, "number": _NUMBER}[kind]
    spans = [m.span() for m in pattern.finditer(data)]
    if not spans:
        return data
    index = draw(st.integers(0, len(spans) - 1))
    start, end = spans[index]
    if kind == "swap":
        other_start, other_end = spans[min(index + 1, len(spans) - 1)]
        if other_start == start:
            return data
        return (data[:start] + data[other_start:other_end] + data[end:other_start]
                + data[start:end] + data[other_end:])
    choices = ([s.encode() for s in sorted(UNITS)] + [b"kms", b"W/m^2", b"m^9", b"dB/s"]
               if kind == "unit" else
               [b"1e400", b"nan", b"0", b"-0", b"1e30", b"-1", b"0.5", b"1e-320", b"inf"])
    return data[:start] + draw(st.sampled_from(choices)) + data[end:]


@st.composite
def mutated_conformance(draw) -> bytes:
    data = CONFORMANCE
    for _ in range(draw(st.integers(1, 3))):
        data = draw(_mutation(data))
    return data


@FAST
@given(data=mutated_conformance())
def test_mutated_conformance_never_crashes(spec_file, data):
    assert_well_formed(*check(spec_file, data), data)


@FAST
@given(data=st.binary(max_size=300))
def test_random_bytes_never_crash(spec_file, data):
    assert_well_formed(*check(spec_file, data), data)


# --- unit round-trips --------------------------------------------------------------------------

_FINITE = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).filter(
    lambda x: x == 0 or abs(x) > 1e-12)
_LINEAR = sorted(s for s, u in UNITS.items() if not u.logarithmic)


def _quantity(value: float, unit: str) -> Quantity | None:
    diagnostics = []
    literal = QuantityLiteral(value, repr(value), unit, SPAN, SPAN)
    result = Evaluator(diagnostics).evaluate(literal)
    assert not diagnostics, diagnostics
    return result


@settings(deadline=None, max_examples=200)
@given(_FINITE, st.sampled_from(_LINEAR))
def test_linear_units_round_trip_through_si(value, unit):
    quantity = _quantity(value, unit)
    assert quantity.dimension == UNITS[unit].dimension
    assert quantity.value / UNITS[unit].factor == pytest.approx(value, rel=1e-12, abs=1e-300)


@settings(deadline=None, max_examples=200)
@given(_FINITE, st.sampled_from(_LINEAR), st.sampled_from(_LINEAR), st.integers(1, 3))
def test_compound_units_round_trip_through_si(value, top, bottom, power):
    unit = parse_unit(f"{top}/{bottom}^{power}")
    quantity = _quantity(value, unit.symbol)
    assert quantity.dimension == UNITS[top].dimension / UNITS[bottom].dimension ** power
    back = quantity.value * UNITS[bottom].factor ** power / UNITS[top].factor
    assert back == pytest.approx(value, rel=1e-9, abs=1e-300)


@settings(deadline=None, max_examples=200)
@given(st.floats(min_value=1e-30, max_value=1e30))
def test_linear_and_decibel_round_trip(linear):
    validator = Validator([], {})
    decibels = validator._convert_scale(Quantity(linear, DIMENSIONLESS, False, SPAN), True)
    assert decibels == pytest.approx(10 * math.log10(linear))
    back = validator._convert_scale(Quantity(decibels, DIMENSIONLESS, True, SPAN), False)
    assert back == pytest.approx(linear, rel=1e-12)
    assert validator.diagnostics == []


@settings(deadline=None, max_examples=100)
@given(st.floats(min_value=-200, max_value=200))
def test_dbm_is_dbw_plus_30(level):
    dbm, dbw = _quantity(level, "dBm"), _quantity(level - 30, "dBW")
    assert dbm.logarithmic and dbm.dimension == dbw.dimension
    assert dbm.value == pytest.approx(dbw.value)
