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
from orbc.network.nodes import iso_times
from orbc.network.run import NetworkRun, RouteSeries, network_run


def check_network(context: CheckContext) -> dict[str, dict]:
    """Fill the shells' latency figures, report routes over their bound; return the route
    figures by route name."""
    model = context.model
    if not model.shells or not model.ground_stations:
        return {}
    run = network_run(model)
    for name, latency in run.latency_s.items():
        context.shell_figures(name)["latency_to_ground_ms"] = latency_figures(latency)
    figures = {}
    for name, series in run.routes.items():
        figures[name] = route_figures(series)
        _judge(context, run, series)
    return figures


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
            context.report("route-rtt-exceeded",
                           f"{where}: RTT {rtt[worst] * 1e3:.2f} ms at {_time(run, worst)} "
                           f"exceeds max_rtt {route.max_rtt_s * 1e3:g} ms "
                           f"({int(over.sum())} of {len(rtt)} snapshots)",
                           route.spans.get("max_rtt"),
                           f"raise max_rtt to {math.ceil(float(rtt[over].max()) * 1e3)} ms, or add "
                           "links or stations that shorten the path")
    if unreachable:
        first = int(np.argmax(~np.isfinite(rtt)))
        bounded = route.max_rtt_s is not None
        context.report("route-unreachable",
                       f"{where}: no path at {unreachable} of {len(rtt)} snapshots "
                       f"(first at {_time(run, first)})",
                       route.spans.get("max_rtt" if bounded else ""),
                       "add ground stations or laser links, or lower the stations' "
                       "min_elevation", severity="error" if bounded else "warning")


def _time(run: NetworkRun, step: int) -> str:
    return str(iso_times(run.epoch, run.times_s[step:step + 1])[0])
