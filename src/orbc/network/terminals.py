"""Laser terminal budget: every link policy of a shell takes terminals on each satellite.

`plus_grid` takes 4 (two in-plane neighbours, one in each adjacent plane), `ring` 2,
`nearest` 1 (the relay link); `none` takes none. The terminals left over on a
relay satellite are what it can give to users that relay through it.
"""

from __future__ import annotations

from orbc.compiler.model import Model, Shell

TERMINALS_PER_POLICY = {"plus_grid": 4, "ring": 2, "nearest": 1, "none": 0}


def terminals_needed(model: Model, shell: Shell) -> int:
    """Laser terminals each satellite of `shell` uses for its own link policies."""
    return sum(TERMINALS_PER_POLICY[model.link_policies[name].topology]
               for name in shell.link_policies if name in model.link_policies)


def free_terminals(model: Model, shell: Shell) -> int:
    """Terminals each satellite of `shell` has left for relay users (≥ 0)."""
    terminal = model.hardware[shell.hardware].laser_terminal
    return max(0, (terminal.count if terminal else 0) - terminals_needed(model, shell))
