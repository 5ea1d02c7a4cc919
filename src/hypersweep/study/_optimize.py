"""The optimisation loop behind ``Study.optimize``: budgets, workers, progress."""

from __future__ import annotations

import gc
import math
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._internal.exceptions import TrialPruned, UpdateFinishedTrialError
from .._internal.signals import interrupt_reason, sigterm_raises
from ..executors import Executor, InlineExecutor, ProcessExecutor, ThreadExecutor
from ..samplers import Sampler
from ..schedulers import Scheduler
from ..storage import STARTED_STATES, Storage
from ..trial import FrozenTrial, StudyDirection, TrialState
from ._failures import InitialFailures
from ._lease import StaleTrialReaper
from ._trial import PRUNE_REASON_ATTR, Trial

if TYPE_CHECKING:
    from .study import CallbackFn, ObjectiveFn, Study


@dataclass(frozen=True)
class LoopConfig:
    """What every worker of one ``optimize`` call needs (picklable for process workers)."""

    func: ObjectiveFn
    catch: tuple[type[BaseException], ...]
    callbacks: tuple[CallbackFn, ...]
    gc_after_trial: bool
    n_trials: int | None  # per call, shared by this process's workers
    max_trials: int | None  # study-wide started-trial budget, exact across processes
    deadline: float | None  # time.time() after which no trial starts
    failures: InitialFailures | None = None  # first failure's traceback, max_initial_failures


class _Budget:
    """Shared stop conditions of the workers of one process, and the trials they run."""

    def __init__(self, study: Study, config: LoopConfig) -> None:
        self._study = study
        self._remaining = config.n_trials
        self._deadline = config.deadline
        self._lock = threading.Lock()
        self._running: dict[int, Trial] = {}
        self.interrupted = False

    def take(self) -> bool:
        """Reserve one more trial; ``False`` when the budget is used up."""
        if self.interrupted or self._study._stop_flag:
            return False
        if self._deadline is not None and time.time() >= self._deadline:
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

    def run(self, trial: Trial, config: LoopConfig) -> FrozenTrial | None:
        """:func:`run_trial`, with ``trial`` known while it runs so :meth:`interrupt` can
        fail it; ``None`` when an interrupt already recorded it."""
        with self._lock:
            self._running[trial._trial_id] = trial
        try:
            return run_trial(self._study, trial, config.func, config.catch, config.failures)
        except UpdateFinishedTrialError:
            if self.interrupted:
                return None
            raise
        finally:
            with self._lock:
                self._running.pop(trial._trial_id, None)

    def interrupt(self, exc: BaseException) -> None:
        """Start no more trials and record the running ones as interrupted by ``exc``.

        The calling thread got the interrupt; worker threads may still be inside the
        objective, and their result is dropped when it returns.
        """
        self.interrupted = True
        with self._lock:
            running = list(self._running.values())
        for trial in running:
            self._study._finish(
                trial._trial_id,
                trial.number,
                TrialState.FAIL,
                None,
                interrupt_reason(exc),
                skip_if_finished=True,
            )


class _Progress:
    """A tqdm progress bar showing the best value seen by this call.

    With ``n_trials`` it counts trials; with only ``timeout`` it counts seconds (unit "s"),
    and the trials finished so far are in the postfix with the best value.
    """

    def __init__(self, study: Study, enabled: bool, n_trials: int | None, timeout: float | None):
        self._bar: Any = None
        self._best: float | None = None
        self._maximize = study._directions[0] is StudyDirection.MAXIMIZE
        self._single = len(study._directions) == 1
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self._timed = n_trials is None and timeout is not None
        self._n_finished = 0
        if enabled:
            from tqdm.auto import tqdm

            if self._timed:
                self._bar = tqdm(
                    total=timeout,
                    desc="hypersweep",
                    unit="s",
                    bar_format=(
                        "{l_bar}{bar}| {n:.1f}/{total_fmt} s [{elapsed}<{remaining}{postfix}]"
                    ),
                )
            else:
                self._bar = tqdm(total=n_trials, desc="hypersweep", unit="trial")

    def update(self, trial: FrozenTrial, count: int = 1) -> None:
        if self._bar is None:
            return
        with self._lock:
            self._n_finished += count
            if self._single and trial.state is TrialState.COMPLETE and trial.values:
                value = trial.values[0]
                better = self._best is None or (
                    value > self._best if self._maximize else value < self._best
                )
                if better:
                    self._best = value
            postfix: dict[str, Any] = {"trials": self._n_finished} if self._timed else {}
            if self._best is not None:
                postfix["best"] = f"{self._best:.6g}"
            if postfix:
                self._bar.set_postfix(postfix, refresh=False)
            if self._timed:
                self._bar.n = min(time.monotonic() - self._start, self._bar.total)
                self._bar.refresh()
            else:
                self._bar.update(count)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def run_trial(
    study: Study,
    trial: Trial,
    func: ObjectiveFn,
    catch: tuple[type[BaseException], ...],
    failures: InitialFailures | None = None,
) -> FrozenTrial:
    """Evaluate ``func`` on ``trial`` and record the outcome; re-raise uncaught exceptions
    (and, with ``failures``, the exception the first trials of the call all failed with)."""
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
        study._finish(trial._trial_id, trial.number, TrialState.FAIL, None, interrupt_reason(exc))
        raise
    caught = error is not None and isinstance(error, catch)
    first = caught and failures is not None and failures.log_traceback()
    frozen = study._finish(
        trial._trial_id, trial.number, state, values, reason, exc_info=error if first else None
    )
    if error is not None and not caught:
        raise error
    if failures is not None:
        failures.check(study, frozen, error)
    return frozen


def worker_loop(
    study: Study,
    config: LoopConfig,
    budget: _Budget,
    progress: _Progress,
    idle: Callable[[], bool] | None = None,
) -> None:
    """Run trials until the budget is used up: the body of every worker.

    With a scheduler that pauses trials, workers also resume promoted ones (and wait for
    them with ``idle``, the executor's wait when it has one); see ``_resume.py``.
    """
    from ._resume import pauses_trials, resuming_worker_loop

    if pauses_trials(study):
        resuming_worker_loop(study, config, budget, progress, idle)
        return
    reaper = StaleTrialReaper(study)
    while budget.take():
        reaper.maybe_reap()
        trial = study._ask_unless_exhausted(config.max_trials)
        if trial is None:
            budget.give_back()
            study._stop_flag = True
            return
        frozen = budget.run(trial, config)
        if frozen is None:
            return
        progress.update(frozen)
        for callback in config.callbacks:
            callback(study, frozen)
        if config.gc_after_trial:
            gc.collect()


def process_worker(
    payload: tuple[str, Storage, Sampler, Scheduler, LoopConfig], index: int
) -> None:
    """The body of a worker process: rebuild the study from its storage and loop."""
    from .study import Study

    study_name, storage, sampler, scheduler, config = payload
    study = Study(study_name, storage, sampler, scheduler)
    study._optimizing += 1
    quiet = _Progress(study, False, None, None)
    with sigterm_raises():
        worker_loop(study, config, _Budget(study, config), quiet)


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


def _validate(n_trials: Any, timeout: Any, n_jobs: Any, max_trials: Any) -> int:
    for name, value in (("n_trials", n_trials), ("max_trials", max_trials)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            raise ValueError(f"{name} must be an int >= 0 or None, got {value!r}.")
    if timeout is not None and (
        isinstance(timeout, bool)
        or not isinstance(timeout, (int, float))
        or not timeout > 0
        or math.isnan(timeout)
    ):
        raise ValueError(f"timeout must be a positive number of seconds or None, got {timeout!r}.")
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int) or n_jobs == 0 or n_jobs < -1:
        raise ValueError(f"n_jobs must be a positive int or -1 (all CPUs), got {n_jobs!r}.")
    return (os.cpu_count() or 1) if n_jobs == -1 else n_jobs


def _resolve_executor(executor: Executor | str | None, n_jobs: int) -> Executor:
    if executor is None:
        return InlineExecutor() if n_jobs == 1 else ThreadExecutor()
    if isinstance(executor, Executor):
        return executor
    named = {"inline": InlineExecutor, "threads": ThreadExecutor, "processes": ProcessExecutor}
    if executor in named:
        return named[executor]()
    raise ValueError(f"executor must be an Executor or one of {sorted(named)}, got {executor!r}.")


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
    executor: Executor | str | None,
    max_trials: int | None,
    max_initial_failures: int | None = 5,
) -> None:
    """Validate the arguments, then run workers until the budget is used up."""
    if not callable(func):
        raise TypeError(f"The objective must be callable, got {type(func).__name__}.")
    n_jobs = _validate(n_trials, timeout, n_jobs, max_trials)
    runner = _resolve_executor(executor, n_jobs)
    config = LoopConfig(
        func=func,
        catch=_catch_tuple(catch),
        callbacks=tuple(callbacks or ()),
        gc_after_trial=gc_after_trial,
        n_trials=n_trials,
        max_trials=max_trials,
        deadline=None if timeout is None else time.time() + timeout,
        failures=InitialFailures(max_initial_failures),
    )
    progress = _Progress(study, show_progress_bar, n_trials, timeout)
    study._stop_flag = False
    study._optimizing += 1
    budget = _Budget(study, config)
    try:
        with sigterm_raises():
            if isinstance(runner, ProcessExecutor):
                _run_processes(study, runner, config, n_jobs, progress)
            else:
                idle = getattr(runner, "idle", None)  # the simulated executor waits on its clock
                runner.run(lambda index: worker_loop(study, config, budget, progress, idle), n_jobs)
    except (KeyboardInterrupt, SystemExit) as exc:
        budget.interrupt(exc)
        raise
    finally:
        study._optimizing -= 1
        if not study._optimizing:
            study._stop_flag = False
        progress.close()
        study._storage.checkpoint()  # SQLite: fold the WAL into the .db (a copy then holds all)


def _run_processes(
    study: Study, runner: ProcessExecutor, config: LoopConfig, n_jobs: int, progress: _Progress
) -> None:
    storage = study._storage
    if not storage.shared_across_processes:
        raise ValueError(
            f"{type(storage).__name__} cannot be shared by worker processes; use a storage "
            "URL that every process can reach, e.g. storage='sqlite:///study.db'."
        )
    from ._resume import n_continuations, pauses_trials

    started = storage.get_n_trials(study._study_id, STARTED_STATES)
    if config.n_trials is not None:
        # Each process could run n_trials; the study-wide cap makes the total exact. It
        # counts configurations: a pausing scheduler's loop adds the continuations to it.
        configurations = started - (n_continuations(study) if pauses_trials(study) else 0)
        cap = configurations + config.n_trials
        max_trials = cap if config.max_trials is None else min(cap, config.max_trials)
        config = LoopConfig(**{**config.__dict__, "max_trials": max_trials})
    payload = (study.study_name, storage, study.sampler, study.scheduler, config)
    try:
        pickle.dumps(payload)
    except Exception as exc:
        raise TypeError(
            "Running trials in processes needs a picklable objective, sampler, scheduler and "
            "callbacks: define the objective at module level (not a lambda or closure). "
            f"Pickling failed with: {exc}"
        ) from exc
    stop = threading.Event()

    def poll() -> None:
        seen = started
        while not stop.wait(0.5):
            now = storage.get_n_trials(study._study_id, STARTED_STATES)
            if now > seen:
                progress.update(FrozenTrial(number=-1, state=TrialState.RUNNING), now - seen)
                seen = now

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        from functools import partial

        runner.run(partial(process_worker, payload), n_jobs)
    finally:
        stop.set()
        poller.join()
