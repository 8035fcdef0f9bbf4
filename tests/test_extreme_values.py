"""Extreme magnitudes in any number of any example give a diagnostic, never a crash.

The sweep puts each of `EXTREMES` in place of a number literal of an example,
keeping its unit, compiles the spec in process (parse, elaborate, every physics
check) and renders the diagnostics. The outcome must be a clean compile or errors
with diagnostics (exit 0 or 1), never an exception (exit 3).

Compiling every literal of every example eight times would take many minutes, so
the sweep takes the first literal of every distinct place a number can stand
(block path, attribute, position inside the value: the three parts of a location
are three places), in the example where a variant is cheapest to check, and at
least one literal of every file. Together the examples cover every attribute of
the schema that holds a number (asserted below). The orbital data-centre spec is
swept in a copy whose Walker shells are cut to at most 4 × 3 satellites (the literal being
swept is left as written), so that a variant checks in milliseconds, not seconds.
"""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path

import attrs
import pytest

from orbc.compiler import schema
from orbc.compiler.pipeline import compile_spec
from orbc.diagnostics import render_human
from orbc.dsl import ast
from orbc.dsl.parser import parse

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
EXTREMES = ("5e-324", "1e-308", "0", "-0", "4000", "-4000", "1e30", "1e308")
DATACENTRE = EXAMPLES / "orbital-datacentre"
# A small spec that writes the attributes no example writes; swept after the examples.
EXTRA = REPO / "tests" / "extreme_values.orb"
SMALL_WALKER = {"planes": 4, "per_plane": 3, "phasing": 1}


def _numbers(expr, found: list) -> None:
    """Every number literal of an expression, in source order."""
    if isinstance(expr, ast.Number | ast.QuantityLiteral):
        found.append(expr)
    elif isinstance(expr, ast.Binary):
        _numbers(expr.left, found)
        _numbers(expr.right, found)
    elif isinstance(expr, ast.Negate):
        _numbers(expr.operand, found)
    elif isinstance(expr, ast.Tuple | ast.List):
        for item in expr.items:
            _numbers(item, found)


def _literals(path: Path):
    """(place, literal) of every number in a file; place = (block path, attribute, index)."""
    module, problems = parse(path.read_text(encoding="utf-8"), str(path))
    assert module is not None, problems

    def walk(block: ast.Block, prefix: str):
        where = f"{prefix}{block.kind}"
        for attribute in block.attributes:
            found = []
            _numbers(attribute.value, found)
            for index, literal in enumerate(found):
                yield (where, attribute.name, index), literal
        for child in block.blocks:
            yield from walk(child, where + ".")

    for block in module.blocks:
        yield from walk(block, "")


# Cheapest to check first, so that a place written in several examples is swept where a
# variant costs least.
ORDER = ("suncatcher.orb", "starlink-gen1.orb", "orbital-datacentre", "conformance.orb")


def _cost_rank(path: Path) -> tuple[int, str]:
    """Where `path` comes in ORDER (then by path)."""
    name = path.relative_to(EXAMPLES).parts[0]
    return (ORDER.index(name) if name in ORDER else len(ORDER), str(path))


def _sites():
    """(file, place, literal) swept: the first literal of every place, in the cheapest
    example that writes it, and the first literal of any file that would have none."""
    sites, seen = [], set()
    for path in [*sorted(EXAMPLES.rglob("*.orb"), key=_cost_rank), EXTRA]:
        literals = list(_literals(path))
        mine = []
        for place, literal in literals:
            if place not in seen:
                seen.add(place)
                mine.append((path, place, literal))
        sites += mine or [(path, *literals[0])]
    return sites


SITES = _sites()


def _offset(text: str, line: int, column: int) -> int:
    return sum(len(row) + 1 for row in text.split("\n")[: line - 1]) + column - 1


def _substitute(text: str, literal, value: str) -> str:
    start = _offset(text, literal.span.line, literal.span.column)
    assert text.startswith(literal.text, start), (literal, text[start:start + 20])
    return text[:start] + value + text[start + len(literal.text):]


def _shrink_walkers(text: str, keep) -> str:
    """Every Walker count of `text` cut to at most SMALL_WALKER, except on the line of the
    literal `keep` (one-plane dawn-dusk shells stay one plane)."""
    lines = text.split("\n")
    for number, line in enumerate(lines, start=1):
        if keep is not None and keep.span.line == number:
            continue
        lines[number - 1] = re.sub(
            r"\b(planes|per_plane|phasing)(\s*=\s*)([\d_]+)",
            lambda m: m[1] + m[2] + str(min(int(m[3].replace("_", "")), SMALL_WALKER[m[1]])),
            line)
    return "\n".join(lines)


def _spec_with(path: Path, literal, value: str, tmp_path: Path) -> Path:
    """A copy of the example with `value` written in place of `literal`; returns the root."""
    if path.parent != DATACENTRE:  # a file with no imports
        target = tmp_path / path.name
        target.write_text(_substitute(path.read_text(encoding="utf-8"), literal, value),
                          encoding="utf-8")
        return target
    folder = tmp_path / DATACENTRE.name
    shutil.copytree(DATACENTRE, folder)
    shells = folder / "shells.orb"
    swept = folder / path.name
    swept.write_text(_substitute(swept.read_text(encoding="utf-8"), literal, value),
                     encoding="utf-8")
    shells.write_text(_shrink_walkers(shells.read_text(encoding="utf-8"),
                                      literal if path.name == "shells.orb" else None),
                      encoding="utf-8")
    return folder / "main.orb"


def test_the_sweep_covers_every_numeric_attribute():
    """Every attribute that holds a number appears in at least one swept place."""
    swept = {(where.rsplit(".", 1)[-1], name) for _, (where, name, _), _ in SITES}

    def numeric(blocks, found):
        for kind, spec in blocks.items():
            for name, attr in spec.attrs.items():
                if attr.kind in ("quantity", "fraction", "count", "angle_or_keyword",
                                 "location"):
                    found.add((kind, name))
            numeric(spec.blocks, found)
        return found

    missing = numeric(schema.TOP_LEVEL, set()) - swept
    assert not missing, f"no example writes a number for {sorted(missing)}"


def test_shrunk_datacentre_elaborates(tmp_path):
    """The cut-down copy the sweep starts from elaborates, so every check runs on it (its
    rings of 3 satellites fail their link checks, which is no concern here)."""
    folder = tmp_path / DATACENTRE.name
    shutil.copytree(DATACENTRE, folder)
    shells = folder / "shells.orb"
    shells.write_text(_shrink_walkers(shells.read_text(encoding="utf-8"), None))
    result = compile_spec(folder / "main.orb")
    assert result.model is not None and result.model.satellites <= 20 * 12
    assert {d.code for d in result.diagnostics if d.is_error} <= {
        "isl-beyond-max-range", "isl-margin", "isl-occluded"}


@pytest.mark.parametrize("path, place, literal", SITES,
                         ids=[f"{p.relative_to(REPO)}:{lit.span.line}:{'.'.join(map(str, w))}"
                              for p, w, lit in SITES])
def test_extreme_value_gives_a_diagnostic(path, place, literal, tmp_path):
    failures = []
    for value in EXTREMES:
        case = tmp_path / value
        case.mkdir()
        spec = _spec_with(path, literal, value, case)
        try:
            with warnings.catch_warnings():
                # A numpy overflow or invalid operation is a formula used outside its range.
                warnings.simplefilter("error", RuntimeWarning)
                result = compile_spec(spec)
            for diagnostic in result.diagnostics:
                render_human(diagnostic, result.sources)
        except Exception as error:  # noqa: BLE001 - the point is to name every crash
            failures.append(f"{value}: {type(error).__name__}: {error}")
            continue
        if result.errors == 0 and result.model is None:
            failures.append(f"{value}: no model and no error")
    assert not failures, f"{literal.text} at {path.name}:{literal.span.line}: " + "; ".join(
        failures)



def _suggestion(help_text: str) -> str | None:
    """The value an `out-of-range` help offers (`for example `X``, `such as `X``)."""
    found = re.search(r"(?:for example|such as) `([^`]+)`", help_text or "")
    return found[1] if found else None


@pytest.mark.parametrize("path, place, literal", SITES,
                         ids=[f"{p.relative_to(REPO)}:{lit.span.line}:{'.'.join(map(str, w))}"
                              for p, w, lit in SITES])
def test_out_of_range_help_clears_the_error(path, place, literal, tmp_path):
    """Writing the value an out-of-range help offers, in place of the value, is accepted."""
    for value in ("1e30", "-1e30"):
        case = tmp_path / value
        case.mkdir()
        spec = _spec_with(path, literal, value, case)
        swept = spec.parent / path.name
        result = compile_spec(spec)
        located = [d for d in result.diagnostics if d.code == "out-of-range"
                   and d.span.file.endswith(path.name) and d.span.line == literal.span.line]
        for diagnostic in located:
            offered = _suggestion(diagnostic.help)
            assert offered, diagnostic.help
            text = swept.read_text(encoding="utf-8")
            start = _offset(text, diagnostic.span.line, diagnostic.span.column)
            end = _offset(text, diagnostic.span.end_line, diagnostic.span.end_column)
            swept.write_text(text[:start] + offered + text[end:], encoding="utf-8")
            again = compile_spec(spec)
            assert not [d for d in again.diagnostics if d.code == "out-of-range"
                        and d.span.file.endswith(path.name)
                        and d.span.line == literal.span.line], (value, diagnostic.help)


def test_language_reference_lists_every_range():
    """docs/language.md's table of ranges is the schema's (regenerate it from
    `schema.ranges()` when a range changes)."""
    text = (REPO / "docs" / "language.md").read_text(encoding="utf-8")
    table = text.split("<!-- ranges:begin -->\n", 1)[1].split("\n<!-- ranges:end -->", 1)[0]
    expected = "\n".join(["| attribute | accepted | why |", "| --- | --- | --- |"]
                         + [f"| `{name}` | {bounds} | {why} |"
                            for name, bounds, why in schema.ranges()])
    assert table == expected


def _attribute(place) -> schema.Attr:
    """The schema entry of a swept place."""
    where, name, index = place
    kinds = where.split(".")
    spec = schema.TOP_LEVEL[kinds[0]]
    for kind in kinds[1:]:
        spec = spec.blocks[kind]
    attr = spec.attrs[name]
    return schema.LOCATION_PARTS[index][1] if attr.kind == "location" else attr


def _replace_value(text: str, literal, value: str) -> str:
    """`value` in place of the whole literal (number and unit, and a minus sign before it)."""
    start = _offset(text, literal.span.line, literal.span.column)
    end = _offset(text, literal.span.end_line, literal.span.end_column)
    if text[start - 1] == "-":
        start -= 1
    return text[:start] + value + text[end:]


@pytest.mark.parametrize("path, place, literal", SITES,
                         ids=[f"{p.relative_to(REPO)}:{lit.span.line}:{'.'.join(map(str, w))}"
                              for p, w, lit in SITES])
def test_range_edges_are_accepted_and_every_formula_stays_finite(path, place, literal,
                                                                  tmp_path):
    """Each end of an attribute's range, written as the language reference writes it, is
    accepted, and the checks run on it without a numpy overflow or invalid operation.
    (A count's upper end is left out: it asks for millions of satellites, not for an edge
    of any formula; so are the network's finest step and longest horizon, which ask for up
    to 10^5 snapshots.)"""
    attr = _attribute(place)
    if attr.kind in ("angle_or_keyword",):
        attr = attrs.evolve(attr, kind="quantity")
    edges = [] if attr.low is None or attr.low_open else [attr.readable(attr.low)]
    if attr.high is not None and attr.kind != "count":
        edges.append(attr.readable(attr.high))
    if place[0] == "network":  # the finest step and longest horizon: ~10^5 snapshots
        edges = edges[-1:] if place[1] == "step" else edges[:1]
    for edge in edges:
        case = tmp_path / edge.replace(" ", "_").replace("%", "pc").replace("/", "_")
        case.mkdir()
        spec = _spec_with(path, literal, "0", case)  # the copy; the value is set below
        swept = spec.parent / path.name
        original = (DATACENTRE if path.parent == DATACENTRE else path.parent) / path.name
        text = _replace_value(original.read_text(encoding="utf-8"), literal, edge)
        if path.name == "shells.orb":
            text = _shrink_walkers(text, literal)
        swept.write_text(text, encoding="utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            result = compile_spec(spec)
        for diagnostic in result.diagnostics:
            render_human(diagnostic, result.sources)
        if _is_whole_value(path, literal):
            assert not [d for d in result.diagnostics if d.code == "out-of-range"
                        and d.span.file.endswith(path.name)
                        and d.span.line == literal.span.line], edge



def _is_whole_value(path: Path, literal) -> bool:
    """Whether `literal` (or minus it) is a whole value: an attribute's, or a tuple item's."""
    module, _ = parse(path.read_text(encoding="utf-8"), str(path))

    def whole(expr) -> bool:
        expr = expr.operand if isinstance(expr, ast.Negate) else expr
        return expr == literal or (isinstance(expr, ast.Tuple)
                                   and any(whole(item) for item in expr.items))

    def walk(block) -> bool:
        return any(whole(a.value) for a in block.attributes) or any(
            walk(child) for child in block.blocks)

    return any(walk(block) for block in module.blocks)
