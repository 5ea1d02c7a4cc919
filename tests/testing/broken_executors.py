"""Executors for the conformance suite's own tests: a correct one and its broken twins.

Each broken twin differs from :class:`PoolExecutor` in one way, named in its docstring.
"""

from __future__ import annotations

import threading

from hypersweep.executors import Executor
from hypersweep.executors.base import WorkerFn


class PoolExecutor(Executor):
    """Correct: one thread per worker; waits for all, then re-raises the first error."""

    def n_threads(self, n_workers: int) -> int:
        """How many workers to start."""
        return n_workers

    def wait(self, threads: list[threading.Thread]) -> None:
        """Block until the workers are done."""
        for thread in threads:
            thread.join()

    def raise_errors(self, errors: list[BaseException]) -> None:
        """Hand the workers' exceptions to the caller."""
        if errors:
            raise errors[0]

    def run(self, worker: WorkerFn, n_workers: int) -> None:
        self._check_n_workers(n_workers)
        errors: list[BaseException] = []

        def target(index: int) -> None:
            try:
                worker(index)
            except BaseException as exc:
                errors.append(exc)

        threads = [
            threading.Thread(target=target, args=(i,), daemon=True)
            for i in range(self.n_threads(n_workers))
        ]
        for thread in threads:
            thread.start()
        self.wait(threads)
        self.raise_errors(errors)


class CappedPoolExecutor(PoolExecutor):
    """Broken: runs at most four workers (a fixed pool size), whatever it is asked for."""

    def n_threads(self, n_workers: int) -> int:
        return min(n_workers, 4)


class SwallowingPoolExecutor(PoolExecutor):
    """Broken: drops the workers' exceptions (the caller believes everything went well)."""

    def raise_errors(self, errors: list[BaseException]) -> None:
        pass


class NotWaitingPoolExecutor(PoolExecutor):
    """Broken: returns as soon as the workers are started."""

    def wait(self, threads: list[threading.Thread]) -> None:
        pass
