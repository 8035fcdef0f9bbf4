"""Read a root spec and everything it imports, confined to the root spec's folder.

Each file is read and parsed once. An import is resolved relative to the file
that writes it; a path that leaves the root folder (`..`, an absolute path, or
a symbolic link pointing out) is refused before the file is opened.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

import attrs

from orbc.diagnostics import Diagnostic, Span
from orbc.dsl import ast
from orbc.dsl.parser import parse

MAX_FILE_BYTES = 16 * 1024 * 1024  # a spec is text written by people; larger is a mistake


class SpecUnreadable(Exception):
    """The root spec cannot be read at all: a usage/I-O error (exit 2)."""


@attrs.define
class Spec:
    """All parsed files of one compilation and their texts, keyed by display path."""

    modules: list[ast.Module] = attrs.Factory(list)
    sources: dict[str, str] = attrs.Factory(dict)
    digests: dict[str, str] = attrs.Factory(dict)  # display path -> sha256 of the file's bytes
    diagnostics: list[Diagnostic] = attrs.Factory(list)


def load(root: str | os.PathLike) -> Spec:
    """Parse `root` and its imports. Raises `SpecUnreadable` only for the root file."""
    root_display = os.path.normpath(str(root))
    root_path = Path(root_display)
    try:
        data = _read_bytes(root_path)
    except OSError as error:
        raise SpecUnreadable(f"cannot read `{root_display}`: {error.strerror or error}") from None
    spec = _Loader(root_path.resolve().parent)
    spec.visit(root_path.resolve(), root_display, data, stack=())
    return spec.spec


def _read_bytes(path: Path) -> bytes:
    """The bytes of a regular file. Anything else is refused: a pipe or a device could block
    the read forever."""
    info = path.stat()
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise OSError(errno.EFBIG, f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB")
    return path.read_bytes()


def _is_file(path: Path) -> bool:
    """Whether `path` is a regular file; a name too long to look up is no file either."""
    try:
        return path.is_file()
    except OSError:
        return False


def decode(data: bytes, file: str) -> tuple[str | None, Diagnostic | None]:
    """UTF-8 text without NUL bytes, or a `not-text` diagnostic at the first bad byte."""
    bad = data.find(b"\x00")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        bad = error.start if bad < 0 else min(bad, error.start)
    if bad >= 0:
        line = data.count(b"\n", 0, bad) + 1
        # Columns count characters, as the parser's do; the bytes before `bad` are valid UTF-8.
        column = len(data[data.rfind(b"\n", 0, bad) + 1:bad].decode("utf-8")) + 1
        return None, Diagnostic(
            "not-text", f"`{file}` is not UTF-8 text (byte 0x{data[bad]:02x} at offset {bad})",
            Span(file, line, column, line, column + 1),
            help="an .orb spec is a UTF-8 text file; check that this is the file you meant")
    return text.removeprefix("\ufeff"), None


class _Loader:
    def __init__(self, root_dir: Path):
        self.root_dir = root_dir
        self.spec = Spec()
        self.seen: set[Path] = set()

    def visit(self, path: Path, display: str, data: bytes, stack: tuple[Path, ...]) -> None:
        self.seen.add(path)
        self.spec.digests[display] = hashlib.sha256(data).hexdigest()
        text, problem = decode(data, display)
        self.spec.sources[display] = text if text is not None else ""
        if problem:
            self.spec.diagnostics.append(problem)
            return
        module, problems = parse(text, display)
        self.spec.diagnostics.extend(problems)
        if module is None:
            return
        self.spec.modules.append(module)
        for statement in module.imports:
            self.follow(statement, path, display, stack + (path,))

    def follow(self, statement: ast.Import, importer: Path, importer_display: str,
               stack: tuple[Path, ...]) -> None:
        span = statement.path_span
        written = statement.path
        display = os.path.normpath(os.path.join(os.path.dirname(importer_display), written))
        if os.path.isabs(written):
            self._escapes(written, span)
            return
        try:
            target = (importer.parent / written).resolve()
        except RuntimeError:  # before Python 3.13, how `resolve` reports a symbolic-link loop
            self._error("import-unreadable", f"cannot read `{display}`: a symbolic-link loop",
                        span, None)
            return
        if not target.is_relative_to(self.root_dir):
            self._escapes(written, span)
            return
        if target in stack:
            chain = " -> ".join([p.name for p in stack[stack.index(target):]] + [target.name])
            self._error("import-cycle", f"import cycle: {chain}", span,
                        "remove one of the imports; blocks are order-independent, so no file "
                        "needs to import its importer")
            return
        if target in self.seen:
            return
        if not _is_file(target):
            self._error("import-not-found", f"cannot find `{written}` (looked for `{display}`)",
                        span, "paths are relative to the file that writes the import")
            return
        try:
            data = _read_bytes(target)
        except OSError as error:
            self._error("import-unreadable", f"cannot read `{display}`: "
                        f"{error.strerror or error}", span, None)
            return
        self.visit(target, display, data, stack)

    def _escapes(self, written: str, span: Span) -> None:
        self._error("import-escapes-root",
                    f"`{written}` is outside the spec's root folder `{self.root_dir.name}/`",
                    span, "imports must stay inside the folder of the root spec; "
                          "copy the file into it")

    def _error(self, code: str, message: str, span: Span, help: str | None) -> None:
        self.spec.diagnostics.append(Diagnostic(code, message, span, help=help))
