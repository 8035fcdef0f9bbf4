"""Where heavy work runs: in this process, or sharded over a Dask cluster.

Heavy work is expressed as `engine.map(function, items)`: a top-level function
applied to independent items (a shell, a plane range of a shell), whose
results come back *in item order*. Because the order never depends on which
worker finishes first, the local and Dask engines give byte-identical output.
Both show a progress bar on a terminal (tqdm), and stay quiet when stderr is
not a terminal or when asked.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

Item = TypeVar("Item")
Result = TypeVar("Result")


class _Bar(tqdm):
    """A tqdm bar without tqdm's monitor thread: heavy work forks worker processes only
    from a process with a single thread (orbc.physics.contacts)."""

    monitor_interval = 0


class Engine:
    """Runs `function` over `items` in this process, lazily and in order."""

    name = "local"

    def __init__(self, quiet: bool = False):
        self.quiet = quiet or not sys.stderr.isatty()

    def map(self, function: Callable[[Item], Result], items: Iterable[Item],
            label: str = "") -> Iterator[Result]:
        items = list(items)
        with _Bar(total=len(items), desc=label, unit="task", disable=self.quiet,
                  leave=False) as bar:
            for result in self._run(function, items):
                bar.update()
                yield result

    def _run(self, function, items):
        return map(function, items)

    def close(self) -> None:
        """Release what the engine holds (nothing, locally)."""


class DaskEngine(Engine):
    """Shards the items over a Dask cluster; at most `window` tasks are in flight at once,
    so results stream back in order without holding them all in memory."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, quiet: bool = False, window: int = 16):
        super().__init__(quiet)
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError as error:
            raise EngineUnavailable(
                "the dask engine needs the optional extra: pip install 'orbc[dask]'") from error
        if scheduler:
            self.client = Client(scheduler, timeout="20s")
            self.cluster = None
        else:
            self.cluster = LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1",
                                        dashboard_address=None, processes=True)
            self.client = Client(self.cluster)
        self.window = window

    def _run(self, function, items):
        pending = []
        for item in items:
            pending.append(self.client.submit(function, item, pure=False))
            if len(pending) >= self.window:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


class EngineUnavailable(Exception):
    """The requested engine cannot start (missing extra, unreachable scheduler)."""


class WorkerDied(Exception):
    """A worker process ended in the middle of its work (the kernel's OOM killer, a
    `kill -9`): the build stops, with what ended it in the message (exit 2, like an I/O
    failure: the machine failed the build, not the spec and not orbc)."""


def make_engine(name: str, scheduler: str | None = None, quiet: bool = False) -> Engine:
    """The engine called `name` ("local" or "dask")."""
    if name == "dask":
        return DaskEngine(scheduler, quiet)
    return Engine(quiet)


LOCAL = Engine(quiet=True)  # the default for library callers: in process, no progress bar
