"""Generate large .orb specs for benchmarks: N Walker shells, plus-grid ISLs, K ground stations.

    python bench/generate.py OUT.orb --satellites 1000000 --shells 20 --stations 10

Shells alternate between 30° and sun-synchronous (dawn-dusk) between 500 and
2,000 km, as in the SpaceX orbital data-centre filing; each shell has about
√(T/shells) planes. The hardware is one compute bus sized to be feasible.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

HARDWARE = """hardware "dc-node" {
  mass = 1500 kg
  solar_array {
    area = 180 m^2
    efficiency = 30 %
    degradation = 1.5 %/yr
  }
  battery {
    capacity = 30 kWh
    depth_of_discharge = 40 %
  }
  load "bus" { power = 2 kW }
  compute {
    accelerators = 24
    power_each = 1 kW
    flops_each = 1 PFLOPS
    shed_in_eclipse = true
  }
  radiator {
    area = 45 m^2
    emissivity = 0.9
    temperature = 330 K
  }
  laser_terminal {
    count = 4
    power = 5 W
    aperture = 10 cm
    wavelength = 1550 nm
    rate = 100 Gbps
    sensitivity = -38 dBm
  }
  radio "ka" {
    power = 20 W
    antenna_gain = 36 dBi
    frequency = 19 GHz
    bandwidth = 500 MHz
  }
}

link_policy "grid" {
  topology = plus_grid
  max_range = 6000 km
  min_margin = 3 dB
  inter_plane_cutoff_latitude = 75 deg
}
"""

# Real gateway-like sites (lat, lon in degrees).
STATIONS = [
    ("redmond", 47.67, -122.12), ("awarua", -46.53, 168.38), ("svalbard", 78.23, 15.41),
    ("punta-arenas", -53.16, -70.91), ("hartebeesthoek", -25.89, 27.69),
    ("kourou", 5.25, -52.80), ("perth", -31.80, 115.89), ("tokyo", 35.68, 139.77),
    ("madrid", 40.43, -4.25), ("mcmurdo", -77.85, 166.67), ("hawaii", 19.82, -155.47),
    ("inuvik", 68.32, -133.55),
]


def spec(satellites: int, shells: int, stations: int) -> str:
    per_shell = satellites // shells
    planes = max(1, round(math.sqrt(per_shell)))
    while per_shell % planes:
        planes -= 1
    per_plane = per_shell // planes
    parts = ['constellation "bench" {\n  epoch = 2027-03-21T00:00:00Z\n  mission_life = 5 yr\n}\n',
             HARDWARE]
    for k in range(shells):
        altitude = 500 + (1500 * k) // max(1, shells - 1)
        sso = k % 2 == 1
        inclination = "sun_synchronous\n  ltan = 06:00" if sso else "30 deg"
        parts.append(f'shell "s{k:02d}" {{\n  altitude = {altitude} km\n'
                     f"  inclination = {inclination}\n"
                     f"  walker_delta {{ planes = {planes}; per_plane = {per_plane}; "
                     f"phasing = 1 }}\n  hardware = \"dc-node\"\n  isl = \"grid\"\n}}\n")
    for name, lat, lon in STATIONS[:stations]:
        parts.append(f'ground_station "{name}" {{\n  location = ({lat} deg, {lon} deg, 0 m)\n'
                     f"  min_elevation = 25 deg\n  antennas = 16\n"
                     f"  radio {{ g_over_t = 16 dB/K }}\n}}\n")
    parts.append("schedule {\n  horizon = 24 h\n  min_pass = 60 s\n  handover_gap = 10 s\n"
                 "  policy = max_contact_time\n}\n")
    return "\n".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--satellites", type=int, default=1_000_000)
    parser.add_argument("--shells", type=int, default=20)
    parser.add_argument("--stations", type=int, default=10)
    args = parser.parse_args()
    args.output.write_text(spec(args.satellites, args.shells, args.stations))


if __name__ == "__main__":
    main()
