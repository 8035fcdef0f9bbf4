"""Routes and latency to the ground over the network's snapshots (`orbc.network`).

Figures: per route, RTT (min, median, max over the snapshots with a path) and
the share of snapshots with a path; per own shell, the one-way latency from
each satellite to its nearest station over the network, over all satellites
and snapshots (median, 99th percentile, max over the samples with a path;
numpy's linear-interpolation percentiles) and the share without a path.
"""

from __future__ import annotations

import math

import numpy as np

from orbc.compiler.checks.context import CheckContext
from orbc.diagnostics import at_least, at_most, format_number, replace_with
from orbc.network.nodes import iso_times
from orbc.network.run import NetworkRun, RouteSeries, network_run


def check_network(context: CheckContext) -> tuple[dict[str, dict], dict]:
    """Fill the shells' latency figures, report routes over their bound and loads over
    capacity; return the route figures by route name and the capacity figures."""
    model = context.model
    if not model.shells or not model.ground_stations:
        return {}, {}
    run = network_run(model)
    for name, latency in run.latency_s.items():
        context.shell_figures(name)["latency_to_ground_ms"] = latency_figures(latency)
    _judge_fan_in(context, run)
    figures = {}
    for name, series in run.routes.items():
        figures[name] = route_figures(series)
        _judge(context, run, series)
    return figures, _capacity(context, run)


def _capacity(context: CheckContext, run: NetworkRun) -> dict:
    """Peak loads against capacity (`orbc.network.capacity`); `capacity-exceeded` at the
    `egress` line when any load is over its capacity."""
    peaks = run.peaks
    if peaks is None:
        return {}
    nodes, limits = run.nodes, run.limits
    isl_load, isl_a, isl_b, isl_step = peaks.isl
    gsl_load, gsl_sat, gsl_station, gsl_step = peaks.gsl
    figures = {
        "stations": {name: {"peak_load_bps": float(peaks.station_bps[i]),
                            "capacity_bps": _finite(limits.station_bps[i])}
                     for i, name in enumerate(nodes.station_names)},
        "busiest_isl_load_bps": isl_load,
        "busiest_isl": None if isl_a < 0 else {
            "from": nodes.name_of(isl_a), "to": nodes.name_of(isl_b),
            "time": _time(run, isl_step),
            "capacity_bps": _finite(min(limits.laser_rate_bps[isl_a],
                                        limits.laser_rate_bps[isl_b]))},
        "busiest_gsl_load_bps": gsl_load,
        "busiest_gsl": None if gsl_sat < 0 else {
            "satellite": nodes.name_of(gsl_sat), "station": nodes.station_names[gsl_station],
            "time": _time(run, gsl_step), "capacity_bps": _finite(limits.ground_rate_bps[gsl_sat])},
    }
    if peaks.overload is None or peaks.overload[0] <= 1.0:
        return figures
    ratio, kind, a, b, step, load = peaks.overload
    what = {"station": lambda: f'station "{nodes.station_names[a]}"',
            "gsl": lambda: f"the ground link {nodes.name_of(a)} → {nodes.station_names[b]}",
            "isl": lambda: f"the laser link {nodes.name_of(a)} → {nodes.name_of(b)}"}[kind]()
    egress = next(h.compute for h in context.model.hardware.values()
                  if h.compute and h.compute.egress_bps)
    lower = at_most(egress.egress_bps / ratio / 1e9)
    context.report("capacity-exceeded", "",
                   f"the egress of the compute satellites overloads {what}: "
                   f"{load / 1e9:,.1f} Gbps, {ratio:.2f}× its capacity, at {_time(run, step)} "
                   f"({peaks.overloaded_snapshots} of {len(run.times_s)} snapshots are "
                   "overloaded somewhere)", egress.spans.get("egress"),
                   f"lower egress to {format_number(lower)} Gbps, or add ground stations, "
                   "capacity or link rate",
                   suggestion=replace_with(f"{format_number(lower)} Gbps",
                                           egress.spans.get("egress")))
    return figures


def _finite(value: float) -> float | None:
    return float(value) if math.isfinite(value) else None


def latency_figures(latency_s: np.ndarray) -> dict:
    """p50, p99, max (ms) over the reachable samples, and the unreachable fraction."""
    reachable = latency_s[np.isfinite(latency_s)].astype(float) * 1e3
    if not len(reachable):
        return {"p50": None, "p99": None, "max": None, "unreachable_fraction": 1.0}
    p50, p99 = np.percentile(reachable, [50, 99])
    return {"p50": float(p50), "p99": float(p99), "max": float(reachable.max()),
            "unreachable_fraction": 1.0 - len(reachable) / latency_s.size}


def route_figures(series: RouteSeries) -> dict:
    rtt = series.rtt_s[np.isfinite(series.rtt_s)] * 1e3
    if not len(rtt):
        return {"rtt_ms_min": None, "rtt_ms_p50": None, "rtt_ms_max": None,
                "reachable_fraction": 0.0}
    return {"rtt_ms_min": float(rtt.min()), "rtt_ms_p50": float(np.percentile(rtt, 50)),
            "rtt_ms_max": float(rtt.max()), "reachable_fraction": len(rtt) / len(series.rtt_s)}


def _judge(context: CheckContext, run: NetworkRun, series: RouteSeries) -> None:
    route = series.route
    rtt = series.rtt_s
    unreachable = int(np.count_nonzero(~np.isfinite(rtt)))
    where = f'route "{route.name}" ({route.source} → {route.target})'
    if route.max_rtt_s is not None:
        over = np.isfinite(rtt) & (rtt > route.max_rtt_s)
        if over.any():
            worst = int(np.argmax(np.where(over, rtt, -np.inf)))
            needed = at_least(float(rtt[over].max()) * 1e3)
            context.report("route-rtt-exceeded", "",
                           f"{where}: RTT {rtt[worst] * 1e3:.2f} ms at {_time(run, worst)} "
                           f"exceeds max_rtt {route.max_rtt_s * 1e3:g} ms "
                           f"({int(over.sum())} of {len(rtt)} snapshots)",
                           route.spans.get("max_rtt"),
                           f"raise max_rtt to {format_number(needed)} ms, or add links or "
                           "stations that shorten the path",
                           suggestion=replace_with(f"{format_number(needed)} ms",
                                                   route.spans.get("max_rtt")))
    if unreachable:
        first = int(np.argmax(~np.isfinite(rtt)))
        bounded = route.max_rtt_s is not None
        context.report("route-unreachable", "",
                       f"{where}: no path at {unreachable} of {len(rtt)} snapshots "
                       f"(first at {_time(run, first)})",
                       route.spans.get("max_rtt" if bounded else ""),
                       "add ground stations or laser links, or lower the stations' "
                       "min_elevation", severity="error" if bounded else "warning")


def _judge_fan_in(context: CheckContext, run: NetworkRun) -> None:
    """Relay availability with fan-in: each relay satellite serves at most its free
    terminals' worth of users (`orbc.network.links`)."""
    model = context.model
    worst = int(np.argmax(run.relay_oversubscription)) if len(run.times_s) else 0
    for part in run.nodes.own_shells:
        policies = [model.link_policies[p] for p in part.shell.link_policies
                    if model.link_policies[p].topology == "nearest"]
        if not policies or not len(run.times_s):
            continue
        fraction = run.relay_served[part.first:part.first + len(part)] / len(run.times_s)
        ratio = float(run.relay_oversubscription[worst])
        figures = context.shell_figures(part.shell.name).setdefault("relay", {})
        figures.update({
            "availability_with_fan_in": float(fraction.mean()),
            "availability_with_fan_in_min": float(fraction.min()),
            "oversubscription_max": ratio if math.isfinite(ratio) else None,
            "refused_max": int(run.relay_refused[worst]),
        })
        policy = max(policies, key=lambda p: p.min_availability)
        if run.relay_refused.any() and fraction.min() < policy.min_availability:
            oversubscribed = (f"{ratio:.1f}× its free terminals" if math.isfinite(ratio)
                              else "with no free terminal")
            context.report(
                "relay-oversubscribed", part.shell.name,
                f'with relay fan-in a satellite has a relay link only '
                f"{fraction.min():.0%} of the time (mean {fraction.mean():.0%}); policy "
                f'"{policy.name}" asks for {policy.min_availability:.0%}. Worst at '
                f"{_time(run, worst)}: {int(run.relay_refused[worst])} users refused, a relay "
                f"asked by {oversubscribed}",
                policy.spans.get("min_availability"),
                "give the relay hardware more laser terminals, add relay satellites, or lower "
                "min_availability")


def _time(run: NetworkRun, step: int) -> str:
    return str(iso_times(run.epoch, run.times_s[step:step + 1])[0])
