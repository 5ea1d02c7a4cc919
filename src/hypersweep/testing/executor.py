"""Conformance suite for executors."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from ..executors import Executor
from ..samplers import RandomSampler
from ..study import create_study
from ._assert import ConformanceError, expect
from .objectives import sphere

#: Workers asked for: more than the cores of most test machines, so an executor that caps
#: the number of workers (at ``os.cpu_count()``, a pool size...) shows.
N_WORKERS = 5


class _Boom(Exception):
    """What the failing worker raises."""


def check_executor(factory: Callable[[], Executor]) -> None:
    """Check an executor built by ``factory()`` against the executor protocol.

    * ``run(worker, n)`` calls ``worker(i)`` once for each ``i`` in ``range(n)`` and returns
      only when every call has returned;
    * an exception raised by any one worker (here the last) reaches the caller;
    * a study optimised through it runs exactly ``n_trials`` trials;
    * ``n_workers < 1`` is refused with ``ValueError``.

    Raises :class:`~hypersweep.testing.ConformanceError` naming the broken rule.
    """
    started: list[int] = []
    finished: list[int] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        with lock:
            started.append(index)
        time.sleep(0.1)
        with lock:
            finished.append(index)

    factory().run(worker, N_WORKERS)
    with lock:
        done_on_return = len(finished)
    deadline = time.monotonic() + 1.0  # an executor that returned early: let its workers end
    while time.monotonic() < deadline:
        with lock:
            if len(finished) >= N_WORKERS:
                break
        time.sleep(0.01)
    with lock:
        ran = sorted(started)
    expect(
        ran == list(range(N_WORKERS)),
        f"run(worker, {N_WORKERS}) must call worker(i) once for each i in "
        f"range({N_WORKERS}), got the indices {ran}",
    )
    expect(
        done_on_return == N_WORKERS,
        f"run() must return only when every worker has returned; "
        f"{N_WORKERS - done_on_return} of {N_WORKERS} had not",
    )

    def failing(index: int) -> None:
        if index == N_WORKERS - 1:
            raise _Boom(index)

    try:
        factory().run(failing, N_WORKERS)
    except _Boom:
        pass
    else:
        raise ConformanceError(
            f"an exception raised by a worker (here worker {N_WORKERS - 1} of {N_WORKERS}, "
            "the others succeed) must reach the caller of run()"
        )

    try:
        factory().run(worker, 0)
    except ValueError:
        pass
    else:
        raise ConformanceError("n_workers=0 must raise ValueError")

    study = create_study(sampler=RandomSampler(seed=0))
    study.optimize(sphere, n_trials=20, n_jobs=2, executor=factory(), catch=())
    expect(len(study.trials) == 20, f"expected 20 trials, got {len(study.trials)}")
    expect(len({t.number for t in study.trials}) == 20, "trial numbers must be unique")
