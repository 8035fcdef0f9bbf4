"""Links from a shell to a relay shell (`topology = nearest`): availability over time.

A satellite has a relay link at an instant when some satellite of the relay
shell is within the policy's `max_range`, the line of sight clears
`min_grazing_altitude`, and the optical link closes with `min_margin`.
Availability is the fraction of instants with a link. The two shells' nodes
drift apart under J2, so the instants are spread over one cycle of that
relative drift (capped at the mission life), on an irregular grid that does
not alias with the orbital periods. A sample of the user shell's satellites,
spread over its planes and slots, stands for the shell.
"""

from __future__ import annotations

import math

import numpy as np

from orbc.compiler.checks.context import CheckContext
from orbc.compiler.checks.isl import optical_margin_db, range_for_margin_m
from orbc.compiler.columns import ShellColumns, expand
from orbc.compiler.model import LinkPolicy, Shell
from orbc.constants import EARTH_RADIUS_M
from orbc.physics.geometry import circular_positions_eci, max_grazing_range_m
from orbc.physics.orbits import mean_motion_rad_s, nodal_precession_rate_rad_s

INSTANTS = 2048
SAMPLED_SATELLITES = 48
_CHUNK_ELEMENTS = 1 << 22  # (user × relay × instants) values per chunk


def check_relays(context: CheckContext) -> None:
    model = context.model
    for name, shell in model.shells.items():
        policy = model.link_policies.get(shell.isl) if shell.isl else None
        if policy is None or policy.topology != "nearest" or policy.relay not in model.shells:
            continue
        relay = model.shells[policy.relay]
        mine = model.hardware[shell.hardware].laser_terminal
        theirs = model.hardware[relay.hardware].laser_terminal
        if mine is None or theirs is None:
            context.report("no-laser-terminal", f'relay links from shell "{name}" to "{relay.name}" '
                           "need a laser_terminal on both hardware", shell.spans.get("isl"),
                           "add a `laser_terminal { … }` to the hardware")
            continue
        closing = min(range_for_margin_m(mine, theirs, policy.min_margin_db),
                      range_for_margin_m(theirs, mine, policy.min_margin_db))
        limit = min(closing, policy.max_range_m or math.inf)
        per_satellite = _availability(shell, relay, policy, limit, context.model.constellation)
        mean, worst = float(per_satellite.mean()), float(per_satellite.min())
        margin_at_limit = float(min(optical_margin_db(mine, theirs, limit),
                                    optical_margin_db(theirs, mine, limit)))
        context.shell_figures(name)["relay"] = {
            "policy": policy.name, "relay_shell": relay.name, "links": shell.satellites,
            "availability": mean, "availability_min": worst,
            "range_limit_km": limit / 1e3, "margin_at_range_limit_db": margin_at_limit,
            "sampled_satellites": int(per_satellite.size),
        }
        if worst < policy.min_availability:
            context.report("relay-availability",
                           f'shell "{name}": a satellite has a relay in "{relay.name}" within '
                           f"{limit / 1e3:,.0f} km only {worst:.0%} of the time (mean {mean:.0%}); "
                           f'policy "{policy.name}" asks for {policy.min_availability:.0%}',
                           policy.spans.get("min_availability"),
                           "raise max_range or the laser power, add relay satellites, or lower "
                           "min_availability")


def _availability(shell: Shell, relay: Shell, policy: LinkPolicy, limit_m: float,
                  constellation) -> np.ndarray:
    """Fraction of instants with a usable relay, per sampled satellite of `shell`.

    Both satellites fly circles, so range and line of sight depend only on the
    dot product of their positions: a relay is usable when r_a·r_b ≥ the larger
    of the dot products at `limit_m` and at the grazing range. One batched
    matrix product per chunk of instants does the work.
    """
    mine, theirs = expand(shell), expand(relay)
    chosen = np.unique(np.linspace(0, len(mine) - 1, min(SAMPLED_SATELLITES, len(mine)))
                       .round().astype(np.int64))
    times = _instants(mine, theirs, constellation.mission_life_s)
    r_a, r_b = mine.semi_major_axis_m, theirs.semi_major_axis_m
    grazing = float(max_grazing_range_m(r_a - EARTH_RADIUS_M, r_b - EARTH_RADIUS_M,
                                        policy.min_grazing_altitude_m))
    threshold = 0.5 * (r_a**2 + r_b**2 - min(limit_m, grazing) ** 2)
    linked = np.zeros((len(chosen), len(times)), dtype=bool)
    step = max(1, _CHUNK_ELEMENTS // max(1, len(chosen) * len(theirs)))
    for start in range(0, len(times), step):
        t = times[start:start + step]
        a = _positions(mine, chosen, t).transpose(1, 0, 2)  # (time, user, 3)
        b = _positions(theirs, np.arange(len(theirs)), t).transpose(1, 2, 0)  # (time, 3, relay)
        best = np.matmul(a, b).max(axis=2)  # (time, user)
        linked[:, start:start + step] = (best >= threshold).T
    return linked.mean(axis=1)


def _instants(mine: ShellColumns, theirs: ShellColumns, life_s: float) -> np.ndarray:
    drift = abs(_node_rate(mine) - _node_rate(theirs))
    span = min(life_s, 2 * math.pi / drift if drift > 0 else 86400.0)
    golden = (math.sqrt(5) - 1) / 2  # an irrational step: no aliasing with the orbits
    return np.sort(np.mod(np.arange(INSTANTS) * golden, 1.0)) * span


def _node_rate(columns: ShellColumns) -> float:
    return float(nodal_precession_rate_rad_s(columns.semi_major_axis_m, columns.inclination_rad))


def _positions(columns: ShellColumns, rows: np.ndarray, times: np.ndarray) -> np.ndarray:
    """ECI positions (rows, times, 3), m: Keplerian phase, J2 node drift."""
    n = float(mean_motion_rad_s(columns.semi_major_axis_m))
    raan = columns.raan_rad[rows, None] + _node_rate(columns) * times[None, :]
    anomaly = columns.mean_anomaly_rad[rows, None] + n * times[None, :]
    return circular_positions_eci(columns.semi_major_axis_m, columns.inclination_rad, raan, anomaly)
