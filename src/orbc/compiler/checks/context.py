"""What every check needs: the model, a place for findings, and per-shell figures."""

from __future__ import annotations

import attrs

from orbc.compiler.model import Model
from orbc.diagnostics import Diagnostic, Span, Suggestion

# A positive margin below these is reported as a warning ("thin").
THIN_POWER_FRACTION = 0.05  # of the required array power
THIN_THERMAL_FRACTION = 0.05  # of the dissipated power
THIN_LINK_DB = 1.0  # above the policy's `min_margin`
THIN_DOWNLINK_DB = 3.0  # above the modulation's threshold


@attrs.frozen
class Finding:
    """One shell's view of a fault (`shell` empty for a fault of the whole network). Findings of the same code at the same place (shells
    sharing hardware or a link policy) are one problem, reported once (`diagnostics`).

    `message` follows the shells' names; `demand` ranks findings of one place (larger is
    worse), and the worst one's message, help and suggestion speak for all: its fix is
    the one that clears every shell.
    """

    code: str
    shell: str
    message: str
    span: Span | None
    help: str
    severity: str = "error"
    demand: float = 0.0
    suggestion: Suggestion | None = None


@attrs.define
class CheckContext:
    model: Model
    findings: list[Finding] = attrs.Factory(list)
    figures: dict[str, dict] = attrs.Factory(dict)  # shell name -> figures

    def report(self, code: str, shell: str, message: str, span: Span | None, help: str,
               severity: str = "error", demand: float = 0.0,
               suggestion: Suggestion | None = None) -> None:
        self.findings.append(Finding(code, shell, message, span, help, severity, demand,
                                     suggestion))

    def shell_figures(self, name: str) -> dict:
        return self.figures.setdefault(name, {})

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """One diagnostic per (code, place), naming every shell that shows the fault."""
        groups: dict[tuple, list[Finding]] = {}
        for finding in self.findings:
            place = finding.span if finding.span is not None else finding.shell
            groups.setdefault((finding.code, finding.severity, place), []).append(finding)
        diagnostics = []
        for group in groups.values():
            worst = max(group, key=lambda f: f.demand)  # the first of equals: model order
            shells = [s for s in dict.fromkeys(f.shell for f in group) if s]
            who = ("" if not shells else f'shell "{shells[0]}": ' if len(shells) == 1 else
                   "shells " + ", ".join(f'"{s}"' for s in shells) + f' (worst "{worst.shell}"): ')
            diagnostics.append(Diagnostic(worst.code, f"{who}{worst.message}", worst.span,
                                          worst.severity, worst.help,
                                          suggestion=worst.suggestion))
        return diagnostics
