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
    why: the physical reason for the range, for the language reference and the help of
    `out-of-range`.
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
    why: str = ""

    def format(self, number: float, rounding: int = 0) -> str:
        """An SI number in the unit of the example (`km` for `550 km`), for messages.

        Six significant digits; `rounding` +1 rounds up, −1 down (so that a bound
        offered as a value stays inside the range), 0 to nearest.
        """
        if self.kind == "fraction":
            return f"{_digits(number * 100, rounding)} %"
        if self.kind == "count" or self.dimension is None:
            return _digits(number, rounding)
        unit_text = self.example.split()[-1] if " " in self.example else ""
        try:
            unit = u.parse_unit(unit_text)
        except ValueError:
            return f"{_digits(number, rounding)} dB" if self.logarithmic else (
                f"{_digits(number, rounding)} (SI)")
        if self.logarithmic:
            return (f"{_digits(number - unit.offset_db, rounding)} {unit_text}" if unit.logarithmic
                    else f"{_digits(number, rounding)} dB")
        return f"{_digits(number / unit.factor, rounding)} {unit_text}"

    def readable(self, number: float, rounding: int = 0) -> str:
        """Like `format`, in the unit of the dimension that writes it most simply
        (`100 kW` rather than `100000 W`), for bounds."""
        written = self.example.split()[-1]
        if (self.kind != "quantity" or self.logarithmic or number == 0
                or written not in u.UNITS):  # a compound unit (`%/yr`): as written
            return self.format(number, rounding)

        def score(unit: u.Unit) -> tuple:
            # Numbers from 1 to 99,999 read best, then the shortest; else the example's unit.
            if 1 <= abs(number / unit.factor) < 1e6:
                return (0, len(_digits(number / unit.factor, rounding)), unit.symbol != written)
            return (1, unit.symbol != written, 0)
        candidates = [unit for unit in u.UNITS.values() if unit.dimension == self.dimension
                      and not unit.logarithmic and unit.symbol not in _ODD_UNITS]
        if not candidates:
            return self.format(number, rounding)
        best = min(candidates, key=score)
        return f"{_digits(number / best.factor, rounding)} {best.symbol}"

    def bounds(self) -> str:
        """The accepted range, `[1 uW, 100 kW]` (`(` when the low end is open)."""
        low = "−∞" if self.low is None else self.readable(self.low)
        high = "∞" if self.high is None else self.readable(self.high)
        return f"{'(' if self.low_open else '['}{low}, {high}]"


# Units never chosen to write a bound: correct, but not how these quantities are read.
_ODD_UNITS = {"AU", "ppm", "arcmin", "arcsec", "year", "d", "us", "ms", "J", "kJ", "MJ"}


def _digits(number: float, rounding: int) -> str:
    """`number` to six significant digits, rounded up (+1), down (−1) or to nearest (0)."""
    if rounding == 0 or number == 0 or not math.isfinite(number):
        return f"{number:g}"
    step = 10.0 ** (math.floor(math.log10(abs(number))) - 5)
    scaled = number / step
    if abs(scaled - round(scaled)) < 1e-6:  # already six digits: keep it exact
        return f"{number:g}"
    return f"{(math.ceil(scaled) if rounding > 0 else math.floor(scaled)) * step:g}"


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
             default=None, logarithmic=False, doc="", why=""):
    return Attr("quantity", dimension, logarithmic, required, default, low, high, low_open,
                example=example, doc=doc, why=why)


def fraction(example, *, required=False, default=None, low=0.0, low_open=False, doc="",
             why=""):
    """A dimensionless share in low … 1, written as `30 %` or `0.3`."""
    return Attr("fraction", u.DIMENSIONLESS, required=required, default=default, low=low,
                high=1.0, low_open=low_open, example=example, doc=doc, why=why)


def count(example, *, required=False, default=None, low=1, high=MAX_COUNT, doc="", why=""):
    return Attr("count", u.DIMENSIONLESS, required=required, default=default, low=low,
                high=high, example=example, doc=doc,
                why=why or "a count above a million is a typo, not a design")


def flag(default=False, doc=""):
    return Attr("bool", default=default, example="true", doc=doc)


def keyword(options, *, required=False, default=None, doc=""):
    return Attr("keyword", required=required, default=default, keywords=tuple(options),
                example=options[0], doc=doc)


def reference(kind, *, required=False, doc=""):
    return Attr("reference", required=required, refers_to=kind, example=f'"my-{kind}"', doc=doc)


# Ranges shared by several attributes. Every bound is a physical limit or lies far outside
# anything built, so that a value outside it is a typo or a unit slip; within them every
# formula of the checks stays finite (tests/test_extreme_values.py sweeps the edges).
YEAR_S = 365.25 * 86400
AREA_M2 = {"low": 1e-4, "high": 1e6}
AREA_WHY = ("1 cm² is one small cell; 1 km² is a hundred times the largest structure ever "
            "flown or proposed")
EFFICIENCY_WHY = "an efficiency is a share of at most 100 %; below 1 % nothing is built"
OPTICAL_SENSITIVITY = {"low": -150.0, "high": 0.0}
OPTICAL_SENSITIVITY_WHY = ("from −120 dBm (photon counting) to +30 dBm (1 W): beyond both no "
                           "optical receiver exists")
APERTURE_EFFICIENCY_WHY = "a share of the ideal aperture gain; below 1 % nothing is built"
LOSS_WHY = "100 dB of loss leaves a link of nothing; more is a typo"
MASS_WHY = "up to 10,000 t (twenty-five space stations)"
AREAL_DENSITY_BOUND_WHY = "no panel is heavier than 100 kg/m² (a 13 mm steel plate)"
def references(kind, example, *, doc=""):
    """One label or a list of labels of blocks of `kind`; the value is a tuple."""
    return Attr("references", refers_to=kind, example=example, doc=doc)


SOLAR_ARRAY = BlockSpec({
    "area": quantity(u.AREA, "105 m^2", **AREA_M2, required=True, why=AREA_WHY),
    "efficiency": fraction("30 %", required=True, low=0.01, doc="cell efficiency at BOL",
                           why=EFFICIENCY_WHY),
    "degradation": quantity(u.FREQUENCY, "2.5 %/yr", low=0, high=0.5 / YEAR_S,
                            default=0.0, doc="fractional power loss per year",
                            why="arrays lose ≈0.5–3 %/yr; half a year's power is no array"),
    "packing": fraction("90 %", default=0.90, low=0.01,
                        doc="cell area / panel area; 0.90 as in the Suncatcher estimate "
                            "for Starlink v2 mini",
                        why="a share of the panel; below 1 % there is no array"),
    "incidence": quantity(u.ANGLE, "0 deg", low=0, high=89 * DEG, default=0.0,
                          doc="mean sun angle off the array normal; 0 = sun-tracking",
                          why="at 90° the array sees no sun at all"),
    "areal_density": quantity(AREAL_DENSITY, "1.2 kg/m^2", low=0, high=100.0,
                              default=ARRAY_AREAL_DENSITY_KG_M2, doc=ARRAY_AREAL_DENSITY_WHY,
                              why=AREAL_DENSITY_BOUND_WHY),
}, label="none")

BATTERY = BlockSpec({
    "capacity": quantity(u.ENERGY, "20 kWh", low=3.6e3, high=3.6e12, required=True,
                         why="1 Wh is a small cubesat's battery; 1 GWh a power station's"),
    "depth_of_discharge": fraction("35 %", required=True, low=0.01,
                                   doc="the declared limit per eclipse",
                                   why="a share of the capacity; below 1 % nothing is usable"),
    "efficiency": fraction("90 %", default=0.90, low=0.01,
                           doc="discharge path efficiency (SMAD: Li-ion ≈ 0.9)",
                           why=EFFICIENCY_WHY),
    "specific_energy": quantity(SPECIFIC_ENERGY, "150 Wh/kg", low=0, high=3.6e7,
                                low_open=True,
                                default=BATTERY_SPECIFIC_ENERGY_J_KG,
                                doc=BATTERY_SPECIFIC_ENERGY_WHY,
                                why="up to 10 kWh/kg, beyond any battery chemistry"),
}, label="none")

RADIATOR = BlockSpec({
    "area": quantity(u.AREA, "14 m^2", **AREA_M2, required=True,
                     doc="panel area (each face this size)", why=AREA_WHY),
    "faces": count("2", default=2, high=2, doc="emitting faces: 2 for a deployed panel",
                   why="a flat panel has one or two faces"),
    "emissivity": fraction("0.88", required=True, low=0.01,
                           why="a share of a black body's emission; polished gold is 0.02"),
    "absorptivity": fraction("0.09", default=0.09,
                             doc="solar absorptivity; 0.09 as in the Starcloud white paper",
                             why="a share of the incident sunlight"),
    "temperature": quantity(u.TEMPERATURE, "310 K", low=3, high=2000, required=True,
                            why="below the 2.7 K sky nothing is rejected; above 2,000 K "
                                "radiator materials fail"),
    "areal_density": quantity(AREAL_DENSITY, "3.5 kg/m^2", low=0, high=100.0,
                              default=RADIATOR_AREAL_DENSITY_KG_M2,
                              doc=RADIATOR_AREAL_DENSITY_WHY, why=AREAL_DENSITY_BOUND_WHY),
}, label="none")

POWER_WHY = "1 GW is ten thousand times the largest spacecraft's power"
COMPUTE = BlockSpec({
    "accelerators": count("64", required=True),
    "power_each": quantity(u.POWER, "1 kW", low=0, high=1e6, required=True,
                           why="1 MW per accelerator is a thousand times today's largest"),
    "flops_each": quantity(u.COMPUTE_RATE, "2 PFLOPS", low=0, high=1e21, required=True,
                           why="1 ZFLOPS per accelerator is ten thousand times today's largest"),
    "shed_in_eclipse": flag(doc="compute is throttled off during eclipse"),
    "mass_each": quantity(u.MASS, "6 kg", low=0, high=1e4, default=ACCELERATOR_MASS_KG,
                          doc=ACCELERATOR_MASS_WHY, why="10 t per accelerator is no accelerator"),
    "egress": quantity(u.DATA_RATE, "10 Gbps", low=0, high=1e15,
                       doc="what each satellite sends to the ground over the network",
                       why="1 Pbit/s per satellite is beyond any link built or planned"),
}, label="none")

LOAD = BlockSpec({
    "power": quantity(u.POWER, "1.5 kW", low=0, high=1e9, default=0.0,
                      doc="a load written for its mass alone (structure) draws nothing",
                      why=POWER_WHY),
    "shed_in_eclipse": flag(),
    "mass": quantity(u.MASS, "180 kg", low=0, high=1e7, default=0.0,
                     doc="a load weighs what the spec says it does", why=MASS_WHY),
}, repeatable=True)

LASER_TERMINAL = BlockSpec({
    "count": count("4", required=True, high=64, why="64 terminals is more than any bus carries"),
    "power": quantity(u.POWER, "2 W", low=1e-6, high=1e4, required=True,
                      doc="optical transmit power",
                      why="1 µW to 10 kW: the weakest and far past the strongest space lasers"),
    "aperture": quantity(u.LENGTH, "8 cm", low=1e-3, high=10, required=True,
                         doc="aperture diameter",
                         why="1 mm to 10 m: a fibre collimator to a large space telescope"),
    "aperture_efficiency": fraction("80 %", default=0.80, low=0.01,
                                    doc="0.80 as in the Suncatcher link budget",
                                    why=APERTURE_EFFICIENCY_WHY),
    "wavelength": quantity(u.LENGTH, "1550 nm", low=100e-9, high=20e-6, required=True,
                           why="ultraviolet to far infrared: the span of laser communication"),
    "rate": quantity(u.DATA_RATE, "100 Gbps", low=1.0, high=1e15, required=True,
                     why="1 bit/s to 1 Pbit/s"),
    "sensitivity": quantity(u.POWER, "-38 dBm", logarithmic=True, **OPTICAL_SENSITIVITY,
                            required=True, doc="receiver sensitivity at `rate`",
                            why=OPTICAL_SENSITIVITY_WHY),
    "losses": quantity(u.DIMENSIONLESS, "3 dB", logarithmic=True, low=0, high=100.0,
                       default=3.0, doc="other losses (optics, coupling); 3 dB as in "
                                        "Suncatcher §4.2", why=LOSS_WHY),
    "pointing_error": quantity(u.ANGLE, "1 urad", low=0, high=0.1, default=1e-6,
                               doc="RMS pointing error; 1 µrad is fine-pointing class",
                               why="0.1 rad (6°) is no pointing at all"),
    "mass": quantity(u.MASS, "12 kg", low=0, high=1e7, default=LASER_TERMINAL_MASS_KG,
                     doc="each terminal: " + LASER_TERMINAL_MASS_WHY, why=MASS_WHY),
}, label="none")

RADIO = BlockSpec({
    "power": quantity(u.POWER, "20 W", low=1e-6, high=1e5, required=True,
                      doc="RF transmit power",
                      why="1 µW to 100 kW: below any beacon to a hundred times the strongest "
                          "satellite amplifier"),
    "antenna_gain": quantity(u.DIMENSIONLESS, "36 dBi", logarithmic=True, low=-30.0,
                             high=80.0, required=True,
                             why="80 dBi is a 70 m dish at Ka band, more than any satellite "
                                 "carries"),
    "frequency": quantity(u.FREQUENCY, "19 GHz", low=1e6, high=1e12, required=True,
                          why="1 MHz to 1 THz: the radio spectrum the link budget models"),
    "bandwidth": quantity(u.FREQUENCY, "500 MHz", low=1.0, high=1e11, required=True,
                          why="1 Hz to 100 GHz"),
    "losses": quantity(u.DIMENSIONLESS, "2 dB", logarithmic=True, low=0, high=100.0,
                       default=2.0, doc="line, atmospheric and pointing losses", why=LOSS_WHY),
    "required_esn0": quantity(u.DIMENSIONLESS, "1 dB", logarithmic=True, low=-30.0, high=50.0,
                              default=1.0,
                              doc="Es/N0 threshold; 1.0 dB is DVB-S2 QPSK 1/2 at QEF",
                              why="modulations need between −10 dB (DVB-S2X VL-SNR) and "
                                  "≈30 dB (4096-QAM)"),
    "mass": quantity(u.MASS, "5 kg", low=0, high=1e7, default=RADIO_MASS_KG,
                     doc=RADIO_MASS_WHY, why=MASS_WHY),
    "rate": quantity(u.DATA_RATE, "4 Gbps", low=1.0, high=1e15,
                     why="1 bit/s to 1 Pbit/s",
                     doc="information rate; default: bandwidth × the DVB-S2 spectral "
                         "efficiency of the best MODCOD that needs at most required_esn0"),
}, repeatable=True)

HARDWARE = BlockSpec({
    "mass": quantity(u.MASS, "800 kg", low=1e-3, high=1e7,
                     why="1 g (a chipsat) to 10,000 t (twenty-five space stations)"),
}, blocks={
    "solar_array": SOLAR_ARRAY, "battery": BATTERY, "radiator": RADIATOR, "compute": COMPUTE,
    "load": LOAD, "laser_terminal": LASER_TERMINAL, "radio": RADIO,
}, extendable=True)

WALKER_WHY = "100,000 planes or satellites per plane is a typo, not a design"
WALKER = BlockSpec({
    "planes": count("24", required=True, high=100_000, why=WALKER_WHY),
    "per_plane": count("22", required=True, high=100_000, why=WALKER_WHY),
    "phasing": count("1", default=0, low=0, high=100_000, why=WALKER_WHY),
}, label="none")

SHELL = BlockSpec({
    "altitude": quantity(u.LENGTH, "550 km", low=100e3, high=200_000e3, required=True,
                         why="below 100 km (the Kármán line) an orbit decays within hours; "
                             "above 200,000 km the Moon's pull, not the model's J2, shapes "
                             "the orbit"),
    "inclination": Attr("angle_or_keyword", u.ANGLE, required=True, low=0, high=math.pi,
                        keywords=("sun_synchronous",), example="53 deg",
                        why="inclination is defined from 0° to 180°"),
    "ltan": Attr("clock", example="06:00", doc="local time of the first plane's ascending node"),
    "raan_offset": quantity(u.ANGLE, "0 deg", low=-2 * math.pi, high=2 * math.pi,
                            doc="right ascension of the first plane's node at epoch",
                            why="one turn either way"),
    "hardware": reference("hardware", required=True),
    "isl": references("link_policy", '["grid", "to-relay"]',
                      doc="a link policy, or a list of them"),
    "launcher": reference("launcher", doc="the vehicle that launches the shell"),
}, blocks={"walker_delta": WALKER, "walker_star": WALKER})

LINK_POLICY = BlockSpec({
    "topology": keyword(("plus_grid", "ring", "nearest", "none"), required=True),
    "max_range": quantity(u.LENGTH, "5000 km", low=1.0, high=1e9,
                          why="1 m to 1,000,000 km, beyond the Moon"),
    "min_grazing_altitude": quantity(u.LENGTH, "80 km", low=0, high=1000e3, default=80e3,
                                     doc="80 km clears the mesosphere (physics.md)",
                                     why="above 1,000 km there is no atmosphere to clear"),
    "min_margin": quantity(u.DIMENSIONLESS, "3 dB", logarithmic=True, low=-30.0, high=100.0,
                           default=3.0, why="a margin asked beyond 100 dB is a typo"),
    "inter_plane_cutoff_latitude": quantity(u.ANGLE, "75 deg", low=0, high=90 * DEG,
                                            default=90 * DEG,
                                            why="latitudes run from 0° to 90°"),
    "relay": Attr("reference", refers_to="shell", example='"relay"',
                  doc='an own shell, an external, or "<external>/<shell>"'),
    "min_availability": fraction("70 %", default=0.0, why="a share of the time"),
})

GROUND_RADIO = BlockSpec({
    "g_over_t": quantity(u.INVERSE_TEMPERATURE, "16 dB/K", logarithmic=True, low=-50.0,
                         high=70.0, required=True,
                         why="a handheld terminal (≈ −30 dB/K) to beyond a 70 m deep-space "
                             "dish (≈ 60 dB/K)"),
}, label="none")

GROUND_OPTICAL = BlockSpec({
    "aperture": quantity(u.LENGTH, "1 m", low=1e-3, high=100.0, required=True,
                         why="1 mm to 100 m, beyond the largest telescope (39 m)"),
    "sensitivity": quantity(u.POWER, "-40 dBm", logarithmic=True, **OPTICAL_SENSITIVITY,
                            required=True, why=OPTICAL_SENSITIVITY_WHY),
    "aperture_efficiency": fraction("80 %", default=0.80, low=0.01,
                                    why=APERTURE_EFFICIENCY_WHY),
}, label="none")

GROUND_STATION = BlockSpec({
    "location": Attr("location", required=True, example="(47.67 deg, -122.12 deg, 80 m)"),
    "min_elevation": quantity(u.ANGLE, "25 deg", low=0, high=90 * DEG, default=10 * DEG,
                              why="elevations run from the horizon (0°) to the zenith (90°)"),
    "antennas": count("4", default=1, high=10_000,
                      why="10,000 antennas is more than any teleport has"),
    "capacity": quantity(u.DATA_RATE, "400 Gbps", low=1.0, high=1e16,
                         why="1 bit/s to 10 Pbit/s, beyond any teleport",
                         doc="the most the station takes from the network; no limit if absent"),
}, blocks={"radio": GROUND_RADIO, "optical": GROUND_OPTICAL})

# The parts of a ground station's `location` tuple.
LOCATION_PARTS = (
    ("latitude", quantity(u.ANGLE, "47.67 deg", low=-math.pi / 2, high=math.pi / 2,
                          why="latitudes run from −90° to 90°")),
    ("longitude", quantity(u.ANGLE, "-122.12 deg", low=-math.pi, high=2 * math.pi,
                           why="−180° to 360°, either convention")),
    ("altitude", quantity(u.LENGTH, "80 m", low=-500.0, high=10e3,
                          why="the Dead Sea shore (−430 m) to above Everest (8,849 m)")),
)

DAY_S = 86400.0
SCHEDULE = BlockSpec({
    "horizon": quantity(u.TIME, "24 h", low=60.0, high=366 * DAY_S, default=DAY_S,
                        why="a minute to a leap year"),
    "min_pass": quantity(u.TIME, "60 s", low=0, high=DAY_S, default=0.0,
                         why="no pass lasts a day"),
    "handover_gap": quantity(u.TIME, "10 s", low=0, high=DAY_S, default=0.0,
                             why="no pass lasts a day"),
    "policy": keyword(("max_contact_time", "fair"), default="max_contact_time"),
}, label="none", unique=True)

CZML = BlockSpec({
    "horizon": quantity(u.TIME, "24 h", low=60.0, high=366 * DAY_S,
                        doc="the schedule horizon when left out",
                        why="a minute to a leap year, as the schedule's"),
    "step": quantity(u.TIME, "60 s", low=1.0, high=DAY_S,
                     doc="a 36th of each shell's period when left out (docs/targets.md)",
                     why="a second to a day: finer is no animation, coarser no orbit"),
    "shells": Attr("references", refers_to="shell", example='["a", "b"]',
                   doc="every shell when left out"),
}, label="none", unique=True, doc="what the `czml` target draws")
LAUNCHER = BlockSpec({
    "payload": quantity(u.MASS, "100 t", low=0, low_open=True, required=True,
                        doc="payload mass to the orbit of the shells it launches"),
})

NETWORK = BlockSpec({
    "step": quantity(u.TIME, "60 s", low=1.0, high=86400.0, default=60.0,
                     doc="time between network snapshots",
                     why="a second to a day: finer is not a snapshot, coarser no orbit"),
    "horizon": quantity(u.TIME, "95 min", low=1.0, high=366 * 86400,
                        doc="span of the snapshots; default one orbit of the lowest own shell",
                        why="a second to a leap year"),
}, label="none", unique=True)

ROUTE = BlockSpec({
    "from": reference("ground_station", required=True),
    "to": reference("ground_station", required=True),
    "max_rtt": quantity(u.TIME, "80 ms", low=1e-6, high=3600.0,
                        why="1 µs to an hour: light crosses the Earth in 43 ms"),
})

EXTERNAL = BlockSpec({
    "source": Attr("reference", required=True, refers_to="file",
                   example='"vendor/starlink-gen1.orb"',
                   doc="an .orb spec, TLEs (.tle/.txt) or OMM (.xml/.kvn) inside the root folder"),
})

CONSTELLATION = BlockSpec({
    "epoch": Attr("timestamp", required=True, example="2027-03-21T00:00:00Z"),
    "mission_life": quantity(u.TIME, "5 yr", low=DAY_S, high=50 * YEAR_S, required=True,
                             why="a day to 50 years, longer than any satellite has worked"),
})

TOP_LEVEL: dict[str, BlockSpec] = {
    "constellation": CONSTELLATION, "hardware": HARDWARE, "shell": SHELL,
    "link_policy": LINK_POLICY, "ground_station": GROUND_STATION, "schedule": SCHEDULE,
    "czml": CZML,
    "launcher": LAUNCHER,
    "network": NETWORK, "route": ROUTE, "external": EXTERNAL,
}


def ranges(blocks: dict[str, BlockSpec] = TOP_LEVEL, prefix: str = "") -> list[tuple[str, str, str]]:
    """Every bounded attribute: (block.attribute, accepted range, why), for the language
    reference's table of ranges (docs/language.md, kept equal by a test)."""
    found = []
    for kind, spec in blocks.items():
        for name, attr in spec.attrs.items():
            if attr.kind == "location":
                found += [(f"{prefix}{kind}.{name} ({part})", part_attr.bounds(), part_attr.why)
                          for part, part_attr in LOCATION_PARTS]
            elif attr.low is not None or attr.high is not None:
                found.append((f"{prefix}{kind}.{name}", attr.bounds(), attr.why))
        found += ranges(spec.blocks, f"{prefix}{kind}.")
    return found


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
