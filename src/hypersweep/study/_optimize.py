"""``Study.optimize``: validate the call, pick the executor and hand it the worker loop.

Executors that share memory (inline, threads, the simulated clock) run :func:`worker_loop`
on this process's study; the others (processes, machines) get a picklable
:class:`StudyFactory` and rebuild the study from its storage in each worker.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from .._internal.logging import get_logger
from .._internal.signals import interrupt_reason, sigterm_raises
from ..executors import Executor, resolve_executor
from ..executors.resources import check_resources
from ..storage import STARTED_STATES, Storage
from ..trial import FrozenTrial, TrialState
from ..trial.lineage import is_continuation
from ._failures import InitialFailures
from ._lease import reap_stale_trials
from ._loop import Budget, CallbackFn, LoopConfig, ObjectiveFn, Progress, worker_loop
from ._promotions import n_continuations
from ._retention import check_retention

if TYPE_CHECKING:
    from ._core import StudyCore

_logger = get_logger("study")


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
        announce = getattr(core.sampler, "set_budget", None)
        if callable(announce) and config.max_trials is not None:  # the study-wide total
            announce(n_trials=config.max_trials, n_existing=0)
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
    resources: Mapping[str, float] | None = None,
) -> None:
    """Validate the arguments, then run workers until the budget is used up.

    ``factory()`` makes the :class:`StudyFactory` for executors that do not share memory.
    """
    if not callable(func):
        raise TypeError(f"The objective must be callable, got {type(func).__name__}.")
    n_jobs = _validate(n_trials, timeout, n_jobs, max_trials)
    check_retention(checkpoint_retention)
    resources = check_resources(resources)
    runner = resolve_executor(executor, n_jobs)
    if resources and not runner.places_resources:
        raise ValueError(
            f"resources={resources} needs an executor that places them: executor='processes' "
            f"(GPUs of this machine) or executor='ray'; {type(runner).__name__} runs every "
            "trial in this process."
        )
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
    _announce_budget(core, n_trials, timeout, n_jobs)
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
                _run_elsewhere(core, factory, runner, config, n_jobs, progress, resources)
    except (KeyboardInterrupt, SystemExit) as exc:
        budget.interrupt(exc)
        raise
    finally:
        core.optimizing -= 1
        if not core.optimizing:
            core.stop_flag = False
        progress.close()
        core.storage.checkpoint()  # SQLite: fold the WAL into the .db (a copy then holds all)


def _announce_budget(
    core: StudyCore, n_trials: int | None, timeout: float | None, n_jobs: int
) -> None:
    """Tell a sampler that plans by the budget (``set_budget``, e.g. ``AutoSampler``) what
    this call will run: ``n_trials`` more after the trials already in the study."""
    announce = getattr(core.sampler, "set_budget", None)
    if callable(announce):
        n_existing = core.storage.get_n_trials(core.study_id) if n_trials is not None else 0
        announce(n_trials=n_trials, timeout=timeout, n_jobs=n_jobs, n_existing=n_existing)


def _run_elsewhere(
    core: StudyCore,
    factory: Callable[[], StudyFactory],
    runner: Executor,
    config: LoopConfig,
    n_jobs: int,
    progress: Progress,
    resources: Mapping[str, float] | None = None,
) -> None:
    """Run the workers in other processes (or machines): they share the study's storage,
    or, for an executor that spans machines, this process serves it to them."""
    storage = core.storage
    serve = runner.spans_machines and (
        not storage.shared_across_processes or _on_this_machine_only(storage)
    )
    if not storage.shared_across_processes and not serve:
        raise ValueError(
            f"{type(storage).__name__} cannot be shared by worker processes; use a storage "
            "URL that every process can reach, e.g. storage='sqlite:///study.db'."
        )
    n_workers = runner.workers_for(n_jobs, resources)
    if runner.spans_machines:
        _check_checkpoint_store(storage, runner)
    started = storage.get_n_trials(core.study_id, STARTED_STATES)
    if config.n_trials is not None:
        # Each process could run n_trials; the study-wide cap makes the total exact. It
        # counts configurations: a pausing scheduler's loop adds the continuations to it.
        pausing = core.scheduler.pauses_trials
        configurations = started - (n_continuations(storage, core.study_id) if pausing else 0)
        cap = configurations + config.n_trials
        max_trials = cap if config.max_trials is None else min(cap, config.max_trials)
        config = replace(config, max_trials=max_trials)
    made = factory()
    server = None
    if serve:
        from ..storage.remote import StorageServer

        several = getattr(runner, "n_machines", lambda: 1)() > 1
        server = StorageServer(storage, host="0.0.0.0" if several else "127.0.0.1")
        made = replace(made, storage=server.client())
    work = partial(process_worker, made, config)
    try:
        runner.dumps(work)
    except Exception as exc:
        raise TypeError(
            f"Running trials with {type(runner).__name__} needs a picklable objective, sampler, "
            "scheduler and callbacks: define the objective at module level (not a lambda or "
            "closure). "
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
    first_new = storage.get_n_trials(core.study_id)  # numbers of later trials are >= this
    try:
        _launch(runner, work, n_workers, resources)
        while runner.spans_machines and _reap_abandoned(core):
            # A worker died with its trial (its machine or process went away): once its
            # lease ran out the trial failed and its retry waits; run the retries (those of
            # continuations run outside the trial budget, the others count in it).
            waiting = storage.get_all_trials(core.study_id, (TrialState.WAITING,))
            fresh = sum(1 for t in waiting if not is_continuation(t))
            again = replace(config, n_trials=fresh, max_trials=None)
            _launch(runner, partial(process_worker, made, again), 1, resources)
            if storage.get_n_trials(core.study_id, (TrialState.WAITING,)) >= len(waiting):
                break  # nothing ran (a deadline passed, or the study was stopped)
    except (KeyboardInterrupt, SystemExit) as exc:
        if runner.spans_machines:
            _fail_left_running(core, first_new, exc)
        raise
    finally:
        stop.set()
        poller.join()
        if server is not None:
            server.close()


def _launch(
    runner: Executor,
    work: Callable[[int], None],
    n_workers: int,
    resources: Mapping[str, float] | None,
) -> None:
    """``runner.run``; an executor written before per-trial resources takes two arguments."""
    if resources is None:
        runner.run(work, n_workers)
    else:
        runner.run(work, n_workers, resources)


def _fail_left_running(core: StudyCore, first_new: int, exc: BaseException) -> None:
    """After an interrupt, record as interrupted the trials this run started that its
    workers (killed when they did not stop in time) left RUNNING."""
    storage = core.storage
    for trial in storage.get_all_trials(core.study_id, (TrialState.RUNNING,)):
        if trial.number >= first_new:
            with suppress(Exception):
                storage.finish_trial(trial.trial_id, TrialState.FAIL, None, interrupt_reason(exc))


def _reap_abandoned(core: StudyCore) -> bool:
    """After the workers ended: wait for the leases of trials still RUNNING to run out
    (storages with heartbeats), fail them, and say whether retries are now waiting."""
    storage = core.storage
    grace, interval = storage.grace_period, storage.heartbeat_interval
    if grace is None or interval is None:
        return False
    if not storage.get_n_trials(core.study_id, (TrialState.RUNNING,)):
        return False
    before = storage.get_n_trials(core.study_id, (TrialState.WAITING,))
    deadline = time.monotonic() + grace + 2 * interval
    while storage.get_n_trials(core.study_id, (TrialState.RUNNING,)):
        if reap_stale_trials(core) == [] and time.monotonic() > deadline:
            _logger.info("Trials are still RUNNING after the workers ended (other workers?).")
            return False
        time.sleep(interval)
    return storage.get_n_trials(core.study_id, (TrialState.WAITING,)) > before


def _on_this_machine_only(storage: Storage) -> bool:
    """A SQLite file: other machines cannot open it (a journal file may be on a shared
    file system; databases are reached over the network)."""
    return str(getattr(storage, "url", "")).startswith("sqlite")


def _check_checkpoint_store(storage: Storage, runner: Executor) -> None:
    """On several machines, large checkpoints need a store that all of them reach."""
    from ..storage.checkpoints import LocalCheckpointStore

    store = storage.checkpoint_store
    if isinstance(store, LocalCheckpointStore) and getattr(runner, "n_machines", lambda: 1)() > 1:
        raise ValueError(
            f"The study's large checkpoints go to the local directory {store.directory}, which "
            "the other machines of the cluster cannot read. Give the storage a checkpoint "
            "store they all reach: get_storage(url, checkpoint_store='s3://bucket/ckpt') (any "
            "fsspec URL), or checkpoint_threshold=None to keep checkpoints in the storage."
        )
