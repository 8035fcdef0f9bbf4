"""Check one written block against its `BlockSpec` and turn its values into SI fields.

Everything that can be said about a block by looking at it alone is said here:
unknown and duplicate attributes and sub-blocks, wrong dimensions, ranges,
integers, keywords, timestamps. Defaults and `required` are applied later, after
`extends` has merged parents in (see `elaborate`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Mapping

import attrs
import numpy as np

from orbc.compiler import schema
from orbc.compiler.evaluate import (
    ClockTime,
    Evaluator,
    Instant,
    Quantity,
    Sequence,
    Text,
    Value,
    Word,
    kind_of,
)
from orbc.compiler.labels import label_problems
from orbc.diagnostics import Diagnostic, Span, Suggestion, closest, replace_with, source_lines
from orbc.dsl import ast


@attrs.frozen
class Field:
    """A validated attribute value (SI) and the span of the value in the spec."""

    value: object
    span: Span


@attrs.define
class RawBlock:
    """A validated block: fields by name and sub-blocks by (kind, label)."""

    kind: str
    label: str | None
    parent: str | None
    head: Span
    parent_span: Span | None
    fields: dict[str, Field] = attrs.Factory(dict)
    blocks: dict[tuple[str, str | None], RawBlock] = attrs.Factory(dict)
    # Attributes and sub-blocks that were written but rejected (a bad value, or a typo of
    # the name): already reported, so never reported again as missing.
    rejected: set[str] = attrs.Factory(set)


class Validator:
    def __init__(self, diagnostics: list[Diagnostic], sources: Mapping[str, str],
                 labels: Mapping[str, Collection[str]] | None = None):
        """`labels`: the labels of the spec's blocks by kind, as written (for suggestions)."""
        self.diagnostics = diagnostics
        self.sources = sources
        self.labels = labels or {}
        self.evaluator = Evaluator(diagnostics)

    def error(self, code: str, message: str, span: Span, help: str | None = None,
              label: str | None = None, suggestion: Suggestion | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, help=help, label=label,
                                           suggestion=suggestion))

    def text_of(self, span: Span) -> str:
        """The source text under a one-line span, for messages."""
        lines = source_lines(self.sources.get(span.file, ""))
        if span.line != span.end_line or not 0 < span.line <= len(lines):
            return ""
        return lines[span.line - 1][span.column - 1:span.end_column - 1]

    def block(self, node: ast.Block, spec: schema.BlockSpec, where: str) -> RawBlock:
        """Validate `node` (a block of kind `where`, for messages) against `spec`."""
        if spec.label == "required" and node.label is None:
            self.error("missing-label", f"`{node.kind}` needs a label", node.kind_span,
                       help=f'write `{node.kind} "name" {{ ... }}`')
        elif spec.label == "none" and node.label is not None:
            self.error("missing-label", f"`{node.kind}` takes no label", node.label_span,
                       help=f"write `{node.kind} {{ ... }}`")
        if node.label is not None:
            self.diagnostics.extend(label_problems(node.label, node.label_span))
        if node.parent is not None and not spec.extendable:
            self.error("extends-not-allowed", f"`{node.kind}` blocks cannot use `extends`",
                       node.parent_span, help="only `hardware` blocks extend others")
        raw = RawBlock(node.kind, node.label, node.parent if spec.extendable else None,
                       node.head_span, node.parent_span)
        # Names written correctly elsewhere in the block: respelling a typo as one of them
        # would set it twice.
        taken = {a.name for a in node.attributes} | {
            c.kind for c in node.blocks if c.kind in spec.blocks and not spec.blocks[c.kind].repeatable}
        for attribute in node.attributes:
            self._attribute(attribute, spec, raw, where, taken)
        for child in node.blocks:
            child_spec = spec.blocks.get(child.kind)
            if child_spec is None:
                self._unknown(child.kind, child.kind_span, spec, where, "block", raw, taken)
                continue
            key = (child.kind, child.label if child_spec.repeatable else None)
            if key in raw.blocks:
                name = f'{child.kind} "{child.label}"' if key[1] else child.kind
                self.error("duplicate-block", f"`{name}` appears twice in {where}",
                           child.head_span, help="merge the two blocks into one",
                           label="second one here")
                continue
            raw.blocks[key] = self.block(child, child_spec, f"`{child.kind}`")
        return raw

    def _unknown(self, name: str, span: Span, spec: schema.BlockSpec, where: str,
                 what: str, raw: RawBlock, taken: set[str]) -> None:
        """Report an unknown attribute or sub-block; the name it is a typo of counts as
        written (and rejected), so that it is not reported missing too."""
        candidates = list(spec.attrs) + list(spec.blocks)
        match = closest(name, candidates)
        if match:
            raw.rejected.add(match)
        if match in taken:
            hint = f"`{match}` is already set in {where}; delete this one"
        else:
            hint = f"did you mean `{match}`?" if match else (
                f"{where} takes: " + ", ".join(f"`{c}`" for c in candidates))
        code = "unknown-attribute" if what == "attribute" else "unknown-block"
        self.error(code, f"{where} has no {what} `{name}`", span, help=hint, label=f"unknown {what}",
                   suggestion=replace_with(None if match in taken else match, span))

    def _attribute(self, node: ast.Attribute, spec: schema.BlockSpec, raw: RawBlock,
                   where: str, taken: set[str]) -> None:
        attr = spec.attrs.get(node.name)
        if attr is None:
            self._unknown(node.name, node.name_span, spec, where, "attribute", raw, taken)
            return
        if node.name in raw.fields:
            self.error("duplicate-attribute", f"`{node.name}` is set twice in {where}",
                       node.name_span, help="delete one of the two lines",
                       label="set again here")
            return
        words = _hyphenated_words(node.value)
        if words and (attr.keywords or attr.kind in ("reference", "references")):
            self._hyphenated(node.name, attr, words, node.value.span)
            raw.rejected.add(node.name)
            return
        expected = attr.dimension if attr.kind in ("quantity", "angle_or_keyword") else None
        value = self.evaluator.evaluate(node.value, expected)
        converted = None if value is None else self.convert(node.name, attr, value)
        if converted is None:
            raw.rejected.add(node.name)
        else:
            raw.fields[node.name] = Field(converted, value.span)

    def _hyphenated(self, name: str, attr: schema.Attr, words: list[str], span: Span) -> None:
        """`plus-grid` where a keyword (`plus_grid`) or a label (`"relay-v2"`) belongs: the
        parser read a subtraction of two keywords."""
        written = "-".join(words)
        if attr.kind in ("reference", "references"):
            self._unquoted(name, attr, written, span, "not a string")
            return
        joined = "_".join(words)
        match = joined if joined in attr.keywords else closest(joined, attr.keywords)
        self.error("unknown-keyword", f"`{name}` does not accept `{written}`", span,
                   help=f"did you mean `{match}`? keywords join words with `_`" if match
                   else f"write one of {_options(attr.keywords)}", label="not an option",
                   suggestion=replace_with(match, span))

    # --- conversions, one per attribute kind ------------------------------------------------

    def convert(self, name: str, attr: schema.Attr, value: Value) -> object | None:
        return getattr(self, "_as_" + attr.kind)(name, attr, value)

    def _expect(self, name: str, attr: schema.Attr, value: Value, wanted: str) -> None:
        self.error("wrong-type", f"`{name}` expects {wanted}, got {kind_of(value)}", value.span,
                   help=f"write `{name} = {attr.example}`" if attr.example else None,
                   label=kind_of(value))

    def _as_quantity(self, name: str, attr: schema.Attr, value: Value) -> float | None:
        if not isinstance(value, Quantity):
            self._expect(name, attr, value, attr.dimension.describe())
            return None
        if value.dimension != attr.dimension:
            written = self.text_of(value.span)
            got = "a plain number with no unit" if value.bare else value.describe()
            self.error("unit-mismatch",
                       f"`{name}` expects {attr.dimension.describe()}, got {got}"
                       + (f" ({written})" if written else ""),
                       value.span, help=f"write {attr.dimension.describe()} such as "
                                        f"`{attr.example}`", label=got)
            return None
        if attr.logarithmic and value.bare:
            self.error("unit-mismatch", f"`{name}` is in decibels; `{self.text_of(value.span)}`"
                       " has no unit", value.span, help=f"write it as `{attr.example}`",
                       label="no unit")
            return None
        number = self._convert_scale(value, attr.logarithmic)
        if number is None:
            return None
        return number if self._in_range(name, attr, number, value.span) else None

    def _convert_scale(self, value: Quantity, logarithmic: bool) -> float | None:
        """Linear ↔ decibel conversion between two forms of the same dimension."""
        if value.logarithmic == logarithmic:
            return value.value
        if logarithmic:
            if value.value <= 0:
                self.error("not-convertible", "a value of zero or less has no decibel form",
                           value.span, help="write a positive value or use dB units")
                return None
            return 10.0 * math.log10(value.value)
        try:
            return 10.0 ** (value.value / 10.0)
        except OverflowError:
            self.error("non-finite-number", f"{value.value:g} dB is too large for a linear "
                       "value", value.span, help="numbers must be finite; check the exponent")
            return None

    def _in_range(self, name: str, attr: schema.Attr, number: float, span: Span) -> bool:
        # A closed bound written in another unit (`50 %/yr` for 0.5/yr) may come back a
        # rounding away from the bound itself: within a part in 10⁹ it is the bound.
        low_bad = attr.low is not None and (
            number <= attr.low if attr.low_open else number < attr.low - 1e-9 * abs(attr.low))
        high_bad = attr.high is not None and number > attr.high + 1e-9 * abs(attr.high)
        if math.isfinite(number) and not (low_bad or high_bad):
            return True
        offered = _offered_value(attr, number)
        self.error("out-of-range", f"`{name}` = {attr.format(number)} is outside "
                   f"{attr.bounds()}", span, help=_range_help(attr, offered),
                   label="out of range", suggestion=replace_with(offered, span))
        return False

    def _as_fraction(self, name: str, attr: schema.Attr, value: Value) -> float | None:
        if not isinstance(value, Quantity) or not value.dimension.is_dimensionless:
            self._expect(name, attr, value, "a fraction such as `30 %` or `0.3`")
            return None
        number = self._convert_scale(value, False)
        return number if number is not None and self._in_range(name, attr, number,
                                                                value.span) else None

    def _as_count(self, name: str, attr: schema.Attr, value: Value) -> int | None:
        if not isinstance(value, Quantity) or not value.bare:
            self._expect(name, attr, value, "a whole number with no unit")
            return None
        if value.value != math.floor(value.value):
            self.error("not-an-integer", f"`{name}` must be a whole number, got {value.value:g}",
                       value.span, help=f"write `{name} = {attr.example}`")
            return None
        return int(value.value) if self._in_range(name, attr, value.value, value.span) else None

    def _as_bool(self, name: str, attr: schema.Attr, value: Value) -> bool | None:
        if isinstance(value, Word) and value.name in ("true", "false"):
            return value.name == "true"
        self._expect(name, attr, value, "`true` or `false`")
        return None

    def _as_keyword(self, name: str, attr: schema.Attr, value: Value) -> str | None:
        if not isinstance(value, Word):
            self._expect(name, attr, value, "one of " + _options(attr.keywords))
            return None
        if value.name not in attr.keywords:
            match = closest(value.name, attr.keywords)
            self.error("unknown-keyword", f"`{name}` does not accept `{value.name}`", value.span,
                       help=f"did you mean `{match}`?" if match
                       else f"write one of {_options(attr.keywords)}", label="not an option",
                       suggestion=replace_with(match, value.span))
            return None
        return value.name

    def _as_angle_or_keyword(self, name: str, attr: schema.Attr, value: Value) -> object:
        if isinstance(value, Word):
            return self._as_keyword(name, attr, value)
        return self._as_quantity(name, attr, value)

    def _as_reference(self, name: str, attr: schema.Attr, value: Value) -> str | None:
        if isinstance(value, Text):
            return value.value
        if isinstance(value, Word):
            self._unquoted(name, attr, value.name, value.span, kind_of(value))
            return None
        self._expect(name, attr, value, f"the label of a `{attr.refers_to}` as a string")
        return None

    def _unquoted(self, name: str, attr: schema.Attr, written: str, span: Span,
                  got: str) -> None:
        """A label written without its quotes. The quoted label is suggested when it (or a
        close spelling of it) names a block of the right kind; otherwise quoting would
        only trade this error for an unknown reference."""
        labels = self.labels.get(attr.refers_to, ())
        match = written if written in labels else closest(written, labels)
        quoted = f'"{match}"' if match else None
        self.error("wrong-type", f"`{name}` expects the label of a `{attr.refers_to}` as a "
                   f"string, got `{written}`", span,
                   help=f"write `{quoted}`" if quoted else f'labels are strings, as `"{written}"`'
                   f"; no `{attr.refers_to}` is labelled so", label=got,
                   suggestion=replace_with(quoted, span))

    def _as_references(self, name: str, attr: schema.Attr, value: Value) -> tuple | None:
        """One label or a list of labels, as a tuple in order, each once."""
        if isinstance(value, Word):
            self._unquoted(name, attr, value.name, value.span, kind_of(value))
            return None
        items = value.items if isinstance(value, Sequence) and not value.is_tuple else (value,)
        if not all(isinstance(item, Text) for item in items):
            self._expect(name, attr, value, f"the label of a `{attr.refers_to}` as a string, "
                                            "or a list of them")
            return None
        return tuple(dict.fromkeys(item.value for item in items))  # in order, each once

    def _as_timestamp(self, name: str, attr: schema.Attr, value: Value) -> np.datetime64 | None:
        if not isinstance(value, Instant):
            self._expect(name, attr, value, "a UTC timestamp")
            return None
        text = value.text.replace(" ", "T")
        problem = None
        if "T" not in text:
            problem = "has no time of day"
        elif not text.endswith(("Z", "+00:00")):
            problem = "is not in UTC (it needs a `Z`)"
        else:
            try:
                moment = dt.datetime.fromisoformat(text.removesuffix("Z") + "+00:00"
                                                   if text.endswith("Z") else text)
            except ValueError:
                problem = "is not a valid date and time"
        if problem:
            self.error("invalid-timestamp", f"`{value.text}` {problem}", value.span,
                       help="write a UTC timestamp such as `2027-03-21T00:00:00Z`")
            return None
        naive = moment.astimezone(dt.UTC).replace(tzinfo=None)
        return np.datetime64(naive, "ms")

    def _as_clock(self, name: str, attr: schema.Attr, value: Value) -> float | None:
        """Seconds after midnight."""
        if not isinstance(value, ClockTime):
            self._expect(name, attr, value, "a clock time such as `06:00`")
            return None
        parts = [int(p) for p in re.findall(r"\d+", value.text)] + [0]
        hours, minutes, seconds = parts[0], parts[1], parts[2]
        if hours > 23 or minutes > 59 or seconds > 59:
            self.error("invalid-clock", f"`{value.text}` is not a time of day", value.span,
                       help="write HH:MM from 00:00 to 23:59")
            return None
        return hours * 3600.0 + minutes * 60.0 + seconds

    def _as_location(self, name: str, attr: schema.Attr, value: Value) -> tuple | None:
        wanted = "a tuple (latitude, longitude[, altitude])"
        if not (isinstance(value, Sequence) and value.is_tuple and len(value.items) in (2, 3)):
            self._expect(name, attr, value, wanted)
            return None
        parts = schema.LOCATION_PARTS
        numbers = [self._as_quantity(part, part_attr, item)
                   for (part, part_attr), item in zip(parts, value.items)]
        if any(n is None for n in numbers):
            return None
        latitude, longitude, *rest = numbers
        longitude = (longitude + math.pi) % (2 * math.pi) - math.pi
        return latitude, longitude, rest[0] if rest else 0.0


def _hyphenated_words(node: ast.Expr) -> list[str] | None:
    """The words of `a-b-c` written as a value (parsed as `(a - b) - c`), or None."""
    if not (isinstance(node, ast.Binary) and node.op == "-"):
        return None
    left = [node.left.name] if isinstance(node.left, ast.Keyword) else _hyphenated_words(node.left)
    if left is None or not isinstance(node.right, ast.Keyword):
        return None
    return [*left, node.right.name]


def _options(keywords: tuple[str, ...]) -> str:
    return ", ".join(f"`{k}`" for k in keywords)


def _offered_value(attr: schema.Attr, number: float) -> str:
    """An accepted value to write instead of `number`: the bound it crossed (rounded
    inwards) when that bound is itself accepted, else the example. A count at its bound
    is as much a typo as beyond it, so a count gets the example."""
    if attr.kind == "count":
        return attr.example
    if attr.high is not None and number > attr.high:
        return attr.readable(attr.high, rounding=-1)
    if attr.low is not None and number <= attr.low and not attr.low_open:
        return attr.readable(attr.low, rounding=+1)
    return attr.example


def _range_help(attr: schema.Attr, offered: str) -> str:
    """Why the range is what it is, and the value offered."""
    reason = f"{attr.why}; " if attr.why else ""
    if attr.kind == "fraction":
        return f"{reason}write a percentage such as `{offered}` or a fraction such as `0.3`"
    return f"{reason}for example `{offered}`"
