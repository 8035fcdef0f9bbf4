"""The elaborated model: frozen, typed, SI inside, units in the names, names resolved.

Targets and checks read this and never the syntax tree. Each object keeps the
spans of its attributes in `spans` (attribute name -> Span, `""` for the block
head) so that a check can point at the line most responsible for a problem.
Satellites are not objects here: `orbc.compiler.columns` expands a `Shell` into
numpy columns.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np

from orbc.diagnostics import Span

_spans = attrs.field(factory=dict, eq=False, repr=False)
# Mass inputs come after `spans` as keyword-only fields (elaborate always sets them).
_mass = attrs.field(kw_only=True)


@attrs.frozen
class SolarArray:
    area_m2: float
    efficiency: float
    degradation_per_s: float  # fractional power loss per second of mission
    packing: float
    incidence_rad: float
    spans: Mapping[str, Span] = _spans
    areal_density_kg_m2: float = _mass


@attrs.frozen
class Battery:
    capacity_j: float
    depth_of_discharge: float
    efficiency: float
    spans: Mapping[str, Span] = _spans
    specific_energy_j_kg: float = _mass


@attrs.frozen
class Radiator:
    area_m2: float
    faces: int
    emissivity: float
    absorptivity: float
    temperature_k: float
    spans: Mapping[str, Span] = _spans
    areal_density_kg_m2: float = _mass  # per m² of panel (`area`), whatever the faces


@attrs.frozen
class Compute:
    accelerators: int
    power_each_w: float
    flops_each: float  # FLOP/s
    shed_in_eclipse: bool
    spans: Mapping[str, Span] = _spans
    mass_each_kg: float = _mass


@attrs.frozen
class Load:
    name: str
    power_w: float
    shed_in_eclipse: bool
    spans: Mapping[str, Span] = _spans
    mass_kg: float = _mass


@attrs.frozen
class LaserTerminal:
    count: int
    power_w: float  # optical transmit power
    aperture_m: float  # diameter
    aperture_efficiency: float
    wavelength_m: float
    rate_bps: float
    sensitivity_dbw: float
    losses_db: float
    pointing_error_rad: float
    spans: Mapping[str, Span] = _spans
    mass_each_kg: float = _mass


@attrs.frozen
class Radio:
    name: str
    power_w: float  # RF transmit power
    antenna_gain_dbi: float
    frequency_hz: float
    bandwidth_hz: float
    losses_db: float
    required_esn0_db: float
    spans: Mapping[str, Span] = _spans
    mass_kg: float = _mass


@attrs.frozen
class Hardware:
    name: str
    mass_kg: float | None
    solar_array: SolarArray | None
    battery: Battery | None
    radiator: Radiator | None
    compute: Compute | None
    loads: tuple[Load, ...]
    laser_terminal: LaserTerminal | None
    radios: tuple[Radio, ...]
    spans: Mapping[str, Span] = _spans


@attrs.frozen
class LinkPolicy:
    name: str
    topology: str  # plus_grid | ring | nearest | none
    max_range_m: float | None
    min_grazing_altitude_m: float
    min_margin_db: float
    inter_plane_cutoff_latitude_rad: float
    relay: str | None  # shell name
    min_availability: float
    spans: Mapping[str, Span] = _spans


@attrs.frozen
class Shell:
    name: str
    altitude_m: float
    inclination_rad: float  # solved from J2 when `sun_synchronous`
    sun_synchronous: bool
    ltan_s: float | None  # local time of the first plane's ascending node, if given
    raan0_rad: float  # first plane's node at epoch, from `raan_offset` or `ltan`
    pattern: str  # walker_delta | walker_star
    planes: int
    per_plane: int
    phasing: int
    hardware: str
    isl: str | None
    spans: Mapping[str, Span] = _spans
    launcher: str | None = attrs.field(default=None, kw_only=True)

    @property
    def satellites(self) -> int:
        return self.planes * self.per_plane


@attrs.frozen
class Launcher:
    name: str
    payload_kg: float  # to the orbit of the shells it launches
    spans: Mapping[str, Span] = _spans


@attrs.frozen
class GroundStation:
    name: str
    latitude_rad: float
    longitude_rad: float
    altitude_m: float
    min_elevation_rad: float
    antennas: int
    g_over_t_db_per_k: float | None
    optical_aperture_m: float | None
    optical_sensitivity_dbw: float | None
    optical_aperture_efficiency: float | None
    spans: Mapping[str, Span] = _spans


@attrs.frozen
class Schedule:
    horizon_s: float
    min_pass_s: float
    handover_gap_s: float
    policy: str  # max_contact_time | fair
    spans: Mapping[str, Span] = _spans


@attrs.frozen
class CzmlView:
    """What the `czml` target draws; None where the spec leaves it to the target."""

    horizon_s: float | None = None  # None: the schedule horizon
    step_s: float | None = None  # None: a 36th of each shell's period
    shells: tuple[str, ...] | None = None  # None: every shell
    spans: Mapping[str, Span] = _spans


@attrs.frozen
class Constellation:
    name: str
    epoch: np.datetime64  # UTC, millisecond precision
    mission_life_s: float
    spans: Mapping[str, Span] = _spans


@attrs.frozen
class Model:
    """A whole compilation. Mappings are sorted by name, so iteration is deterministic."""

    root: str  # the root spec's display path
    constellation: Constellation
    hardware: Mapping[str, Hardware]
    shells: Mapping[str, Shell]
    link_policies: Mapping[str, LinkPolicy]
    ground_stations: Mapping[str, GroundStation]
    schedule: Schedule
    czml: CzmlView = CzmlView()
    launchers: Mapping[str, Launcher] = attrs.field(factory=dict, kw_only=True)

    @property
    def satellites(self) -> int:
        return sum(shell.satellites for shell in self.shells.values())
