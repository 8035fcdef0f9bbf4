"""Laser terminal budget (`orbc.network.terminals`): a satellite whose link policies need
more terminals than its hardware's `laser_terminal.count` cannot hold them all."""

from __future__ import annotations

from orbc.compiler.checks.context import CheckContext
from orbc.diagnostics import replace_with
from orbc.network.terminals import TERMINALS_PER_POLICY, terminals_needed


def check_terminals(context: CheckContext) -> None:
    model = context.model
    for name, shell in model.shells.items():
        needed = terminals_needed(model, shell)
        terminal = model.hardware[shell.hardware].laser_terminal
        if terminal is None or needed == 0:
            continue  # no terminals at all is `no-laser-terminal`, from the link checks
        context.shell_figures(name)["terminals"] = {"needed": needed, "count": terminal.count}
        if needed <= terminal.count:
            continue
        uses = ", ".join(f'"{p}" ({model.link_policies[p].topology}: '
                         f"{TERMINALS_PER_POLICY[model.link_policies[p].topology]})"
                         for p in shell.link_policies)
        context.report("too-few-terminals", name,
                       f'link policies {uses} need {needed} laser terminals '
                       f'per satellite; hardware "{shell.hardware}" has {terminal.count}',
                       terminal.spans.get("count"),
                       f"set `count = {needed}` in the laser_terminal, or drop a link policy",
                       suggestion=replace_with(str(needed), terminal.spans.get("count")))
