"""The executor protocol: who runs the workers of an optimisation.

``Study.optimize`` hands an executor one *worker function* (``worker(index)`` runs trials
until the study's budget is used) and a number of workers. The executor runs that many
copies concurrently and returns when all have finished, re-raising the first exception any of
them raised. Inline and thread executors share the study object; executors that start other
processes or machines need a storage they can all reach.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping

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
    #: Whether the workers may run on other machines: a storage only this machine can open
    #: (in memory, a SQLite file) is then served to them (``hypersweep.storage.remote``), and
    #: large checkpoints need a checkpoint store every machine reaches.
    spans_machines: bool = False
    #: Whether :meth:`run` honours per-trial ``resources`` (CPUs, GPUs, custom ones).
    places_resources: bool = False

    def idle(self) -> bool:
        """Wait until another worker has acted; ``False`` at once if none will (only for
        executors with :attr:`has_clock`)."""
        raise NotImplementedError(f"{type(self).__name__} has no clock to wait on.")

    def dumps(self, obj: object) -> bytes:
        """Serialise ``obj`` as this executor sends work to its workers (``pickle``), to
        check before starting that the objective and the roles can travel."""
        return pickle.dumps(obj)

    def workers_for(self, n_jobs: int, resources: Mapping[str, float] | None) -> int:
        """How many workers to run for ``optimize(n_jobs=...)`` (default: ``n_jobs``; a
        cluster executor asks the cluster)."""
        return n_jobs

    def run(
        self, worker: WorkerFn, n_workers: int, resources: Mapping[str, float] | None = None
    ) -> None:
        """Run ``worker(0)``, ..., ``worker(n_workers - 1)`` and wait for all of them.
        ``resources`` (only for executors that :attr:`places_resources`) is what each worker
        (one trial at a time) asks for: ``{"cpu": 2, "gpu": 0.5, "<custom>": 1}``."""
        raise NotImplementedError

    @staticmethod
    def _check_n_workers(n_workers: int) -> None:
        check_int("n_workers", n_workers, minimum=1, type_error=ValueError)
