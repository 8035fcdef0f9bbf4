"""RF downlink margin of every radio to every ground station at the station's minimum elevation.

Es/N0 ≈ C/N in the radio's bandwidth (symbol rate = bandwidth); the margin is
C/N − the radio's `required_esn0` (DVB-S2 QPSK 1/2 at QEF, 1.0 dB, by default).
"""

from __future__ import annotations

from orbc.compiler.checks.context import THIN_DOWNLINK_DB, CheckContext
from orbc.diagnostics import at_least, format_number, replace_with
from orbc.physics.links import (
    carrier_to_noise_db,
    carrier_to_noise_density_db_hz,
    eirp_dbw,
    free_space_path_loss_db,
    slant_range_m,
)


def check_downlinks(context: CheckContext) -> None:
    model = context.model
    stations = {n: s for n, s in model.ground_stations.items() if s.g_over_t_db_per_k is not None}
    for name, shell in model.shells.items():
        radios = model.hardware[shell.hardware].radios
        if not radios or not stations:
            continue
        per_station = {}
        for station_name, station in sorted(stations.items()):
            distance = float(slant_range_m(shell.altitude_m - station.altitude_m,
                                           station.min_elevation_rad))
            best = None
            for radio in radios:
                c_n0 = carrier_to_noise_density_db_hz(
                    eirp_dbw(radio.power_w, radio.antenna_gain_dbi, radio.losses_db),
                    free_space_path_loss_db(distance, radio.frequency_hz),
                    station.g_over_t_db_per_k)
                margin = float(carrier_to_noise_db(c_n0, radio.bandwidth_hz)) - radio.required_esn0_db
                if best is None or margin > best[0]:
                    best = (margin, radio, distance)
            per_station[station_name] = best
        context.shell_figures(name)["downlink"] = {
            "margin_min_db": min(m for m, _, _ in per_station.values()),
            "stations": {s: {"margin_db": m, "radio": r.name, "slant_range_km": d / 1e3}
                         for s, (m, r, d) in per_station.items()},
        }
        for station_name, (margin, radio, distance) in per_station.items():
            message = (f'downlink "{radio.name}" to "{station_name}" has '
                       f"{margin:.1f} dB margin at {distance / 1e3:,.0f} km (minimum elevation)")
            span = radio.spans.get("power")
            if margin < 0:
                # C/N, and so the margin in linear terms, is proportional to the power.
                factor = 10 ** (-margin / 10)
                power = f"{format_number(at_least(radio.power_w * factor))} W"
                context.report("downlink-margin", name, message, span,
                               f"raise the power ×{factor:.3g} (to {power}), the antenna gain, "
                               "or the station's G/T; or narrow the bandwidth",
                               demand=radio.power_w * factor, suggestion=replace_with(power, span))
            elif margin < THIN_DOWNLINK_DB:
                context.report("downlink-margin-thin", name, message, span,
                               "rain fade at Ka band can take several dB", severity="warning",
                               demand=-margin)
