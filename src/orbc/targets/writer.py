"""Streaming artifact writes and the build manifest.

`made_ahead` overlaps making an artifact's chunks with writing them; `manifest`
is the text of `manifest.json`. A build writes through
`orbc.targets.output.OutputTransaction`, which stages and publishes; `write_atomically`
writes one file on its own (a temporary file renamed over the final name).
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


FILE_MODE = _default_file_mode()


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
    handle, temporary = tempfile.mkstemp(prefix=f".{final.name}.", suffix=".partial",
                                         dir=final.parent)
    try:
        os.chmod(temporary, FILE_MODE)
        with os.fdopen(handle, "wb") as stream:
            written = write_hashed(stream, chunks)
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return written


def write_hashed(stream, chunks: Iterable[bytes]) -> tuple[str, int]:
    """Write `chunks` to the open binary `stream`, hashing on the way, then flush and fsync
    it; (sha256 hex, size in bytes)."""
    digest, size = hashlib.sha256(), 0
    for chunk in made_ahead(chunks):
        digest.update(chunk)
        size += len(chunk)
        stream.write(chunk)
    stream.flush()
    os.fsync(stream.fileno())
    return digest.hexdigest(), size


def made_ahead(chunks: Iterable[bytes], depth: int = 2) -> Iterator[bytes]:
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


@attrs.frozen
class Provenance:
    """Where a build came from, for the manifest.

    `spec` and the `inputs` paths are relative to the root spec's folder (POSIX separators),
    so the same spec gives the same manifest from any working directory. `physics_checks` is
    "passed", "failed: N error(s)" (built with --no-checks) or "not run"."""

    spec: str
    inputs: tuple[tuple[str, str], ...] = ()  # (path, sha256 of the file's bytes)
    physics_checks: str = "not run"


def manifest(provenance: Provenance, written: list[Written]) -> bytes:
    """`manifest.json`: the orbc version, the spec and its input files, the physics checks'
    verdict, and every artifact with its sha256."""
    document = {
        "orbc": __version__,
        "spec": provenance.spec,
        "inputs": [{"path": path, "sha256": sha256}
                   for path, sha256 in sorted(provenance.inputs)],
        "physics_checks": provenance.physics_checks,
        "artifacts": [attrs.asdict(w) for w in sorted(written, key=lambda w: w.path)],
    }
    return (json.dumps(document, indent=2) + "\n").encode()
