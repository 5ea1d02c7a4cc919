"""Conformance suite for executors."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..executors import Executor
from ..samplers import RandomSampler
from ..study import create_study
from ._assert import expect
from .objectives import sphere


def check_executor(factory: Callable[[], Executor]) -> None:
    """Check an executor built by ``factory()`` against the executor protocol.

    * ``run(worker, n)`` calls ``worker(i)`` once for each ``i`` in ``range(n)`` and waits;
    * an exception raised by a worker reaches the caller;
    * a study optimised through it runs exactly ``n_trials`` trials;
    * ``n_workers < 1`` is refused with ``ValueError``.
    """
    calls: list[int] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        with lock:
            calls.append(index)

    factory().run(worker, 3)
    expect(sorted(calls) == [0, 1, 2], f"each worker index must run once, got {sorted(calls)}")

    class Boom(Exception):
        pass

    def failing(index: int) -> None:
        raise Boom(index)

    try:
        factory().run(failing, 2)
    except Boom:
        pass
    else:
        raise AssertionError("an exception raised by a worker must reach the caller")

    try:
        factory().run(worker, 0)
    except ValueError:
        pass
    else:
        raise AssertionError("n_workers=0 must raise ValueError")

    study = create_study(sampler=RandomSampler(seed=0))
    study.optimize(sphere, n_trials=20, n_jobs=2, executor=factory(), catch=())
    expect(len(study.trials) == 20, f"expected 20 trials, got {len(study.trials)}")
    expect(len({t.number for t in study.trials}) == 20, "trial numbers must be unique")
