"""Text records built column by column with numpy, for the element-set targets (TLE, OMM).

A batch of records is a uint8 matrix, one row per satellite. A record is a list
of parts: constants (1-D byte arrays, the same in every row) and fields ((rows,
width) byte matrices). Numbers become digits by integer arithmetic and names
are viewed as code points, so no Python code runs per satellite or per field.
Fields whose width varies from row to row (a catalog number, the integer part
of an angle) are right-aligned and padded with NUL bytes, which `compact`
drops, so the same parts serve the fixed columns of a TLE and the free-form
values of XML and KVN.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from orbc.compiler.columns import satellite_names
from orbc.compiler.model import Model
from orbc.diagnostics import Diagnostic

NUL = 0
SPACE = ord(" ")
_ZERO = ord("0")

Part = np.ndarray  # uint8: 1-D constant or (rows, width) field


def constant(text: str) -> np.ndarray:
    """ASCII text as a constant part."""
    return np.frombuffer(text.encode("ascii"), dtype=np.uint8)


def digits(values: np.ndarray, width: int, pad: int = _ZERO) -> np.ndarray:
    """Non-negative integers as `width` right-aligned decimal digits, (rows, width) uint8.

    Leading zeros become `pad` (`ord("0")` keeps them; the last digit always stays).
    Raises ValueError if a value is negative or needs more than `width` digits.
    """
    values = np.asarray(values, dtype=np.int64)
    if values.size and (values.min() < 0 or values.max() >= 10**width):
        raise ValueError(f"value outside 0 … {10**width - 1}")
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    field = (values[:, None] // powers % 10).astype(np.uint8) + _ZERO
    if pad != _ZERO and width > 1:
        leading = np.cumsum(field[:, :-1] != _ZERO, axis=1) == 0
        field[:, :-1][leading] = pad
    return field


def fixed_point(units: np.ndarray, int_width: int, decimals: int, pad: int) -> np.ndarray:
    """Integers counting 10⁻ᵈ (d = `decimals`) written as `I.FFF…`, (rows, int_width+1+d) uint8.

    The integer part is right-aligned in `int_width` columns padded with `pad`.
    """
    units = np.asarray(units, dtype=np.int64)
    scale = 10**decimals
    return np.concatenate([
        digits(units // scale, int_width, pad),
        np.full((len(units), 1), ord("."), dtype=np.uint8),
        digits(units % scale, decimals),
    ], axis=1)


def decimal_units(values, decimals: int) -> np.ndarray:
    """`values` rounded to `decimals` places, as integer counts of 10⁻ᵈ (int64)."""
    return np.rint(np.asarray(values, dtype=np.float64) * 10.0**decimals).astype(np.int64)


def angle_units(degrees, decimals: int) -> np.ndarray:
    """Angles in [0, 360) rounded to `decimals` places, as counts of 10⁻ᵈ degree.

    A value that rounds up to 360 wraps to 0, so the text never reads 360.
    """
    units = decimal_units(degrees, decimals)
    return np.mod(units, 360 * 10**decimals)


def text_field(strings: np.ndarray) -> np.ndarray:
    """A numpy str array as a NUL-padded UTF-8 byte field, (rows, width) uint8."""
    points = code_points(strings)
    if points.size == 0 or points.max() < 0x80:
        return points.astype(np.uint8)
    encoded = np.strings.encode(strings, "utf-8")
    return encoded.view(np.uint8).reshape(len(strings), encoded.dtype.itemsize)


def code_points(strings: np.ndarray) -> np.ndarray:
    """A numpy str array as its code points, (rows, width) uint32, NUL-padded."""
    strings = np.ascontiguousarray(strings)
    width = strings.dtype.itemsize // 4
    return strings.view(np.uint32).reshape(len(strings), width)


def printable_ascii(points: np.ndarray) -> np.ndarray:
    """Which code points are printable ASCII (space to `~`): what TLE and KVN carry."""
    return (points >= 0x20) & (points < 0x7F)


def xml_character(points: np.ndarray) -> np.ndarray:
    """Which code points XML 1.0 text carries, less the control characters it allows
    (tab, line feed, carriage return and U+007F … U+009F would not survive a reader
    intact or are discouraged)."""
    controls = (points < 0x20) | ((points >= 0x7F) & (points < 0xA0))
    return ~controls & (points != 0xFFFE) & (points != 0xFFFF)


def unrepresentable(text: str, allowed: Callable[[np.ndarray], np.ndarray]) -> list[str]:
    """The distinct characters of `text` that `allowed` rejects, in order of appearance."""
    points = np.array([ord(c) for c in text], dtype=np.uint32)
    rejected = [c for c, ok in zip(text, allowed(points)) if not ok]
    return list(dict.fromkeys(rejected))


def replace_unrepresentable(strings: np.ndarray, allowed: Callable[[np.ndarray], np.ndarray],
                            replacement: str = "?") -> np.ndarray:
    """`strings` with every character that `allowed` rejects replaced (length unchanged)."""
    points = code_points(strings)
    rejected = ~allowed(points) & (points != NUL)
    if not rejected.any():
        return strings
    points = points.copy()
    points[rejected] = ord(replacement)
    return points.view(strings.dtype).reshape(len(strings))


def rows(parts: Sequence[Part], count: int) -> np.ndarray:
    """The parts side by side, constants repeated on every row: (count, total width) uint8."""
    return np.concatenate([np.broadcast_to(p, (count, p.shape[-1])) for p in parts], axis=1)


def tle_checksum(parts: Sequence[Part], count: int) -> np.ndarray:
    """The TLE modulo-10 checksum of the line made of `parts`, (count, 1) uint8 ASCII digits.

    Digits count their value, a minus sign 1, anything else 0. Constant parts are
    summed once, not once per row.
    """
    total = np.zeros(count, dtype=np.int64)
    for part in parts:
        values = _CHECKSUM_VALUE[part]
        total += values.sum() if part.ndim == 1 else values.sum(axis=1, dtype=np.int64)
    return (total % 10).astype(np.uint8)[:, None] + _ZERO


_CHECKSUM_VALUE = np.zeros(256, dtype=np.int64)
_CHECKSUM_VALUE[_ZERO:_ZERO + 10] = np.arange(10)
_CHECKSUM_VALUE[ord("-")] = 1


def compact(matrix: np.ndarray) -> bytes:
    """The rows one after another with the NUL padding dropped."""
    flat = matrix.ravel()
    return flat[flat != NUL].tobytes()


def batches(count: int, size: int) -> Iterator[slice]:
    """Consecutive slices of at most `size` rows covering `count` rows."""
    for start in range(0, count, size):
        yield slice(start, min(start + size, count))


def name_diagnostics(model: Model, format_name: str,
                     allowed: Callable[[np.ndarray], np.ndarray],
                     max_length: int | None = None, limit: str = "") -> list[Diagnostic]:
    """Warnings for satellite names that `format_name` cannot carry as they are.

    Names are `shell-PPP-SSS`, so only the shell label can bring a character the
    format lacks (written as `?`, `name-not-representable`) or make a name longer
    than `max_length` (written in full, `name-too-long`; `limit` says what the
    limit is). The longest name of a shell is its last one.
    """
    found = []
    for shell in model.shells.values():
        span = shell.spans.get("")
        rejected = unrepresentable(shell.name, allowed)
        if rejected:
            listed = ", ".join(f"U+{ord(c):04X}" for c in rejected)
            found.append(Diagnostic(
                "name-not-representable",
                f"{format_name} cannot carry {listed} in the names of shell {shell.name!r}; "
                "they are written as `?`", span, severity="warning",
                help="use printable characters in the shell's label"))
        last = satellite_names(shell.name, np.array([shell.planes - 1]),
                               np.array([shell.per_plane - 1]))[0]
        if max_length is not None and len(last) > max_length:
            found.append(Diagnostic(
                "name-too-long",
                f"names of shell {shell.name!r} are up to {len(last)} characters, more than "
                f"the {max_length} {limit}; they are written in full", span,
                severity="warning",
                help=f"shorten the shell's label to {len(shell.name) - len(last) + max_length} "
                     "characters or fewer"))
    return found
