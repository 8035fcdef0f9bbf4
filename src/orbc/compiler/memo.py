"""Results computed once per model object and shared by whoever asks for them next: the
checks and the targets of one build (grid links, the contact plan) do the work once.

A result lives as long as its model: the entry goes when the model is collected. A model
copied into another process (a Dask worker) starts with no results there.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import TypeVar

from orbc.compiler.model import Model

Result = TypeVar("Result")

_results: dict[int, tuple[weakref.ref, dict]] = {}  # id(model) -> (model, key -> result)


def per_model(model: Model, key: Hashable, compute: Callable[[Model], Result]) -> Result:
    """`compute(model)`, computed once per model object and `key`."""
    ident = id(model)
    entry = _results.get(ident)
    if entry is None or entry[0]() is not model:
        try:
            reference = weakref.ref(model, lambda _, ident=ident: _results.pop(ident, None))
        except TypeError:  # not weak-referenceable: no cache
            return compute(model)
        entry = _results[ident] = (reference, {})
    if key not in entry[1]:
        entry[1][key] = compute(model)
    return entry[1][key]
