"""The executor protocol: who runs the workers of an optimisation.

``Study.optimize`` hands an executor one *worker function* (``worker(index)`` runs trials
until the study's budget is used) and a number of workers. The executor runs that many
copies concurrently and returns when all have finished, re-raising the first exception any of
them raised. Inline and thread executors share the study object; executors that start other
processes or machines need a storage they can all reach.
"""

from __future__ import annotations

from collections.abc import Callable

from .._internal.validation import check_int

WorkerFn = Callable[[int], None]


class Executor:
    """Base class of the executors.

    Two properties tell the study how to hand out work, so that a new executor (Ray, a
    batch system) plugs in without any change to the study loop:

    * :attr:`shares_memory` — the workers run in the calling process and share the study
      object (inline, threads, the simulated clock). When ``False`` each worker gets a
      picklable factory and rebuilds the study from its storage (processes, machines).
    * :attr:`has_clock` — :meth:`idle` waits on the executor's own clock (the simulated
      executor). Otherwise a worker with nothing to do polls the storage.

    >>> from hypersweep.executors import InlineExecutor
    >>> seen = []
    >>> InlineExecutor().run(seen.append, 1)
    >>> seen
    [0]
    """

    #: Whether the workers run in this process and share the study object.
    shares_memory: bool = True
    #: Whether :meth:`idle` waits on a clock of the executor's own.
    has_clock: bool = False

    def idle(self) -> bool:
        """Wait until another worker has acted; ``False`` at once if none will (only for
        executors with :attr:`has_clock`)."""
        raise NotImplementedError(f"{type(self).__name__} has no clock to wait on.")

    def run(self, worker: WorkerFn, n_workers: int) -> None:
        """Run ``worker(0)``, ..., ``worker(n_workers - 1)`` and wait for all of them."""
        raise NotImplementedError

    @staticmethod
    def _check_n_workers(n_workers: int) -> None:
        check_int("n_workers", n_workers, minimum=1, type_error=ValueError)
