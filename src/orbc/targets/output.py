"""The output directory as a transaction: lock, staging, publish, stale removal.

Inside the output directory DIR, orbc keeps, besides the artifacts:

- `DIR/.orbc.lock`: an advisory lock (`flock`) held for the whole write; a second build
  into DIR is refused while it is held. The file stays; it is not an artifact.
- `DIR/.orbc-staging/`: scratch space. `build/` holds the artifacts being written (one
  `N.partial` file each) and the next `manifest.json`; `journal.json` lists every path an
  interrupted publish may have left. It exists only while a build runs or after one died.
- `DIR/manifest.json`: the commit record. When it exists, it lists exactly the artifacts in
  DIR with their sha256.

A build locks DIR, reads which paths orbc wrote before (the manifest's, and a journal's),
clears old scratch, streams every artifact into `build/`, and only then publishes: it writes
the journal, removes `manifest.json`, renames each artifact into place, removes the paths
orbc wrote before and writes no more, and renames the new manifest into place last. A build
that stops before publishing leaves the previous build as it was; one that stops while
publishing (SIGKILL; SIGTERM waits for the renames) leaves no manifest, and the journal
tells the next build what to clean up. Nothing outside DIR is touched: every path is opened
component by component without following symbolic links.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import signal
import stat
import threading
from collections.abc import Iterable, Iterator
from typing import Self

from orbc.targets.writer import FILE_MODE, write_hashed

LOCK = ".orbc.lock"
STAGING = ".orbc-staging"
MANIFEST = "manifest.json"
_BUILD = "build"
_JOURNAL = "journal.json"
_RESERVED = {LOCK, STAGING, MANIFEST}
_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class OutputBusy(Exception):
    """Another build holds the output directory's lock (exit 2)."""


class OutputUnsafe(OSError):
    """An artifact's folder inside the output directory is a symbolic link or a file."""


def parts_of(relative: str) -> list[str]:
    """The components of an artifact path (POSIX, relative, no `.`/`..`), or ValueError."""
    parts = relative.split("/")
    if relative.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"not a plain relative artifact path: {relative!r}")
    if parts[0] in _RESERVED:
        raise ValueError(f"{relative!r} is in a name orbc keeps for itself")
    return parts


class OutputTransaction:
    """One build's write into an output directory; use as a context manager.

    `write` streams each artifact into staging; `publish` makes the build visible. Leaving
    the `with` block without publishing removes what was staged."""

    def __init__(self, directory: str | os.PathLike):
        self.directory = os.fspath(directory)
        self._fds: list[int] = []
        self._staged: list[tuple[str, str]] = []  # (staged file name, artifact path)
        self.previous: set[str] = set()  # artifact paths orbc may have written here before
        self.build: int | None = None  # the staging folder `.orbc-staging/build/`

    # --- opening: lock, what was there, fresh scratch --------------------------------------

    def __enter__(self) -> Self:
        os.makedirs(self.directory, exist_ok=True)
        try:
            self.root = self._keep(os.open(self.directory, os.O_RDONLY | os.O_DIRECTORY
                                           | os.O_CLOEXEC))
            self._lock()
            # A manifest is written after the journal, so the journal matters only without one.
            listed = self._listed(MANIFEST)
            if listed is None:
                listed = self._listed(f"{STAGING}/{_JOURNAL}")
            self.previous = listed or set()
            self.build = self._scratch()
        except BaseException:
            self._close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self.build is not None:
                self._clear_scratch()
        finally:
            self._close()

    def _keep(self, fd: int) -> int:
        self._fds.append(fd)
        return fd

    def _close(self) -> None:
        while self._fds:  # the lock goes with its descriptor
            os.close(self._fds.pop())

    def _lock(self) -> None:
        fd = self._keep(os.open(LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                                FILE_MODE, dir_fd=self.root))
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputBusy(f"another orbc build is writing to `{self.directory}` (it holds "
                             f"`{LOCK}`); wait for it to finish, or build into another "
                             "directory") from None

    def _listed(self, relative: str) -> set[str] | None:
        """The artifact paths a manifest or journal lists; None if it is missing or unreadable
        (then nothing it might have listed is removed: orbc deletes only what it knows)."""
        try:
            fd = self._open_file(relative)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as stream:
            try:
                document = json.loads(stream.read(64 * 1024 * 1024))
                entries = document["artifacts"]
                paths = {e["path"] if isinstance(e, dict) else e for e in entries}
            except (ValueError, KeyError, TypeError):
                return None
        good = set()
        for path in paths:
            with contextlib.suppress(ValueError, AttributeError):
                parts_of(path)
                good.add(path)
        return good

    def _open_file(self, relative: str) -> int:
        *folders, name = relative.split("/")
        parent = self._folder(folders, create=False)
        try:
            return os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=parent)
        finally:
            if parent != self.root:
                os.close(parent)

    def _scratch(self) -> int:
        """`.orbc-staging/build/`, emptied; the journal in `.orbc-staging/` is kept."""
        try:
            info = os.stat(STAGING, dir_fd=self.root, follow_symlinks=False)
            if not stat.S_ISDIR(info.st_mode):  # not ours to follow: the name is reserved
                os.unlink(STAGING, dir_fd=self.root)
        except FileNotFoundError:
            pass
        with contextlib.suppress(FileExistsError):
            os.mkdir(STAGING, dir_fd=self.root)
        self.scratch_fd = self._keep(os.open(STAGING, _DIRECTORY, dir_fd=self.root))
        _remove_tree(self.scratch_fd, _BUILD)
        os.mkdir(_BUILD, dir_fd=self.scratch_fd)
        return self._keep(os.open(_BUILD, _DIRECTORY, dir_fd=self.scratch_fd))

    def _clear_scratch(self) -> None:
        """Remove what this build staged; `.orbc-staging` too unless a journal is in it."""
        _remove_tree(self.scratch_fd, _BUILD)
        with contextlib.suppress(OSError):  # not empty: a journal waits for the next build
            os.rmdir(STAGING, dir_fd=self.root)

    def _remove_old_partials(self, paths: Iterable[str]) -> None:
        """`.NAME.*.partial` beside an artifact NAME: what earlier orbc versions left when killed."""
        folders: dict[tuple[str, ...], set[str]] = {}
        for path in paths:
            *folder, name = path.split("/")
            folders.setdefault(tuple(folder), set()).add(name)
        for folder, names in sorted(folders.items()):
            with contextlib.suppress(OSError):
                fd = self._folder(list(folder), create=False)
                try:
                    for entry in os.listdir(fd):
                        head = entry.rsplit(".", 2)[0] if entry.endswith(".partial") else ""
                        if head[1:] in names and head.startswith("."):
                            with contextlib.suppress(OSError):
                                os.unlink(entry, dir_fd=fd)
                finally:
                    if fd != self.root:
                        os.close(fd)

    # --- writing ---------------------------------------------------------------------------

    def write(self, relative: str, chunks: Iterable[bytes]) -> tuple[str, int]:
        """Stream `chunks` into staging for artifact `relative`; (sha256 hex, bytes)."""
        parts_of(relative)
        staged = f"{len(self._staged)}.partial"
        self._staged.append((staged, relative))
        return _stream(self.build, staged, chunks)

    # --- publishing ------------------------------------------------------------------------

    def publish(self, manifest: bytes) -> None:
        """Make the staged artifacts and `manifest` the directory's build, replacing the last."""
        _stream(self.build, MANIFEST, [manifest])
        paths = {relative for _, relative in self._staged}
        if len(paths) != len(self._staged):
            raise ValueError("two artifacts have the same path")
        # Every folder is made and every rename checked before anything visible changes, so
        # that what can be refused is refused while the previous build still stands.
        folders = {}
        device = os.fstat(self.build).st_dev
        for _, relative in self._staged:
            *folder, name = parts_of(relative)
            key = tuple(folder)
            if key not in folders:
                folders[key] = self._keep(self._folder(folder, create=True))
                if os.fstat(folders[key]).st_dev != device:
                    raise OutputUnsafe(errno.EXDEV, f"`{'/'.join(folder)}` is on another "
                                       "file system than the output directory")
            _check_target(folders[key], name, relative)
        self._remove_old_partials(self.previous | paths)
        self._write_journal(self.previous | paths)
        with _signals_held():
            with contextlib.suppress(FileNotFoundError):
                os.unlink(MANIFEST, dir_fd=self.root)
            os.fsync(self.root)
            for staged, relative in self._staged:
                *folder, name = relative.split("/")
                os.replace(staged, name, src_dir_fd=self.build,
                           dst_dir_fd=folders[tuple(folder)])
            for relative in sorted(self.previous - paths):
                self._remove_artifact(relative)
            for fd in folders.values():
                os.fsync(fd)
            os.replace(MANIFEST, MANIFEST, src_dir_fd=self.build, dst_dir_fd=self.root)
            os.fsync(self.root)
            os.unlink(_JOURNAL, dir_fd=self.scratch_fd)
        self._staged.clear()

    def _write_journal(self, paths: set[str]) -> None:
        document = json.dumps({"artifacts": sorted(paths)}).encode()
        _stream(self.scratch_fd, f"{_JOURNAL}.partial", [document])
        os.replace(f"{_JOURNAL}.partial", _JOURNAL, src_dir_fd=self.scratch_fd,
                   dst_dir_fd=self.scratch_fd)
        os.fsync(self.scratch_fd)

    def _folder(self, folders: list[str], create: bool) -> int:
        """A descriptor of DIR/folders, opened without following links (OutputUnsafe if one
        is a link or a file); the caller closes it unless it is `self.root`."""
        fd = self.root
        for index, name in enumerate(folders):
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(name, dir_fd=fd)
            try:
                inner = os.open(name, _DIRECTORY, dir_fd=fd)
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    where = "/".join(folders[:index + 1])
                    raise OutputUnsafe(error.errno, f"`{where}` in the output directory is a "
                                       "symbolic link or a file, where orbc writes a folder; "
                                       "orbc does not write through links") from None
                raise
            finally:
                if fd != self.root:
                    os.close(fd)
            fd = inner
        return fd

    def _remove_artifact(self, relative: str) -> None:
        """Remove an artifact of the last build, and its folders if that leaves them empty.
        A path through a link or a file, or one already gone, is left alone."""
        *folders, name = relative.split("/")
        try:
            fd = self._folder(folders, create=False)
        except OSError:
            return
        try:
            with contextlib.suppress(OSError):
                if not stat.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                    os.unlink(name, dir_fd=fd)
        finally:
            if fd != self.root:
                os.close(fd)
        for depth in range(len(folders), 0, -1):
            try:
                parent = self._folder(folders[:depth - 1], create=False)
            except OSError:
                return
            try:
                os.rmdir(folders[depth - 1], dir_fd=parent)
            except OSError:  # not empty: someone else's files are in it
                return
            finally:
                if parent != self.root:
                    os.close(parent)


def _check_target(folder: int, name: str, relative: str) -> None:
    """Refuse a rename that would fail: a name too long for the file system, or a folder
    where the artifact goes."""
    if len(os.fsencode(name)) > os.fpathconf(folder, "PC_NAME_MAX"):
        raise OutputUnsafe(errno.ENAMETOOLONG, f"`{relative}`: the file name is too long")
    with contextlib.suppress(FileNotFoundError):
        if stat.S_ISDIR(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode):
            raise OutputUnsafe(errno.EISDIR, f"`{relative}` is a folder in the output "
                               "directory, where orbc writes a file")


def _stream(folder: int, name: str, chunks: Iterable[bytes]) -> tuple[str, int]:
    """Write a new file `name` in the folder `folder` from `chunks`, hashing on the way and
    fsyncing at the end; (sha256 hex, bytes)."""
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC,
                 FILE_MODE, dir_fd=folder)
    with os.fdopen(fd, "wb") as stream:
        return write_hashed(stream, chunks)


def _remove_tree(folder: int, name: str) -> None:
    """Remove `name` in `folder` and everything under it, never following a link."""
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return
    if not stat.S_ISDIR(info.st_mode):
        os.unlink(name, dir_fd=folder)
        return
    fd = os.open(name, _DIRECTORY, dir_fd=folder)
    try:
        for entry in os.listdir(fd):
            _remove_tree(fd, entry)
    finally:
        os.close(fd)
    os.rmdir(name, dir_fd=folder)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGTERM and SIGINT wait until the block is done (a few renames), then act as they
    would have, so that they never stop a publish half-way. Only the main thread can."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    held = (signal.SIGTERM, signal.SIGINT)
    previous = {number: signal.signal(number, lambda n, _: received.append(n))
                for number in held}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in received:
            handler = previous[number]
            if callable(handler):
                handler(number, None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), number)
