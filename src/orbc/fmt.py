"""`orbc fmt`: rewrite a spec in the one canonical style, keeping every comment.

The style: two spaces of indentation per level; the `=` of consecutive attributes
aligned; one attribute per line (`;` separators become new lines); exactly one blank
line between top-level blocks and at most one kept inside a block; one space around
binary operators and after commas; units spelled canonically (`year` → `yr`, `d` → `day`);
a nested block written on one line stays on one line when it fits; LF line ends and one
final newline.

Only layout changes, never meaning: the printer works from the parse (`ast`), prints
every value from its tree (parentheses where precedence needs them), and copies an
attribute verbatim when comments sit inside its value. A file that does not parse is
left alone and its syntax diagnostic is returned instead.
"""

from __future__ import annotations

import bisect
import os
import sys
import tempfile
from pathlib import Path

import attrs

from orbc.diagnostics import Diagnostic, Span, render_human, source_lines
from orbc.dsl import ast
from orbc.dsl.loader import decode
from orbc.dsl.parser import parse_with_comments
from orbc.units import UnitError, parse_unit

INDENT = "  "
MAX_WIDTH = 100  # a one-line nested block or list longer than this is broken up
# Spellings that name the same unit as a shorter, conventional one.
_UNIT_SPELLINGS = {"year": "yr", "d": "day"}
_PRECEDENCE = {"+": 1, "-": 1, "*": 2, "/": 2}


def format_source(text: str, file: str) -> tuple[str | None, list[Diagnostic]]:
    """`text` in canonical style, or None and the syntax diagnostic when it does not parse."""
    module, problems, comments = parse_with_comments(text, file)
    if module is None:
        return None, problems
    return _Printer(text, comments).module(module), []


def canonical_unit(unit: str) -> str:
    """`unit` with each piece of a compound unit in its conventional spelling; a unit
    orbc does not know is left as written (its diagnostic must not change)."""
    try:
        parse_unit(unit)
    except UnitError:
        return unit
    out, piece = [], ""
    for char in unit + "\0":
        if char in "*/\0":
            name, caret, power = piece.partition("^")
            out.append(_UNIT_SPELLINGS.get(name, name) + caret + power)
            out.append(char)
            piece = ""
        else:
            piece += char
    return "".join(out[:-1])


def quote(value: str) -> str:
    """A string literal that the parser reads back as `value`."""
    escaped = (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
               .replace("\t", "\\t"))
    return f'"{escaped}"'


def expression(node, outer: int = 0, right: bool = False) -> str:
    """`node` on one line; `outer` is the precedence of the enclosing operator and `right`
    whether `node` is its right operand (operators are left-associative)."""
    match node:
        case ast.QuantityLiteral():
            return f"{node.text} {canonical_unit(node.unit)}"
        case ast.Number() | ast.Timestamp() | ast.Clock():
            return node.text
        case ast.String():
            return quote(node.value)
        case ast.Keyword():
            return node.name
        case ast.Tuple():
            return "(" + ", ".join(expression(item) for item in node.items) + ")"
        case ast.List():
            return "[" + ", ".join(expression(item) for item in node.items) + "]"
        case ast.Negate():  # `-(-x)` and `-(a + b)` rather than `--x` and `-a + b`
            operand = expression(node.operand, 3)
            return f"-({operand})" if isinstance(node.operand, ast.Negate) else f"-{operand}"
        case ast.Binary():
            level = _PRECEDENCE[node.op]
            text = (f"{expression(node.left, level)} {node.op} "
                    f"{expression(node.right, level, right=True)}")
            return f"({text})" if level < outer or (level == outer and right) else text
    raise TypeError(f"no printer for {type(node).__name__}")


@attrs.frozen
class _Line:
    """An output line and the source line whose trailing comment belongs after it."""

    text: str
    anchor: int | None = None


def _empty(line: str) -> bool:
    """Whether a source line holds nothing but white space and `;` separators."""
    return line.replace(";", "").strip() == ""


def _start(node) -> tuple[int, int]:
    return node.span.line, node.span.column


def _inside(comment: ast.Comment, span: Span) -> bool:
    where = (comment.span.line, comment.span.column)
    return (span.line, span.column) < where < (span.end_line, span.end_column)


class _Printer:
    def __init__(self, text: str, comments: list[ast.Comment]):
        self.lines = source_lines(text)
        self.own_line: list[ast.Comment] = []
        self.trailing: dict[int, ast.Comment] = {}
        for comment in comments:
            # A comment token runs to the line end: no trailing white space, no CR of a CRLF.
            comment = attrs.evolve(comment, text=comment.text.rstrip())
            before = self.lines[comment.span.line - 1][:comment.span.column - 1]
            if _empty(before):
                self.own_line.append(comment)
            else:
                self.trailing[comment.span.line] = comment
        self.own_line_starts = [_start(c) for c in self.own_line]  # in order, for bisection

    def _own_line_in(self, span: Span) -> list[ast.Comment]:
        """The own-line comments strictly inside `span`."""
        low = bisect.bisect_right(self.own_line_starts, (span.line, span.column))
        high = bisect.bisect_left(self.own_line_starts, (span.end_line, span.end_column))
        return self.own_line[low:high]

    # --- layout -------------------------------------------------------------------------------

    def module(self, module: ast.Module) -> str:
        statements = sorted([*module.imports, *module.blocks], key=_start)
        items = self._with_comments(statements, self.own_line)
        out: list[_Line] = []
        previous = None
        for item in items:
            if previous is not None and self._top_level_blank(previous, item):
                out.append(_Line(""))
            if isinstance(item, ast.Comment):
                out.append(_Line(item.text))
            elif isinstance(item, ast.Import):
                out.append(_Line(f"import {quote(item.path)}", item.span.end_line))
            else:
                out += self.block(item, 0, top_level=True)
            previous = item
        return self._attach_trailing(out)

    def _top_level_blank(self, previous, item) -> bool:
        if isinstance(previous, ast.Block):
            return True
        if isinstance(item, ast.Block) and isinstance(previous, ast.Import):
            return True
        if isinstance(item, ast.Import) and isinstance(previous, ast.Import):
            return False
        return self._blank_between(previous, item)

    def _with_comments(self, nodes: list, comments: list[ast.Comment]) -> list:
        """`nodes` (sorted, disjoint) and those of `comments` that are inside none of them,
        in source order."""
        starts = [_start(node) for node in nodes]

        def outside(comment: ast.Comment) -> bool:
            index = bisect.bisect_right(starts, _start(comment)) - 1
            return index < 0 or not _inside(comment, nodes[index].span)

        return sorted([*nodes, *filter(outside, comments)], key=_start)

    def _blank_between(self, previous, item) -> bool:
        """Whether the source has a blank line between two items (it is kept, collapsed)."""
        gap = self.lines[previous.span.end_line:item.span.line - 1]
        return any(_empty(line) for line in gap)

    def block(self, block: ast.Block, depth: int, top_level: bool = False) -> list[_Line]:
        indent = INDENT * depth
        head = block.kind + (f" {quote(block.label)}" if block.label is not None else "")
        head += f" extends {quote(block.parent)}" if block.parent is not None else ""
        entries = sorted([*block.attributes, *block.blocks], key=_start)
        inner = self._own_line_in(block.span)
        commented = any(n in self.trailing for n in range(block.span.line, block.span.end_line))
        if not entries and not inner and not commented:
            return [_Line(f"{indent}{head} {{}}", block.span.end_line)]
        if not top_level and not block.blocks and not inner and block.span.line == \
                block.span.end_line:
            one_line = f"{indent}{head} {{ " + "; ".join(
                f"{a.name} = {expression(a.value)}" for a in entries) + " }"
            if len(one_line) <= MAX_WIDTH:
                return [_Line(one_line, block.span.end_line)]
        out = [_Line(f"{indent}{head} {{", block.kind_span.line)]
        items = self._with_comments(entries, inner)
        run: list[ast.Attribute] = []  # attributes whose `=` line up
        previous = None
        for item in items:
            blank = previous is not None and self._blank_between(previous, item)
            if not isinstance(item, ast.Attribute | ast.Comment) or blank:
                out += self._attributes(run, depth + 1)
                run = []
            if blank:
                out.append(_Line(""))
            if isinstance(item, ast.Attribute | ast.Comment):
                run.append(item)
            else:
                out += self.block(item, depth + 1)
            previous = item
        out += self._attributes(run, depth + 1)
        out.append(_Line(f"{indent}}}", block.span.end_line))
        return out

    def _attributes(self, run: list, depth: int) -> list[_Line]:
        indent = INDENT * depth
        width = max((len(a.name) for a in run if isinstance(a, ast.Attribute)), default=0)
        out = []
        for item in run:
            if isinstance(item, ast.Comment):
                out.append(_Line(indent + item.text))
                continue
            lead = f"{indent}{item.name.ljust(width)} = "
            for index, text in enumerate(self._value(item, lead)):
                out.append(_Line((lead if index == 0 else "") + text, item.span.end_line))
        return out

    def _value(self, attribute: ast.Attribute, lead: str) -> list[str]:
        """The value's lines: verbatim when comments sit inside it, else printed, with a
        list or tuple too wide for one line broken one item per line."""
        span = attribute.span
        inside = [n for n in range(span.line, span.end_line + 1)
                  if n in self.trailing and _inside(self.trailing[n], span)]
        if inside or self._own_line_in(span):
            for number in inside:  # copied with the value
                del self.trailing[number]
            return self._verbatim(attribute)
        value = attribute.value
        text = expression(value)
        if len(lead) + len(text) <= MAX_WIDTH or not isinstance(value, ast.List | ast.Tuple):
            return [text]
        indent = " " * (len(lead) - len(lead.lstrip())) + INDENT
        opener, closer = ("[", "]") if isinstance(value, ast.List) else ("(", ")")
        return [opener, *(f"{indent}{expression(item)}," for item in value.items),
                indent[:-len(INDENT)] + closer]

    def _verbatim(self, attribute: ast.Attribute) -> list[str]:
        """The source text after `=` up to the end of the attribute, lines right-stripped."""
        span, name = attribute.span, attribute.name_span
        first = self.lines[name.line - 1][name.end_column - 1:]
        lines = [first, *self.lines[name.line:span.end_line]]
        if span.end_line == name.line:
            lines = [self.lines[name.line - 1][name.end_column - 1:span.end_column - 1]]
        else:
            lines[-1] = lines[-1][:span.end_column - 1]
        lines[0] = lines[0].lstrip().removeprefix("=").lstrip()
        return [line.rstrip() for line in lines]

    def _attach_trailing(self, out: list[_Line]) -> str:
        """Each trailing comment after the last output line printed from its source line;
        one whose line printed nothing (a line of `;`) goes on a line of its own there."""
        last = {line.anchor: index for index, line in enumerate(out) if line.anchor}
        texts = [line.text for line in out]
        orphans = []
        for number, comment in sorted(self.trailing.items()):
            if number in last:
                texts[last[number]] += f"  {comment.text}"
            else:
                orphans.append(comment)
        for comment in reversed(orphans):  # before the first line printed from later source
            after = [i for i, line in enumerate(out)
                     if line.anchor and line.anchor > comment.span.line]
            at = after[0] if after else len(texts)
            indent = texts[at][:len(texts[at]) - len(texts[at].lstrip())] if after else ""
            texts.insert(at, indent + comment.text)
        return "\n".join(texts) + "\n" if texts else ""


def format_files(paths: list[str], check: bool, usage_error: type[Exception]) -> int:
    """`orbc fmt [--check] FILE...`: 0 when every file is (now) canonical, 1 when `--check`
    finds files to change or a file has a syntax error (printed, file untouched). A file
    that cannot be read or written raises `usage_error` (exit 2)."""
    changed, broken = [], []
    for path in paths:
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise usage_error(f"cannot read `{path}`: {error.strerror or error}") from None
        text, problem = decode(data, path)
        formatted, problems = (None, [problem]) if problem else format_source(text, path)
        if formatted is None:
            broken.append(path)
            for diagnostic in problems:
                print(render_human(diagnostic, {path: text or ""}) + "\n", file=sys.stderr)
            continue
        if formatted.encode("utf-8") == data:
            continue
        changed.append(path)
        if not check:
            try:
                _replace(Path(path), formatted.encode("utf-8"))
            except OSError as error:
                raise usage_error(f"cannot write `{path}`: {error.strerror or error}") from None
    for path in changed:
        print(f"would reformat {path}" if check else f"reformatted {path}")
    if not check or not changed:
        print(f"{len(changed)} file(s) {'would be ' if check else ''}reformatted, "
              f"{len(paths) - len(changed) - len(broken)} already formatted"
              + (f", {len(broken)} not parsed (left alone)" if broken else ""), file=sys.stderr)
    return 1 if broken or (check and changed) else 0


def _replace(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (a temporary file in the same folder, renamed over
    it), keeping the file's permissions."""
    mode = path.stat().st_mode & 0o7777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
