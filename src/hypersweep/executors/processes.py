"""Run workers in separate processes (they share the study through its storage)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from .base import Executor, WorkerFn


class ProcessExecutor(Executor):
    """Run the workers in fresh processes (``spawn``), for CPU-bound objectives.

    Every worker opens the study's storage itself, so the storage must be one that several
    processes can share (a SQL database or a journal, not memory), and the objective must be
    picklable (defined at module level). ``optimize(n_jobs=k, executor="processes")`` uses it.

    >>> from hypersweep.executors import ProcessExecutor
    >>> ProcessExecutor().run(print, 1)  # doctest: +SKIP
    0
    """

    def __init__(self, start_method: str = "spawn") -> None:
        self.start_method = start_method

    def run(self, worker: WorkerFn, n_workers: int) -> None:
        self._check_n_workers(n_workers)
        context = multiprocessing.get_context(self.start_method)
        with ProcessPoolExecutor(max_workers=n_workers, mp_context=context) as pool:
            futures = [pool.submit(worker, index) for index in range(n_workers)]
            errors = [f.exception() for f in futures]
        for error in errors:
            if error is not None:
                raise error
