"""The unit table: unit symbols, their dimensions and their factors to SI.

A `Dimension` is a vector of exponents over the base dimensions below. Angle,
information (bit) and operations (FLOP) are kept as base dimensions of their
own, although SI calls them dimensionless, so that a spec that writes an angle
where a rate is expected gets caught.

Logarithmic units are handled honestly: a decibel quantity is stored as
10·log10 of its linear SI value (`dBW` is dB re 1 W, `dBm` is dB re 1 mW and so
30 dB lower in SI, `dB/K` is dB re 1 K⁻¹). Converting between the linear and the
logarithmic form of the same dimension is exact; adding two absolute levels is
not physics and is refused by the evaluator.
"""

from __future__ import annotations

import difflib
import math
import re

import attrs

BASE_NAMES = ("length", "mass", "time", "temperature", "angle", "information", "operations")
_BASE_SYMBOLS = ("m", "kg", "s", "K", "rad", "bit", "FLOP")


@attrs.frozen
class Dimension:
    """Exponents of the base dimensions, in the order of `BASE_NAMES`."""

    exponents: tuple[int, ...] = (0,) * len(BASE_NAMES)

    def __mul__(self, other: Dimension) -> Dimension:
        return Dimension(tuple(a + b for a, b in zip(self.exponents, other.exponents)))

    def __truediv__(self, other: Dimension) -> Dimension:
        return Dimension(tuple(a - b for a, b in zip(self.exponents, other.exponents)))

    def __pow__(self, power: int) -> Dimension:
        return Dimension(tuple(a * power for a in self.exponents))

    @property
    def is_dimensionless(self) -> bool:
        return not any(self.exponents)

    def si_symbol(self) -> str:
        """The SI form of this dimension, such as `kg*m^2/s^3`."""
        num = [_power(s, e) for s, e in zip(_BASE_SYMBOLS, self.exponents) if e > 0]
        den = [_power(s, -e) for s, e in zip(_BASE_SYMBOLS, self.exponents) if e < 0]
        text = "*".join(num) or "1"
        return text + ("/" + "/".join(den) if den else "")

    def describe(self) -> str:
        """A name for messages: 'a power', 'a length', or the SI form."""
        name = DIMENSION_NAMES.get(self)
        return name if name else f"a quantity in {self.si_symbol()}"


def _power(symbol: str, exponent: int) -> str:
    return symbol if exponent == 1 else f"{symbol}^{exponent}"


def _base(name: str) -> Dimension:
    return Dimension(tuple(int(n == name) for n in BASE_NAMES))


DIMENSIONLESS = Dimension()
LENGTH = _base("length")
MASS = _base("mass")
TIME = _base("time")
TEMPERATURE = _base("temperature")
ANGLE = _base("angle")
INFORMATION = _base("information")
OPERATIONS = _base("operations")
AREA = LENGTH**2
ENERGY = MASS * LENGTH**2 / TIME**2
POWER = ENERGY / TIME
FLUX = POWER / AREA
FREQUENCY = DIMENSIONLESS / TIME
DATA_RATE = INFORMATION / TIME
COMPUTE_RATE = OPERATIONS / TIME
INVERSE_TEMPERATURE = DIMENSIONLESS / TEMPERATURE

DIMENSION_NAMES: dict[Dimension, str] = {
    DIMENSIONLESS: "a plain number",
    LENGTH: "a length",
    MASS: "a mass",
    TIME: "a duration",
    TEMPERATURE: "a temperature",
    ANGLE: "an angle",
    AREA: "an area",
    ENERGY: "an energy",
    POWER: "a power",
    FLUX: "a flux",
    FREQUENCY: "a frequency or rate per time",
    DATA_RATE: "a data rate",
    COMPUTE_RATE: "a compute rate",
    LENGTH**3 / TIME**2: "a gravitational parameter",
    LENGTH / TIME: "a speed",
    INVERSE_TEMPERATURE: "an inverse temperature",
}


@attrs.frozen
class Unit:
    """A unit: its dimension, its factor to SI, and whether it is logarithmic.

    For a logarithmic unit `factor` is unused and `offset_db` is the unit's
    reference level in dB re the SI unit (dBm: −30).
    """

    symbol: str
    dimension: Dimension
    factor: float = 1.0
    logarithmic: bool = False
    offset_db: float = 0.0


_YEAR_S = 365.25 * 86400.0  # Julian year, IAU

_LINEAR: list[tuple[str, Dimension, float]] = [
    ("%", DIMENSIONLESS, 0.01),
    ("ppm", DIMENSIONLESS, 1e-6),
    ("m", LENGTH, 1.0), ("km", LENGTH, 1e3), ("cm", LENGTH, 1e-2), ("mm", LENGTH, 1e-3),
    ("um", LENGTH, 1e-6), ("nm", LENGTH, 1e-9), ("AU", LENGTH, 149_597_870_700.0),
    ("s", TIME, 1.0), ("ms", TIME, 1e-3), ("us", TIME, 1e-6), ("min", TIME, 60.0),
    ("h", TIME, 3600.0), ("day", TIME, 86400.0), ("d", TIME, 86400.0),
    ("yr", TIME, _YEAR_S), ("year", TIME, _YEAR_S),
    ("g", MASS, 1e-3), ("kg", MASS, 1.0), ("t", MASS, 1e3),
    ("W", POWER, 1.0), ("mW", POWER, 1e-3), ("uW", POWER, 1e-6), ("nW", POWER, 1e-9),
    ("kW", POWER, 1e3), ("MW", POWER, 1e6), ("GW", POWER, 1e9),
    ("J", ENERGY, 1.0), ("kJ", ENERGY, 1e3), ("MJ", ENERGY, 1e6),
    ("Wh", ENERGY, 3600.0), ("kWh", ENERGY, 3.6e6), ("MWh", ENERGY, 3.6e9),
    ("K", TEMPERATURE, 1.0),
    ("rad", ANGLE, 1.0), ("mrad", ANGLE, 1e-3), ("urad", ANGLE, 1e-6),
    ("deg", ANGLE, math.pi / 180.0), ("arcmin", ANGLE, math.pi / 180.0 / 60.0),
    ("arcsec", ANGLE, math.pi / 180.0 / 3600.0),
    ("Hz", FREQUENCY, 1.0), ("kHz", FREQUENCY, 1e3), ("MHz", FREQUENCY, 1e6),
    ("GHz", FREQUENCY, 1e9), ("THz", FREQUENCY, 1e12),
    ("bit", INFORMATION, 1.0), ("B", INFORMATION, 8.0),
    ("bps", DATA_RATE, 1.0), ("kbps", DATA_RATE, 1e3), ("Mbps", DATA_RATE, 1e6),
    ("Gbps", DATA_RATE, 1e9), ("Tbps", DATA_RATE, 1e12),
    ("FLOP", OPERATIONS, 1.0),
    ("FLOPS", COMPUTE_RATE, 1.0), ("GFLOPS", COMPUTE_RATE, 1e9), ("TFLOPS", COMPUTE_RATE, 1e12),
    ("PFLOPS", COMPUTE_RATE, 1e15), ("EFLOPS", COMPUTE_RATE, 1e18),
]

_LOGARITHMIC: list[tuple[str, Dimension, float]] = [
    ("dB", DIMENSIONLESS, 0.0),
    ("dBi", DIMENSIONLESS, 0.0),
    ("dBW", POWER, 0.0),
    ("dBm", POWER, -30.0),
    ("dB/K", INVERSE_TEMPERATURE, 0.0),
    ("dBHz", FREQUENCY, 0.0),
]

UNITS: dict[str, Unit] = {s: Unit(s, d, f) for s, d, f in _LINEAR}
UNITS.update({s: Unit(s, d, logarithmic=True, offset_db=o) for s, d, o in _LOGARITHMIC})

# Words that are not units but that users may write; the hint names the unit.
UNIT_ALIASES = {
    "sec": "s", "second": "s", "seconds": "s", "hr": "h", "hour": "h", "hours": "h",
    "days": "day", "years": "yr", "y": "yr", "degrees": "deg", "degree": "deg",
    "meter": "m", "meters": "m", "watt": "W", "watts": "W", "w": "W", "kw": "kW",
    "mw": "MW", "gbps": "Gbps", "mbps": "Mbps", "db": "dB", "dbm": "dBm", "dbw": "dBW",
    "dbi": "dBi", "ghz": "GHz", "mhz": "MHz", "hz": "Hz", "kwh": "kWh", "wh": "Wh",
    "µm": "um", "μm": "um", "pflops": "PFLOPS", "tflops": "TFLOPS", "tb/s": "Tbps",
}

_FACTOR = re.compile(r"^(?P<sym>%|[A-Za-z_µμ]+)(?:\^(?P<exp>-?\d{1,3}))?$")
# No unit needs a higher power; the bound keeps every factor a finite, non-zero float.
MAX_EXPONENT = 9


class UnitError(ValueError):
    """An unknown or malformed unit; `.symbol` is the offending piece."""

    def __init__(self, message: str, symbol: str):
        super().__init__(message)
        self.symbol = symbol


def parse_unit(text: str) -> Unit:
    """Parse a unit such as `km`, `W/m^2`, `%/yr`, `km^3/s^2` or `dB/K`.

    A logarithmic unit may only stand alone: `dB/s` is not a unit.
    """
    if text in UNITS:
        return UNITS[text]
    dimension, factor = DIMENSIONLESS, 1.0
    for index, piece in enumerate(re.split(r"(?=[*/])", text)):
        op = "*" if index == 0 else piece[0]
        body = piece if index == 0 else piece[1:]
        match = _FACTOR.match(body)
        if not match or match["sym"] not in UNITS:
            raise UnitError(f"unknown unit `{body}`", body)
        unit = UNITS[match["sym"]]
        if unit.logarithmic:
            raise UnitError(f"`{unit.symbol}` is logarithmic and cannot be combined", body)
        exponent = int(match["exp"] or 1)
        if abs(exponent) > MAX_EXPONENT:
            raise UnitError(f"`{body}`: unit powers go up to ^{MAX_EXPONENT}", body)
        sign = 1 if op == "*" else -1
        dimension = dimension * unit.dimension ** (sign * exponent)
        factor *= unit.factor ** (sign * exponent)
    return Unit(text, dimension, factor)


def corrected_unit(text: str, piece: str, expected: Dimension | None = None) -> str | None:
    """`text` with its unknown `piece` (a `UnitError.symbol`) respelt as a known unit, or None
    when no single respelling stands out.

    Candidates, in order: the spelling a known alias stands for (`kw` → `kW`); the units one
    edit away (`kn` → `km`: a letter changed, added, dropped or two swapped, or only the
    case); failing those, difflib's close matches. A candidate whose unit has the `expected`
    dimension beats one that has not, then a case-only difference beats another edit; a tie
    among the best is no suggestion, since a guess between two units is not a fix.
    """
    match = _FACTOR.match(piece)
    symbol = match["sym"] if match else piece
    power = piece[len(symbol):]
    if symbol in UNIT_ALIASES:
        tiers = [(0, UNIT_ALIASES[symbol])]
    else:
        tiers = [(1 if u.lower() == symbol.lower() else 2, u) for u in UNITS
                 if len(symbol) > 1 and _one_edit(symbol, u)] or [
            (3, u) for u in difflib.get_close_matches(symbol, sorted(UNITS), n=5, cutoff=0.6)]
    ranked = []
    for tier, candidate in tiers:
        respelt = _replace_piece(text, piece, candidate + power)
        try:
            fits = parse_unit(respelt).dimension == expected
        except UnitError:
            continue
        ranked.append(((not fits, tier), respelt))
    best = [respelt for rank, respelt in ranked if rank == min(r for r, _ in ranked)]
    return best[0] if len(best) == 1 else None


def _replace_piece(text: str, piece: str, replacement: str) -> str:
    """`text` with the factor `piece` (between `*` and `/` operators) replaced."""
    parts = re.split(r"([*/])", text)
    return "".join(replacement if part == piece else part for part in parts)


def _one_edit(written: str, symbol: str) -> bool:
    """Whether `symbol` is one edit from `written`: a letter changed, added or dropped, two
    neighbours swapped, or only the case differs."""
    if written == symbol:
        return False
    if written.lower() == symbol.lower():
        return True
    if len(written) == len(symbol):
        diffs = [i for i, (a, b) in enumerate(zip(written, symbol)) if a != b]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and written[diffs[0]] == symbol[diffs[1]]
                                   and written[diffs[1]] == symbol[diffs[0]])
    shorter, longer = sorted((written, symbol), key=len)
    return len(longer) - len(shorter) == 1 and any(
        longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))
