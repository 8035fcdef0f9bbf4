"""`tle`: NORAD three-line element sets (title line + TLE lines 1 and 2) for every satellite.

Columns follow the NORAD/CelesTrak layout (CelesTrak, "Two-Line Element Set
Format", and Space-Track's TLE documentation): 69 columns, a modulo-10
checksum in column 69 (digits count their value, a minus sign 1), the epoch as
YYDDD.DDDDDDDD, and Alpha-5 catalog numbers (a letter for the leading two
digits, I and O skipped) above 99,999, which end at 339,999 (`Z9999`).

What orbc writes where the format leaves a choice (see docs/targets.md):
- title line: the satellite name, padded to 24 columns as CelesTrak does; a
  longer name is written in full, with a `name-too-long` warning, because
  cutting it could make two names the same;
- catalog numbers: provisional, from `orbc.targets.elements`;
- international designator: blank, as for an object no launch is known for;
- classification U, ephemeris type 0, element set number 1, revolution 0,
  B*, ṅ/2 and n̈/6 zero, eccentricity 0 and argument of perigee 0 (circles).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import numpy as np

from orbc.compiler.model import Model
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.targets import text
from orbc.targets.elements import ShellElements, Slice, slice_elements, slices

MAX_CATALOG_NUMBER = 339_999  # Alpha-5 `Z9999`
TITLE_WIDTH = 24  # the title line of the NORAD three-line format
ELEMENT_SET_NUMBER = 1
FIRST_TLE_YEAR, LAST_TLE_YEAR = 1957, 2056  # two-digit years: 57–99 → 19xx, 00–56 → 20xx
BATCH = 16_384  # satellites per chunk: about 50,000 lines
# The first character of an Alpha-5 number, indexed by the number // 10,000.
_ALPHA5_LEAD = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", dtype=np.uint8)
_MS_PER_DAY = 86_400_000
_DAY_UNITS = 10**8  # the epoch's day-of-year fraction has 8 decimals


def tle_epoch(epoch: np.datetime64) -> str | None:
    """The epoch as YYDDD.DDDDDDDD (day 1.0 = 1 January 00:00 UTC), rounded to
    10⁻⁸ day (0.86 ms); None when the year is outside 1957–2056."""
    moment = epoch.astype("datetime64[ms]")
    year = int(moment.astype("datetime64[Y]").astype(np.int64)) + 1970
    elapsed_ms = int((moment - np.datetime64(f"{year:04d}-01-01", "ms")).astype(np.int64))
    # Rounded half up. The epoch has whole milliseconds, and the last one of a day is
    # 1.16e-8 day before its end, so rounding never carries into the next day or year.
    units = _DAY_UNITS + (2 * elapsed_ms * _DAY_UNITS + _MS_PER_DAY) // (2 * _MS_PER_DAY)
    if not FIRST_TLE_YEAR <= year <= LAST_TLE_YEAR:
        return None
    return f"{year % 100:02d}{units // _DAY_UNITS:03d}.{units % _DAY_UNITS:08d}"


def alpha5(catalog_numbers: np.ndarray) -> np.ndarray:
    """Catalog numbers 0 … 339,999 as five Alpha-5 characters, (rows, 5) uint8.

    Below 100,000 that is the number zero-padded; above, the leading two digits
    become a letter: A = 10 … H = 17, J = 18 … N = 22, P = 23 … Z = 33.
    """
    numbers = np.asarray(catalog_numbers, dtype=np.int64)
    if numbers.size and (numbers.min() < 0 or numbers.max() > MAX_CATALOG_NUMBER):
        raise ValueError(f"catalog number outside 0 … {MAX_CATALOG_NUMBER:,}")
    lead = _ALPHA5_LEAD[numbers // 10_000][:, None]
    return np.concatenate([lead, text.digits(numbers % 10_000, 4)], axis=1)


class Tle:
    name = "tle"
    description = "NORAD three-line element sets for SGP4 (tle/satellites.tle)"

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        found = []
        total = model.satellites
        if total > MAX_CATALOG_NUMBER:
            first = 0
            for shell in model.shells.values():  # the shell where the numbers run out
                first += shell.satellites
                if first > MAX_CATALOG_NUMBER:
                    break
            found.append(Diagnostic(
                "tle-catalog-overflow",
                f"the constellation has {total:,} satellites, but TLE catalog numbers end at "
                f"{MAX_CATALOG_NUMBER:,} (Alpha-5 `Z9999`); shell {shell.name!r} runs past it",
                shell.spans.get("pattern", shell.spans.get("")),
                help="build the `omm-xml` or `omm-kvn` target instead: an OMM's NORAD_CAT_ID "
                     "is not limited to five characters"))
        if tle_epoch(model.constellation.epoch) is None:
            found.append(Diagnostic(
                "tle-epoch-out-of-range",
                f"a TLE epoch has a two-digit year and can only be in {FIRST_TLE_YEAR}–"
                f"{LAST_TLE_YEAR}; the epoch is {model.constellation.epoch}",
                model.constellation.spans.get("epoch"),
                help="build the `omm-xml` or `omm-kvn` target, whose EPOCH has a four-digit "
                     "year"))
        found += text.name_diagnostics(model, "a TLE", text.printable_ascii, TITLE_WIDTH,
                                       "columns of a TLE title line")
        return found

    def emit(self, model: Model, engine: Engine = LOCAL):
        yield "tle/satellites.tle", self._chunks(model, engine)

    def _chunks(self, model: Model, engine: Engine) -> Iterator[bytes]:
        epoch = tle_epoch(model.constellation.epoch)
        if epoch is None or model.satellites > MAX_CATALOG_NUMBER:
            raise ValueError("the model does not fit a TLE; `check` says why")
        return engine.map(partial(_slice_text, model, epoch), slices(model), "tle")


def _slice_text(model: Model, epoch: str, piece: Slice) -> bytes:
    """The three-line sets of one slice (runs on an engine worker)."""
    return b"".join(_shell_chunks(slice_elements(model, piece), epoch))


def _shell_chunks(elements: ShellElements, epoch: str) -> Iterator[bytes]:
    """One shell's three-line sets, BATCH satellites at a time."""
    c = text.constant
    names = text.replace_unrepresentable(elements.names, text.printable_ascii)
    for part in text.batches(len(elements.plane), BATCH):
        count = part.stop - part.start
        title = text.text_field(names[part])
        title[title == text.NUL] = text.SPACE
        padding = c(" " * max(0, TITLE_WIDTH - title.shape[1]))
        record = [title, padding, c("\n"), *two_line_parts(elements, epoch, part)]
        yield text.rows(record, count).tobytes()


def two_line_parts(elements: ShellElements, epoch: str, part: slice,
                   eccentricity: str = "0000000") -> list[np.ndarray]:
    """Lines 1 and 2 (each with its checksum and a newline) of the satellites in `part`,
    as column parts for `text.rows`. `eccentricity` is the seven digits after the implied
    decimal point (Hypatia's readers need a non-zero one)."""
    c = text.constant
    count = part.stop - part.start
    number = alpha5(elements.catalog_numbers[part])
    inclination = text.fixed_point(text.decimal_units([elements.inclination_deg], 4), 3, 4,
                                   text.SPACE)[0]
    mean_motion = text.fixed_point(
        text.decimal_units([elements.mean_motion_rev_per_day], 8), 2, 8, text.SPACE)[0]
    # Line 1 after the catalog number is the same for every satellite.
    line1 = [c("1 "), number,
             c(f"U {'':8} {epoch}  .00000000  00000-0  00000-0 0 {ELEMENT_SET_NUMBER:4d}")]
    line2 = [c("2 "), number, c(" "), inclination, c(" "),
             text.fixed_point(text.angle_units(elements.raan_deg[part], 4), 3, 4, text.SPACE),
             c(f" {eccentricity}   0.0000 "),
             text.fixed_point(text.angle_units(elements.mean_anomaly_deg[part], 4), 3, 4,
                              text.SPACE),
             c(" "), mean_motion, c(f"{0:5d}")]
    newline = c("\n")
    return [*line1, text.tle_checksum(line1, count), newline,
            *line2, text.tle_checksum(line2, count), newline]
