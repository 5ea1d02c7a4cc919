"""Run workers in threads of this process."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from .base import Executor, WorkerFn


class ThreadExecutor(Executor):
    """Run the workers concurrently in threads (``optimize(n_jobs=k)`` uses it).

    Threads share the study and its in-memory storage. They speed up objectives that release
    the GIL (numpy, I/O, native libraries), not pure-Python CPU-bound ones.

    An interrupt (Ctrl-C, or SIGTERM during ``optimize``) reaches the calling thread at once:
    the workers are daemon threads, so the caller does not wait for their objectives to
    return, and the study records their running trials as interrupted.

    >>> import hypersweep as hs
    >>> calls = []
    >>> hs.executors.ThreadExecutor().run(calls.append, 3)
    >>> sorted(calls)
    [0, 1, 2]
    """

    def run(
        self, worker: WorkerFn, n_workers: int, resources: Mapping[str, float] | None = None
    ) -> None:
        self._check_n_workers(n_workers)
        errors: list[BaseException | None] = [None] * n_workers

        def target(index: int) -> None:
            try:
                worker(index)
            except BaseException as exc:
                errors[index] = exc

        threads = [
            threading.Thread(target=target, args=(i,), name=f"hypersweep-{i}", daemon=True)
            for i in range(n_workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()  # interruptible: Ctrl-C raises here without waiting for the rest
        for error in errors:
            if error is not None:
                raise error
