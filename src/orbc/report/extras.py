"""Figures drawn only when the check's figures carry them: latency to the ground, route
round trips, mass by subsystem and launches. A figure whose keys are absent is skipped."""

from __future__ import annotations

import numpy as np

from orbc.report.plots import Plot, _finish
from orbc.report.svg import new_figure, shell_colours, styled


def optional_plots(shells: dict[str, dict], routes: dict[str, dict]) -> list[Plot]:
    plots = []
    latency = {n: f["latency_to_ground_ms"] for n, f in shells.items()
               if isinstance(f.get("latency_to_ground_ms"), dict)
               and f["latency_to_ground_ms"].get("p50") is not None}
    if latency:
        plots.append(_ranges("latency", "Latency to the ground",
                             "one-way latency to the nearest ground station (ms)",
                             {n: (v["p50"], v["p50"], v["p99"], v["max"])
                              for n, v in latency.items()},
                             "Median (dot), 99th percentile (bar end) and maximum (tick) over "
                             "the network's snapshots, per shell.",
                             {"latency_to_ground_ms": latency}))
    reachable = {n: r for n, r in routes.items() if r.get("rtt_ms_p50") is not None}
    if reachable:
        plots.append(_ranges("routes", "Route round trips", "round-trip time (ms)",
                             {n: (r["rtt_ms_min"], r["rtt_ms_p50"], r["rtt_ms_max"],
                                  r["rtt_ms_max"]) for n, r in reachable.items()},
                             "Minimum to maximum round-trip time over the snapshots, median "
                             "as a dot, per declared route.", {"routes": reachable}))
    mass = {n: f["mass_kg"] for n, f in shells.items() if isinstance(f.get("mass_kg"), dict)}
    launches = {n: f["launches"] for n, f in shells.items() if f.get("launches") is not None}
    if mass or launches:
        plots.append(_mass_and_launches(mass, launches, list(shells)))
    return plots


def _ranges(key, title, axis_label, rows: dict[str, tuple], caption, data) -> Plot:
    """Rows of (low, middle, high, extreme) as a bar low–high, a dot, a tick at the extreme."""
    names = list(rows)
    colours = shell_colours(names)
    with styled():
        figure = new_figure(10.0, 1.2 + 0.42 * len(names))
        ax = figure.add_subplot()
        y = np.arange(len(names))[::-1]
        for row, name in zip(y, names):
            low, middle, high, extreme = rows[name]
            ax.hlines(row, low, high, color=colours[name], linewidth=7, alpha=0.55)
            ax.plot([middle], [row], "o", color=colours[name], markersize=6)
            ax.vlines(extreme, row - 0.3, row + 0.3, color="#1f2933", linewidth=1.4)
            ax.annotate(f"{middle:,.1f} / {high:,.1f} / {extreme:,.1f}", (extreme, row),
                        xytext=(6, 0), textcoords="offset points", va="center", fontsize=8)
        ax.set_yticks(y, names)
        ax.set(xlabel=axis_label, xlim=(0, None), ylim=(-0.7, len(names) - 0.3))
        ax.grid(axis="y", visible=False)
    return _finish(key, title, caption, figure, data)


def _mass_and_launches(mass: dict, launches: dict, order: list[str]) -> Plot:
    with styled():
        figure = new_figure(10.0, 1.4 + 0.45 * max(len(order), 2))
        if launches:
            left, right = figure.subplots(1, 2, width_ratios=(3, 1), sharey=True)
        else:
            left, right = figure.add_subplot(), None
        y = {name: row for name, row in zip(order, np.arange(len(order))[::-1])}
        subsystems = sorted({s for m in mass.values() for s in m.get("by_subsystem", {})})
        colours = shell_colours(subsystems)
        for name, m in mass.items():
            start = 0.0
            for subsystem in subsystems:
                value = m.get("by_subsystem", {}).get(subsystem, 0.0)
                left.barh(y[name], value, left=start, height=0.6, color=colours[subsystem],
                          label=subsystem if name == next(iter(mass)) else None)
                start += value
            if m.get("declared") is not None:
                left.vlines(m["declared"], y[name] - 0.4, y[name] + 0.4, color="#1f2933",
                            linewidth=1.8)
        left.set(xlabel="mass per satellite (kg); tick: declared", title="mass by subsystem")
        left.set_yticks(list(y.values()), list(y))
        if subsystems:
            left.legend(loc="lower right", fontsize=7.5, ncols=3)
        for name, count in launches.items():
            right.barh(y[name], count, height=0.6, color="#56B4E9")
            right.annotate(f"{count:,}", (count, y[name]), xytext=(4, 0),
                           textcoords="offset points", va="center", fontsize=8)
        if right is not None:
            right.set(xlabel="launches", title="launches per shell")
            right.grid(axis="y", visible=False)
        left.grid(axis="y", visible=False)
    return _finish("mass", "Mass and launches" if launches else "Mass",
                   "Estimated mass per satellite by subsystem (stacked) against the declared "
                   "mass" + (", and the launches each shell needs." if launches else
                             "; no shell names a launcher, so no launches are counted."),
                   figure,
                   {"mass_kg": mass, "launches": launches})
