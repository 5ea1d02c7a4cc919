"""The executor protocol: who runs the workers of an optimisation.

``Study.optimize`` hands an executor one *worker function* (``worker(index)`` runs trials
until the study's budget is used) and a number of workers. The executor runs that many
copies concurrently and returns when all have finished, re-raising the first exception any of
them raised. Inline and thread executors share the study object; executors that start other
processes or machines need a storage they can all reach.
"""

from __future__ import annotations

from collections.abc import Callable

WorkerFn = Callable[[int], None]


class Executor:
    """Base class of the executors.

    >>> from hypersweep.executors import InlineExecutor
    >>> seen = []
    >>> InlineExecutor().run(seen.append, 1)
    >>> seen
    [0]
    """

    def run(self, worker: WorkerFn, n_workers: int) -> None:
        """Run ``worker(0)``, ..., ``worker(n_workers - 1)`` and wait for all of them."""
        raise NotImplementedError

    @staticmethod
    def _check_n_workers(n_workers: int) -> None:
        if isinstance(n_workers, bool) or not isinstance(n_workers, int) or n_workers < 1:
            raise ValueError(f"n_workers must be an int >= 1, got {n_workers!r}.")
