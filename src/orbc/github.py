"""Diagnostics as GitHub Actions workflow commands, which the runner turns into annotations
on the pull request's changed lines:

    ::error file=spec.orb,line=7,col=24,endLine=7,endColumn=29,title=unit-mismatch::…

Property values escape `%`, CR, LF, `:` and `,`; the message escapes `%`, CR and LF
(as `@actions/core` in actions/toolkit escapes them).
"""

from __future__ import annotations

from orbc.diagnostics import Diagnostic

_COMMANDS = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    """The message after `::`."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A `key=value` property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(diagnostic: Diagnostic) -> str:
    """One workflow command line for `diagnostic`."""
    properties = []
    span = diagnostic.span
    if span is not None:
        properties += [("file", span.file), ("line", span.line), ("col", span.column),
                       ("endLine", span.end_line), ("endColumn", span.end_column)]
    properties.append(("title", diagnostic.code))
    head = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    message = diagnostic.message + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")
    return f"::{_COMMANDS[diagnostic.severity]} {head}::{escape_data(message)}"
