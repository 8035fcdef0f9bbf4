"""The front half of the compiler in one call: load, parse, elaborate."""

from __future__ import annotations

import functools
import gc
import os

import attrs

from orbc.compiler.checks import run_checks
from orbc.compiler.elaborate import elaborate
from orbc.compiler.model import Model
from orbc.diagnostics import Diagnostic, sort_key
from orbc.dsl.loader import load


@attrs.frozen
class Compilation:
    """The outcome of compiling one spec: the model (None on any error) and all diagnostics."""

    model: Model | None
    diagnostics: tuple[Diagnostic, ...]
    sources: dict[str, str]
    shells: dict = attrs.field(factory=dict)  # per-shell feasibility figures
    summary: dict = attrs.field(factory=dict)  # constellation totals
    digests: dict[str, str] = attrs.field(factory=dict)  # display path -> sha256 of the file
    routes: dict = attrs.field(factory=dict)  # per-route network figures
    network: dict = attrs.field(factory=dict)  # network capacity figures

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity == "warning" for d in self.diagnostics)


def _cycle_collector_paused(function):
    """Run `function` with Python's cycle collector off. A large spec's parse tree and model
    are millions of small objects in no cycle; the collector's repeated full passes over
    them made loading 20,000 shells take twice as long as the parsing itself."""
    @functools.wraps(function)
    def paused(*args, **kwargs):
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return function(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()
    return paused


@_cycle_collector_paused
def compile_spec(path: str | os.PathLike, feasibility: bool = True,
                 text: str | None = None) -> Compilation:
    """Compile the spec at `path` and, when it elaborates cleanly and `feasibility` is set,
    run the physics checks. Raises `orbc.dsl.loader.SpecUnreadable` (exit 2) only
    when the root file itself cannot be read. `text` stands for the root file's content
    (an editor's unsaved buffer; the language server).

    A file that does not parse or an import that fails stops the compilation there: with
    blocks missing, elaboration would only report their absence again (unknown references,
    no constellation) under other names."""
    spec = load(path, text)
    if any(d.is_error for d in spec.diagnostics):
        return Compilation(None, tuple(sorted(spec.diagnostics, key=sort_key)), spec.sources,
                           digests=spec.digests)
    model, problems = elaborate(spec)
    shells, summary, routes, network = {}, {}, {}, {}
    if model is not None and feasibility:
        checked = run_checks(model)
        problems += checked.diagnostics
        shells, summary = checked.shells, checked.summary
        routes, network = checked.routes, checked.network
    diagnostics = sorted(spec.diagnostics + problems, key=sort_key)
    return Compilation(model, tuple(diagnostics), spec.sources, shells, summary, spec.digests,
                       routes, network)
