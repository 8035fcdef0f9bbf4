"""Diagnostics: one record and its three renderers (human, concise, JSON).

Every problem the compiler finds becomes a `Diagnostic` with a stable
kebab-case code from `orbc.codes`. The code fixes the category (syntax, unit,
reference, semantic, import, physics, target, usage).
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Iterable, Mapping

import attrs

from orbc.codes import CODES


@attrs.frozen
class Span:
    """A range of source text; lines and columns count from 1, `end_column` is exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def merge(self, other: Span) -> Span:
        """The smallest span covering both (same file)."""
        start = min((self.line, self.column), (other.line, other.column))
        end = max((self.end_line, self.end_column), (other.end_line, other.end_column))
        return Span(self.file, start[0], start[1], end[0], end[1])


@attrs.frozen
class Suggestion:
    """A machine-applicable fix: replace the source text of `span` by `replacement`.

    The span is usually the diagnostic's own; it is carried here so that a fix that
    belongs elsewhere says where it goes (`ltan-drifts` points at `ltan`, its fix goes
    at the shell's `inclination`).
    """

    replacement: str
    span: Span


@attrs.frozen
class Diagnostic:
    """One problem: what, where, and how to fix it."""

    code: str  # a key of orbc.codes.CODES
    message: str
    span: Span | None = None
    severity: str = "error"  # error | warning | note
    help: str | None = None
    label: str | None = None
    suggestion: Suggestion | None = None

    @property
    def category(self) -> str:
        return CODES[self.code].category

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate closest to `word`, if any is close enough to be a typo of it."""
    matches = difflib.get_close_matches(word, sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def replace_with(replacement: str | None, span: Span | None) -> Suggestion | None:
    """A suggestion to write `replacement` at `span`, when both are known."""
    return Suggestion(replacement, span) if replacement is not None and span is not None else None


# --- numbers a fix can be applied with ---------------------------------------------------------

# A printed bound is moved this far (relative) past the exact one, so that a value
# written at the printed precision clears the check despite rounding in the physics.
_NUDGE = 1e-9
MAX_DECIMALS = 12  # below 1e-12 of a unit, a printed figure is noise anyway


def _decimals(value: float, digits: int) -> int:
    """Decimal places that show `digits` significant figures of `value`, and never fewer
    than the whole units (1,607 km, not 1,610 km)."""
    if value == 0 or not math.isfinite(value):
        return 0
    return min(MAX_DECIMALS, max(0, digits - 1 - math.floor(math.log10(abs(value)))))


def at_least(value: float, digits: int = 3) -> float:
    """`value` rounded up at the precision `format_number` prints: the smallest printed
    number that still satisfies a minimum of `value`."""
    if not math.isfinite(value):
        return value
    scale = 10.0 ** _decimals(value, digits)
    return math.ceil((value + abs(value) * _NUDGE) * scale) / scale


def at_most(value: float, digits: int = 3) -> float:
    """`value` rounded down at the printed precision: the largest printed number that
    still satisfies a maximum of `value`."""
    if not math.isfinite(value):
        return value
    scale = 10.0 ** _decimals(value, digits)
    return math.floor((value - abs(value) * _NUDGE) * scale) / scale


def format_number(value: float, digits: int = 3) -> str:
    """`value` as `at_least`/`at_most` round it: `digits` significant figures (whole units
    at least), no trailing zeros, no thousands separators (they are not .orb syntax)."""
    text = f"{value:.{_decimals(value, digits)}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# --- renderers -------------------------------------------------------------------------------


def sort_key(diagnostic: Diagnostic) -> tuple:
    span = diagnostic.span
    where = (span.file, span.line, span.column) if span else ("", 0, 0)
    return (*where, diagnostic.code, diagnostic.message)


# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC starts escape
# sequences, BEL rings, CR rewrites the line), DEL, the line and paragraph separators, and
# the bidirectional overrides and isolates that reorder what is shown ("Trojan Source",
# CVE-2021-42574). A label is data: it must never drive the reader's terminal.
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MAX_SHOWN_COLUMNS = 120  # of a source line; a longer line is shown around its span


def printable(text: str) -> str:
    """`text` with each character a terminal would act on written as an escape (`\\x1b`,
    `\\u202e`), for every text orbc prints from a spec."""
    return _UNPRINTABLE.sub(lambda match: ascii(match[0])[1:-1], text)


def render_concise(diagnostic: Diagnostic) -> str:
    """`file:line:col: severity[code] message`, one line for logs and editors."""
    span = diagnostic.span
    where = f"{printable(span.file)}:{span.line}:{span.column}: " if span else ""
    return f"{where}{diagnostic.severity}[{diagnostic.code}] {printable(diagnostic.message)}"


def source_lines(text: str) -> list[str]:
    """The lines of a source as the parser counts them: only a newline ends a line
    (`str.splitlines` also splits at form feeds and Unicode separators, shifting lines)."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def _excerpt(source: str, start: int, width: int) -> tuple[str, int, int]:
    """The part of source line `source` to show, printable, and where the caret run of
    `width` characters at index `start` falls in it (offset, width)."""
    low = max(0, min(start - MAX_SHOWN_COLUMNS // 3, len(source) - MAX_SHOWN_COLUMNS))
    high = low + MAX_SHOWN_COLUMNS
    before = ("…" if low else "") + printable(source[low:start])
    shown = before + printable(source[start:high]) + ("…" if high < len(source) else "")
    under = printable(source[start:min(start + width, high)])
    return shown, len(before), max(1, len(under))


def render_human(diagnostic: Diagnostic, sources: Mapping[str, str]) -> str:
    """The rustc/ruff style block: header, location, source line, caret, help."""
    lines = [f"{diagnostic.severity}[{diagnostic.code}]: {printable(diagnostic.message)}"]
    span = diagnostic.span
    if span is not None:
        gutter = " " * len(str(span.line))
        lines.append(f"{gutter}--> {printable(span.file)}:{span.line}:{span.column}")
        text_lines = source_lines(sources.get(span.file, ""))
        if 0 < span.line <= len(text_lines):
            source = text_lines[span.line - 1].expandtabs(1)
            end = span.end_column if span.end_line == span.line else len(source) + 1
            width = max(1, min(end, len(source) + 1) - span.column)
            shown, offset, width = _excerpt(source, span.column - 1, width)
            caret = " " * offset + "^" * width
            if diagnostic.label:
                caret += " " + printable(diagnostic.label)
            lines += [f"{gutter} |", f"{span.line} | {shown}", f"{gutter} | {caret}"]
    indent = " " * (len(str(span.line)) if span else 0)
    if diagnostic.help:
        lines.append(f"{indent} = help: {printable(diagnostic.help)}")
    fix = diagnostic.suggestion
    if fix is not None and fix.span != span:  # a fix elsewhere says where it goes
        lines.append(f"{indent} = fix: write `{printable(fix.replacement)}` at "
                     f"{printable(fix.span.file)}:{fix.span.line}:{fix.span.column}")
    return "\n".join(lines)


def to_json(diagnostic: Diagnostic) -> dict:
    """The machine-readable record; the keys are a stable contract for CI."""
    span = diagnostic.span
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity,
        "category": diagnostic.category,
        "message": diagnostic.message,
        "help": diagnostic.help,
        "file": span.file if span else None,
        "line": span.line if span else None,
        "column": span.column if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_column if span else None,
        "suggestion": _suggestion_json(diagnostic.suggestion),
    }


def _suggestion_json(suggestion: Suggestion | None) -> dict | None:
    """`{"replacement", "file", "line", "column", "end_line", "end_column"}`: replace the
    text of that span (the diagnostic's own unless the fix belongs elsewhere)."""
    if suggestion is None:
        return None
    span = suggestion.span
    return {"replacement": suggestion.replacement, "file": span.file, "line": span.line,
            "column": span.column, "end_line": span.end_line, "end_column": span.end_column}


def render_json_document(ok: bool, diagnostics: list[Diagnostic], shells: dict, **extra) -> str:
    """The one JSON document `orbc check --format json` prints."""
    document = {"ok": ok, "diagnostics": [to_json(d) for d in diagnostics], "shells": shells}
    document.update(extra)
    return json.dumps(document, indent=2, sort_keys=False)
