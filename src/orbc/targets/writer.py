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
import tempfile
from collections.abc import Iterable
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
            for chunk in chunks:
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


def write_manifest(directory: Path, spec: str, written: list[Written]) -> None:
    """`manifest.json`: the orbc version, the spec, and every artifact with its hash."""
    document = {
        "orbc": __version__,
        "spec": spec,
        "artifacts": [attrs.asdict(w) for w in sorted(written, key=lambda w: w.path)],
    }
    text = json.dumps(document, indent=2) + "\n"
    write_atomically(directory, "manifest.json", [text.encode()])
