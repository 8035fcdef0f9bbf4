"""Other operators' satellites, read as relays: `external "name" { source = "…" }`.

A source is a path inside the root spec's folder (as for `import`), read as:

- `.orb`: another spec, loaded with the same loader (its imports confined to
  its own folder) and elaborated; its shells, elements, hardware and link
  policies come along. Its own `external` blocks are not followed.
- `.tle` / `.txt`: two- or three-line element sets, as CelesTrak publishes them.
- `.xml`: CCSDS OMM in NDM/XML; `.kvn`: OMM in KVN (`KEY = value` lines).

Element sets are initialised with the python `sgp4` library (`Satrec`) and
flown with SGP4 (`SatrecArray`); they carry no link topology. External
satellites are never counted, checked or emitted as the spec's own.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import attrs
from sgp4 import omm
from sgp4.api import Satrec

from orbc.compiler import model as m
from orbc.diagnostics import Diagnostic, Span
from orbc.dsl.loader import decode, load

ELEMENT_SUFFIXES = (".tle", ".txt", ".xml", ".kvn")
MAX_SOURCE_BYTES = 256 * 1024 * 1024


@attrs.define
class ExternalReader:
    """Reads the `source` of external blocks; problems become diagnostics."""

    root_dir: Path
    diagnostics: list[Diagnostic]

    def read(self, name: str, source: str, span: Span, head: Span) -> m.External | None:
        if os.path.isabs(source):
            return self._escapes(source, span)
        declaring = Path(span.file).resolve().parent
        try:
            target = (declaring / source).resolve()
        except RuntimeError:
            return self._error("external-unreadable", f"cannot read `{source}`: a symbolic-link "
                               "loop", span, None)
        if not target.is_relative_to(self.root_dir):
            return self._escapes(source, span)
        display = os.path.normpath(os.path.join(os.path.dirname(span.file), source))
        if not target.is_file():
            return self._error("external-unreadable", f"cannot find `{source}` (looked for "
                               f"`{display}`)", span, "paths are relative to the file that "
                               "declares the external")
        suffix = target.suffix.lower()
        if suffix == ".orb":
            return self._spec(name, display, span, head)
        if suffix not in ELEMENT_SUFFIXES:
            return self._error("external-unreadable", f"`{source}` is neither an .orb spec nor "
                               "an element file", span, "use a .orb, .tle, .txt, .xml (OMM) "
                               "or .kvn (OMM) file")
        try:
            if target.stat().st_size > MAX_SOURCE_BYTES:
                raise ValueError("the file is larger than 256 MiB")
            text, problem = decode(target.read_bytes(), display)
            if problem:
                raise ValueError(problem.message)
            names, satellites = _elements(text, suffix)
        except (OSError, ValueError, KeyError, SyntaxError) as error:
            return self._error("external-unreadable", f"cannot read the element sets in "
                               f"`{display}`: {error}", span, "write TLEs (two or three lines "
                               "each) or CCSDS OMM as CelesTrak publishes them")
        if not satellites:
            return self._error("external-unreadable", f"`{display}` holds no element set",
                               span, None)
        return m.External(name, display, None, tuple(names), tuple(satellites), {"": head})

    def _spec(self, name: str, display: str, span: Span, head: Span) -> m.External | None:
        from orbc.compiler.elaborate import Elaborator

        spec = load(display)
        built, problems = (None, spec.diagnostics) if any(
            d.is_error for d in spec.diagnostics) else Elaborator(spec, externals=False).build()
        errors = [d for d in problems if d.is_error]
        if built is None or errors:
            first = errors[0] if errors else None
            where = f" ({first.span.file}:{first.span.line}: {first.message})" if first and \
                first.span else ""
            return self._error("external-invalid", f'external "{name}": `{display}` does not '
                               f"compile: {len(errors)} error(s){where}", span,
                               f"run `orbc check {display}`")
        return m.External(name, display, built, (), (), {"": head})

    def _escapes(self, source: str, span: Span) -> None:
        return self._error("external-escapes-root", f"`{source}` is outside the spec's root "
                           f"folder `{self.root_dir.name}/`", span,
                           "vendor the file inside the folder of the root spec")

    def _error(self, code: str, message: str, span: Span, help: str | None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, help=help))


def _elements(text: str, suffix: str) -> tuple[list[str], list[Satrec]]:
    """(names, satellites) of every element set in an element file."""
    if suffix == ".xml":
        records = list(omm.parse_xml(io.StringIO(text)))
    elif suffix == ".kvn":
        records = _kvn_records(text)
    else:
        return _tle_records(text)
    names, satellites = [], []
    for fields in records:  # one element set each: parsing is per record by nature
        satellite = Satrec()
        omm.initialize(satellite, fields)
        names.append(fields.get("OBJECT_NAME") or fields["NORAD_CAT_ID"])
        satellites.append(satellite)
    return names, satellites


def _tle_records(text: str) -> tuple[list[str], list[Satrec]]:
    lines = [line.rstrip() for line in text.splitlines() if line.strip()]
    names, satellites, title = [], [], None
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("1 ") and index + 1 < len(lines) and lines[index + 1].startswith("2 "):
            satellite = Satrec.twoline2rv(line, lines[index + 1])
            if satellite.error:
                raise ValueError(f"element set {satellite.satnum} does not initialise "
                                 f"(SGP4 error {satellite.error})")
            names.append(title or str(satellite.satnum))
            satellites.append(satellite)
            title, index = None, index + 2
        elif line.startswith(("1 ", "2 ")):
            raise ValueError(f"a TLE line without its pair: `{line[:30]}`")
        else:
            title = line.removeprefix("0 ").strip()
            index += 1
    return names, satellites


def _kvn_records(text: str) -> list[dict[str, str]]:
    """OMM KVN messages as field dictionaries (one per `CCSDS_OMM_VERS`)."""
    records: list[dict[str, str]] = []
    for line in text.splitlines():
        key, equals, value = line.partition("=")
        key = key.strip()
        if not equals or key == "COMMENT":
            continue
        if key == "CCSDS_OMM_VERS":
            records.append({})
        elif records:
            records[-1][key] = value.split("[")[0].strip()  # drop a trailing [unit]
    return records
