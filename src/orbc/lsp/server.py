"""`orbc lsp`: the language server over stdio (pygls).

Diagnostics are the compiler's own, with the same codes and ranges, published a short
while after the last change (`DEBOUNCE_S`) and computed off the event loop; when the
spec elaborates they include the physics checks. Hover, definition, completion and
formatting answer from the last parse (see `analysis.py`).
"""

from __future__ import annotations

import asyncio
import logging
import os
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace.position_codec import ServerTextPosition

from orbc import __version__
from orbc.diagnostics import Diagnostic, Span, source_lines
from orbc.dsl.parser import parse
from orbc.fmt import format_source
from orbc.lsp import analysis

DEBOUNCE_S = 0.3  # typing pauses longer than this; shorter would compile on every key
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
             "note": types.DiagnosticSeverity.Information}
_COMPLETION_KIND = {"keyword": types.CompletionItemKind.Keyword,
                    "property": types.CompletionItemKind.Property,
                    "module": types.CompletionItemKind.Module,
                    "value": types.CompletionItemKind.Value,
                    "reference": types.CompletionItemKind.Reference}


def uri_to_path(uri: str) -> str:
    return os.path.normpath(unquote(urlparse(uri).path))


def path_to_uri(path: str) -> str:
    from pathlib import Path

    return Path(os.path.abspath(path)).as_uri()


class OrbServer(LanguageServer):
    """Per open document: its pending analysis, its last diagnostics and index."""

    def __init__(self):
        super().__init__("orbc", __version__)
        self.pending: dict[str, asyncio.Task] = {}
        self.diagnostics: dict[str, list[Diagnostic]] = {}
        self.indexes: dict[str, analysis.Index] = {}
        self.published: dict[str, set[str]] = {}  # document uri -> uris given diagnostics

    def schedule(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self._analyse_later(uri))

    async def _analyse_later(self, uri: str) -> None:
        await asyncio.sleep(DEBOUNCE_S)
        text = self.workspace.get_text_document(uri).source
        path = uri_to_path(uri)
        compilation, index = await asyncio.to_thread(_analyse, path, text)
        if self.pending.get(uri) is not asyncio.current_task():
            return  # a newer change is being analysed
        self.pending.pop(uri, None)
        if path in index.modules or uri not in self.indexes:  # keep the last parse that worked
            self.indexes[uri] = index
        self.publish(uri, path, compilation)

    def publish(self, uri: str, path: str, compilation) -> None:
        diagnostics = list(compilation.diagnostics) if compilation else []
        sources = dict(compilation.sources) if compilation else {}
        self.diagnostics[uri] = diagnostics
        by_file: dict[str, list] = {path: []}
        for diagnostic in diagnostics:
            file = diagnostic.span.file if diagnostic.span else path
            by_file.setdefault(file, []).append(diagnostic)
        uris = set()
        for file, found in by_file.items():
            file_uri = uri if file == path else path_to_uri(file)
            lines = source_lines(sources.get(file, ""))
            uris.add(file_uri)
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=file_uri, diagnostics=[self.to_lsp(d, lines, path) for d in found]))
        for stale in self.published.get(uri, set()) - uris:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=stale, diagnostics=[]))
        self.published[uri] = uris

    def to_lsp(self, diagnostic: Diagnostic, lines: list[str], path: str) -> types.Diagnostic:
        span = diagnostic.span or Span(path, 1, 1, 1, 1)
        return types.Diagnostic(
            range=self.to_range(span, lines), message=diagnostic.message + (
                f"\nhelp: {diagnostic.help}" if diagnostic.help else ""),
            severity=_SEVERITY[diagnostic.severity], code=diagnostic.code, source="orbc")

    def to_range(self, span: Span, lines: list[str]) -> types.Range:
        codec = self.workspace.position_codec
        return types.Range(
            start=codec.position_to_client_units(
                lines, ServerTextPosition(span.line - 1, span.column - 1)),
            end=codec.position_to_client_units(
                lines, ServerTextPosition(span.end_line - 1, span.end_column - 1)))

    def document(self, uri: str, position: types.Position):
        """(path, text, module or None, 0-based line, code-point column)."""
        document = self.workspace.get_text_document(uri)
        where = document.position_from_client_units(position)
        path = uri_to_path(uri)
        module, _ = parse(document.source, path)
        return path, document.source, module, where.line, where.character


def _analyse(path: str, text: str):
    """The compilation and index of a document; a bug in orbc must not stop the server, so
    it is logged and the document gets no diagnostics rather than stale ones."""
    try:
        return analysis.compile_document(path, text), analysis.index_document(path, text)
    except Exception:
        logging.getLogger(__name__).exception("orbc failed on %s", path)
        return None, analysis.Index({}, {})


def make_server() -> OrbServer:
    server = OrbServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: OrbServer, params: types.DidOpenTextDocumentParams):
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: OrbServer, params: types.DidChangeTextDocumentParams):
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: OrbServer, params: types.DidSaveTextDocumentParams):
        ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: OrbServer, params: types.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        for stale in ls.published.pop(uri, set()):
            ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=stale, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: OrbServer, params: types.HoverParams):
        uri = params.text_document.uri
        path, text, module, line, column = ls.document(uri, params.position)
        if module is None:
            return None
        index = ls.indexes.get(uri) or analysis.index_document(path, text)
        markdown = analysis.hover(module, index, ls.diagnostics.get(uri, []), line, column)
        if markdown is None:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                        value=markdown))

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: OrbServer, params: types.DefinitionParams):
        uri = params.text_document.uri
        path, text, module, line, column = ls.document(uri, params.position)
        if module is None:
            return None
        index = analysis.index_document(path, text)
        span = analysis.definition(module, index, line, column)
        if span is None:
            return None
        lines = source_lines(_read(span.file) if span.file != path else text)
        return types.Location(uri=uri if span.file == path else path_to_uri(span.file),
                              range=ls.to_range(span, lines))

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=['"', "=", " "]))
    def completion(ls: OrbServer, params: types.CompletionParams):
        uri = params.text_document.uri
        path, text, _, line, column = ls.document(uri, params.position)
        index = ls.indexes.get(uri) or analysis.index_document(path, text)
        items = [types.CompletionItem(
            label=item.label, kind=_COMPLETION_KIND[item.kind], detail=item.detail or None,
            documentation=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                              value=item.documentation)
            if item.documentation else None, insert_text=item.insert_text)
            for item in analysis.complete(text, line, column, index)]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    def formatting(ls: OrbServer, params: types.DocumentFormattingParams):
        document = ls.workspace.get_text_document(params.text_document.uri)
        formatted, _ = format_source(document.source, uri_to_path(document.uri))
        if formatted is None or formatted == document.source:
            return []  # a file that does not parse is left alone, as `orbc fmt` does
        lines = document.lines
        end = types.Position(line=len(lines), character=0)
        return [types.TextEdit(range=types.Range(start=types.Position(line=0, character=0),
                                                 end=end), new_text=formatted)]

    return server


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except (OSError, UnicodeDecodeError):
        return ""


def serve() -> int:
    """Run the server on stdin/stdout until the client says `exit`."""
    make_server().start_io()
    return 0
