"""Run workers in separate processes (they share the study through its storage)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Mapping
from concurrent.futures import Future, ProcessPoolExecutor, wait

from ._main_guard import check_main_guarded
from .base import Executor, WorkerFn
from .resources import VISIBLE_DEVICES, gpu_plan, visible_gpus

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
    places_resources = True

    def __init__(self, start_method: str = "spawn") -> None:
        self.start_method = start_method

    def run(
        self, worker: WorkerFn, n_workers: int, resources: Mapping[str, float] | None = None
    ) -> None:
        """Run the workers in processes; ``resources={"gpu": g}`` pins worker ``i`` to its
        GPUs (``CUDA_VISIBLE_DEVICES``, see :func:`~hypersweep.executors.resources.gpu_plan`);
        other resources are not enforced without Ray."""
        self._check_n_workers(n_workers)
        gpu = (resources or {}).get("gpu", 0.0)
        devices = gpu_plan(gpu, n_workers, visible_gpus()) if gpu > 0 else None
        if self.start_method != "fork":
            check_main_guarded()
        context = multiprocessing.get_context(self.start_method)
        pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=context)
        futures: list[Future[None]] = []
        try:
            futures.extend(
                pool.submit(worker, index)
                if devices is None
                else pool.submit(_on_devices, worker, index, devices[index])
                for index in range(n_workers)
            )
            errors = [f.exception() for f in futures]
        except BaseException:
            _stop_workers(pool, futures)
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
        for error in errors:
            if error is not None:
                raise error


def _on_devices(worker: WorkerFn, index: int, devices: str) -> None:
    """Run ``worker(index)`` seeing only ``devices`` (set before the objective can start
    CUDA, which reads the variable once)."""
    os.environ[VISIBLE_DEVICES] = devices
    worker(index)


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
