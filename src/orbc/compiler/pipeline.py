"""The front half of the compiler in one call: load, parse, elaborate."""

from __future__ import annotations

import os

import attrs

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

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return sum(d.severity == "warning" for d in self.diagnostics)


def compile_spec(path: str | os.PathLike) -> Compilation:
    """Compile the spec at `path`. Raises `orbc.dsl.loader.SpecUnreadable` (exit 2) only
    when the root file itself cannot be read."""
    spec = load(path)
    model, problems = elaborate(spec)
    diagnostics = sorted(spec.diagnostics + problems, key=sort_key)
    return Compilation(model, tuple(diagnostics), spec.sources)
