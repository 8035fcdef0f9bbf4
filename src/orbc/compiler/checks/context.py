"""What every check needs: the model, a place for diagnostics, and per-shell figures."""

from __future__ import annotations

import attrs

from orbc.compiler.model import Model
from orbc.diagnostics import Diagnostic, Span

# A positive margin below these is reported as a warning ("thin").
THIN_POWER_FRACTION = 0.05  # of the required array power
THIN_THERMAL_FRACTION = 0.05  # of the dissipated power
THIN_LINK_DB = 1.0  # above the policy's `min_margin`
THIN_DOWNLINK_DB = 3.0  # above the modulation's threshold


@attrs.define
class CheckContext:
    model: Model
    diagnostics: list[Diagnostic] = attrs.Factory(list)
    figures: dict[str, dict] = attrs.Factory(dict)  # shell name -> figures

    def report(self, code: str, message: str, span: Span | None, help: str,
               severity: str = "error") -> None:
        self.diagnostics.append(Diagnostic(code, message, span, severity, help))

    def shell_figures(self, name: str) -> dict:
        return self.figures.setdefault(name, {})
