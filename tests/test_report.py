"""The human figures: SI prefixes, and the ledger's totals line."""

from __future__ import annotations

import pytest

from orbc.cli import main
from orbc.report import si


@pytest.mark.parametrize(("value", "unit", "text"), [
    (2.25e23, "FLOPS", "225 ZFLOPS"),  # the million-satellite data centre, peak
    (2.25e15, "FLOPS", "2.25 PFLOPS"),
    (0.0, "FLOPS", "0 FLOPS"),
    (999.7e15, "FLOPS", "1 EFLOPS"),  # rounds up into the next prefix, not "1e+03 PFLOPS"
    (4.444e-13, "J/FLOP", "444 fJ/FLOP"),
    (1.0, "W", "1 W"),
    (None, "W", "—"),
])
def test_si_prefix(value, unit, text):
    assert si(value, unit) == text


def test_explain_defaults_lists_the_mass_inputs_with_their_sources(capsys):
    assert main(["explain", "defaults"]) == 0
    out = capsys.readouterr().out
    for name, source in (("solar_array.areal_density", "UltraFlex"),
                         ("radiator.areal_density", "Space Station Freedom"),
                         ("battery.specific_energy", "VES180"),
                         ("compute.mass_each", "DGX H100"),
                         ("laser_terminal.mass", "SCOT80"),
                         ("radio.mass", "assumption"), ("load.mass", "")):
        line = next(line for line in out.splitlines() if f"hardware.{name} " in line)
        assert source in line
