"""Expressions to values: quantities in SI with their dimension, and the other literals.

Units follow the algebra: `64 * 700 W + 900 W` is a power, `(6378.137 km +
550 km) * 2` a length. Decibel quantities obey the rules of levels and ratios
(see `orbc.units`). A problem becomes a diagnostic and the value `None`, so one
mistake does not cascade into others.
"""

from __future__ import annotations

import math

import attrs

from orbc.diagnostics import Diagnostic, Span, Suggestion, replace_with
from orbc.dsl import ast
from orbc.units import DIMENSIONLESS, Dimension, UnitError, corrected_unit, parse_unit


@attrs.frozen
class Quantity:
    """`value` is in SI; for a logarithmic quantity it is dB re the SI unit."""

    value: float
    dimension: Dimension
    logarithmic: bool
    span: Span
    bare: bool = False  # written as a plain number, with no unit

    def describe(self) -> str:
        kind = self.dimension.describe()
        return f"{kind} in dB" if self.logarithmic and not self.dimension.is_dimensionless else kind


@attrs.frozen
class Text:
    value: str
    span: Span


@attrs.frozen
class Word:
    """A keyword value such as `plus_grid`."""

    name: str
    span: Span


@attrs.frozen
class Instant:
    """A timestamp as written (validated later)."""

    text: str
    span: Span


@attrs.frozen
class ClockTime:
    text: str
    span: Span


@attrs.frozen
class Sequence:
    items: tuple
    is_tuple: bool
    span: Span


Value = Quantity | Text | Word | Instant | ClockTime | Sequence


def kind_of(value: Value) -> str:
    """How a value is named in messages."""
    if isinstance(value, Quantity):
        return value.describe()
    return {Text: "a string", Word: "a keyword", Instant: "a timestamp",
            ClockTime: "a clock time"}.get(type(value)) or (
        "a tuple" if value.is_tuple else "a list")


class Evaluator:
    """Evaluates expressions, appending diagnostics to `self.diagnostics`."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = diagnostics

    def error(self, code: str, message: str, span: Span, help: str | None = None,
              label: str | None = None, suggestion: Suggestion | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, span, help=help, label=label,
                                           suggestion=suggestion))

    def evaluate(self, node: ast.Expr, expected: Dimension | None = None) -> Value | None:
        """The value of `node`. `expected`, the dimension the attribute wants, only guides
        the respelling of an unknown unit in a literal written alone (`5000 kn` → `km`)."""
        if isinstance(node, ast.QuantityLiteral):
            return self._quantityliteral(node, expected=expected)
        if isinstance(node, ast.Negate):
            return self._negate(node, expected)
        method = getattr(self, "_" + type(node).__name__.lower())
        return method(node)

    def _number(self, node: ast.Number) -> Quantity | None:
        return self._finite(Quantity(node.value, DIMENSIONLESS, False, node.span, bare=True))

    def _quantityliteral(self, node: ast.QuantityLiteral, sign: float = 1.0,
                         expected: Dimension | None = None) -> Quantity | None:
        try:
            unit = parse_unit(node.unit)
        except UnitError as problem:
            respelt = corrected_unit(node.unit, problem.symbol, expected)
            self.error("unknown-unit", str(problem), node.unit_span,
                       help=f"did you mean `{respelt}`?" if respelt else
                       "docs/language.md lists the units; write compound units without "
                       "spaces, as `W/m^2`", label="not a unit",
                       suggestion=replace_with(respelt, node.unit_span))
            return None
        value = sign * node.value
        if unit.logarithmic:
            return self._finite(Quantity(value + unit.offset_db, unit.dimension, True, node.span))
        return self._finite(Quantity(value * unit.factor, unit.dimension, False, node.span))

    def _string(self, node: ast.String) -> Text:
        return Text(node.value, node.span)

    def _keyword(self, node: ast.Keyword) -> Word:
        return Word(node.name, node.span)

    def _timestamp(self, node: ast.Timestamp) -> Instant:
        return Instant(node.text, node.span)

    def _clock(self, node: ast.Clock) -> ClockTime:
        return ClockTime(node.text, node.span)

    def _tuple(self, node: ast.Tuple) -> Sequence | None:
        return self._sequence(node.items, True, node.span)

    def _list(self, node: ast.List) -> Sequence | None:
        return self._sequence(node.items, False, node.span)

    def _sequence(self, nodes: tuple, is_tuple: bool, span: Span) -> Sequence | None:
        items = [self.evaluate(n) for n in nodes]
        return None if any(i is None for i in items) else Sequence(tuple(items), is_tuple, span)

    def _negate(self, node: ast.Negate, expected: Dimension | None = None) -> Quantity | None:
        if isinstance(node.operand, ast.QuantityLiteral):
            # `-38 dBm` is a signed level, not the negation of the level +38 dBm.
            literal = self._quantityliteral(node.operand, sign=-1.0, expected=expected)
            return attrs.evolve(literal, span=node.span) if literal else None
        operand = self._quantity(node.operand)
        if operand is None:
            return None
        if operand.logarithmic and not operand.dimension.is_dimensionless:
            self.error("log-unit-arithmetic", f"cannot negate an absolute level ({operand.describe()})",
                       node.span, help="negate the number itself, as in `-38 dBm`")
            return None
        return attrs.evolve(operand, value=-operand.value, span=node.span)

    def _quantity(self, node: ast.Expr) -> Quantity | None:
        value = self.evaluate(node)
        if value is None or isinstance(value, Quantity):
            return value
        self.error("wrong-type", f"arithmetic needs quantities, got {kind_of(value)}", value.span)
        return None

    def _binary(self, node: ast.Binary) -> Quantity | None:
        left, right = self._quantity(node.left), self._quantity(node.right)
        if left is None or right is None:
            return None
        if left.logarithmic or right.logarithmic:
            result = self._decibel_arithmetic(node, left, right)
        elif node.op in "+-":
            result = self._linear_sum(node, left, right)
        elif node.op == "*":
            result = Quantity(left.value * right.value, left.dimension * right.dimension, False,
                              node.span, bare=left.bare and right.bare)
        else:
            if right.value == 0:
                self.error("division-by-zero", "division by zero", node.right.span,
                           label="this is zero")
                return None
            result = Quantity(left.value / right.value, left.dimension / right.dimension, False,
                              node.span, bare=left.bare and right.bare)
        return self._finite(result) if result else None

    def _linear_sum(self, node: ast.Binary, left: Quantity, right: Quantity) -> Quantity | None:
        if left.dimension != right.dimension:
            verb = "add" if node.op == "+" else "subtract"
            self.error("incompatible-units",
                       f"cannot {verb} {right.describe()} and {left.describe()}", node.op_span,
                       help="both sides of + and - need the same dimension",
                       label=f"{left.describe()} {node.op} {right.describe()}")
            return None
        value = left.value + right.value if node.op == "+" else left.value - right.value
        return Quantity(value, left.dimension, False, node.span, bare=left.bare and right.bare)

    def _decibel_arithmetic(self, node: ast.Binary, left: Quantity,
                            right: Quantity) -> Quantity | None:
        """Levels and ratios: level ± ratio = level, level − level = ratio, ratio ± ratio = ratio,
        and a ratio may be scaled by a plain number."""
        if node.op in "*/":
            plain = right if left.logarithmic else left
            if plain.logarithmic or not plain.dimension.is_dimensionless or (
                    node.op == "/" and plain is left):
                return self._refuse(node, "decibel values can only be scaled by a plain number")
            if node.op == "/" and plain.value == 0:
                self.error("division-by-zero", "division by zero", node.right.span)
                return None
            log = left if left.logarithmic else right
            if not log.dimension.is_dimensionless:
                return self._refuse(node, "an absolute level cannot be scaled; only a ratio in "
                                          "dB can")
            scaled = log.value * plain.value if node.op == "*" else log.value / plain.value
            return Quantity(scaled, log.dimension, True, node.span)
        if not (left.logarithmic and right.logarithmic):
            return self._refuse(node, "cannot add a decibel value and a linear value")
        left_level = not left.dimension.is_dimensionless
        right_level = not right.dimension.is_dimensionless
        if node.op == "+":
            if left_level and right_level:
                return self._refuse(node, "cannot add two absolute levels")
            dimension = left.dimension if left_level else right.dimension
            return Quantity(left.value + right.value, dimension, True, node.span)
        if right_level and not left_level:
            return self._refuse(node, "cannot subtract a level from a ratio")
        if left_level and right_level and left.dimension != right.dimension:
            return self._refuse(node, f"cannot subtract {right.describe()} from {left.describe()}")
        dimension = DIMENSIONLESS if right_level else left.dimension
        return Quantity(left.value - right.value, dimension, True, node.span)

    def _refuse(self, node: ast.Binary, message: str) -> None:
        self.error("log-unit-arithmetic", message, node.op_span,
                   help="add a level and a ratio (`3 dBW + 2 dB`), or write linear units "
                        "(`2 W`) to do linear arithmetic")

    def _finite(self, quantity: Quantity | None) -> Quantity | None:
        if quantity is not None and not math.isfinite(quantity.value):
            self.error("non-finite-number", "this value is not a finite number", quantity.span,
                       help="numbers must be finite; check the exponent")
            return None
        return quantity
