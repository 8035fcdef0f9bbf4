"""Every bundled example compiles and is feasible, with no warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from orbc.cli import main

EXAMPLES = Path(__file__).parents[1] / "examples"
ROOTS = sorted([*EXAMPLES.glob("*.orb"), *EXAMPLES.glob("*/main.orb")])


def test_the_flagship_examples_are_there():
    names = {p.relative_to(EXAMPLES).as_posix() for p in ROOTS}
    assert {"conformance.orb", "starlink-gen1.orb", "suncatcher.orb",
            "orbital-datacentre/main.orb"} <= names


@pytest.mark.parametrize("root", ROOTS, ids=lambda p: p.relative_to(EXAMPLES).as_posix())
def test_example_checks_clean(root, capsys):
    assert main(["check", str(root), "--strict", "--format", "concise"]) == 0, \
        capsys.readouterr().out
