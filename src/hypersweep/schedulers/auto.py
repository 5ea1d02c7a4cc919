"""AutoScheduler: the scheduling method chosen from what the trials report, decided lazily."""

from __future__ import annotations

import threading
from typing import Any

from ..trial import FrozenTrial, History, TrialState
from ..trial.lineage import Promotion
from .asha import ASHAScheduler
from .base import CONTINUE, Decision, Scheduler
from .hyperband import HyperBandScheduler

#: Running trials seen at once from which the asynchronous variants are used.
MANY_WORKERS = 2


class AutoScheduler(Scheduler):
    """Pick the scheduler from the reports, once they tell enough (``scheduler="auto"``).

    * Trials that report nothing are never scheduled (nothing to decide on).
    * The full budget per trial (``max_resource``) is the largest step a COMPLETE trial
      reported, unless given: until a trial has completed, every trial continues.
    * With ``min_resource`` given: ASHA over ``[min_resource, max_resource]``.
      Without it (the right minimum is unknown): HyperBand's brackets from step 1, which
      hedge over minimum budgets; asynchronous (an ASHA ladder per bracket) once two or
      more trials have been seen running at once, synchronous for one worker.
    * ``pause=True`` (the objective saves checkpoints): paused trials are resumed, as with
      ``ASHAScheduler(pause=True)``; else losers are stopped.

    :meth:`explain` says which one acts and why.

    >>> import hypersweep as hs
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     for step in range(1, 28):
    ...         trial.report(x + 1 / step, step)
    ...         if trial.should_prune():
    ...             raise hs.TrialPruned()
    ...     return x
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0), scheduler="auto")
    >>> study.optimize(objective, n_trials=30)
    >>> study.scheduler.explain().split(":")[0]
    'HyperBand (synchronous) over steps 1-27, reduction factor 3'
    """

    def __init__(
        self,
        min_resource: int | None = None,
        max_resource: int | None = None,
        reduction_factor: int = 3,
        *,
        pause: bool = False,
    ) -> None:
        for name, value in (("min_resource", min_resource), ("max_resource", max_resource)):
            if value is not None and (not isinstance(value, int) or value < 1):
                raise ValueError(f"{name} must be a positive int or None, got {value!r}.")
        if not isinstance(reduction_factor, int) or reduction_factor < 2:
            raise ValueError(f"reduction_factor must be an int >= 2, got {reduction_factor!r}.")
        self.min_resource = min_resource
        self.max_resource = max_resource
        self.reduction_factor = reduction_factor
        self.pause = bool(pause)
        self._inner: Scheduler | None = None
        self._key: tuple[Any, ...] | None = None
        self._why = "no trial has reported an intermediate value: nothing to schedule"
        self._many_workers = False
        self._lock = threading.RLock()

    @property
    def pauses_trials(self) -> bool:
        return self.pause

    def _resources(self, history: History) -> int | None:
        if self.max_resource is not None:
            return self.max_resource
        steps = [
            t.last_step
            for t in history.get((TrialState.COMPLETE,))
            if t.last_step is not None and t.intermediate_values
        ]
        return max(steps) if steps else None

    def current(self, history: History) -> Scheduler | None:
        """The scheduler acting now (``None`` while the full budget is unknown)."""
        with self._lock:
            running = len(history.get((TrialState.RUNNING,)))
            self._many_workers |= running >= MANY_WORKERS
            top = self._resources(history)
            if top is None:
                self._why = (
                    "trials report intermediate values; every trial continues until one has "
                    "completed and shown the full budget"
                )
                return None
            low = self.min_resource or 1
            eta = self.reduction_factor
            if top < low * eta:
                self._why = f"the full budget ({top}) is below min_resource * {eta}"
                return None
            key = (top, self._many_workers)
            if key != self._key:
                self._key = key
                if self.min_resource is not None:
                    self._inner = ASHAScheduler(low, top, eta, pause=self.pause)
                    self._why = (
                        f"ASHA over steps {low}-{top}, reduction factor {eta}: trials report "
                        "intermediate values and the minimum budget is given"
                    )
                else:
                    asyn = self._many_workers
                    self._inner = HyperBandScheduler(
                        1, top, eta, asynchronous=asyn, pause=self.pause
                    )
                    kind = "asynchronous" if asyn else "synchronous"
                    who = "several workers" if asyn else "one worker"
                    self._why = (
                        f"HyperBand ({kind}) over steps 1-{top}, reduction factor {eta}: "
                        f"trials report intermediate values, the minimum useful budget is "
                        f"unknown, {who}"
                    )
            return self._inner

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        inner = self.current(history)
        return CONTINUE if inner is None else inner.decide(history, trial)

    def promotions(self, history: History) -> list[Promotion]:
        inner = self.current(history) if self.pause else None
        return [] if inner is None else inner.promotions(history)

    def explain(self) -> str:
        """Which scheduler acts, and why, in one line."""
        return self._why

    def __repr__(self) -> str:
        return (
            f"AutoScheduler(min_resource={self.min_resource}, max_resource="
            f"{self.max_resource}, reduction_factor={self.reduction_factor}, pause={self.pause})"
        )
