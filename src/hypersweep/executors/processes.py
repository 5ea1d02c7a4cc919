"""Run workers in separate processes (they share the study through its storage)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import Future, ProcessPoolExecutor, wait

from ._main_guard import check_main_guarded
from .base import Executor, WorkerFn

#: Seconds the workers get to record their interrupted trials before they are killed.
INTERRUPT_GRACE_S = 10.0


class ProcessExecutor(Executor):
    """Run the workers in fresh processes (``spawn``), for CPU-bound objectives.

    Every worker opens the study's storage itself, so the storage must be one that several
    processes can share (a SQL database or a journal, not memory), and the objective must be
    picklable (defined at module level). ``optimize(n_jobs=k, executor="processes")`` uses it.

    A fresh process imports the script that started it again, so a script that runs a study
    with this executor must do so under ``if __name__ == "__main__":``; without the guard
    :meth:`run` raises before it starts any process. An interrupt of the calling process
    (Ctrl-C, SIGTERM) is passed on to the workers as SIGTERM: each records its running trial
    as interrupted and exits.

    >>> from hypersweep.executors import ProcessExecutor
    >>> ProcessExecutor().run(print, 1)  # doctest: +SKIP
    0
    """

    shares_memory = False

    def __init__(self, start_method: str = "spawn") -> None:
        self.start_method = start_method

    def run(self, worker: WorkerFn, n_workers: int) -> None:
        self._check_n_workers(n_workers)
        if self.start_method != "fork":
            check_main_guarded()
        context = multiprocessing.get_context(self.start_method)
        pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context)
        futures: list[Future[None]] = []
        try:
            futures.extend(pool.submit(worker, index) for index in range(n_workers))
            errors = [f.exception() for f in futures]
        except BaseException:
            _stop_workers(pool, futures)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        for error in errors:
            if error is not None:
                raise error


def _stop_workers(pool: ProcessPoolExecutor, futures: list[Future[None]]) -> None:
    """SIGTERM every worker, give them time to record their trials, then kill the rest."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    wait(futures, timeout=INTERRUPT_GRACE_S)
    for process in processes:
        if process.is_alive():
            process.kill()
