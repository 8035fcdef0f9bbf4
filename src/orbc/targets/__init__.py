"""Build targets: each turns the model into artifacts that another tool reads.

A target is a small class with a `name`, a `description`, `check(model)` (the
diagnostics it has about the model, such as a format limit, run before anything
is written) and `emit(model, engine)` (its artifacts as (path, chunk iterator)
pairs, streamed into the output directory's staging by `output` and published together). Heavy per-shell or per-slice work goes
through `engine.map`, which keeps item order, so the local and Dask engines
write identical bytes. Adding a target is one line in `TARGETS`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Protocol

from orbc.compiler.model import Model
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.targets import contacts, czml, flight, gmat, hypatia, isl, omm, tle
from orbc.targets.output import OutputTransaction
from orbc.targets.writer import Provenance, Written, manifest

Artifact = tuple[str, Iterable[bytes]]  # relative path, content chunks


class Target(Protocol):
    name: str
    description: str

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]: ...

    def emit(self, model: Model, engine: Engine = LOCAL) -> Iterator[Artifact]: ...


TARGETS: dict[str, Target] = {
    target.name: target
    for target in (flight.FlightCsv(), flight.FlightParquet(), tle.Tle(), omm.OmmXml(),
                   omm.OmmKvn(),
                   isl.IslCsv(),
                   czml.Czml(),
                   gmat.Gmat(),
                   hypatia.Hypatia(),
                   contacts.Contacts(), contacts.Schedule())
}


def check_targets(model: Model, names: list[str], engine: Engine = LOCAL) -> list[Diagnostic]:
    """What the chosen targets say about the model before anything is written."""
    found = [d for name in sorted(set(names)) for d in TARGETS[name].check(model, engine)]
    return list(dict.fromkeys(found))  # one problem two targets see (contacts, schedule): once


def build_targets(model: Model, output: str, names: list[str], engine: Engine = LOCAL,
                  provenance: Provenance | None = None) -> list[Written]:
    """Emit the chosen targets into `output` as one transaction (see `orbc.targets.output`):
    the artifacts and `manifest.json` replace the last build's, whose leftovers are removed.
    Raises `OutputBusy` when another build holds the directory, OSError when it cannot be
    written; either way the previous build stays as it was."""
    provenance = provenance or Provenance(os.path.basename(model.root))
    written = []
    with OutputTransaction(output) as transaction:
        for name in sorted(set(names)):
            for relative, chunks in TARGETS[name].emit(model, engine):
                sha256, size = transaction.write(relative, chunks)
                written.append(Written(name, relative, sha256, size))
        transaction.publish(manifest(provenance, written))
    return written
