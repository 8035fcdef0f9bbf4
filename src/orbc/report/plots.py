"""The report's figures: each draws one set of numbers and returns them with its SVG.

`data` holds the numbers a figure plots that are also in `orbc check --format json`
(margins, thresholds, the worst eclipse, masses, latencies) under the same names, plus what
was sampled; tests compare it with the JSON document.
"""

from __future__ import annotations

import attrs
import numpy as np
from matplotlib.patheffects import withStroke

from orbc.compiler.model import Model
from orbc.report import series
from orbc.report.svg import (
    BAD,
    GOOD,
    PALETTE,
    THIN,
    new_figure,
    shell_colours,
    styled,
    svg_fragment,
)

HIGHLIGHTED_PLANES = 3  # planes drawn as lines over the band of all sampled planes
TRACKED_SHELLS = 6  # ground tracks are drawn for at most this many shells
SMALL = (6.4, 3.8)  # inches: the per-shell figures, two to a row on a wide page


@attrs.frozen
class Plot:
    key: str  # unique in the page, e.g. "beta-relay"
    title: str
    caption: str  # what is drawn, and what was sampled
    svg: str
    data: dict


def _finish(key, title, caption, figure, data) -> Plot:
    return Plot(key, title, caption, svg_fragment(figure, f"orbc-{key}"), data)


def ground_map(model: Model) -> Plot:
    points = series.sub_satellite_points(model)
    colours = shell_colours(model.shells)
    with styled():
        figure = new_figure(10.0, 5.4)
        ax = figure.add_subplot()
        for p in points:
            label = (f"{p.shell} ({p.satellites:,})" if p.drawn == p.satellites
                     else f"{p.shell} ({p.drawn:,} of {p.satellites:,} drawn)")
            ax.scatter(p.longitude_deg, p.latitude_deg, s=3, color=colours[p.shell],
                       linewidths=0, label=label, rasterized=False)
            if len(points) <= TRACKED_SHELLS:
                ax.plot(*_unwrapped(p.track_longitude_deg, p.track_latitude_deg),
                        color=colours[p.shell], linewidth=0.8, alpha=0.6)
        for name, station in model.ground_stations.items():
            lon, lat = np.degrees(station.longitude_rad), np.degrees(station.latitude_rad)
            ax.scatter([lon], [lat], marker="^", s=60, color="#1f2933", zorder=5)
            ax.annotate(name, (lon, lat), xytext=(5, 5), textcoords="offset points",
                        fontsize=8.5, color="#1f2933", weight="bold", zorder=6,
                        path_effects=[withStroke(linewidth=3, foreground="white")])
        ax.set(xlim=(-180, 180), ylim=(-90, 90), xticks=range(-180, 181, 30),
               yticks=range(-90, 91, 30), xlabel="longitude (°)", ylabel="latitude (°)",
               aspect="equal")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), fontsize=8, markerscale=3,
                  ncols=min(5, len(points)))
    sampled = any(p.drawn < p.satellites for p in points)
    caption = ("Sub-satellite points at the epoch (circular orbits, geocentric latitude)"
               + (", one ground track per shell over an orbit"
                  if len(points) <= TRACKED_SHELLS else "")
               + "; ▲ ground stations. "
               + ("Large shells are sampled (a fixed random draw): the legend gives what is "
                  "drawn." if sampled else "Every satellite is drawn."))
    data = {"shells": {p.shell: {"satellites": p.satellites, "drawn": p.drawn}
                       for p in points},
            "stations": sorted(model.ground_stations)}
    return _finish("map", "Where the satellites are at the epoch", caption, figure, data)


def _unwrapped(lon, lat):
    """Break a ground track where it crosses the antimeridian (NaN between the sides)."""
    jumps = np.flatnonzero(np.abs(np.diff(lon)) > 180.0) + 1
    return np.insert(lon, jumps, np.nan), np.insert(lat, jumps, np.nan)


def beta_and_eclipse(model: Model, shell_name: str, figures: dict) -> Plot:
    beta = series.beta_series(model, model.shells[shell_name])
    worst_min = figures["eclipse_max_s"] / 60.0
    # planes a third of the node circle apart, not the neighbours first and last
    lines = np.unique(np.arange(HIGHLIGHTED_PLANES) * len(beta.planes) // HIGHLIGHTED_PLANES)
    with styled():
        figure = new_figure(SMALL[0], 4.4)
        top, bottom = figure.subplots(2, 1, sharex=True)
        for ax, values in ((top, beta.beta_deg), (bottom, beta.eclipse_s / 60.0)):
            ax.fill_between(beta.time_yr, values.min(axis=1), values.max(axis=1),
                            color="#c9d6e3", linewidth=0, label="all planes drawn")
            for colour, j in zip(PALETTE, lines):
                ax.plot(beta.time_yr, values[:, j], color=colour, linewidth=0.9,
                        label=f"plane {beta.planes[j]}")
        top.axhline(0.0, color="#9aa3ad", linewidth=0.6)
        top.set(ylabel="β (°)")
        top.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=7.5, ncols=4)
        bottom.axhline(worst_min, color=BAD, linewidth=1.0, linestyle="--")
        bottom.annotate(f"worst eclipse (check): {worst_min:.1f} min", (0.0, worst_min),
                        xytext=(4, 4), textcoords="offset points", color=BAD, fontsize=8)
        bottom.set(ylabel="eclipse (min / orbit)", xlabel="years after the epoch",
                   ylim=(0, max(worst_min * 1.25, 1.0)), xlim=(0, beta.time_yr[-1]))
    drawn = (f"all {beta.plane_count} plane(s)" if len(beta.planes) == beta.plane_count
             else f"{len(beta.planes)} of {beta.plane_count} planes, evenly spaced")
    caption = (f"Cylindrical shadow, {len(beta.time_yr):,} samples over the mission; the band "
               f"spans {drawn}, the lines follow {len(lines)} of them. Dashed: the check's "
               "worst eclipse (refined between samples).")
    data = {"shell": shell_name, "eclipse_max_s": figures["eclipse_max_s"],
            "planes_drawn": [int(p) for p in beta.planes], "planes": beta.plane_count,
            "eclipse_max_drawn_s": float(beta.eclipse_s.max()),
            "beta_min_abs_drawn_deg": float(np.abs(beta.beta_deg).min())}
    return _finish(f"beta-{shell_name}", f"β angle and eclipse: {shell_name}", caption, figure,
                   data)


def power_orbit(model: Model, shell_name: str, figures: dict) -> Plot:
    orbit = series.power_orbit(model, model.shells[shell_name], figures)
    power = figures["power"]
    with styled():
        figure = new_figure(*SMALL)
        ax = figure.add_subplot()
        ax.axvspan(0.0, orbit.eclipse_s / 60.0, color="#dfe3ea", linewidth=0, label="eclipse")
        ax.plot(orbit.time_min, orbit.array_w / 1e3, color="#E69F00", linewidth=1.6,
                label="array (end of life)", drawstyle="steps-post")
        ax.plot(orbit.time_min, orbit.load_w / 1e3, color="#0072B2", linewidth=1.6,
                label="load", drawstyle="steps-post")
        ax.axhline(power["required_array_w"] / 1e3, color="#E69F00", linewidth=0.9,
                   linestyle=":", label="array required")
        ax.set(xlabel="minutes from eclipse entry", ylabel="power (kW)",
               xlim=(0, orbit.time_min[-1]), ylim=(0, None))
        charge = ax.twinx()
        charge.plot(orbit.time_min, orbit.state_of_charge * 100.0, color="#009E73",
                    linewidth=1.6, label="battery charge")
        charge.set(ylabel="battery charge (%)", ylim=(0, 105))
        charge.grid(False)
        charge.spines["right"].set_visible(True)
        handles = ax.get_legend_handles_labels()
        more = charge.get_legend_handles_labels()
        ax.legend(handles[0] + more[0], handles[1] + more[1], loc="lower left",
                  bbox_to_anchor=(0.0, 1.0), fontsize=7.5, ncols=3)
    caption = ("One orbit at the mission's worst β. SMAD §11.4: the battery ends the eclipse "
               "at the check's depth of discharge and recharges from the array's surplus "
               "through peak-power tracking.")
    data = {"shell": shell_name, "power": dict(power), "eclipse_max_s": figures["eclipse_max_s"],
            "period_s": figures["period_s"],
            "state_of_charge_min": float(np.nanmin(orbit.state_of_charge))
            if np.isfinite(orbit.state_of_charge).any() else None}
    return _finish(f"power-{shell_name}", f"Power over one orbit: {shell_name}", caption,
                   figure, data)


def margins(model: Model, shells: dict[str, dict]) -> Plot:
    """Bars per shell against their thresholds, one panel per kind of margin."""
    panels = _margin_panels(model, shells)
    with styled():
        rows = max((len(p["bars"]) for p in panels), default=1)
        figure = new_figure(10.0, 1.2 + 0.95 * ((len(panels) + 1) // 2) * max(rows, 2) * 0.55)
        axes = figure.subplots((len(panels) + 1) // 2, 2, squeeze=False).ravel()
        for ax, panel in zip(axes, panels):
            _margin_panel(ax, panel)
        for ax in axes[len(panels):]:
            ax.set_visible(False)
    caption = ("Each bar is a shell's margin; the dark tick is the threshold the check "
               "holds it to, the amber zone where the check warns (thin). Green passes, "
               "amber is thin, red fails.")
    data = {p["key"]: {label: {"value": v, "threshold": t} for label, v, t, _ in p["bars"]}
            for p in panels}
    return _finish("margins", "Margins against their thresholds", caption, figure, data)


def _margin_panels(model: Model, shells: dict[str, dict]) -> list[dict]:
    power, thermal, links, relay, downlink = [], [], [], [], []
    for name, f in shells.items():
        if "power" in f and f["power"]["required_array_w"] > 0:
            p = f["power"]
            power.append((name, 100.0 * p["margin_w"] / p["required_array_w"], 0.0, 5.0))
        if "thermal" in f and f["thermal"]["dissipation_w"] > 0:
            t = f["thermal"]
            thermal.append((name, 100.0 * t["margin_w"] / t["dissipation_w"], 0.0, 5.0))
        shell = model.shells[name]
        policy = model.link_policies.get(shell.isl) if shell.isl else None
        if "isl" in f and f["isl"].get("margin_min_db") is not None and policy:
            links.append((f"{name} ISL", f["isl"]["margin_min_db"], policy.min_margin_db, 1.0))
        if "relay" in f and policy:
            r = f["relay"]
            if r.get("margin_at_range_limit_db") is not None:
                links.append((f"{name} → relay", r["margin_at_range_limit_db"],
                              policy.min_margin_db, 1.0))
            relay.append((name, 100.0 * r["availability_min"], 100.0 * policy.min_availability,
                          0.0))
        if "downlink" in f:
            worst = min(f["downlink"]["stations"].items(), key=lambda s: s[1]["margin_db"])
            downlink.append((f"{name} → {worst[0]}", worst[1]["margin_db"], 0.0, 3.0))
    panels = [("power", "power: array margin (% of required)", power),
              ("thermal", "thermal: rejection margin (% of dissipation)", thermal),
              ("links", "laser links: margin (dB) vs policy min_margin", links),
              ("relay", "relay availability, worst satellite (%)", relay),
              ("downlink", "downlink: worst station's margin at minimum elevation (dB)",
               downlink)]
    return [{"key": key, "title": title, "bars": bars} for key, title, bars in panels if bars]


def _margin_panel(ax, panel: dict) -> None:
    bars = panel["bars"]
    y = np.arange(len(bars))[::-1]
    values = np.array([v for _, v, _, _ in bars], dtype=float)
    colours = [BAD if v < t else THIN if v < t + thin else GOOD for _, v, t, thin in bars]
    thresholds = np.array([t for _, _, t, _ in bars], dtype=float)
    thin = np.array([w for _, _, _, w in bars], dtype=float)
    ax.set_axisbelow(True)
    ax.barh(y, thin, left=thresholds, height=0.8, color=THIN, alpha=0.18, linewidth=0)
    ax.barh(y, values, color=colours, height=0.62)
    ax.vlines(thresholds, y - 0.42, y + 0.42, color="#1f2933", linewidth=1.8)
    for row, value in zip(y, values):
        ax.annotate(f"{value:,.1f}", (value, row), xytext=(4, 0), textcoords="offset points",
                    va="center", fontsize=8, color="#2b3440")
    ax.set_yticks(y, [label for label, _, _, _ in bars])
    ax.set_title(panel["title"])
    ax.grid(axis="y", visible=False)
    low = min(0.0, values.min(), min(t for _, _, t, _ in bars))
    high = max(values.max(), max(t + thin for _, _, t, thin in bars))
    ax.set_xlim(low - 0.05 * (high - low), high + 0.18 * (high - low + 1e-9))


def _bars(row, start, end, colour, label, height=0.7):
    """Horizontal bars as one compound path: one SVG element however many bars there are."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    low, high = row - height / 2, row + height / 2
    corners = np.stack([np.stack([start, low], -1), np.stack([end, low], -1),
                        np.stack([end, high], -1), np.stack([start, high], -1),
                        np.stack([start, low], -1)], axis=1)
    codes = np.tile([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY],
                    len(row))
    return PathPatch(Path(corners.reshape(-1, 2), codes), facecolor=colour, linewidth=0,
                     label=label)


def contact_gantt(model: Model) -> Plot:
    gantt = series.contact_gantt(model)
    colours = shell_colours(model.shells)
    rows = [(s, a) for s, count in zip(gantt.stations, gantt.antennas) for a in range(count)]
    row_of = {key: i for i, key in enumerate(rows)}
    hours = gantt.horizon_s / 3600.0
    with styled():
        figure = new_figure(10.0, 1.3 + 0.2 * max(len(rows), 3))
        ax = figure.add_subplot()
        index = np.array([row_of[(gantt.stations[s], a)]
                          for s, a in zip(gantt.station, gantt.antenna)], dtype=int)
        shells = np.array(gantt.shell)
        for name in model.shells:
            mine = shells == name if len(shells) else np.zeros(0, bool)
            if mine.any():
                ax.add_patch(_bars(len(rows) - 1 - index[mine], gantt.start_s[mine] / 3600,
                                   gantt.end_s[mine] / 3600, colours[name], name))
        ax.set_yticks(np.arange(len(rows))[::-1],
                      [f"{s} #{a + 1}" for s, a in rows], fontsize=7.5)
        ax.set(xlim=(0, hours), ylim=(-0.7, len(rows) - 0.3), xlabel="hours after the epoch")
        ax.grid(axis="y", visible=False)
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), fontsize=8,
                  ncols=min(6, len(model.shells)))
    sampled = gantt.satellites < gantt.total_satellites
    caption = (f"Contacts the `{model.schedule.policy}` policy assigns over the "
               f"{hours:g} h horizon, one row per antenna. "
               + (f"Sampled: the schedule of {gantt.satellites:,} of "
                  f"{gantt.total_satellites:,} satellites (evenly spaced planes and slots), "
                  "so the stations are less busy than in the build's schedule."
                  if sampled else "The build's own schedule (`orbc build --target schedule`)."))
    data = {"sampled": sampled, "satellites": gantt.satellites, "contacts": len(gantt.start_s),
            "stations": {s: {"antennas": a, "achieved_s": round(float(gantt.achieved_s[i]), 3),
                             "upper_bound_s": round(float(gantt.upper_bound_s[i]), 3)}
                         for i, (s, a) in enumerate(zip(gantt.stations, gantt.antennas))}}
    return _finish("gantt", "Ground contacts", caption, figure, data)
