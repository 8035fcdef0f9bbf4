"""The human form of the feasibility figures: one table row per shell, then the totals."""

from __future__ import annotations


def _fmt(value, scale=1.0, digits=1, suffix="") -> str:
    return "—" if value is None else f"{value / scale:,.{digits}f}{suffix}"


def _power(watts: float) -> str:
    """Watts in the largest of kW, MW, GW that keeps the number at or above 1."""
    for unit, scale in (("GW", 1e9), ("MW", 1e6)):
        if watts >= scale:
            return f"{watts / scale:,.1f} {unit}"
    return f"{watts / 1e3:,.1f} kW"


_COLUMNS = [
    ("shell", lambda n, f: n),
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


def render_figures(shells: dict[str, dict], summary: dict) -> str:
    rows = [[title for title, _ in _COLUMNS]]
    rows += [[cell(name, figures) for _, cell in _COLUMNS] for name, figures in shells.items()]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_COLUMNS))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in
                       enumerate(zip(row, widths))) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"\ntotal: {summary['satellites']:,} satellites, "
                 f"{_power(summary['array_power_bol_w'])} of array (BOL), "
                 f"{_power(summary['load_w'])} of load, "
                 f"{summary['compute_flops'] / 1e18:,.2f} EFLOPS, "
                 f"{summary['radiator_area_m2']:,.0f} m^2 of radiator\n")
    return "\n".join(lines)
