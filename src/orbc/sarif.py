"""Diagnostics as a SARIF 2.1.0 log, the format code-scanning tools (GitHub, GitLab, IDEs) read.

One run, one tool (`orbc`) whose `rules` are the whole code registry, one result per
diagnostic. Locations are relative to the folder of the root spec (`uriBaseId`
`SPECROOT`); regions count columns in Unicode code points from 1 with an exclusive end
column, as orbc's spans do (SARIF 2.1.0 §3.30.5–3.30.8, `run.columnKind`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from orbc import __version__
from orbc.codes import CODES
from orbc.diagnostics import Diagnostic, Span, Suggestion

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
HOME_URL = "https://github.com/orbc/orbc"
CODES_URL = f"{HOME_URL}/blob/main/docs/diagnostics.md"
BASE_ID = "SPECROOT"
_LEVELS = {"error": "error", "warning": "warning", "note": "note"}


def help_uri(code: str) -> str:
    """The documentation of a diagnostic code: its heading in docs/diagnostics.md."""
    return f"{CODES_URL}#{code}"


def _first_sentence(text: str) -> str:
    end = text.find(". ")
    return text if end < 0 else text[:end + 1]


def _rules() -> list[dict]:
    return [{
        "id": code.name,
        "name": code.name,
        "shortDescription": {"text": _first_sentence(code.explanation)},
        "fullDescription": {"text": code.explanation},
        "helpUri": help_uri(code.name),
        "properties": {"category": code.category},
    } for code in sorted(CODES.values(), key=lambda c: c.name)]


def _uri(file: str, root_dir: str) -> str:
    """`file` relative to the spec root, with `/` separators, percent-encoded."""
    relative = os.path.relpath(file, root_dir) if root_dir else file
    return quote(Path(relative).as_posix())


def _region(span: Span) -> dict:
    return {"startLine": span.line, "startColumn": span.column,
            "endLine": span.end_line, "endColumn": span.end_column}


def _location(span: Span, root_dir: str) -> dict:
    return {"physicalLocation": {
        "artifactLocation": {"uri": _uri(span.file, root_dir), "uriBaseId": BASE_ID},
        "region": _region(span),
    }}


def _fix(suggestion: Suggestion, root_dir: str) -> dict:
    span = suggestion.span
    return {
        "description": {"text": f"write `{suggestion.replacement}`"},
        "artifactChanges": [{
            "artifactLocation": {"uri": _uri(span.file, root_dir), "uriBaseId": BASE_ID},
            "replacements": [{"deletedRegion": _region(span),
                              "insertedContent": {"text": suggestion.replacement}}],
        }],
    }


def _result(diagnostic: Diagnostic, rule_index: dict[str, int], root_dir: str) -> dict:
    text = diagnostic.message + (f"\nhelp: {diagnostic.help}" if diagnostic.help else "")
    result = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index[diagnostic.code],
        "level": _LEVELS[diagnostic.severity],
        "message": {"text": text},
    }
    if diagnostic.span is not None:
        result["locations"] = [_location(diagnostic.span, root_dir)]
    if diagnostic.suggestion is not None:
        result["fixes"] = [_fix(diagnostic.suggestion, root_dir)]
    return result


def render_sarif(diagnostics: Iterable[Diagnostic], spec: str, ok: bool) -> str:
    """The SARIF 2.1.0 log of one `orbc check`/`build` of the root spec `spec` (a path).

    `originalUriBaseIds` says where `SPECROOT` is on this machine, so a viewer can open
    the files; the results themselves carry only root-relative URIs."""
    root_dir = os.path.dirname(os.path.normpath(spec))
    rules = _rules()
    rule_index = {rule["id"]: index for index, rule in enumerate(rules)}
    root_uri = Path(os.path.abspath(root_dir or ".")).as_uri().rstrip("/") + "/"
    run = {
        "tool": {"driver": {"name": "orbc", "version": __version__, "semanticVersion":
                            __version__, "informationUri": HOME_URL, "rules": rules}},
        "originalUriBaseIds": {BASE_ID: {"uri": root_uri}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": ok}],
        "results": [_result(d, rule_index, root_dir) for d in diagnostics],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False)
