"""The syntax tree of a .orb file. Every node carries the span it was read from."""

from __future__ import annotations

import attrs

from orbc.diagnostics import Span


@attrs.frozen
class Number:
    """A bare number, such as `24` or `0.88`. `text` keeps what was written."""

    value: float
    text: str
    span: Span


@attrs.frozen
class QuantityLiteral:
    """A number with a unit, such as `550 km`."""

    value: float
    text: str
    unit: str
    unit_span: Span
    span: Span


@attrs.frozen
class String:
    value: str
    span: Span


@attrs.frozen
class Keyword:
    """A bare word the compiler knows, such as `plus_grid` or `true`."""

    name: str
    span: Span


@attrs.frozen
class Timestamp:
    text: str
    span: Span


@attrs.frozen
class Clock:
    """A clock time such as `06:00`."""

    text: str
    span: Span


@attrs.frozen
class Tuple:
    items: tuple
    span: Span


@attrs.frozen
class List:
    items: tuple
    span: Span


@attrs.frozen
class Binary:
    """`left op right` with op one of + - * /."""

    op: str
    left: object
    right: object
    op_span: Span
    span: Span


@attrs.frozen
class Negate:
    operand: object
    span: Span


Expr = Number | QuantityLiteral | String | Keyword | Timestamp | Clock | Tuple | List | Binary | Negate


@attrs.frozen
class Attribute:
    """`name = value` inside a block."""

    name: str
    value: Expr
    name_span: Span
    span: Span


@attrs.frozen
class Block:
    """`kind "label" extends "parent" { ... }`; label and parent are optional."""

    kind: str
    label: str | None
    parent: str | None
    attributes: tuple[Attribute, ...]
    blocks: tuple[Block, ...]
    kind_span: Span
    label_span: Span | None
    parent_span: Span | None
    span: Span

    @property
    def head_span(self) -> Span:
        """The `kind "label"` part, where diagnostics about the whole block point."""
        return self.kind_span.merge(self.label_span) if self.label_span else self.kind_span


@attrs.frozen
class Import:
    path: str
    path_span: Span
    span: Span


@attrs.frozen
class Module:
    """One parsed file."""

    file: str
    imports: tuple[Import, ...]
    blocks: tuple[Block, ...]


@attrs.frozen
class Comment:
    """A `#` or `//` comment, text included; the parser drops them, the formatter keeps them."""

    text: str
    span: Span
