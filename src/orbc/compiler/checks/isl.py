"""Optical inter-satellite links of `plus_grid` and `ring` policies: geometry and closure.

Every link is judged at its largest range over an orbit (the worst case):
Earth occlusion below the policy's `min_grazing_altitude`, the policy's
`max_range`, and the link margin against `min_margin`. The inter-plane
cut-off latitude is not used to shorten ranges, so the range is conservative.
"""

from __future__ import annotations

import numpy as np

from orbc.compiler.checks.context import THIN_LINK_DB, CheckContext
from orbc.compiler.model import LaserTerminal, LinkPolicy, Shell
from orbc.compiler.topology import LinkSet, shell_grid_links
from orbc.diagnostics import at_least, format_number, replace_with
from orbc.physics.geometry import max_grazing_range_m
from orbc.physics.links import (
    beam_divergence_rad,
    optical_antenna_gain,
    optical_received_power_dbw,
    pointing_loss_db,
)


def optical_margin_db(tx: LaserTerminal, rx: LaserTerminal, distance_m) -> np.ndarray:
    """Received power over the receiver's sensitivity, dB, for the given ranges.

    Friis with both apertures' gains, the declared other losses of the
    transmitter, and the pointing loss of both ends, summed in dB so that the
    margin stays finite over every accepted value (a badly pointed narrow beam
    loses thousands of dB rather than underflowing to a linear 0).
    """
    gain_tx = optical_antenna_gain(tx.aperture_m, tx.wavelength_m, tx.aperture_efficiency)
    gain_rx = optical_antenna_gain(rx.aperture_m, tx.wavelength_m, rx.aperture_efficiency)
    pointing_db = (
        pointing_loss_db(tx.pointing_error_rad, beam_divergence_rad(tx.aperture_m,
                                                                    tx.wavelength_m))
        + pointing_loss_db(rx.pointing_error_rad, beam_divergence_rad(rx.aperture_m,
                                                                      tx.wavelength_m)))
    received = optical_received_power_dbw(tx.power_w, gain_tx, gain_rx, tx.wavelength_m,
                                          distance_m, tx.aperture_m,
                                          loss_db=tx.losses_db - pointing_db)
    return received - rx.sensitivity_dbw


def range_for_margin_m(tx: LaserTerminal, rx: LaserTerminal, margin_db: float) -> float:
    """The far-field range at which the margin falls to `margin_db`, metres (inf when the
    link closes farther than a float reaches)."""
    reference = 1e6
    excess = float(optical_margin_db(tx, rx, reference)) - margin_db
    with np.errstate(over="ignore"):
        return float(reference * np.power(10.0, excess / 20.0))


def power_ratio(db: float) -> float:
    """10^(dB/10) as a float, inf where it exceeds the largest float (never an OverflowError)."""
    with np.errstate(over="ignore"):
        return float(np.power(10.0, db / 10.0))


def check_grid_links(context: CheckContext) -> None:
    """Judge every grid link of every `plus_grid` or `ring` shell."""
    model = context.model
    for name, shell, policy in shell_policies(model, ("plus_grid", "ring")):
        links = shell_grid_links(model, name)
        terminal = model.hardware[shell.hardware].laser_terminal
        if terminal is None:
            context.report("no-laser-terminal", name, f'link policy "{policy.name}" needs a '
                           f'laser_terminal but hardware "{shell.hardware}" has none',
                           shell.spans.get("isl"), "add a `laser_terminal { … }` to the hardware")
            continue
        _judge(context, shell, policy, terminal, links)


def shell_policies(model, topologies: tuple[str, ...]):
    """(shell name, shell, policy) for every policy of those topologies a shell uses."""
    for name, shell in model.shells.items():
        for label in shell.link_policies:
            policy = model.link_policies.get(label)
            if policy is not None and policy.topology in topologies:
                yield name, shell, policy


def _judge(context, shell: Shell, policy: LinkPolicy, terminal: LaserTerminal,
           links: list[LinkSet]) -> None:
    name = shell.name
    ranges = {link.kind: link.range_max_m for link in links if len(link)}
    all_ranges = np.concatenate(list(ranges.values())) if ranges else np.zeros(0)
    grazing = float(max_grazing_range_m(shell.altitude_m, shell.altitude_m,
                                        policy.min_grazing_altitude_m))
    margins = optical_margin_db(terminal, terminal, all_ranges) if len(all_ranges) else all_ranges
    occluded = int(np.count_nonzero(all_ranges > grazing))
    context.shell_figures(name)["isl"] = {
        "policy": policy.name, "topology": policy.topology,
        "links": len(all_ranges),
        "links_by_kind": {kind: len(r) for kind, r in sorted(ranges.items())},
        "range_max_km": float(all_ranges.max(initial=0.0)) / 1e3,
        "margin_min_db": float(margins.min()) if len(margins) else None,
        "occluded_links": occluded,
        "grazing_range_km": grazing / 1e3,
    }
    for kind, kind_ranges in sorted(ranges.items()):
        longest = float(kind_ranges.max())
        where = shell.spans.get(f"{shell.pattern}.{'per_plane' if kind == 'intra' else 'planes'}")
        more = "satellites per plane" if kind == "intra" else "planes"
        if longest > grazing:
            count = int(np.count_nonzero(kind_ranges > grazing))
            context.report("isl-occluded", name,
                           f"{count:,} {kind}-plane links reach "
                           f"{longest / 1e3:,.0f} km, beyond the {grazing / 1e3:,.0f} km at which "
                           f"the line of sight dips below {policy.min_grazing_altitude_m / 1e3:g} km",
                           where, f"use more {more} so neighbours are closer, or fly higher",
                           demand=longest / grazing if grazing > 0 else np.inf)
        elif policy.max_range_m is not None and longest > policy.max_range_m:
            reach = f"{format_number(at_least(longest / 1e3))} km"
            span = policy.spans.get("max_range")
            context.report("isl-beyond-max-range", name,
                           f"{kind}-plane links reach {longest / 1e3:,.0f} km, "
                           f'beyond link policy "{policy.name}" max_range '
                           f"{policy.max_range_m / 1e3:,.0f} km", span,
                           f"raise max_range to {reach} or use more {more}", demand=longest,
                           suggestion=replace_with(reach, span))
    if not len(margins):
        return
    worst = float(margins.min())
    message = (f"the weakest laser link closes with {worst:.1f} dB at "
               f"{float(all_ranges[np.argmin(margins)]) / 1e3:,.0f} km; "
               f'policy "{policy.name}" asks for {policy.min_margin_db:g} dB')
    short = policy.min_margin_db - worst
    span = terminal.spans.get("power")
    if short > 0:
        # The received power, and so the margin in linear terms, is proportional to the
        # transmitted power.
        factor = power_ratio(short)
        power = f"{format_number(at_least(terminal.power_w * factor))} W"
        context.report("isl-margin", name, message, span,
                       f"raise the laser power ×{factor:.3g} (to {power}), or the aperture, or "
                       "lower min_margin", demand=terminal.power_w * factor,
                       suggestion=replace_with(power, span))
    elif short > -THIN_LINK_DB:
        context.report("isl-margin-thin", name, message, span,
                       "less than 1 dB to spare above min_margin", severity="warning",
                       demand=short)
