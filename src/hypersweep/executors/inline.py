"""Run workers one after the other in the calling thread."""

from __future__ import annotations

from collections.abc import Mapping

from .base import Executor, WorkerFn


class InlineExecutor(Executor):
    """Run the workers in the calling thread, one after the other (the default for n_jobs=1).

    >>> import hypersweep as hs
    >>> calls = []
    >>> hs.executors.InlineExecutor().run(calls.append, 2)
    >>> calls
    [0, 1]
    """

    def run(
        self, worker: WorkerFn, n_workers: int, resources: Mapping[str, float] | None = None
    ) -> None:
        self._check_n_workers(n_workers)
        for index in range(n_workers):
            worker(index)
