"""``Study.optimize``: validate the call, pick the executor and hand it the worker loop.

Executors that share memory (inline, threads, the simulated clock) run :func:`worker_loop`
on this process's study; the others (processes, machines) get a picklable
:class:`StudyFactory` and rebuild the study from its storage in each worker.
"""

from __future__ import annotations

import math
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from .._internal.signals import sigterm_raises
from ..executors import Executor, resolve_executor
from ..storage import STARTED_STATES, Storage
from ..trial import FrozenTrial, TrialState
from ._failures import InitialFailures
from ._loop import Budget, CallbackFn, LoopConfig, ObjectiveFn, Progress, worker_loop
from ._promotions import n_continuations
from ._retention import check_retention

if TYPE_CHECKING:
    from ._core import StudyCore


@dataclass(frozen=True)
class StudyFactory:
    """What a worker in another process needs to rebuild the study: a picklable callable
    returning the study's core (the facade, ``core.study``, comes with it).

    ``build`` is a module-level function of the layer that owns the study class; the
    sampler and scheduler travel as their stored specification when they have one, else
    pickled (see :meth:`hypersweep.study.Study.optimize`).
    """

    build: Callable[..., StudyCore]
    study_name: str
    storage: Storage
    sampler: Any
    scheduler: Any

    def __call__(self) -> StudyCore:
        return self.build(self.study_name, self.storage, self.sampler, self.scheduler)


def process_worker(factory: StudyFactory, config: LoopConfig, index: int) -> None:
    """The body of a worker process: rebuild the study from its storage and loop."""
    with sigterm_raises():
        core = factory()
        core.optimizing += 1
        quiet = Progress(core.directions, False, None, None)
        budget = Budget(core, config)
        try:
            worker_loop(core, config, budget, quiet)
        except (KeyboardInterrupt, SystemExit) as exc:
            budget.interrupt(exc)
            raise


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


def run_optimize(
    core: StudyCore,
    factory: Callable[[], StudyFactory],
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
    checkpoint_retention: str = "needed",
) -> None:
    """Validate the arguments, then run workers until the budget is used up.

    ``factory()`` makes the :class:`StudyFactory` for executors that do not share memory.
    """
    if not callable(func):
        raise TypeError(f"The objective must be callable, got {type(func).__name__}.")
    n_jobs = _validate(n_trials, timeout, n_jobs, max_trials)
    check_retention(checkpoint_retention)
    runner = resolve_executor(executor, n_jobs)
    config = LoopConfig(
        func=func,
        catch=_catch_tuple(catch),
        callbacks=tuple(callbacks or ()),
        gc_after_trial=gc_after_trial,
        n_trials=n_trials,
        max_trials=max_trials,
        deadline=None if timeout is None else time.time() + timeout,
        failures=InitialFailures(max_initial_failures),
        checkpoint_retention=checkpoint_retention,
    )
    progress = Progress(core.directions, show_progress_bar, n_trials, timeout)
    core.stop_flag = False
    core.optimizing += 1
    budget = Budget(core, config)
    try:
        with sigterm_raises():
            if runner.shares_memory:
                idle = runner.idle if runner.has_clock else None
                runner.run(lambda index: worker_loop(core, config, budget, progress, idle), n_jobs)
            else:
                _run_elsewhere(core, factory, runner, config, n_jobs, progress)
    except (KeyboardInterrupt, SystemExit) as exc:
        budget.interrupt(exc)
        raise
    finally:
        core.optimizing -= 1
        if not core.optimizing:
            core.stop_flag = False
        progress.close()
        core.storage.checkpoint()  # SQLite: fold the WAL into the .db (a copy then holds all)


def _run_elsewhere(
    core: StudyCore,
    factory: Callable[[], StudyFactory],
    runner: Executor,
    config: LoopConfig,
    n_jobs: int,
    progress: Progress,
) -> None:
    """Run the workers in other processes (or machines): they share the study's storage."""
    storage = core.storage
    if not storage.shared_across_processes:
        raise ValueError(
            f"{type(storage).__name__} cannot be shared by worker processes; use a storage "
            "URL that every process can reach, e.g. storage='sqlite:///study.db'."
        )
    started = storage.get_n_trials(core.study_id, STARTED_STATES)
    if config.n_trials is not None:
        # Each process could run n_trials; the study-wide cap makes the total exact. It
        # counts configurations: a pausing scheduler's loop adds the continuations to it.
        pausing = core.scheduler.pauses_trials
        configurations = started - (n_continuations(storage, core.study_id) if pausing else 0)
        cap = configurations + config.n_trials
        max_trials = cap if config.max_trials is None else min(cap, config.max_trials)
        config = replace(config, max_trials=max_trials)
    work = partial(process_worker, factory(), config)
    try:
        pickle.dumps(work)
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
            now = storage.get_n_trials(core.study_id, STARTED_STATES)
            if now > seen:
                progress.update(FrozenTrial(number=-1, state=TrialState.RUNNING), now - seen)
                seen = now

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        runner.run(work, n_jobs)
    finally:
        stop.set()
        poller.join()
