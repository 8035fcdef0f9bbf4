"""Links from a shell to a relay shell (`topology = nearest`): availability over time.

A satellite has a relay link at an instant when some satellite of the relay
shell is within the usable range: the policy's `max_range`, the range at which
the line of sight dips below `min_grazing_altitude`, and the range at which the
optical link still closes with `min_margin`, whichever is shortest.
Availability is the fraction of instants with a link. The two shells' nodes
drift apart under J2, so the instants are spread over one cycle of that
relative drift (capped at the mission life), on an irregular grid that does
not alias with the orbital periods. A sample of the user shell's satellites,
spread over its planes and slots, stands for the shell; the relay shell is
searched plane by plane in O(1) per plane (`nearest_on_circular_planes`), so
the cost does not grow with its satellites per plane.
"""

from __future__ import annotations

import math

import numpy as np

from orbc.compiler.checks.context import CheckContext
from orbc.compiler.checks.isl import optical_margin_db, range_for_margin_m, shell_policies
from orbc.compiler.columns import ShellColumns, expand
from orbc.compiler.model import LinkPolicy, Model, Shell
from orbc.diagnostics import at_most, format_number, replace_with
from orbc.physics.geometry import (
    circular_positions_eci,
    max_grazing_range_m,
    nearest_on_circular_planes,
)
from orbc.physics.orbits import mean_motion_rad_s, nodal_precession_rate_rad_s

INSTANTS = 2048
SAMPLED_SATELLITES = 48


def relay_range_limit_m(model: Model, shell: Shell,
                        policy: LinkPolicy) -> tuple[float, float | None]:
    """The usable range of relay links from `shell` (m) and the margin at it (dB, or None
    when either end has no laser terminal)."""
    relay = model.shells[policy.relay]
    grazing = float(max_grazing_range_m(shell.altitude_m, relay.altitude_m,
                                        policy.min_grazing_altitude_m))
    limit = min(grazing, policy.max_range_m or math.inf)
    mine = model.hardware[shell.hardware].laser_terminal
    theirs = model.hardware[relay.hardware].laser_terminal
    if mine is None or theirs is None:
        return limit, None
    limit = min(limit, range_for_margin_m(mine, theirs, policy.min_margin_db),
                range_for_margin_m(theirs, mine, policy.min_margin_db))
    margin = min(float(optical_margin_db(mine, theirs, limit)),
                 float(optical_margin_db(theirs, mine, limit)))
    return limit, margin


def check_relays(context: CheckContext) -> None:
    model = context.model
    for name, shell, policy in shell_policies(model, ("nearest",)):
        if policy.relay not in model.shells:
            continue
        relay = model.shells[policy.relay]
        limit, margin_at_limit = relay_range_limit_m(model, shell, policy)
        if margin_at_limit is None:
            context.report("no-laser-terminal", name, f'relay links to "{relay.name}" '
                           "need a laser_terminal on both hardware", shell.spans.get("isl"),
                           "add a `laser_terminal { … }` to the hardware")
            continue
        per_satellite = _availability(shell, relay, limit, context.model.constellation)
        mean, worst = float(per_satellite.mean()), float(per_satellite.min())
        context.shell_figures(name)["relay"] = {
            "policy": policy.name, "relay_shell": relay.name, "links": shell.satellites,
            "availability": mean, "availability_min": worst,
            "range_limit_km": limit / 1e3, "margin_at_range_limit_db": margin_at_limit,
            "sampled_satellites": int(per_satellite.size),
        }
        if worst < policy.min_availability:
            # Percent at the precision printed, rounded down: a requirement it meets.
            floor = f"{format_number(at_most(worst * 100))} %"
            span = policy.spans.get("min_availability")
            context.report("relay-availability", name,
                           f'a satellite has a relay in "{relay.name}" within '
                           f"{limit / 1e3:,.0f} km only {worst:.0%} of the time (mean {mean:.0%}); "
                           f'policy "{policy.name}" asks for {policy.min_availability:.0%}', span,
                           "raise max_range or the laser power, add relay satellites, or lower "
                           f"min_availability to {floor}", demand=-worst,
                           suggestion=replace_with(floor, span))


def _availability(shell: Shell, relay: Shell, limit_m: float, constellation) -> np.ndarray:
    """Fraction of instants with a relay within `limit_m`, per sampled satellite of `shell`.

    Both satellites fly circles, so range depends only on the dot product of
    their positions: a relay is in range when r_a·r_b ≥ (r_a² + r_b² − limit²)/2.
    """
    mine, theirs = expand(shell), expand(relay)
    chosen = np.unique(np.linspace(0, len(mine) - 1, min(SAMPLED_SATELLITES, len(mine)))
                       .round().astype(np.int64))
    times = _instants(mine, theirs, constellation.mission_life_s)
    r_a, r_b = mine.semi_major_axis_m, theirs.semi_major_axis_m
    threshold = 0.5 * (r_a**2 + r_b**2 - limit_m**2)
    points = _positions(mine, chosen, times)  # (user, time, 3)
    first = np.arange(0, len(theirs), relay.per_plane)  # slot 0 of each plane
    _, _, best = nearest_on_circular_planes(
        points, np.broadcast_to(times, points.shape[:2]).ravel(), r_b, theirs.inclination_rad,
        theirs.raan_rad[first], _node_rate(theirs), theirs.mean_anomaly_rad[first],
        float(mean_motion_rad_s(r_b)), relay.per_plane)
    return (best.reshape(points.shape[:2]) >= threshold).mean(axis=1)


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
