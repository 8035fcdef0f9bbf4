"""What each block may contain: attributes, their types, ranges and defaults, and sub-blocks.

This table is the language reference in data form: validation, `extends`
merging, `orbc explain` of defaults and docs/language.md all follow it.
Defaults are SI values; each says where it comes from.
"""

from __future__ import annotations

import math

import attrs

from orbc import units as u

DEG = math.pi / 180.0
# Counts above this are a typo, not a design (see `too-many-satellites` for the total).
MAX_COUNT = 1_000_000

# Subsystem mass inputs and where their defaults come from (flight hardware where it
# exists). `orbc explain defaults` prints these with the sentences below.
AREAL_DENSITY = u.MASS / u.AREA
SPECIFIC_ENERGY = u.ENERGY / u.MASS
ARRAY_AREAL_DENSITY_KG_M2 = 2.0
ARRAY_AREAL_DENSITY_WHY = ("UltraFlex flexible-blanket wings (flown on Phoenix, InSight, "
                           "Cygnus): up to 150 W/kg at end of life, ≈300 W/m² of panel")
RADIATOR_AREAL_DENSITY_KG_M2 = 7.0
RADIATOR_AREAL_DENSITY_WHY = ("aluminium-ammonia heat-pipe panels of the Space Station "
                              "Freedom class, ≈7 kg/m² (NASA SBIR 91-1 09.08-6551B)")
BATTERY_SPECIFIC_ENERGY_J_KG = 160.0 * 3600.0
BATTERY_SPECIFIC_ENERGY_WHY = ("Saft VES180 Li-ion space cell, 160 Wh/kg (ESA ARTES 8); "
                               "cells only: write a lower figure for packaging")
ACCELERATOR_MASS_KG = 15.0
ACCELERATOR_MASS_WHY = ("NVIDIA DGX H100: 123.2 kg for 8 GPUs with host, chassis and power "
                        "supplies; no accelerator has flight heritage at this class")
LASER_TERMINAL_MASS_KG = 12.0
LASER_TERMINAL_MASS_WHY = "Tesat SCOT80 LEO terminal: 11.9 kg per optical channel (2024)"
RADIO_MASS_KG = 5.0
RADIO_MASS_WHY = ("our assumption for a Ka transmitter with a small dish; no single "
                  "published figure stands for all radios")


@attrs.frozen
class Attr:
    """One attribute.

    kind: quantity | fraction | count | bool | keyword | reference | references | timestamp |
          clock | location | angle_or_keyword
    dimension: for quantities; `logarithmic` asks for the value in dB (re the SI unit).
    low/high: the accepted closed range in SI (None = unbounded); `low_open` excludes `low`.
    """

    kind: str
    dimension: u.Dimension | None = None
    logarithmic: bool = False
    required: bool = False
    default: object = None
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    keywords: tuple[str, ...] = ()
    refers_to: str | None = None
    example: str = ""
    doc: str = ""

    def format(self, number: float) -> str:
        """An SI number in the unit of the example (`km` for `550 km`), for messages."""
        if self.kind == "fraction":
            return f"{number * 100:g} %"
        if self.kind == "count" or self.dimension is None:
            return f"{number:g}"
        if self.logarithmic:
            return f"{number:g} dB"
        unit_text = self.example.split()[-1] if " " in self.example else ""
        try:
            unit = u.parse_unit(unit_text)
        except ValueError:
            return f"{number:g} (SI)"
        return f"{number / unit.factor:g} {unit_text}"


@attrs.frozen
class BlockSpec:
    """A block kind. `label`: required | none. `repeatable` sub-blocks are keyed by label."""

    attrs: dict[str, Attr]
    blocks: dict[str, BlockSpec] = attrs.field(factory=dict)
    label: str = "required"
    repeatable: bool = False
    extendable: bool = False
    unique: bool = False  # at most one at top level (schedule)
    doc: str = ""


def quantity(dimension, example, *, low=None, high=None, low_open=False, required=False,
             default=None, logarithmic=False, doc=""):
    return Attr("quantity", dimension, logarithmic, required, default, low, high, low_open,
                example=example, doc=doc)


def fraction(example, *, required=False, default=None, low=0.0, low_open=False, doc=""):
    """A dimensionless share in 0 … 1, written as `30 %` or `0.3`."""
    return Attr("fraction", u.DIMENSIONLESS, required=required, default=default, low=low,
                high=1.0, low_open=low_open, example=example, doc=doc)


def count(example, *, required=False, default=None, low=1, high=MAX_COUNT, doc=""):
    return Attr("count", u.DIMENSIONLESS, required=required, default=default, low=low,
                high=high, example=example, doc=doc)


def flag(default=False, doc=""):
    return Attr("bool", default=default, example="true", doc=doc)


def keyword(options, *, required=False, default=None, doc=""):
    return Attr("keyword", required=required, default=default, keywords=tuple(options),
                example=options[0], doc=doc)


def reference(kind, *, required=False, doc=""):
    return Attr("reference", required=required, refers_to=kind, example=f'"my-{kind}"', doc=doc)


SOLAR_ARRAY = BlockSpec({
    "area": quantity(u.AREA, "105 m^2", low=0, low_open=True, required=True),
    "efficiency": fraction("30 %", required=True, low_open=True, doc="cell efficiency at BOL"),
    "degradation": quantity(u.FREQUENCY, "2.5 %/yr", low=0, high=0.5 / (365.25 * 86400),
                            default=0.0, doc="fractional power loss per year"),
    "packing": fraction("90 %", default=0.90, low_open=True,
                        doc="cell area / panel area; 0.90 as in the Suncatcher estimate "
                            "for Starlink v2 mini"),
    "incidence": quantity(u.ANGLE, "0 deg", low=0, high=89 * DEG, default=0.0,
                          doc="mean sun angle off the array normal; 0 = sun-tracking"),
    "areal_density": quantity(AREAL_DENSITY, "1.2 kg/m^2", low=0,
                              default=ARRAY_AREAL_DENSITY_KG_M2, doc=ARRAY_AREAL_DENSITY_WHY),
}, label="none")

BATTERY = BlockSpec({
    "capacity": quantity(u.ENERGY, "20 kWh", low=0, low_open=True, required=True),
    "depth_of_discharge": fraction("35 %", required=True, low_open=True,
                                   doc="the declared limit per eclipse"),
    "efficiency": fraction("90 %", default=0.90, low_open=True,
                           doc="discharge path efficiency (SMAD: Li-ion ≈ 0.9)"),
    "specific_energy": quantity(SPECIFIC_ENERGY, "150 Wh/kg", low=0, low_open=True,
                                default=BATTERY_SPECIFIC_ENERGY_J_KG,
                                doc=BATTERY_SPECIFIC_ENERGY_WHY),
}, label="none")

RADIATOR = BlockSpec({
    "area": quantity(u.AREA, "14 m^2", low=0, low_open=True, required=True,
                     doc="panel area (each face this size)"),
    "faces": count("2", default=2, high=2, doc="emitting faces: 2 for a deployed panel"),
    "emissivity": fraction("0.88", required=True, low_open=True),
    "absorptivity": fraction("0.09", default=0.09,
                             doc="solar absorptivity; 0.09 as in the Starcloud white paper"),
    "temperature": quantity(u.TEMPERATURE, "310 K", low=0, low_open=True, high=2000,
                            required=True),
    "areal_density": quantity(AREAL_DENSITY, "3.5 kg/m^2", low=0,
                              default=RADIATOR_AREAL_DENSITY_KG_M2,
                              doc=RADIATOR_AREAL_DENSITY_WHY),
}, label="none")

COMPUTE = BlockSpec({
    "accelerators": count("64", required=True),
    "power_each": quantity(u.POWER, "1 kW", low=0, required=True),
    "flops_each": quantity(u.COMPUTE_RATE, "2 PFLOPS", low=0, required=True),
    "shed_in_eclipse": flag(doc="compute is throttled off during eclipse"),
    "mass_each": quantity(u.MASS, "6 kg", low=0, default=ACCELERATOR_MASS_KG,
                          doc=ACCELERATOR_MASS_WHY),
}, label="none")

LOAD = BlockSpec({
    "power": quantity(u.POWER, "1.5 kW", low=0, default=0.0,
                      doc="a load written for its mass alone (structure) draws nothing"),
    "shed_in_eclipse": flag(),
    "mass": quantity(u.MASS, "180 kg", low=0, default=0.0,
                     doc="a load weighs what the spec says it does"),
}, repeatable=True)

LASER_TERMINAL = BlockSpec({
    "count": count("4", required=True, high=64),
    "power": quantity(u.POWER, "2 W", low=0, low_open=True, required=True,
                      doc="optical transmit power"),
    "aperture": quantity(u.LENGTH, "8 cm", low=0, low_open=True, high=10, required=True,
                         doc="aperture diameter"),
    "aperture_efficiency": fraction("80 %", default=0.80, low_open=True,
                                    doc="0.80 as in the Suncatcher link budget"),
    "wavelength": quantity(u.LENGTH, "1550 nm", low=100e-9, high=20e-6, required=True),
    "rate": quantity(u.DATA_RATE, "100 Gbps", low=0, low_open=True, required=True),
    "sensitivity": quantity(u.POWER, "-38 dBm", logarithmic=True, required=True,
                            doc="receiver sensitivity at `rate`"),
    "losses": quantity(u.DIMENSIONLESS, "3 dB", logarithmic=True, low=0, default=3.0,
                       doc="other losses (optics, coupling); 3 dB as in Suncatcher §4.2"),
    "pointing_error": quantity(u.ANGLE, "1 urad", low=0, high=0.1, default=1e-6,
                               doc="RMS pointing error; 1 µrad is fine-pointing class"),
    "mass": quantity(u.MASS, "12 kg", low=0, default=LASER_TERMINAL_MASS_KG,
                     doc="each terminal: " + LASER_TERMINAL_MASS_WHY),
}, label="none")

RADIO = BlockSpec({
    "power": quantity(u.POWER, "20 W", low=0, low_open=True, required=True,
                      doc="RF transmit power"),
    "antenna_gain": quantity(u.DIMENSIONLESS, "36 dBi", logarithmic=True, required=True),
    "frequency": quantity(u.FREQUENCY, "19 GHz", low=1e6, high=1e12, required=True),
    "bandwidth": quantity(u.FREQUENCY, "500 MHz", low=0, low_open=True, required=True),
    "losses": quantity(u.DIMENSIONLESS, "2 dB", logarithmic=True, low=0, default=2.0,
                       doc="line, atmospheric and pointing losses"),
    "required_esn0": quantity(u.DIMENSIONLESS, "1 dB", logarithmic=True, default=1.0,
                              doc="Es/N0 threshold; 1.0 dB is DVB-S2 QPSK 1/2 at QEF"),
    "mass": quantity(u.MASS, "5 kg", low=0, default=RADIO_MASS_KG, doc=RADIO_MASS_WHY),
}, repeatable=True)

HARDWARE = BlockSpec({
    "mass": quantity(u.MASS, "800 kg", low=0, low_open=True),
}, blocks={
    "solar_array": SOLAR_ARRAY, "battery": BATTERY, "radiator": RADIATOR, "compute": COMPUTE,
    "load": LOAD, "laser_terminal": LASER_TERMINAL, "radio": RADIO,
}, extendable=True)

WALKER = BlockSpec({
    "planes": count("24", required=True, high=100_000),
    "per_plane": count("22", required=True, high=100_000),
    "phasing": count("1", default=0, low=0, high=100_000),
}, label="none")

SHELL = BlockSpec({
    "altitude": quantity(u.LENGTH, "550 km", low=100e3, high=200_000e3, required=True),
    "inclination": Attr("angle_or_keyword", u.ANGLE, required=True, low=0, high=math.pi,
                        keywords=("sun_synchronous",), example="53 deg"),
    "ltan": Attr("clock", example="06:00", doc="local time of the first plane's ascending node"),
    "raan_offset": quantity(u.ANGLE, "0 deg", low=-2 * math.pi, high=2 * math.pi,
                            doc="right ascension of the first plane's node at epoch"),
    "hardware": reference("hardware", required=True),
    "isl": reference("link_policy"),
    "launcher": reference("launcher", doc="the vehicle that launches the shell"),
}, blocks={"walker_delta": WALKER, "walker_star": WALKER})

LINK_POLICY = BlockSpec({
    "topology": keyword(("plus_grid", "ring", "nearest", "none"), required=True),
    "max_range": quantity(u.LENGTH, "5000 km", low=0, low_open=True),
    "min_grazing_altitude": quantity(u.LENGTH, "80 km", low=0, default=80e3,
                                     doc="80 km clears the mesosphere (physics.md)"),
    "min_margin": quantity(u.DIMENSIONLESS, "3 dB", logarithmic=True, default=3.0),
    "inter_plane_cutoff_latitude": quantity(u.ANGLE, "75 deg", low=0, high=90 * DEG,
                                            default=90 * DEG),
    "relay": reference("shell"),
    "min_availability": fraction("70 %", default=0.0),
})

GROUND_RADIO = BlockSpec({
    "g_over_t": quantity(u.INVERSE_TEMPERATURE, "16 dB/K", logarithmic=True, required=True),
}, label="none")

GROUND_OPTICAL = BlockSpec({
    "aperture": quantity(u.LENGTH, "1 m", low=0, low_open=True, required=True),
    "sensitivity": quantity(u.POWER, "-40 dBm", logarithmic=True, required=True),
    "aperture_efficiency": fraction("80 %", default=0.80, low_open=True),
}, label="none")

GROUND_STATION = BlockSpec({
    "location": Attr("location", required=True, example="(47.67 deg, -122.12 deg, 80 m)"),
    "min_elevation": quantity(u.ANGLE, "25 deg", low=0, high=90 * DEG, default=10 * DEG),
    "antennas": count("4", default=1, high=10_000),
}, blocks={"radio": GROUND_RADIO, "optical": GROUND_OPTICAL})

SCHEDULE = BlockSpec({
    "horizon": quantity(u.TIME, "24 h", low=0, low_open=True, high=366 * 86400,
                        default=86400.0),
    "min_pass": quantity(u.TIME, "60 s", low=0, default=0.0),
    "handover_gap": quantity(u.TIME, "10 s", low=0, default=0.0),
    "policy": keyword(("max_contact_time", "fair"), default="max_contact_time"),
}, label="none", unique=True)

CZML = BlockSpec({
    "horizon": quantity(u.TIME, "24 h", low=0, low_open=True, high=366 * 86400,
                        doc="the schedule horizon when left out"),
    "step": quantity(u.TIME, "60 s", low=1.0, high=86400.0,
                     doc="a 36th of each shell's period when left out (docs/targets.md)"),
    "shells": Attr("references", refers_to="shell", example='["a", "b"]',
                   doc="every shell when left out"),
}, label="none", unique=True, doc="what the `czml` target draws")
LAUNCHER = BlockSpec({
    "payload": quantity(u.MASS, "100 t", low=0, low_open=True, required=True,
                        doc="payload mass to the orbit of the shells it launches"),
})

CONSTELLATION = BlockSpec({
    "epoch": Attr("timestamp", required=True, example="2027-03-21T00:00:00Z"),
    "mission_life": quantity(u.TIME, "5 yr", low=0, low_open=True, high=50 * 365.25 * 86400,
                             required=True),
})

TOP_LEVEL: dict[str, BlockSpec] = {
    "constellation": CONSTELLATION, "hardware": HARDWARE, "shell": SHELL,
    "link_policy": LINK_POLICY, "ground_station": GROUND_STATION, "schedule": SCHEDULE,
    "czml": CZML,
    "launcher": LAUNCHER,
}


def defaults(blocks: dict[str, BlockSpec] = TOP_LEVEL, prefix: str = "") -> list[tuple[str, str, str]]:
    """Every attribute the compiler fills in when a spec leaves it out:
    (block.attribute, default as written, why), for `orbc explain defaults`."""
    found = []
    for kind, spec in blocks.items():
        for name, attr in spec.attrs.items():
            if attr.default is None or attr.required:
                continue
            value = (str(attr.default).lower() if attr.kind in ("bool", "keyword")
                     else attr.format(attr.default))
            found.append((f"{prefix}{kind}.{name}", value, attr.doc))
        found += defaults(spec.blocks, f"{prefix}{kind}.")
    return found
