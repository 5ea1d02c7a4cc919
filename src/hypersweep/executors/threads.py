"""Run workers in threads of this process."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from .base import Executor, WorkerFn


class ThreadExecutor(Executor):
    """Run the workers concurrently in threads (``optimize(n_jobs=k)`` uses it).

    Threads share the study and its in-memory storage. They speed up objectives that release
    the GIL (numpy, I/O, native libraries), not pure-Python CPU-bound ones.

    >>> import hypersweep as hs
    >>> calls = []
    >>> hs.executors.ThreadExecutor().run(calls.append, 3)
    >>> sorted(calls)
    [0, 1, 2]
    """

    def run(self, worker: WorkerFn, n_workers: int) -> None:
        self._check_n_workers(n_workers)
        with ThreadPoolExecutor(max_workers=n_workers, thread_name_prefix="hypersweep") as pool:
            futures = [pool.submit(worker, index) for index in range(n_workers)]
            errors = [f.exception() for f in futures]
        for error in errors:
            if error is not None:
                raise error
