"""Atomic, streaming artifact writes and the build manifest.

Each artifact is streamed into a temporary file in the output directory, hashed
on the way, flushed to disk and renamed over its final name, so a killed build
leaves the previous file or none, never a half-written one. `manifest.json` is
written the same way, last.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs

from orbc import __version__


def _default_file_mode() -> int:
    """0666 less the process umask: what `open` would give, where mkstemp gives 0600."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


_FILE_MODE = _default_file_mode()


@attrs.frozen
class Written:
    target: str
    path: str  # relative to the output directory, POSIX separators
    sha256: str
    bytes: int


def write_atomically(directory: Path, relative: str, chunks: Iterable[bytes]) -> tuple[str, int]:
    """Stream `chunks` into `directory/relative`; return (sha256 hex, size in bytes)."""
    final = directory / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    handle, temporary = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".partial",
                                         dir=final.parent)
    try:
        os.chmod(temporary, _FILE_MODE)
        with os.fdopen(handle, "wb") as stream:
            for chunk in _made_ahead(chunks):
                digest.update(chunk)
                size += len(chunk)
                stream.write(chunk)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return digest.hexdigest(), size


def _made_ahead(chunks: Iterable[bytes], depth: int = 2) -> Iterator[bytes]:
    """`chunks`, made by a background thread up to `depth` chunks ahead, so that making the
    next chunk (numpy and Arrow work outside the GIL) overlaps hashing and writing this one.
    An exception in the making is raised here; stopping here stops the making."""
    made: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                made.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def make() -> None:
        try:
            for chunk in chunks:
                if not put((True, chunk)):
                    return
        except BaseException as error:  # noqa: BLE001 - raised again by the consumer
            put((False, error))
            return
        put((False, None))

    maker = threading.Thread(target=make, name="orbc-artifact-maker", daemon=True)
    maker.start()
    try:
        while True:
            is_chunk, value = made.get()
            if is_chunk:
                yield value
            elif value is None:
                return
            else:
                raise value
    finally:
        stop.set()
        maker.join()


def write_manifest(directory: Path, spec: str, written: list[Written]) -> None:
    """`manifest.json`: the orbc version, the spec, and every artifact with its hash."""
    document = {
        "orbc": __version__,
        "spec": spec,
        "artifacts": [attrs.asdict(w) for w in sorted(written, key=lambda w: w.path)],
    }
    text = json.dumps(document, indent=2) + "\n"
    write_atomically(directory, "manifest.json", [text.encode()])
