"""Worker processes for the contact windows: one per core, forked once, and what happens
when one of them dies.

The pass refinement is thousands of numpy operations on small arrays; Python holds the
GIL between them, so threads would queue, and processes scale with the cores. Workers are
forked (Linux only) from a process with one thread, kept for the life of the process, and
end with it.

Each worker has its own pipe and at most one task at a time, and the calling thread does
all the waiting (`multiprocessing.connection.wait` on the pipes and on the processes
themselves). Nothing is shared between workers, so a worker that dies part-way (the
kernel's OOM killer, a `kill -9`) cannot leave a lock or a half-written message that
another process waits on forever, as it can in `concurrent.futures.ProcessPoolExecutor`,
whose manager thread then blocks the interpreter's exit. The death is seen at once: the
other workers are killed and `WorkerDied` says which signal ended it.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable

import attrs

from orbc.engine import WorkerDied

# Below this many satellite-station pairs (≈ 0.2 s of work) one process does it all.
_PARALLEL_MIN_PAIRS = 100_000


@attrs.frozen
class _Worker:
    process: multiprocessing.Process
    pipe: multiprocessing.connection.Connection  # this process's end


_WORKERS: list[_Worker] = []  # forked at first use, then kept


def worker_count(pairs: int) -> int:
    """Processes to spread `pairs` satellite-station pairs over: every core for big work,
    where this process may have worker processes. Small work stays in this process."""
    if pairs < _PARALLEL_MIN_PAIRS or not _may_have_workers():
        return 1
    return os.cpu_count() or 1


def _may_have_workers() -> bool:
    """Whether this process has worker processes, or may fork them: on Linux (where fork is
    the well-trodden way; macOS system libraries are not fork-safe), not from a process that
    is a worker itself (a Dask worker, one of ours: one of many already), and only from a
    process with one thread (another thread could hold a lock the child needs)."""
    if multiprocessing.parent_process() is not None or multiprocessing.current_process().daemon:
        return False
    if _WORKERS:
        return True
    return sys.platform.startswith("linux") and threading.active_count() == 1


def workers() -> list[_Worker]:
    """One worker process per core, forked at first use and kept for this process's life:
    later shells find them started and their memory warm."""
    if not _WORKERS:
        context = multiprocessing.get_context("fork")
        for _ in range(os.cpu_count() or 1):
            mine, theirs = context.Pipe()
            # daemon: ended (SIGTERM) and reaped by multiprocessing when this process exits
            process = context.Process(target=_serve, args=(theirs, os.getpid()),
                                      name="orbc-worker", daemon=True)
            process.start()
            theirs.close()  # theirs alone now: its end closes when it dies
            _WORKERS.append(_Worker(process, mine))
    return _WORKERS


def map_in_workers(function: Callable, items: Iterable) -> list:
    """`[function(item) for item in items]`, computed by the worker processes.

    Raises `WorkerDied` as soon as a worker dies. On that or any other failure (Ctrl-C,
    SIGTERM, an exception in a task) the workers are killed and forgotten, so that nothing
    is left to wait for, and the next call forks fresh ones."""
    items = list(items)
    results: list = [None] * len(items)
    pool = workers()
    idle, running = list(range(len(pool))), {}  # worker -> item
    following = 0
    try:
        while following < len(items) or running:
            while idle and following < len(items):
                w = idle.pop()
                pool[w].pipe.send((function, items[following]))
                running[w] = following
                following += 1
            ready = set(multiprocessing.connection.wait(
                [pool[w].pipe for w in running] + [p.process.sentinel for p in pool]))
            for w, worker in enumerate(pool):
                if worker.pipe in ready:
                    try:
                        succeeded, value = worker.pipe.recv()
                    except (EOFError, OSError):  # its end closed: it died mid-message
                        raise WorkerDied(_death_notice(worker.process)) from None
                    if not succeeded:
                        raise value
                    results[running.pop(w)] = value
                    idle.append(w)
                elif worker.process.sentinel in ready:
                    raise WorkerDied(_death_notice(worker.process))
    except BaseException:
        _discard_workers()
        raise
    return results


def _discard_workers() -> None:
    """Kill every worker (SIGKILL: one may be stuck) and forget them."""
    for worker in _WORKERS:
        if worker.process.is_alive():
            worker.process.kill()
    for worker in _WORKERS:
        worker.process.join(timeout=5.0)
        worker.pipe.close()
    _WORKERS.clear()


def _death_notice(process: multiprocessing.Process) -> str:
    """The message for a worker that ended mid-work: what ended it, and what to try."""
    process.join(timeout=5.0)
    code = process.exitcode
    if code is not None and code < 0:
        number = -code
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = "unknown"
        cause = f"killed by signal {number}" + (
            ", perhaps out of memory" if number == signal.SIGKILL else f" ({name})")
    elif code is not None:
        cause = f"exit status {code}"
    else:
        cause = "it closed its pipe"
    return (f"a worker process died ({cause}) while computing contact windows; nothing was "
            "written. With more memory free (fewer stations or satellites, a shorter "
            "horizon, other programs closed) the build may succeed")


def _serve(pipe: multiprocessing.connection.Connection, parent: int) -> None:
    """A worker's life: tasks in, (succeeded, result or exception) out, until the pipe
    closes or the parent is gone."""
    _in_worker(parent)
    while True:
        try:
            function, item = pipe.recv()
        except (EOFError, OSError):
            return
        try:
            answer = (True, function(item))
        except Exception as error:  # noqa: BLE001 - raised again in the parent
            answer = (False, error)
        try:
            pipe.send(answer)
        except (EOFError, OSError):
            return
        except Exception as error:  # noqa: BLE001 - e.g. an exception that does not pickle
            pipe.send((False, RuntimeError(f"in a worker process: {error!r}")))


def _in_worker(parent: int) -> None:
    """Set up a freshly forked worker: the default SIGTERM (the parent may have a handler
    that raises: a worker must simply end), SIGINT ignored (Ctrl-C is the parent's to
    handle: it kills the workers), and an end as soon as the process that forked it is
    gone (killed, say), rather than a life as an orphan."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, name="orbc-parent-watch", daemon=True).start()
