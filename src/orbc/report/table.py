"""The human form of the feasibility figures: a table of physics per shell, a table of the
ledger (mass, launches, compute delivered) per shell, then the totals."""

from __future__ import annotations

import math

from orbc.diagnostics import printable

# SI prefixes from femto to quetta, by power of 1000.
_PREFIXES = {-5: "f", -4: "p", -3: "n", -2: "µ", -1: "m", 0: "", 1: "k", 2: "M", 3: "G",
             4: "T", 5: "P", 6: "E", 7: "Z", 8: "Y", 9: "R", 10: "Q"}


def si(value: float | None, unit: str) -> str:
    """`value` with the SI prefix that puts it in [1, 1000), three significant figures:
    `si(2.25e23, "FLOPS")` is `225 ZFLOPS`; zero is `0 FLOPS`."""
    if value is None:
        return "—"
    if value == 0:
        return f"0 {unit}"
    power = min(max(math.floor(math.log10(abs(value)) / 3), min(_PREFIXES)), max(_PREFIXES))
    mantissa = f"{value / 1000.0**power:.3g}"
    if abs(float(mantissa)) >= 1000 and power < max(_PREFIXES):  # 999.7 rounds up to 1000
        power += 1
        mantissa = f"{value / 1000.0**power:.3g}"
    return f"{mantissa} {_PREFIXES[power]}{unit}"


def _fmt(value, scale=1.0, digits=1, suffix="") -> str:
    return "—" if value is None else f"{value / scale:,.{digits}f}{suffix}"


def _power(watts: float) -> str:
    """Watts in the largest of kW, MW, GW that keeps the number at or above 1."""
    for unit, scale in (("GW", 1e9), ("MW", 1e6)):
        if watts >= scale:
            return f"{watts / scale:,.1f} {unit}"
    return f"{watts / 1e3:,.1f} kW"


_PHYSICS = [
    ("shell", lambda n, f: printable(n)),  # a label must not drive the terminal
    ("sats", lambda n, f: f"{f['satellites']:,}"),
    ("alt km", lambda n, f: _fmt(f["altitude_km"], digits=0)),
    ("inc °", lambda n, f: _fmt(f["inclination_deg"], digits=2)),
    ("period min", lambda n, f: _fmt(f["period_s"], 60)),
    ("eclipse min", lambda n, f: _fmt(f["eclipse_max_s"], 60)),
    ("power margin kW", lambda n, f: _fmt(f["power"]["margin_w"], 1e3)),
    ("DoD", lambda n, f: _fmt(f["power"]["battery_dod_required"], 0.01, 0, " %")),
    ("thermal margin kW", lambda n, f: _fmt(f["thermal"]["margin_w"], 1e3)),
    ("ISL links", lambda n, f: f"{f['isl']['links']:,}" if "isl" in f else "—"),
    ("ISL km", lambda n, f: _fmt(f.get("isl", {}).get("range_max_km"), digits=0)),
    ("ISL dB", lambda n, f: _fmt(f.get("isl", {}).get("margin_min_db"))),
    ("relay avail.", lambda n, f: _fmt(f.get("relay", {}).get("availability"), 0.01, 0, " %")),
    ("downlink dB", lambda n, f: _fmt(f.get("downlink", {}).get("margin_min_db"))),
]


def _ground(f: dict, key: str):
    return f.get("latency_to_ground_ms", {}).get(key)


# One-way latency from each satellite to its nearest station over the network (ms).
_LATENCY = [
    ("shell", lambda n, f: printable(n)),
    ("to ground ms p50", lambda n, f: _fmt(_ground(f, "p50"), digits=2)),
    ("p99", lambda n, f: _fmt(_ground(f, "p99"), digits=2)),
    ("max", lambda n, f: _fmt(_ground(f, "max"), digits=2)),
    ("no path", lambda n, f: _fmt(_ground(f, "unreachable_fraction"), 0.01, 1, " %")),
]

_ROUTE_COLUMNS = [
    ("route", lambda n, f: printable(n)),
    ("RTT min ms", lambda n, f: _fmt(f["rtt_ms_min"], digits=2)),
    ("RTT p50 ms", lambda n, f: _fmt(f["rtt_ms_p50"], digits=2)),
    ("RTT max ms", lambda n, f: _fmt(f["rtt_ms_max"], digits=2)),
    ("reachable", lambda n, f: _fmt(f["reachable_fraction"], 0.01, 1, " %")),
]


def _compute(f: dict, key: str):
    return f.get("compute", {}).get(key)


_LEDGER = [
    ("shell", lambda n, f: printable(n)),
    ("mass kg", lambda n, f: _fmt(f["mass_kg"]["estimated"])),
    ("declared kg", lambda n, f: _fmt(f["mass_kg"]["declared"])),
    ("array W/kg", lambda n, f: _fmt(f["specific_power_w_per_kg"])),
    ("compute kW/t", lambda n, f: _fmt(f["compute_w_per_t"], 1e3)),
    ("launcher", lambda n, f: printable(f["launcher"]) if f["launcher"] else "—"),
    ("sats/launch", lambda n, f: _fmt(f["satellites_per_launch"], digits=0)),
    ("launches", lambda n, f: _fmt(f["launches"], digits=0)),
    ("compute util.", lambda n, f: _fmt(_compute(f, "utilisation"), 0.01, 1, " %")),
    ("peak", lambda n, f: si(_compute(f, "flops_peak"), "FLOPS") if "compute" in f else "—"),
    ("delivered", lambda n, f: si(_compute(f, "flops_delivered"), "FLOPS")
     if "compute" in f else "—"),
    ("energy/op", lambda n, f: si(_compute(f, "joules_per_flop"), "J/FLOP")
     if "compute" in f else "—"),
]


def _rate(bps: float | None) -> str:
    return "no limit" if bps is None else f"{bps / 1e9:,.1f} Gbps"


_STATION_COLUMNS = [
    ("station", lambda n, f: printable(n)),
    ("peak load", lambda n, f: _rate(f["peak_load_bps"])),
    ("capacity", lambda n, f: _rate(f["capacity_bps"])),
]


def _table(columns, rows_by_name: dict[str, dict]) -> list[str]:
    rows = [[title for title, _ in columns]]
    rows += [[cell(name, figures) for _, cell in columns]
             for name, figures in rows_by_name.items()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(columns))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                       enumerate(zip(row, widths))) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def render_figures(shells: dict[str, dict], summary: dict,
                   routes: dict[str, dict] | None = None, network: dict | None = None) -> str:
    """The shells table (latency to ground is one-way, ms), the routes table when the spec
    has routes, the network's peak loads when it declares an egress, and the totals."""
    lines = _table(_PHYSICS, shells) + [""] + _table(_LEDGER, shells)
    if any("latency_to_ground_ms" in figures for figures in shells.values()):
        lines += [""] + _table(_LATENCY, shells)
    if routes:
        lines += [""] + _table(_ROUTE_COLUMNS, routes)
    if network:
        lines += [""] + _table(_STATION_COLUMNS, network["stations"])
        for kind in ("isl", "gsl"):
            busiest = network[f"busiest_{kind}"]
            if busiest:
                ends = " → ".join(busiest[k] for k in ("from", "to", "satellite", "station")
                                  if k in busiest)
                lines.append(f"busiest {kind.upper()}: {_rate(network[f'busiest_{kind}_load_bps'])}"
                             f" of {_rate(busiest['capacity_bps'])}, {ends} at {busiest['time']}")
    launches = summary["launches"]
    lines.append(f"\ntotal: {summary['satellites']:,} satellites, "
                 f"{_power(summary['array_power_bol_w'])} of array (BOL), "
                 f"{_power(summary['load_w'])} of load, "
                 f"{summary['radiator_area_m2']:,.0f} m^2 of radiator")
    lines.append(f"ledger: {summary['mass_to_orbit_t']:,.1f} t to orbit"
                 + (f" in {launches:,} launches" if launches is not None else "")
                 + f", {_fmt(summary['specific_power_w_per_kg'])} W/kg of array, "
                 f"{_fmt(summary['compute_w_per_t'], 1e3)} kW of compute per t; compute "
                 f"{si(summary['compute_flops_delivered'], 'FLOPS')} delivered of "
                 f"{si(summary['compute_flops_peak'], 'FLOPS')} peak\n")
    return "\n".join(lines)
