"""Compute delivered: peak FLOPS, the share of the mission the compute runs, and J/FLOP.

Compute marked `shed_in_eclipse` runs only in sunlight, so its utilisation is
the mean sunlit share of time over all the shell's planes and the whole
mission (node drift against the sun included); otherwise it runs always.
"""

from __future__ import annotations

from orbc.compiler.checks.context import CheckContext
from orbc.compiler.columns import expand
from orbc.compiler.model import Shell
from orbc.physics.sunlight import mean_sunlit_fraction


def shell_utilisation(shell: Shell, epoch, mission_life_s: float, shed: bool) -> float:
    """Mission-average fraction of time the shell's compute runs, in (0.5, 1]."""
    if not shed:
        return 1.0
    columns = expand(shell)
    nodes = columns.raan_rad[:: shell.per_plane]  # the satellites of a plane share its node
    sunlit = mean_sunlit_fraction(nodes, columns.inclination_rad, columns.semi_major_axis_m,
                                  epoch, mission_life_s)
    return float(sunlit.mean())  # every plane holds the same number of satellites


def check_compute(context: CheckContext) -> None:
    model = context.model
    constellation = model.constellation
    for name, shell in model.shells.items():
        compute = model.hardware[shell.hardware].compute
        if compute is None:
            continue
        utilisation = shell_utilisation(shell, constellation.epoch,
                                        constellation.mission_life_s, compute.shed_in_eclipse)
        peak = shell.satellites * compute.accelerators * compute.flops_each
        context.shell_figures(name)["compute"] = {
            "utilisation": utilisation,
            "flops_peak": peak,
            "flops_delivered": peak * utilisation,
            "joules_per_flop": (compute.power_each_w / compute.flops_each
                                if compute.flops_each > 0 else None),
        }
