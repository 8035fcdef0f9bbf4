"""Labels from a spec turned into the identifiers of formats with strict name rules.

GMAT object names, Hypatia folder and constellation names and the like accept
only a few characters. Every label goes through `identifiers`, which keeps
`[A-Za-z0-9_]`, makes everything else `_`, starts the result with a letter,
and keeps the results distinct, deterministically: labels are taken in sorted
order and a name already taken gets `_2`, `_3` … appended.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_]")
IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def identifier(label: str, prefix: str = "x") -> str:
    """`label` with every character outside [A-Za-z0-9_] replaced by `_`, starting with a
    letter (`prefix` is put in front otherwise)."""
    name = _NOT_ALLOWED.sub("_", label)
    return name if name[:1].isascii() and name[:1].isalpha() else prefix + name


def identifiers(labels: Iterable[str], prefix: str = "x") -> dict[str, str]:
    """A distinct identifier for each label, label -> identifier (see the module docstring)."""
    taken: set[str] = set()
    result = {}
    for label in sorted(set(labels)):
        base = identifier(label, prefix)
        name, count = base, 1
        while name in taken:
            count += 1
            name = f"{base}_{count}"
        taken.add(name)
        result[label] = name
    return result
