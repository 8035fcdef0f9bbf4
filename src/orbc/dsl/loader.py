"""Read a root spec and everything it imports, confined to the root spec's folder.

The root folder is decided once: the folder of the root path *as given*. When the
root spec is a symbolic link, its imports are still looked up beside the link, in
the folder the user named, not beside the link's target (which may be anywhere).

Each file is read and parsed once. An import is resolved relative to the folder of
the file that writes it; a path that leaves the root folder (`..`, an absolute
path, or a symbolic link pointing out) is refused before the file is opened.
Imported files are named in diagnostics by one canonical path: the root folder as
given, then the file's resolved path inside it, so two different files never share
a name and one file never has two.

Loading walks the import graph with an explicit stack, so an import chain of any
length costs no Python recursion.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterator
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
    given = os.fspath(root)
    root_display = _tidy(given)
    root_path = Path(given)
    try:
        data = _read_bytes(root_path)
        root_dir = root_path.parent.resolve()
        identity = root_path.resolve()
    except (OSError, RuntimeError) as error:
        reason = getattr(error, "strerror", None) or error
        raise SpecUnreadable(f"cannot read `{root_display}`: {reason}") from None
    loader = _Loader(root_dir, os.path.dirname(root_display))
    loader.run(_File(identity, root_dir, root_display), data)
    return loader.spec


def _tidy(path: str) -> str:
    """`path` without `.` and doubled separators, as `os.path.normpath` gives it, unless a
    `..` follows a folder name: `link/../x.orb` is not `x.orb` when `link` is a symbolic
    link, so such a path is left as it is."""
    parts = Path(path).parts
    while parts and parts[0] in ("..", "/", os.sep):
        parts = parts[1:]
    return path if ".." in parts else os.path.normpath(path)


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


@attrs.frozen
class _File:
    """A spec file: its resolved path (its identity), the folder its imports are relative to,
    and its name in diagnostics."""

    path: Path
    folder: Path
    display: str


@attrs.define
class _Open:
    """A file on the import stack and the imports of it still to follow."""

    file: _File
    imports: Iterator[ast.Import]


class _Loader:
    def __init__(self, root_dir: Path, display_dir: str):
        self.root_dir = root_dir
        self.display_dir = display_dir
        self.spec = Spec()
        self.seen: set[Path] = set()

    def run(self, root: _File, data: bytes) -> None:
        """Read `root` and, depth first, every file it imports."""
        stack: list[_Open] = []
        module = self.parse(root, data)
        if module is not None:
            stack.append(_Open(root, iter(module.imports)))
        while stack:
            statement = next(stack[-1].imports, None)
            if statement is None:
                stack.pop()
                continue
            found = self.follow(statement, stack)
            if found is not None:
                module = self.parse(*found)
                if module is not None:
                    stack.append(_Open(found[0], iter(module.imports)))

    def parse(self, file: _File, data: bytes) -> ast.Module | None:
        self.seen.add(file.path)
        self.spec.digests[file.display] = hashlib.sha256(data).hexdigest()
        text, problem = decode(data, file.display)
        self.spec.sources[file.display] = text if text is not None else ""
        if problem:
            self.spec.diagnostics.append(problem)
            return None
        module, problems = parse(text, file.display)
        self.spec.diagnostics.extend(problems)
        if module is not None:
            self.spec.modules.append(module)
        return module

    def follow(self, statement: ast.Import, stack: list[_Open]) -> tuple[_File, bytes] | None:
        """The file `statement` imports and its bytes, or None (reported, or read already)."""
        span = statement.path_span
        written = statement.path
        importer = stack[-1].file
        if os.path.isabs(written):
            self._escapes(written, span)
            return None
        looked_for = os.path.join(os.path.dirname(importer.display), written)
        try:
            target = (importer.folder / written).resolve()
        except RuntimeError:  # before Python 3.13, how `resolve` reports a symbolic-link loop
            self._error("import-unreadable", f"cannot read `{looked_for}`: a symbolic-link "
                        "loop", span, None)
            return None
        if not target.is_relative_to(self.root_dir):
            self._escapes(written, span)
            return None
        display = self._display(target)
        opened = [entry.file.path for entry in stack]
        if target in opened:
            chain = " -> ".join([p.name for p in opened[opened.index(target):]] + [target.name])
            self._error("import-cycle", f"import cycle: {chain}", span,
                        "remove one of the imports; blocks are order-independent, so no file "
                        "needs to import its importer")
            return None
        if target in self.seen:
            return None
        if not _is_file(target):
            self._error("import-not-found", f"cannot find `{written}` (looked for `{display}`)",
                        span, "paths are relative to the file that writes the import")
            return None
        try:
            data = _read_bytes(target)
        except OSError as error:
            self._error("import-unreadable", f"cannot read `{display}`: "
                        f"{error.strerror or error}", span, None)
            return None
        return _File(target, target.parent, display), data

    def _display(self, target: Path) -> str:
        """The one name of the file at resolved path `target` (inside the root folder)."""
        inside = target.relative_to(self.root_dir).as_posix()
        return _tidy(os.path.join(self.display_dir, inside))

    def _escapes(self, written: str, span: Span) -> None:
        self._error("import-escapes-root",
                    f"`{written}` is outside the spec's root folder `{self.root_dir.name}/`",
                    span, "imports must stay inside the folder of the root spec; "
                          "copy the file into it")

    def _error(self, code: str, message: str, span: Span, help: str | None) -> None:
        self.spec.diagnostics.append(Diagnostic(code, message, span, help=help))
