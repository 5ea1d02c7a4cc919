"""The optimisation loop behind ``Study.optimize``."""

from __future__ import annotations

import gc
import math
import os
import threading
import time
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .._internal.exceptions import TrialPruned
from ..executors import Executor, InlineExecutor, ThreadExecutor
from ..trial import FrozenTrial, StudyDirection, TrialState
from ._trial import PRUNE_REASON_ATTR, Trial

if TYPE_CHECKING:
    from .study import CallbackFn, ObjectiveFn, Study


class _Budget:
    """Shared stop conditions of all workers of one ``optimize`` call."""

    def __init__(self, study: Study, n_trials: int | None, timeout: float | None) -> None:
        self._study = study
        self._remaining = n_trials
        self._deadline = None if timeout is None else time.monotonic() + timeout
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Reserve one more trial; ``False`` when the budget is used up."""
        if self._study._stop_flag:
            return False
        if self._deadline is not None and time.monotonic() >= self._deadline:
            return False
        if self._remaining is None:
            return True
        with self._lock:
            if self._remaining <= 0:
                return False
            self._remaining -= 1
            return True

    def give_back(self) -> None:
        if self._remaining is not None:
            with self._lock:
                self._remaining += 1


class _Progress:
    """A tqdm progress bar showing the best value this call has seen."""

    def __init__(self, study: Study, enabled: bool, n_trials: int | None, timeout: float | None):
        self._bar: Any = None
        self._best: float | None = None
        self._maximize = study._directions[0] is StudyDirection.MAXIMIZE
        self._single = len(study._directions) == 1
        self._lock = threading.Lock()
        if not enabled:
            return
        from tqdm.auto import tqdm

        if n_trials is not None:
            self._bar = tqdm(total=n_trials, desc="hypersweep", unit="trial")
        else:
            total = timeout if timeout is not None else None
            self._bar = tqdm(total=total, desc="hypersweep", unit="trial")
        self._start = time.monotonic()
        self._timed = n_trials is None and timeout is not None

    def update(self, trial: FrozenTrial) -> None:
        if self._bar is None:
            return
        with self._lock:
            if self._single and trial.state is TrialState.COMPLETE and trial.values:
                value = trial.values[0]
                if self._best is None or (
                    value > self._best if self._maximize else value < self._best
                ):
                    self._best = value
            if self._timed:
                elapsed = time.monotonic() - self._start
                self._bar.n = min(elapsed, self._bar.total)
                self._bar.refresh()
            else:
                self._bar.update(1)
            if self._best is not None:
                self._bar.set_postfix(best=f"{self._best:.6g}", refresh=False)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def _catch_tuple(
    catch: Iterable[type[Exception]] | type[Exception],
) -> tuple[type[BaseException], ...]:
    if isinstance(catch, type):
        catch = (catch,)
    types = tuple(catch)
    for t in types:
        if not (isinstance(t, type) and issubclass(t, BaseException)):
            raise TypeError(f"catch must hold exception types, got {t!r}.")
    return types


def run_trial(
    study: Study, trial: Trial, func: ObjectiveFn, catch: tuple[type[BaseException], ...]
) -> FrozenTrial:
    """Evaluate ``func`` on ``trial`` and record the outcome; re-raise uncaught exceptions."""
    state, values, reason = TrialState.COMPLETE, None, None
    error: BaseException | None = None
    try:
        values = func(trial)
    except TrialPruned as exc:
        state = TrialState.PRUNED
        reason = str(exc) or trial._system_attrs.get(PRUNE_REASON_ATTR)
    except Exception as exc:
        state, reason, error = TrialState.FAIL, f"{type(exc).__name__}: {exc}", exc
    except BaseException as exc:
        study._finish(
            trial._trial_id,
            trial.number,
            TrialState.FAIL,
            None,
            f"interrupted by {type(exc).__name__}",
        )
        raise
    frozen = study._finish(trial._trial_id, trial.number, state, values, reason)
    if error is not None and not isinstance(error, catch):
        raise error
    return frozen


def run_optimize(
    study: Study,
    func: ObjectiveFn,
    *,
    n_trials: int | None,
    timeout: float | None,
    n_jobs: int,
    catch: Iterable[type[Exception]] | type[Exception],
    callbacks: Sequence[CallbackFn] | None,
    gc_after_trial: bool,
    show_progress_bar: bool,
    executor: Executor | None,
) -> None:
    """Validate the arguments, then run workers until the budget is used up."""
    if not callable(func):
        raise TypeError(f"The objective must be callable, got {type(func).__name__}.")
    if n_trials is not None and (
        isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 0
    ):
        raise ValueError(f"n_trials must be an int >= 0 or None, got {n_trials!r}.")
    if timeout is not None and (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not timeout > 0
        or math.isnan(timeout)
    ):
        raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}.")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a positive int or -1 (all CPUs), got {n_jobs!r}.")
    if n_jobs == -1:
        n_jobs = os.cpu_count() or 1
    catch_types = _catch_tuple(catch)
    callbacks = list(callbacks or [])
    if executor is None:
        executor = InlineExecutor() if n_jobs == 1 else ThreadExecutor()
    budget = _Budget(study, n_trials, timeout)
    progress = _Progress(study, show_progress_bar, n_trials, timeout)

    def worker(index: int) -> None:
        while budget.take():
            trial = study._ask_unless_exhausted()
            if trial is None:
                budget.give_back()
                study._stop_flag = True
                return
            frozen = run_trial(study, trial, func, catch_types)
            progress.update(frozen)
            for callback in callbacks:
                callback(study, frozen)
            if gc_after_trial:
                gc.collect()

    study._stop_flag = False
    study._optimizing += 1
    try:
        executor.run(worker, n_jobs)
    finally:
        study._optimizing -= 1
        if not study._optimizing:
            study._stop_flag = False
        progress.close()
