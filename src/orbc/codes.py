"""The registry of diagnostic codes: stable names, categories, and `orbc explain` texts.

A code is a contract: CI scripts match on it. Add codes; never rename one.
"""

from __future__ import annotations

import attrs

CATEGORIES = ("syntax", "unit", "reference", "semantic", "import", "physics", "target", "usage")


@attrs.frozen
class Code:
    name: str
    category: str
    explanation: str


CODES: dict[str, Code] = {}


def _register(category: str, table: dict[str, str]) -> None:
    for name, explanation in table.items():
        assert name not in CODES, name
        CODES[name] = Code(name, category, " ".join(explanation.split()))


_register("usage", {
    "file-unreadable": """The spec file could not be read (missing, a directory, or no
        permission). orbc exits with 2, as for any usage or I/O error.""",
    "output-unwritable": """The output directory could not be created or written.""",
    "unknown-target": """`--target` names a target orbc does not have; `orbc targets` lists them.""",
})

_register("syntax", {
    "not-text": """The file is not UTF-8 text (it has NUL bytes or invalid UTF-8 sequences).
        .orb files are UTF-8 text.""",
    "syntax-error": """The parser met a token that cannot stand there. A spec is made of blocks
        `kind "label" { name = value }`, one attribute per line.""",
    "unexpected-end": """The file ended inside a block or an expression; usually a `}` is
        missing.""",
    "invalid-token": """A character that is not part of the language, such as `@` or `$`.""",
    "unterminated-string": """A string was opened with `"` and not closed on the same line.""",
})

_register("unit", {
    "unknown-unit": """The unit after a number is not in orbc's unit table. Units are
        case-sensitive (`kW`, not `kw`; `Gbps`, not `gbps`); compound units are written
        without spaces (`W/m^2`, `%/yr`). `docs/language.md` lists every unit.""",
    "unit-mismatch": """An attribute got a quantity of the wrong dimension, such as a length
        where a power is expected. The message names both dimensions.""",
    "incompatible-units": """An expression adds or subtracts quantities of different
        dimensions (`1 km + 1 s`), or compares them.""",
    "log-unit-arithmetic": """A decibel quantity was used in arithmetic that has no physical
        meaning: two absolute levels (`dBW`, `dBm`) cannot be added, and a decibel value cannot
        be multiplied by a unit. Add a level and a ratio (`3 dBW + 2 dB`) or convert to a linear
        unit.""",
    "not-convertible": """A linear value of zero or less cannot be expressed in decibels.""",
})

_register("reference", {
    "unknown-reference": """A string that names another block (a shell's `hardware`, `isl`, a
        policy's `relay`, an `extends` parent) names no block of that kind.""",
    "extends-cycle": """Hardware blocks extend each other in a circle.""",
})

_register("import", {
    "import-not-found": """An `import` names a file that does not exist. Paths are relative to
        the importing file.""",
    "import-escapes-root": """An `import` points outside the folder of the root spec. orbc never
        reads files outside the spec's root, so specs stay self-contained and safe to build in
        CI.""",
    "import-cycle": """Files import each other in a circle.""",
    "import-unreadable": """An imported file exists but could not be read.""",
})

_register("semantic", {
    "unknown-block": """A top-level or nested block kind that the language does not have.""",
    "unknown-attribute": """An attribute this block does not take.""",
    "duplicate-attribute": """The same attribute is set twice in one block.""",
    "duplicate-block": """Two blocks of the same kind have the same label, or a sub-block that
        may appear once appears twice.""",
    "missing-attribute": """A required attribute is not set.""",
    "missing-label": """A block kind that needs a label has none, or one that takes no label has
        one.""",
    "missing-constellation": """A spec needs exactly one `constellation` block.""",
    "multiple-constellations": """A spec needs exactly one `constellation` block.""",
    "wrong-type": """A value of the wrong kind: a string where a quantity is expected, a tuple
        where a keyword is expected, and so on.""",
    "unknown-keyword": """A keyword value that the attribute does not accept.""",
    "out-of-range": """A value outside the physically meaningful range for its attribute, such
        as an efficiency above 100 % or an inclination above 180°.""",
    "not-an-integer": """A count (planes, satellites per plane, accelerators, antennas) must be a
        whole number.""",
    "non-finite-number": """A number is infinite or not a number (too large to represent, or the
        result of an expression such as `1e308 * 10`).""",
    "division-by-zero": """An expression divides by zero.""",
    "invalid-timestamp": """Timestamps are written in UTC as `2027-03-21T00:00:00Z`.""",
    "invalid-clock": """Clock times are `HH:MM` or `HH:MM:SS`, 00:00 to 23:59:59.""",
    "pattern-missing": """A shell needs one pattern block: `walker_delta { ... }` or
        `walker_star { ... }`.""",
    "pattern-conflict": """A shell has more than one pattern block.""",
    "node-conflict": """A shell sets both `ltan` and `raan_offset`; the first plane's node is
        given by one of them.""",
    "ltan-drifts": """(warning) `ltan` fixes the first plane's node against the sun at epoch.
        Only a sun-synchronous shell keeps that local time; any other shell's node drifts away
        from it, so the local time holds at epoch only.""",
    "relay-needs-nearest": """`relay` names the shell that a `nearest` topology links to; with
        any other topology it has no meaning.""",
    "invalid-phasing": """Walker phasing F must lie in 0 … P−1 for P planes.""",
    "too-many-satellites": """The constellation exceeds the limit orbc accepts (10,000,000
        satellites), which almost always means a typo in a count.""",
    "unused-block": """A hardware or link policy block that no shell uses.""",
    "relay-is-self": """A link policy's relay shell is the shell that uses the policy.""",
})
