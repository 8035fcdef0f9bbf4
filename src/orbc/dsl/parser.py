"""Text to syntax tree. This is the only module that imports lark."""

from __future__ import annotations

import functools
import re
import threading
from importlib import resources

import lark
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from orbc.diagnostics import Diagnostic, Span
from orbc.dsl import ast

# How tokens are named to a user in "expected ..." messages.
_TOKEN_NAMES = {
    "NAME": "a name", "STRING": "a string", "NUMBER": "a number", "UNIT": "a unit",
    "TIMESTAMP": "a timestamp", "CLOCK": "a clock time", "_NL": "a new line",
    "LBRACE": "`{`", "RBRACE": "`}`", "LPAR": "`(`", "RPAR": "`)`", "LSQB": "`[`",
    "RSQB": "`]`", "EQUAL": "`=`", "COMMA": "`,`", "PLUS": "`+`", "MINUS": "`-`",
    "STAR": "`*`", "SLASH": "`/`", "IMPORT": "`import`", "EXTENDS": "`extends`",
    "_SEMI": "`;`", "$END": "the end of the file",
}
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
# Deeper nesting of blocks or expressions is no spec a person writes; the bound keeps the
# recursive tree builder and evaluator well inside Python's recursion limit.
MAX_NESTING = 100
# The most tokens one attribute's value may have. A chain `1 + 1 + …` nests one level per
# operator, so no value that the nesting bound accepts comes near this; the bound is counted
# on the token stream, before the parser builds a tree, so a 16 MiB expression costs a
# fraction of a second to refuse instead of minutes and gigabytes to build.
MAX_VALUE_TOKENS = 10_000


class _Limits:
    """Post-lexer: drops newlines inside ( ) and [ ] (white space there, so lists may span
    lines), and enforces `MAX_NESTING` on brackets and `MAX_VALUE_TOKENS` on each value as
    the tokens stream by, so that oversized input is refused before the tree is built."""

    always_accept = ("_NL",)

    def process(self, stream):
        brackets = braces = 0
        in_value, first, value_tokens = False, None, 0
        for token in stream:
            kind = token.type
            if kind in ("LPAR", "LSQB"):
                brackets += 1
                if brackets > MAX_NESTING:
                    raise _StreamTooDeep(token)
            elif kind in ("RPAR", "RSQB"):
                brackets = max(0, brackets - 1)
            elif kind == "_NL" and brackets:
                continue
            if kind in ("_NL", "_SEMI", "LBRACE", "RBRACE"):
                in_value = False
                braces += {"LBRACE": 1, "RBRACE": -1}.get(kind, 0)
                if braces > MAX_NESTING + 1:  # the top-level block is not a nesting level
                    raise _StreamTooDeep(token)
            elif in_value:
                first = token if first is None else first
                value_tokens += 1
                if value_tokens > MAX_VALUE_TOKENS:
                    raise _ValueTooLong(first, token)
            elif kind == "EQUAL":
                in_value, first, value_tokens = True, None, 0
            yield token


@functools.cache
def _parser() -> lark.Lark:
    grammar = resources.files("orbc.dsl").joinpath("orb.lark").read_text(encoding="utf-8")
    return lark.Lark(
        grammar, parser="lalr", lexer="contextual", postlex=_Limits(),
        propagate_positions=True, maybe_placeholders=False,
    )


# Comments are %ignore'd by the grammar; this parser's lexer hands each one to `_collect`
# on its way past, into the list of the thread that is parsing (the language server
# formats on worker threads).
_comments = threading.local()


def _collect(token: lark.Token) -> lark.Token:
    _comments.found.append(token)
    return token


_COMMENT_IN_NEWLINES = re.compile(r"(?:#|//)[^\n]*")


def _collect_from_separators(token: lark.Token) -> lark.Token:
    """A run of blank and comment lines is one `_NL` token, a run of `;` one `_SEMI`, and
    either may hold comments (orb.lark): each comment as a COMMENT token with its position."""
    text = token.value
    for match in _COMMENT_IN_NEWLINES.finditer(text):
        before = text[:match.start()]
        line = token.line + before.count("\n")
        newline = before.rfind("\n")  # columns are 1-based: after a newline, its offset
        column = match.start() - newline if newline >= 0 else token.column + match.start()
        _comments.found.append(lark.Token(
            "COMMENT", match.group(), token.start_pos + match.start(), line, column,
            line, column + len(match.group()), token.start_pos + match.end()))
    return token


@functools.cache
def _commenting_parser() -> lark.Lark:
    return lark.Lark(
        grammar_text(), parser="lalr", lexer="contextual", postlex=_Limits(),
        propagate_positions=True, maybe_placeholders=False,
        lexer_callbacks={"COMMENT": _collect, "_NL": _collect_from_separators,
                         "_SEMI": _collect_from_separators},
    )


def parse_with_comments(text: str, file: str
                        ) -> tuple[ast.Module | None, list[Diagnostic], list[ast.Comment]]:
    """`parse`, and the comments of the text in order (for the formatter)."""
    _comments.found = []
    try:
        tree, problems = _tree(_commenting_parser(), text, file)
    finally:
        found, _comments.found = _comments.found, []
    if tree is None:
        return None, problems, []
    comments = [ast.Comment(str(token), _span(file, token)) for token in found]
    try:
        return _Builder(file).module(tree), [], comments
    except _TooDeep as error:
        return None, [_too_deep(error.span)], []


def grammar_text() -> str:
    """The grammar source, for tools that generate input from it."""
    return resources.files("orbc.dsl").joinpath("orb.lark").read_text(encoding="utf-8")


def parse(text: str, file: str) -> tuple[ast.Module | None, list[Diagnostic]]:
    """Parse one file's text. On a syntax error return no module and one diagnostic."""
    tree, problems = _tree(_parser(), text, file)
    if tree is None:
        return None, problems
    try:
        return _Builder(file).module(tree), []
    except _TooDeep as error:
        return None, [_too_deep(error.span)]


def _tree(parser: lark.Lark, text: str, file: str) -> tuple[lark.Tree | None, list[Diagnostic]]:
    """Lark's parse tree of `text`, or None and the one diagnostic that stopped it."""
    try:
        return parser.parse(text), []
    except UnexpectedInput as error:
        return None, [_syntax_diagnostic(error, text, file)]
    except _StreamTooDeep as error:
        return None, [_too_deep(_span(file, error.token))]
    except _ValueTooLong as error:
        span = Span(file, error.first.line, error.first.column, error.last.end_line,
                    error.last.end_column)
        return None, [Diagnostic(
            "value-too-long", f"this value has more than {MAX_VALUE_TOKENS:,} tokens", span,
            help="no attribute needs an expression this long; write the value it computes",
            label="too long")]


def _too_deep(span: Span) -> Diagnostic:
    return Diagnostic("syntax-error", f"nested more than {MAX_NESTING} levels deep", span,
                      help="split the value into simpler parts", label="too deep")


def _syntax_diagnostic(error: UnexpectedInput, text: str, file: str) -> Diagnostic:
    if isinstance(error, UnexpectedCharacters):
        char = text[error.pos_in_stream] if error.pos_in_stream < len(text) else ""
        span = Span(file, error.line, error.column, error.line, error.column + 1)
        if char == '"':
            return Diagnostic("unterminated-string", "this string is not closed on its line", span,
                              help='close it with `"`; strings cannot span lines', label="opens here")
        return Diagnostic("invalid-token", f"unexpected character `{char}`", span,
                          help="values are numbers with units, strings, names, timestamps, "
                               "tuples or lists", label="not part of the language")
    expected = sorted({_TOKEN_NAMES.get(t, f"`{t}`") for t in (error.expected or ())})
    wanted = ", ".join(expected[:6]) + (" …" if len(expected) > 6 else "")
    if isinstance(error, UnexpectedEOF) or (
        isinstance(error, UnexpectedToken) and error.token.type == "$END"
    ):
        line, column = _end_position(text)
        opener = _innermost_open_bracket(error)
        return Diagnostic("unexpected-end", f"the file ends too early; expected {wanted}",
                          Span(file, line, column, line, column + 1),
                          help=f"the `{opener}` on line {opener.line} is never closed" if opener
                          else "a block opened with `{` is probably not closed with `}`")
    token = error.token
    span = Span(file, token.line, token.column, token.end_line or token.line,
                token.end_column or token.column + 1)
    found = _TOKEN_NAMES.get(token.type, f"`{token}`")
    if token.type in ("NAME", "NUMBER", "STRING", "UNIT"):
        found = f"{_TOKEN_NAMES[token.type].removeprefix('a ')} `{token}`"
    return Diagnostic("syntax-error", f"unexpected {found}; expected {wanted}", span,
                      help=_syntax_help(token, error.expected or set()), label="unexpected here")


def _syntax_help(token: lark.Token, expected: set[str]) -> str:
    if "NUMBER" in expected:
        return "write a value, such as `550 km`, `\"label\"` or `plus_grid`"
    if "_NL" in expected or "RBRACE" in expected:
        return "put each attribute on its own line (or separate them with `;`), as `name = value`"
    if "EQUAL" in expected:
        return "an attribute is written `name = value`"
    if token.type == "LBRACE":
        return "a block is written `kind \"label\" { ... }`"
    return "check the line against the language reference in docs/language.md"


def _innermost_open_bracket(error: UnexpectedInput) -> lark.Token | None:
    """The last `{`, `(` or `[` still open when the input ended, from the parser's stack."""
    parser = getattr(error, "interactive_parser", None)
    stack = parser.parser_state.value_stack if parser is not None else ()
    opened = [value for value in stack if isinstance(value, lark.Token)
              and value.type in ("LBRACE", "LPAR", "LSQB")]
    return opened[-1] if opened else None


def _end_position(text: str) -> tuple[int, int]:
    """Just after the last character that is not white space: the last line a reader sees."""
    lines = text.rstrip().split("\n")
    return len(lines), len(lines[-1]) + 1


def _span(file: str, item) -> Span:
    """The span of a lark Token or Tree."""
    meta = item if isinstance(item, lark.Token) else item.meta
    return Span(file, meta.line, meta.column, meta.end_line, meta.end_column)


def _number(text: str) -> float:
    return float(text.replace("_", ""))


def _unquote(token: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], m[1]), token[1:-1])


class _StreamTooDeep(Exception):
    """Brackets or blocks opened more than `MAX_NESTING` deep, seen at `token`."""

    def __init__(self, token: lark.Token):
        super().__init__(token)
        self.token = token


class _ValueTooLong(Exception):
    """A value of more than `MAX_VALUE_TOKENS` tokens, from `first` to `last`."""

    def __init__(self, first: lark.Token, last: lark.Token):
        super().__init__(first, last)
        self.first, self.last = first, last


class _TooDeep(Exception):
    """A block or expression nested deeper than `MAX_NESTING`, at `span`."""

    def __init__(self, span: Span):
        super().__init__(span)
        self.span = span


class _Builder:
    """Turns lark's tree into `ast` nodes with spans; `depth` counts the nesting levels."""

    def __init__(self, file: str):
        self.file = file

    def module(self, tree: lark.Tree) -> ast.Module:
        imports, blocks = [], []
        for child in tree.children:
            if child.data == "import_stmt":
                path = child.children[1]
                imports.append(ast.Import(_unquote(path), _span(self.file, path),
                                          _span(self.file, child)))
            else:
                blocks.append(self.block(child))
        return ast.Module(self.file, tuple(imports), tuple(blocks))

    def block(self, tree: lark.Tree, depth: int = 0) -> ast.Block:
        if depth > MAX_NESTING:
            raise _TooDeep(_span(self.file, tree))
        kind, *rest = tree.children
        label = parent = None
        attributes, blocks = [], []
        after_extends = False
        for child in rest:
            if isinstance(child, lark.Token) and child.type == "EXTENDS":
                after_extends = True
            elif isinstance(child, lark.Token) and child.type == "STRING":
                if after_extends:
                    parent = child
                else:
                    label = child
            elif child.data == "attribute":
                attributes.append(self.attribute(child))
            else:
                blocks.append(self.block(child, depth + 1))
        return ast.Block(
            kind=str(kind), label=_unquote(label) if label else None,
            parent=_unquote(parent) if parent else None,
            attributes=tuple(attributes), blocks=tuple(blocks),
            kind_span=_span(self.file, kind),
            label_span=_span(self.file, label) if label else None,
            parent_span=_span(self.file, parent) if parent else None,
            span=_span(self.file, tree),
        )

    def attribute(self, tree: lark.Tree) -> ast.Attribute:
        name, value = tree.children
        return ast.Attribute(str(name), self.expr(value), _span(self.file, name),
                             _span(self.file, tree))

    def expr(self, item, depth: int = 0) -> ast.Expr:
        span = _span(self.file, item)
        if depth > MAX_NESTING:
            raise _TooDeep(span)
        if isinstance(item, lark.Token):
            return self._token(item, span)
        kind, children = item.data, item.children
        if kind == "quantity":
            number, unit = children
            return ast.QuantityLiteral(_number(number), str(number), str(unit),
                                       _span(self.file, unit), span)
        if kind == "binary":
            left, op, right = children
            return ast.Binary(str(op), self.expr(left, depth + 1), self.expr(right, depth + 1),
                              _span(self.file, op), span)
        if kind == "negate":
            return ast.Negate(self.expr(children[-1], depth + 1), span)
        if kind in ("positive", "paren"):
            return self.expr(children[-1], depth + 1)
        if kind in ("number", "string", "keyword", "timestamp", "clock"):
            return self._token(children[0], span)
        items = tuple(self.expr(c, depth + 1) for c in children if not isinstance(c, lark.Token)
                      or c.type not in ("COMMA", "LPAR", "RPAR", "LSQB", "RSQB"))
        return ast.Tuple(items, span) if kind == "tuple" else ast.List(items, span)

    def _token(self, token: lark.Token, span: Span) -> ast.Expr:
        if token.type == "NUMBER":
            return ast.Number(_number(token), str(token), span)
        if token.type == "STRING":
            return ast.String(_unquote(token), span)
        if token.type == "TIMESTAMP":
            return ast.Timestamp(str(token), span)
        if token.type == "CLOCK":
            return ast.Clock(str(token), span)
        return ast.Keyword(str(token), span)
