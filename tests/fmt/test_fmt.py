"""`orbc fmt`: the canonical style (goldens), idempotence, comments kept, meaning kept
(the same model, figures and diagnostic codes before and after, as a property over
grammar-generated specs and on every example and diagnostic case), `--check`, and files
that do not parse left alone."""

from __future__ import annotations

import json
import math
import os
import re
import shutil
from pathlib import Path

import attrs
import lark
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark

from orbc.compiler import schema
from orbc.compiler.pipeline import compile_spec
from orbc.dsl.parser import grammar_text
from orbc.fmt import format_source
from orbc.units import UNITS

HERE = Path(__file__).parent
REPO = HERE.parents[1]
GOLDEN = HERE / "golden"
CASES = REPO / "tests" / "diagnostics" / "cases"
EXAMPLES = sorted((REPO / "examples").rglob("*.orb"))
REGENERATE = os.environ.get("ORBC_REGEN_GOLDENS") == "1"
COMMENT = re.compile(r"(#|//)[^\n]*")


def fmt(text: str) -> str:
    formatted, problems = format_source(text, "spec.orb")
    assert problems == [] and formatted is not None
    return formatted


def comments(text: str) -> list[str]:
    """The comments of a spec that parses, in order, each right-stripped."""
    from orbc.dsl.parser import parse_with_comments

    module, _, found = parse_with_comments(text, "spec.orb")
    assert module is not None
    return [c.text.rstrip() for c in found]


# --- goldens ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.stem for p in GOLDEN.glob("*.orb")
                                        if not p.stem.endswith(".expected")))
def test_canonical_style_golden(name):
    source = (GOLDEN / f"{name}.orb").read_text(encoding="utf-8")
    expected = GOLDEN / f"{name}.expected.orb"
    formatted = fmt(source)
    if REGENERATE:
        expected.write_text(formatted, encoding="utf-8", newline="\n")
    assert formatted == expected.read_text(encoding="utf-8"), (
        "regenerate with ORBC_REGEN_GOLDENS=1 and review the diff")
    assert fmt(formatted) == formatted
    assert comments(formatted) == comments(source)


def test_golden_covers_the_style_rules():
    """The golden shows each rule; a printer that skipped one would not produce it."""
    text = (GOLDEN / "ugly.expected.orb").read_text(encoding="utf-8")
    assert "  epoch        = 2027-03-21T00:00:00Z\n  mission_life = 5 yr\n" in text
    assert "\n\n\n" not in text and "\t" not in text and ";\n" not in text
    assert all(line == line.rstrip() for line in text.split("\n"))
    assert "duration    = 2 day" in text
    assert "power = (1 kW + 500 W) * 2" in text and "1 kW - (200 W - 100 W)" in text


# --- meaning ----------------------------------------------------------------------------------

def _same(a, b) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and a.shape == b.shape and a.tobytes() == b.tobytes())
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def tree(text: str):
    """The syntax tree without positions or layout: what the parser read. Units are
    compared by what they mean (dimension and factor), since fmt respells them."""
    from orbc.dsl import ast
    from orbc.dsl.parser import parse
    from orbc.units import UnitError, parse_unit

    def unit(value):
        try:
            found = parse_unit(value)
            return (found.dimension, found.factor, found.logarithmic, found.offset_db)
        except UnitError:
            return value

    module, _ = parse(text, "spec.orb")
    return attrs.asdict(module, filter=lambda a, _: not a.name.endswith("span"),
                        value_serializer=lambda inst, a, v: unit(v) if a is not None and (
                            a.name == "unit" and isinstance(inst, ast.QuantityLiteral)) else v)


def meaning(root: Path) -> tuple:
    """What a spec means: its diagnostic codes and severities, its model without source
    positions, and its figures. The physics checks are a function of the model, so for
    the million-satellite example the model alone is compared (its checks take seconds)."""
    result = compile_spec(root, feasibility=False)
    if result.model is not None and result.model.satellites <= 100_000:
        result = compile_spec(root)
    codes = sorted((d.code, d.severity) for d in result.diagnostics)
    model = None if result.model is None else attrs.asdict(
        result.model, filter=lambda attribute, _: attribute.name != "spans")
    return codes, model, json.dumps([result.shells, result.summary], sort_keys=True)


def assert_same_meaning(folder: Path, root: Path) -> None:
    """Format every .orb under `folder` in place and compare `root`'s meaning."""
    before = meaning(root)
    files = sorted(folder.rglob("*.orb"))
    originals = {path: path.read_bytes() for path in files}
    for path in files:
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        formatted, _ = format_source(text, path.name)
        if formatted is not None:
            path.write_text(formatted, encoding="utf-8", newline="")
            assert format_source(formatted, path.name)[0] == formatted, path
            assert comments(formatted) == [c.rstrip() for c in comments(text)]
            assert tree(formatted) == tree(text), path
    after = meaning(root)
    assert before[0] == after[0], "diagnostic codes changed"
    assert _same(before[1], after[1]), "model changed"
    assert before[2] == after[2], "figures changed"
    for path, data in originals.items():  # for the caller's next use of the folder
        path.write_bytes(data)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_examples_keep_their_meaning(tmp_path, example):
    copy = tmp_path / "examples"
    shutil.copytree(REPO / "examples", copy)
    root = copy / example.relative_to(REPO / "examples")
    assert_same_meaning(root.parent, root)


@pytest.mark.parametrize("case", sorted(CASES.iterdir()), ids=lambda p: p.name)
def test_diagnostic_cases_keep_their_codes(tmp_path, case):
    if case.is_dir():
        shutil.copytree(case, tmp_path / case.name)
        root = next((tmp_path / case.name).rglob("main.orb"))
        assert_same_meaning(tmp_path / case.name, root)
    elif case.suffix == ".orb":
        shutil.copy(case, tmp_path / case.name)
        assert_same_meaning(tmp_path, tmp_path / case.name)


_WORDS = sorted({*schema.TOP_LEVEL, *(a for b in schema.TOP_LEVEL.values() for a in b.attrs),
                 *(k for b in schema.TOP_LEVEL.values() for k in b.blocks), "plus_grid", "x"})


def _spaced(strategy):
    return strategy.map(lambda text: text + " ")


_TERMINALS = {
    "NAME": _spaced(st.sampled_from(_WORDS)),
    "STRING": _spaced(st.sampled_from(['"relay"', '""', '"a\\"b"', '"t\\tb\\\\"', '"\\q"'])),
    "NUMBER": _spaced(st.sampled_from(["0", "1", "24", "0.5", "1e30", "1_000", ".5", "2."])),
    "UNIT": _spaced(st.sampled_from(sorted(UNITS) + ["m^2", "W/m^2", "%/yr", "kms", "year",
                                                     "%/d", "d^-1", "year^2"])),
    "TIMESTAMP": _spaced(st.sampled_from(["2027-03-21T00:00:00Z", "2027-03-21"])),
    "CLOCK": _spaced(st.sampled_from(["06:00", "25:00"])),
    "COMMENT": st.just(" "),
}
GRAMMAR = lark.Lark(grammar_text(), start="start")
GENERATED = from_lark(GRAMMAR, explicit=_TERMINALS)  # built once: building it is slow


@st.composite
def commented_spec(draw) -> str:
    """A grammar-generated spec with comments added at line ends and on lines of their own
    (every newline the grammar generates is outside a string, where a comment may go)."""
    text = draw(GENERATED)
    pieces = text.split("\n")
    out = []
    for index, piece in enumerate(pieces):
        if index < len(pieces) - 1 and draw(st.integers(0, 3)) == 0:
            piece += f" # t{index}"
        out.append(piece)
        if index < len(pieces) - 1 and draw(st.integers(0, 5)) == 0:
            out.append(f"  // own {index}")
    return "\n".join(out)


@settings(deadline=None, max_examples=60,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(text=commented_spec())
def test_formatting_generated_specs_is_idempotent_and_keeps_meaning(tmp_path_factory, text):
    folder = tmp_path_factory.mktemp("fmt")
    root = folder / "spec.orb"
    root.write_text(text, encoding="utf-8", newline="")
    formatted, problems = format_source(text, "spec.orb")
    if formatted is None:  # the grammar without its post-lexer allows a few unparseable texts
        assert problems and problems[0].category == "syntax"
        return
    assert format_source(formatted, "spec.orb")[0] == formatted
    assert_same_meaning(folder, root)


_ATOMS = st.sampled_from(["1", "2.5", "3 km", "4 year", "x", '"s"', "06:00", "5 %/d"])


def _combine(children):
    binary = st.tuples(children, st.sampled_from("+-*/"), children).map(
        lambda t: f"({t[0]} {t[1]} {t[2]})")
    return st.one_of(
        binary, binary, binary, binary,
        children.map(lambda e: f"-{e}"), children.map(lambda e: f"+({e})"),
        st.lists(children, min_size=2, max_size=3).map(lambda xs: f"({', '.join(xs)})"),
        st.lists(children, max_size=3).map(lambda xs: f"[{', '.join(xs)}]"))


@settings(deadline=None, max_examples=200)
@given(value=st.recursive(_ATOMS, _combine, max_leaves=8))
def test_expressions_keep_their_tree(value):
    """Operators, precedence and associativity: the printed expression parses back to the
    same tree as the fully parenthesised one it came from."""
    text = f"a {{\n  v = {value}\n}}\n"
    formatted = fmt(text)
    assert tree(formatted) == tree(text)
    assert fmt(formatted) == formatted


# --- the command ------------------------------------------------------------------------------

def test_check_lists_files_that_would_change_and_changes_nothing(orbc, tmp_path):
    ugly = tmp_path / "ugly.orb"
    ugly.write_bytes((GOLDEN / "ugly.orb").read_bytes())
    tidy = tmp_path / "tidy.orb"
    tidy.write_bytes((GOLDEN / "ugly.expected.orb").read_bytes())
    code, out, _ = orbc("fmt", "--check", ugly, tidy)
    assert code == 1 and out == f"would reformat {ugly}\n"
    assert ugly.read_bytes() == (GOLDEN / "ugly.orb").read_bytes()
    code, out, _ = orbc("fmt", ugly, tidy)
    assert code == 0 and out == f"reformatted {ugly}\n"
    assert ugly.read_bytes() == tidy.read_bytes()
    assert orbc("fmt", "--check", ugly, tidy)[0] == 0


def test_a_file_that_does_not_parse_is_left_alone(orbc, tmp_path):
    broken = tmp_path / "broken.orb"
    broken.write_bytes(b"shell  \"s\" {\n  altitude = = 550 km\n}\n")
    code, out, err = orbc("fmt", broken)
    assert code == 1 and out == ""
    assert "error[syntax-error]" in err and f"{broken}:2:14" in err
    assert broken.read_bytes() == b"shell  \"s\" {\n  altitude = = 550 km\n}\n"


def test_a_file_that_is_not_text_is_left_alone(orbc, tmp_path):
    binary = tmp_path / "binary.orb"
    binary.write_bytes(b"shell \x00\xff")
    code, _, err = orbc("fmt", binary)
    assert code == 1 and "error[not-text]" in err
    assert binary.read_bytes() == b"shell \x00\xff"


def test_a_missing_file_is_a_usage_error(orbc, tmp_path):
    assert orbc("fmt", tmp_path / "missing.orb")[0] == 2


def test_permissions_are_kept(orbc, tmp_path):
    spec = tmp_path / "spec.orb"
    spec.write_bytes((GOLDEN / "ugly.orb").read_bytes())
    spec.chmod(0o640)
    assert orbc("fmt", spec)[0] == 0
    assert spec.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["spec.orb"]  # no temporary file left


def test_crlf_and_a_missing_final_newline_give_the_same_canonical_text():
    source = (GOLDEN / "ugly.orb").read_text(encoding="utf-8")
    expected = (GOLDEN / "ugly.expected.orb").read_text(encoding="utf-8")
    assert fmt(source.replace("\n", "\r\n").rstrip()) == expected
