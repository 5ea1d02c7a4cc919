"""Run workers on a virtual clock: exact, deterministic and fast tests and benchmarks.

A discrete-event simulation. Each worker is a thread, but only one runs at a time: the one
with the smallest virtual time (ties go to the one that has waited longest). A worker spends
virtual time with :func:`spend` (or :meth:`SimulatedExecutor.sleep`), typically in the
objective, for the cost of each step of training; it then blocks and the next worker runs.
Nothing takes real time, and the same program gives the same interleaving every run.

>>> from hypersweep.executors.simulated import SimulatedExecutor, spend
>>> sim = SimulatedExecutor()
>>> order = []
>>> def worker(index):
...     for _ in range(2):
...         spend(1.0 + index)           # worker 1 is slower
...         order.append((sim.now, index))
>>> sim.run(worker, 2)
>>> order
[(1.0, 0), (2.0, 1), (2.0, 0), (4.0, 1)]
>>> sim.makespan, sim.utilisation
(4.0, 0.75)
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from .._internal.validation import check_float
from .base import Executor, WorkerFn

__all__ = ["SimulatedExecutor", "Span", "now", "spend"]

_local = threading.local()


@dataclass(frozen=True)
class Span:
    """A stretch of one worker's virtual time: ``busy`` (spent) or ``idle`` (waiting)."""

    worker: int
    start: float
    end: float
    kind: str
    label: str = ""


def spend(seconds: float, label: str = "") -> None:
    """Spend ``seconds`` of virtual time in the calling worker.

    Inside a worker of :class:`SimulatedExecutor` the worker blocks until the clock reaches
    its new time; anywhere else this does nothing, so one objective serves both simulated
    and real runs.
    """
    current: tuple[SimulatedExecutor, int] | None = getattr(_local, "current", None)
    if current is not None:
        current[0]._sleep(current[1], seconds, label)


def now() -> float:
    """The virtual time of the calling worker of a :class:`SimulatedExecutor` (else 0.0)."""
    current: tuple[SimulatedExecutor, int] | None = getattr(_local, "current", None)
    return 0.0 if current is None else current[0]._times[current[1]]


class SimulatedExecutor(Executor):
    """Run ``n_workers`` workers on a virtual clock (a discrete-event simulation).

    Objectives spend virtual time with :func:`spend` (or :meth:`sleep`); the executor
    always resumes the worker with the smallest virtual time, so runs are deterministic
    and instantaneous. After :meth:`run` (each run starts at time 0):

    * :attr:`makespan` — when the last worker finished;
    * :attr:`busy_time` / :attr:`idle_time` — per worker; :attr:`utilisation` — busy time
      over ``n_workers * makespan``;
    * :attr:`trace` — every busy and idle :class:`Span`, in the order they began.

    Workers with nothing to do can wait for the others with :meth:`idle` (the study's
    worker loop does so when paused trials may soon be promoted). Real-time deadlines such
    as ``optimize(timeout=...)`` still count real seconds.

    >>> import hypersweep as hs
    >>> from hypersweep.executors.simulated import SimulatedExecutor, spend
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     spend(10 * x)                      # this trial costs 10 * x seconds
    ...     return x
    >>> sim = SimulatedExecutor()
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=20, n_jobs=4, executor=sim)
    >>> len(study.trials), round(sim.utilisation, 2) > 0.8
    (20, True)
    """

    has_clock = True

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reset(0)

    def _reset(self, n_workers: int) -> None:
        self._n = n_workers
        self._now = 0.0
        self._times = [0.0] * n_workers
        self._busy = [0.0] * n_workers
        self._idle = [0.0] * n_workers
        self._ends = [0.0] * n_workers
        self._events = [threading.Event() for _ in range(n_workers)]
        self._heap: list[tuple[float, int, int, bool]] = []
        self._sleeping: set[int] = set()  # workers waiting in sleep(): they will act again
        self._seq = itertools.count()
        self._trace: list[Span] = []
        self._errors: list[BaseException] = []

    # -- running ---------------------------------------------------------------------------
    def run(
        self, worker: WorkerFn, n_workers: int, resources: Mapping[str, float] | None = None
    ) -> None:
        self._check_n_workers(n_workers)
        if getattr(_local, "current", None) is not None:
            raise RuntimeError("A SimulatedExecutor cannot be run from inside a simulated worker.")
        with self._lock:
            self._reset(n_workers)
            for index in range(n_workers):
                heapq.heappush(self._heap, (0.0, next(self._seq), index, False))
        threads = [
            threading.Thread(
                target=self._body,
                args=(worker, index),
                name=f"hypersweep-sim-{index}",
                daemon=True,
            )
            for index in range(n_workers)
        ]
        for thread in threads:
            thread.start()
        with self._lock:
            self._dispatch()
        for thread in threads:
            thread.join()
        if self._errors:
            raise self._errors[0]

    def _body(self, worker: WorkerFn, index: int) -> None:
        self._events[index].wait()
        _local.current = (self, index)
        try:
            worker(index)
        except BaseException as exc:
            self._errors.append(exc)
        finally:
            _local.current = None
            with self._lock:
                self._ends[index] = self._times[index]
                self._dispatch()

    def _dispatch(self) -> None:
        """Hand the clock to the worker with the smallest time (call with the lock held)."""
        if not self._heap:
            return
        time, _, index, _ = heapq.heappop(self._heap)
        self._sleeping.discard(index)
        self._now = time
        self._times[index] = time
        self._events[index].set()

    def _switch(self, index: int, until: float, idle: bool) -> None:
        event = self._events[index]
        with self._lock:
            heapq.heappush(self._heap, (until, next(self._seq), index, idle))
            if not idle:
                self._sleeping.add(index)
            event.clear()
            self._dispatch()
        event.wait()

    def _sleep(self, index: int, seconds: float, label: str) -> None:
        seconds = check_float("seconds", seconds, minimum=0)
        start = self._times[index]
        end = start + seconds
        self._busy[index] += seconds
        self._trace.append(Span(index, start, end, "busy", label))
        self._switch(index, end, idle=False)

    def _current_index(self) -> int:
        current = getattr(_local, "current", None)
        if current is None or current[0] is not self:
            raise RuntimeError(
                "sleep() and idle() must be called from a worker that this SimulatedExecutor "
                "runs (e.g. inside the objective)."
            )
        return int(current[1])

    def sleep(self, seconds: float, label: str = "") -> None:
        """Spend ``seconds`` of virtual time in the calling worker (see :func:`spend`)."""
        self._sleep(self._current_index(), seconds, label)

    def idle(self) -> bool:
        """Wait until another worker has acted once more; ``False`` (at once) if none will.

        The caller's clock moves to the next time another worker wakes up, and it runs
        again right after that worker's turn. ``False`` means every other worker is idle or
        finished, so waiting would never end.
        """
        index = self._current_index()
        with self._lock:
            pending = [entry[0] for entry in self._heap if entry[2] in self._sleeping]
            if not pending:
                return False
            start = self._times[index]
            until = max(start, min(pending))
            if until > start:
                self._idle[index] += until - start
                self._trace.append(Span(index, start, until, "idle"))
        self._switch(index, until, idle=True)
        return True

    # -- results ---------------------------------------------------------------------------
    @property
    def now(self) -> float:
        """The virtual time of the running worker (after a run: of the last event)."""
        return self._now

    @property
    def n_workers(self) -> int:
        """How many workers the last run had."""
        return self._n

    @property
    def makespan(self) -> float:
        """Virtual time at which the last worker finished."""
        return max(self._ends, default=0.0)

    @property
    def busy_time(self) -> list[float]:
        """Virtual time each worker spent (with :func:`spend`)."""
        return list(self._busy)

    @property
    def idle_time(self) -> list[float]:
        """Virtual time each worker waited in :meth:`idle` (not counting after it finished)."""
        return list(self._idle)

    @property
    def utilisation(self) -> float:
        """Busy time over ``n_workers * makespan`` (1.0 = no worker was ever idle)."""
        span = self.makespan
        if not self._n or span <= 0:
            return 1.0
        return sum(self._busy) / (self._n * span)

    @property
    def trace(self) -> list[Span]:
        """Every busy and idle span of the last run."""
        return list(self._trace)

    def __repr__(self) -> str:
        return "SimulatedExecutor()"
