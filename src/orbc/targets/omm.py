"""`omm-xml` and `omm-kvn`: CCSDS Orbit Mean-Elements Messages (CCSDS 502.0-B-3), one per satellite.

Both carry the same TLE-based OMM (section 4.2.4.6 of the standard: CENTER_NAME
EARTH, REF_FRAME TEME, TIME_SYSTEM UTC, MEAN_MOTION rather than
SEMI_MAJOR_AXIS) with the mean elements of `orbc.targets.elements`:

- `omm-xml` writes one NDM/XML combined instantiation (CCSDS 505.0, an `<ndm>`
  root holding one `<omm>` per satellite), unqualified schema, which
  `sgp4.omm.parse_xml` reads;
- `omm-kvn` writes the KVN messages one after another, each ended by a blank
  line (blank lines carry no meaning, 502.0-B-3 7.3.5).

CREATION_DATE is the epoch, so a rebuild is byte-identical. OBJECT_ID is a
provisional designator `YYYY-000P{PP…}` (see `object_ids`); NORAD_CAT_ID the
provisional catalog number. Names come from the spec: XML escapes `&`, `<`
and `>`; characters a format cannot carry are written as `?` with a
`name-not-representable` warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

import numpy as np

from orbc.compiler.model import Model
from orbc.diagnostics import Diagnostic
from orbc.engine import LOCAL, Engine
from orbc.targets import text
from orbc.targets.elements import ShellElements, Slice, epoch_iso, slice_elements, slices
from orbc.targets.tle import ELEMENT_SET_NUMBER

ANGLE_DECIMALS = 9  # degrees, as the flight table rounds them (10⁻⁹° is 0.1 mm in LEO)
MEAN_MOTION_DECIMALS = 10  # rev/day, as the flight table
BATCH_LINES = 50_000  # lines per chunk, roughly
KVN_MAX_LINE = 254  # 502.0-B-3 7.3.2
# International designator piece letters: A–Z without I and O (as in COSPAR designators).
_PIECE_LETTERS = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ", dtype=np.uint8)
_PIECE_WIDTH = 6  # enough letters for 24 + 24² + … + 24⁶ > 10 million satellites

HEADER = ("CREATION_DATE", "ORIGINATOR")
METADATA = ("OBJECT_NAME", "OBJECT_ID", "CENTER_NAME", "REF_FRAME", "TIME_SYSTEM",
            "MEAN_ELEMENT_THEORY")
MEAN_ELEMENTS = ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
                 "ARG_OF_PERICENTER", "MEAN_ANOMALY")
TLE_PARAMETERS = ("EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO",
                  "REV_AT_EPOCH", "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")
KEYWORDS = HEADER + METADATA + MEAN_ELEMENTS + TLE_PARAMETERS
_KEY_WIDTH = max(len(k) for k in (*KEYWORDS, "CCSDS_OMM_VERS"))

XML_PROLOGUE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<ndm xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:noNamespaceSchemaLocation='
    '"https://sanaregistry.org/r/ndmxml_unqualified/ndmxml-3.0.0-master-3.0.xsd">\n')
XML_EPILOGUE = "</ndm>\n"
_XML_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))  # `&` first


def object_ids(catalog_numbers: np.ndarray, year: int) -> np.ndarray:
    """Provisional international designators `YYYY-000P{PP…}`, (rows, width) uint8, NUL-padded.

    YYYY is the epoch's year; launch number 000 is one no launch has (COSPAR
    numbers launches from 001), so the designator cannot be a real object's.
    The piece letters count catalog numbers 1, 2, … as A … Z, AA … ZZ, AAA …
    (I and O skipped, as in real designators), one designator per catalog number.
    """
    remaining = np.asarray(catalog_numbers, dtype=np.int64)
    letters = np.zeros((len(remaining), _PIECE_WIDTH), dtype=np.uint8)
    for column in range(_PIECE_WIDTH - 1, -1, -1):
        present = remaining > 0
        index = np.maximum(remaining - 1, 0)
        letters[:, column] = np.where(present, _PIECE_LETTERS[index % 24], text.NUL)
        remaining = np.where(present, index // 24, 0)
    if remaining.any():
        raise ValueError("catalog number too large for a provisional designator")
    return text.rows([text.constant(f"{year:04d}-000"), letters], len(letters))


def _number(value: float, int_width: int, decimals: int) -> np.ndarray:
    """One fixed-point number as a constant part (no padding)."""
    field = text.fixed_point(text.decimal_units([value], decimals), int_width, decimals,
                             text.NUL)[0]
    return field[field != text.NUL]


class _Omm:
    """What both OMM targets share: the keyword values, shell by shell and batch by batch."""

    lines_per_record: int
    name_allowed = staticmethod(text.printable_ascii)

    def _fields(self, model: Model, elements: ShellElements
                ) -> Iterator[tuple[dict[str, np.ndarray], int]]:
        """(keyword → value part, rows) per batch of one slice, in catalog order."""
        c = text.constant
        epoch = epoch_iso(model).removesuffix("Z")  # sgp4.omm reads no `Z`
        year = int(model.constellation.epoch.astype("datetime64[Y]").astype(np.int64)) + 1970
        shell = {
            "CREATION_DATE": c(epoch), "ORIGINATOR": c("orbc"), "CENTER_NAME": c("EARTH"),
            "REF_FRAME": c("TEME"), "TIME_SYSTEM": c("UTC"), "MEAN_ELEMENT_THEORY": c("SGP4"),
            "EPOCH": c(epoch), "ECCENTRICITY": c("0.0"), "ARG_OF_PERICENTER": c("0.0"),
            "EPHEMERIS_TYPE": c("0"), "CLASSIFICATION_TYPE": c("U"),
            "ELEMENT_SET_NO": c(str(ELEMENT_SET_NUMBER)), "REV_AT_EPOCH": c("0"),
            "BSTAR": c("0.0"), "MEAN_MOTION_DOT": c("0.0"), "MEAN_MOTION_DDOT": c("0.0"),
            "MEAN_MOTION": _number(elements.mean_motion_rev_per_day, 3, MEAN_MOTION_DECIMALS),
            "INCLINATION": _number(elements.inclination_deg, 3, ANGLE_DECIMALS),
        }
        size = max(1, BATCH_LINES // self.lines_per_record)
        names = self._names(elements)
        catalog = elements.catalog_numbers
        for part in text.batches(len(catalog), size):
            yield {
                **shell,
                "OBJECT_NAME": text.text_field(names[part]),
                "OBJECT_ID": object_ids(catalog[part], year),
                "RA_OF_ASC_NODE": _angle(elements.raan_deg[part]),
                "MEAN_ANOMALY": _angle(elements.mean_anomaly_deg[part]),
                "NORAD_CAT_ID": text.digits(catalog[part], 10, text.NUL),
            }, part.stop - part.start

    def _records(self, model: Model, engine: Engine) -> Iterator[bytes]:
        """Every record, slice by slice on the engine, in catalog order."""
        return engine.map(partial(self._slice_text, model), slices(model), self.name)

    def _slice_text(self, model: Model, piece: Slice) -> bytes:
        elements = slice_elements(model, piece)
        return b"".join(text.compact(text.rows(self._record(fields), count))
                        for fields, count in self._fields(model, elements))

    def _names(self, elements: ShellElements) -> np.ndarray:
        return text.replace_unrepresentable(elements.names, self.name_allowed)


def _angle(degrees: np.ndarray) -> np.ndarray:
    return text.fixed_point(text.angle_units(degrees, ANGLE_DECIMALS), 3, ANGLE_DECIMALS,
                            text.NUL)


class OmmXml(_Omm):
    name = "omm-xml"
    description = "CCSDS OMM 3.0 per satellite in one NDM/XML document (omm/satellites.xml)"
    lines_per_record = len(KEYWORDS) + 16  # the elements and the structure
    name_allowed = staticmethod(text.xml_character)

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        return text.name_diagnostics(model, "XML", text.xml_character)

    def emit(self, model: Model, engine: Engine = LOCAL):
        yield "omm/satellites.xml", self._chunks(model, engine)

    def _names(self, elements: ShellElements) -> np.ndarray:
        names = super()._names(elements)
        points = text.code_points(names)
        for character, entity in _XML_ESCAPES:
            if (points == ord(character)).any():
                names = np.strings.replace(names, character, entity)
        return names

    def _chunks(self, model: Model, engine: Engine) -> Iterator[bytes]:
        yield XML_PROLOGUE.encode()
        yield from self._records(model, engine)
        yield XML_EPILOGUE.encode()

    def _record(self, fields: dict[str, np.ndarray]) -> list[np.ndarray]:
        return _xml_record(fields)


def _xml_record(fields: dict[str, np.ndarray]) -> list[np.ndarray]:
    c = text.constant
    parts = [c('  <omm id="CCSDS_OMM_VERS" version="3.0">\n    <header>\n')]

    def elements(keys, indent):
        for key in keys:
            parts.extend([c(f"{' ' * indent}<{key}>"), fields[key], c(f"</{key}>\n")])

    elements(HEADER, 6)
    parts.append(c("    </header>\n    <body>\n      <segment>\n        <metadata>\n"))
    elements(METADATA, 10)
    parts.append(c("        </metadata>\n        <data>\n          <meanElements>\n"))
    elements(MEAN_ELEMENTS, 12)
    parts.append(c("          </meanElements>\n          <tleParameters>\n"))
    elements(TLE_PARAMETERS, 12)
    parts.append(c("          </tleParameters>\n        </data>\n      </segment>\n"
                   "    </body>\n  </omm>\n"))
    return _merge_constants(parts)


class OmmKvn(_Omm):
    name = "omm-kvn"
    description = "CCSDS OMM 3.0 per satellite in KVN, one message after another " \
                  "(omm/satellites.kvn)"
    lines_per_record = len(KEYWORDS) + 2  # the version line and a blank line

    def check(self, model: Model, engine: Engine = LOCAL) -> list[Diagnostic]:
        return text.name_diagnostics(
            model, "KVN", text.printable_ascii, KVN_MAX_LINE - len(_kvn_key("OBJECT_NAME")),
            f"characters a KVN line of {KVN_MAX_LINE} leaves for OBJECT_NAME")

    def emit(self, model: Model, engine: Engine = LOCAL):
        yield "omm/satellites.kvn", self._records(model, engine)

    def _record(self, fields: dict[str, np.ndarray]) -> list[np.ndarray]:
        return _kvn_record(fields)


def _kvn_key(key: str) -> str:
    return f"{key:<{_KEY_WIDTH}} = "


def _kvn_record(fields: dict[str, np.ndarray]) -> list[np.ndarray]:
    c = text.constant
    parts = [c(f"{_kvn_key('CCSDS_OMM_VERS')}3.0\n")]
    for key in KEYWORDS:
        parts.extend([c(_kvn_key(key)), fields[key], c("\n")])
    parts.append(c("\n"))  # a blank line ends each message (blank lines carry no meaning)
    return _merge_constants(parts)


def _merge_constants(parts: list[np.ndarray]) -> list[np.ndarray]:
    """Adjacent constant parts joined into one, so a record has few parts to concatenate."""
    merged: list[np.ndarray] = []
    for part in parts:
        if part.ndim == 1 and merged and merged[-1].ndim == 1:
            merged[-1] = np.concatenate([merged[-1], part])
        else:
            merged.append(part)
    return merged
