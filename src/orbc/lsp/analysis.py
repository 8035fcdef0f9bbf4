"""What the language server knows about a document, without the protocol: diagnostics,
hover text, definitions and completions. Positions here are 0-based lines and 0-based
columns in Unicode code points; `server.py` converts them to and from the client's units.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import attrs

from orbc.codes import CODES
from orbc.compiler import schema
from orbc.compiler.pipeline import Compilation, compile_spec
from orbc.diagnostics import Diagnostic, Span, source_lines
from orbc.dsl import ast
from orbc.dsl.loader import SpecUnreadable, load
from orbc.units import UnitError, parse_unit


@attrs.frozen
class Definition:
    """A labelled top-level block: where its label is and a few lines that summarise it."""

    kind: str
    label: str
    span: Span
    summary: str


@attrs.frozen
class Index:
    """The parsed modules of a spec (the document and its imports) and its definitions."""

    modules: dict[str, ast.Module]
    definitions: dict[tuple[str, str], Definition]

    def labels(self, kind: str) -> list[str]:
        return sorted(label for k, label in self.definitions if k == kind)


def compile_document(path: str, text: str) -> Compilation | None:
    """The compiler's diagnostics (and, when it elaborates, the physics checks') for the
    document at `path` holding `text`; None if the path cannot be read at all."""
    try:
        return compile_spec(path, text=text)
    except SpecUnreadable:
        return None


def index_document(path: str, text: str) -> Index:
    """Definitions across the document and the files it imports (those that parse)."""
    spec = load(path, text)
    modules = {module.file: module for module in spec.modules}
    definitions = {}
    for module in spec.modules:
        lines = source_lines(spec.sources.get(module.file, ""))
        for block in module.blocks:
            if block.label is not None and block.label_span is not None:
                summary = "\n".join(lines[block.span.line - 1:min(block.span.end_line,
                                                                  block.span.line + 11)])
                definitions.setdefault((block.kind, block.label),
                                       Definition(block.kind, block.label, block.label_span,
                                                  summary))
    return Index(modules, definitions)


def _contains(span: Span | None, line: int, column: int) -> bool:
    """Whether the 0-based position lies in `span` (1-based, end exclusive)."""
    if span is None:
        return False
    return (span.line, span.column) <= (line + 1, column + 1) < (span.end_line,
                                                                   span.end_column)


# --- what is under the cursor --------------------------------------------------------------


@attrs.frozen
class Found:
    """The innermost thing at a position: a node, its attribute and block path."""

    node: object
    attribute: ast.Attribute | None
    blocks: tuple[ast.Block, ...]


def find(module: ast.Module, line: int, column: int) -> Found | None:
    for statement in module.imports:
        if _contains(statement.span, line, column):
            return Found(statement, None, ())
    for block in module.blocks:
        found = _find_in_block(block, (), line, column)
        if found:
            return found
    return None


def _find_in_block(block: ast.Block, outer: tuple, line: int, column: int) -> Found | None:
    if not _contains(block.span, line, column):
        return None
    path = (*outer, block)
    for child in block.blocks:
        found = _find_in_block(child, path, line, column)
        if found:
            return found
    for attribute in block.attributes:
        if _contains(attribute.name_span, line, column):
            return Found(attribute, attribute, path)
        if _contains(attribute.span, line, column):
            return Found(_find_in_expr(attribute.value, line, column) or attribute.value,
                         attribute, path)
    if _contains(block.parent_span, line, column):
        return Found(block.parent_span, None, path)
    return Found(block, None, path)


def _find_in_expr(node, line: int, column: int):
    for child in _children(node):
        found = _find_in_expr(child, line, column)
        if found is not None:
            return found
    return node if _contains(node.span, line, column) else None


def _children(node) -> tuple:
    match node:
        case ast.Binary():
            return (node.left, node.right)
        case ast.Negate():
            return (node.operand,)
        case ast.Tuple() | ast.List():
            return node.items
    return ()


def block_spec(kinds: list[str]) -> schema.BlockSpec | None:
    """The schema of a block nested as `kinds` (outermost first)."""
    blocks, spec = schema.TOP_LEVEL, None
    for kind in kinds:
        spec = blocks.get(kind)
        if spec is None:
            return None
        blocks = spec.blocks
    return spec


def _attr_spec(found: Found) -> schema.Attr | None:
    spec = block_spec([b.kind for b in found.blocks])
    return spec.attrs.get(found.attribute.name) if spec and found.attribute else None


def _referenced(found: Found) -> tuple[str, str] | None:
    """(kind, label) when the cursor is on a string that names a block."""
    if isinstance(found.node, Span) and found.blocks:  # `extends "parent"`
        block = found.blocks[-1]
        return (block.kind, block.parent) if block.parent else None
    attr = _attr_spec(found)
    if isinstance(found.node, ast.String) and attr and attr.refers_to:
        return attr.refers_to, found.node.value
    return None


# --- hover ---------------------------------------------------------------------------------


def hover(module: ast.Module, index: Index, diagnostics: list[Diagnostic], line: int,
          column: int) -> str | None:
    """Markdown for the position: the explanation of diagnostics there, and what the node
    is (a quantity in SI with its dimension, an attribute's schema, a reference's target)."""
    parts = [f"**{d.code}** ({d.severity}): {d.message}\n\n{CODES[d.code].explanation}"
             for d in diagnostics if d.span and d.span.file == module.file
             and _contains(d.span, line, column)]
    found = find(module, line, column)
    if found is not None:
        about = _describe(found, index)
        if about:
            parts.append(about)
    return "\n\n---\n\n".join(parts) or None


def _describe(found: Found, index: Index) -> str | None:
    node = found.node
    if isinstance(node, ast.QuantityLiteral):
        return describe_quantity(node.value, node.unit)
    target = _referenced(found)
    if target is not None:
        definition = index.definitions.get(target)
        if definition is None:
            return f"no {target[0]} \"{target[1]}\" is defined"
        return (f"{target[0]} \"{target[1]}\" — {_where(definition.span)}\n\n"
                f"```orb\n{definition.summary}\n```")
    if isinstance(node, ast.Attribute):
        attr = _attr_spec(found)
        return describe_attribute(node.name, attr) if attr else None
    return None


def _where(span: Span) -> str:
    return f"{os.path.basename(span.file)}:{span.line}"


def describe_quantity(value: float, unit_text: str) -> str | None:
    """`550 km` → `550000 m` (a length)."""
    try:
        unit = parse_unit(unit_text)
    except UnitError as error:
        return f"`{unit_text}`: {error}"
    dimension = unit.dimension
    symbol = dimension.si_symbol() if not dimension.is_dimensionless else ""
    if unit.logarithmic:
        level_db = value + unit.offset_db
        linear = 10.0 ** (level_db / 10.0) if level_db < 3000 else math.inf
        return (f"**{value:g} {unit_text}** = {level_db:g} dB re 1 {symbol or 'unit'} = "
                f"{linear:.6g} {symbol}\n\n{dimension.describe()} (logarithmic)").rstrip()
    return f"**{value:g} {unit_text}** = {value * unit.factor:.9g} {symbol}".rstrip() + \
        f"\n\n{dimension.describe()}" + (f" ({symbol})" if symbol else "")


def describe_attribute(name: str, attr: schema.Attr) -> str:
    """An attribute's schema: its kind, example, default, range, and doc."""
    lines = [f"**{name}**: {attr.kind}" + (" (required)" if attr.required else "")]
    if attr.dimension is not None and not attr.dimension.is_dimensionless:
        lines.append(f"{attr.dimension.describe()}, such as `{attr.example}`")
    elif attr.example:
        lines.append(f"such as `{attr.example}`")
    if attr.keywords:
        lines.append("one of " + ", ".join(f"`{k}`" for k in attr.keywords))
    if attr.default is not None:
        default = (str(attr.default).lower() if attr.kind in ("bool", "keyword")
                   else attr.format(attr.default))
        lines.append(f"default `{default}`")
    if attr.refers_to:
        lines.append(f"names a `{attr.refers_to}` block")
    if attr.doc:
        lines.append(attr.doc)
    return "\n\n".join(lines)


# --- definition ----------------------------------------------------------------------------


def definition(module: ast.Module, index: Index, line: int, column: int) -> Span | None:
    """Where the reference, `extends` parent or import under the cursor is defined."""
    found = find(module, line, column)
    if found is None:
        return None
    if isinstance(found.node, ast.Import):
        target = os.path.normpath(os.path.join(os.path.dirname(module.file), found.node.path))
        return Span(target, 1, 1, 1, 1) if Path(target).is_file() else None
    target = _referenced(found)
    if target is not None and target in index.definitions:
        return index.definitions[target].span
    return None


# --- completion ----------------------------------------------------------------------------


@attrs.frozen
class Completion:
    label: str
    kind: str  # keyword | property | module | value | reference
    detail: str = ""
    documentation: str = ""
    insert_text: str | None = None


_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"?|(?:#|//)[^\n]*|[{};\n]|[A-Za-z_]\w*|.', re.DOTALL)


def open_blocks(text_before: str) -> list[str]:
    """The kinds of the blocks open at the end of `text_before`, outermost first. Works on
    text that does not parse (it is being typed): only braces, strings and comments count."""
    stack, first_word = [], None
    for token in _TOKENS.findall(text_before):
        if token in ("\n", ";"):
            first_word = None
        elif token == "{":
            stack.append(first_word or "")
            first_word = None
        elif token == "}":
            if stack:
                stack.pop()
            first_word = None
        elif re.fullmatch(r"[A-Za-z_]\w*", token) and first_word is None:
            first_word = token
    return stack


def complete(text: str, line: int, column: int, index: Index) -> list[Completion]:
    """Completions at the position: block kinds and attributes valid in the enclosing block,
    values of a keyword or boolean attribute, and labels for a reference."""
    lines = source_lines(text)
    prefix = lines[line][:column] if line < len(lines) else ""
    before = "\n".join(lines[:line] + [prefix])
    kinds = open_blocks(before)
    spec = block_spec(kinds) if kinds else None
    if re.fullmatch(r"\s*\w*", prefix):
        if not kinds:
            return [Completion(kind, "keyword", _block_detail(kind, s), s.doc)
                    for kind, s in schema.TOP_LEVEL.items()] + [
                Completion("import", "keyword", 'import "file.orb"')]
        if spec is None:
            return []
        return [Completion(name, "property", _attr_detail(attr),
                           describe_attribute(name, attr), f"{name} = ")
                for name, attr in spec.attrs.items()] + [
            Completion(kind, "module", _block_detail(kind, s), s.doc)
            for kind, s in spec.blocks.items()]
    extends = re.search(r'^\s*(\w+).*\bextends\s*("?)[\w.-]*$', prefix)
    if extends:
        return _labels(index, extends[1], quoted=bool(extends[2]))
    value = re.search(r'\b(\w+)\s*=\s*(?:\[[^\]]*,\s*|\[\s*)?("?)[\w.-]*$', prefix)
    if value and spec is not None and value[1] in spec.attrs:
        attr = spec.attrs[value[1]]
        if attr.refers_to:
            return _labels(index, attr.refers_to, quoted=bool(value[2]))
        if attr.kind == "keyword" or attr.keywords:
            return [Completion(k, "value") for k in attr.keywords]
        if attr.kind == "bool":
            return [Completion("true", "value"), Completion("false", "value")]
        if attr.example:
            return [Completion(attr.example, "value", _attr_detail(attr))]
    return []


def _labels(index: Index, kind: str, quoted: bool) -> list[Completion]:
    return [Completion(label, "reference", f"{kind} \"{label}\"",
                       index.definitions[(kind, label)].summary,
                       label if quoted else f'"{label}"') for label in index.labels(kind)]


def _block_detail(kind: str, spec: schema.BlockSpec) -> str:
    head = kind + (' "name"' if spec.label == "required" else "")
    return head + " { … }"


def _attr_detail(attr: schema.Attr) -> str:
    detail = attr.example or attr.kind
    if attr.default is not None:
        default = (str(attr.default).lower() if attr.kind in ("bool", "keyword")
                   else attr.format(attr.default))
        detail += f" (default {default})"
    elif attr.required:
        detail += " (required)"
    return detail
