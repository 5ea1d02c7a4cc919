"""The worker loop: the body of every worker of ``optimize`` and ``tune``.

One loop, for every executor and scheduler: take the next trial from a *next-trial policy*,
run it, report progress, run the callbacks. The policy decides where trials come from:

* :class:`NewTrials` — a new configuration from the sampler while the budget lasts;
* :class:`ResumingTrials` — for schedulers that pause trials: a retried continuation first,
  then a promoted paused trial, else a new configuration, else wait while other trials run
  (they may free a promotion).

With a scheduler that pauses trials, each worker deletes the checkpoints nothing needs any
more after every trial it finishes (``checkpoint_retention="needed"``, see
:mod:`hypersweep.study._retention`).
"""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .._internal.exceptions import TrialPruned, UpdateFinishedTrialError
from ..trial import FrozenTrial, StudyDirection, TrialState
from ..trial.lineage import is_continuation
from ._failures import InitialFailures
from ._lease import StaleTrialReaper
from ._promotions import configurations_cap, resume_promoted
from ._retention import CheckpointRetention
from ._trial import PRUNE_REASON_ATTR, Trial

if TYPE_CHECKING:
    from ._core import StudyCore

ObjectiveFn = Callable[[Trial], Any]
CallbackFn = Callable[[Any, FrozenTrial], None]  # (study, finished trial)
_POLL_S = (0.01, 0.5)  # first and longest wait of an idle worker polling the storage


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
    #: "needed": delete the checkpoints nothing needs (pausing schedulers); "all": keep them.
    checkpoint_retention: str = "needed"


class Budget:
    """Shared stop conditions of the workers of one process, the trials they run, and the
    clean-up of checkpoints after them (``retention``, for schedulers that pause trials)."""

    def __init__(self, core: StudyCore, config: LoopConfig) -> None:
        self._core = core
        self._config = config
        self._remaining = config.n_trials
        self._deadline = config.deadline
        self._lock = threading.Lock()
        self._before = core.running_ids()  # trials started before this call (ask/tell)
        core.clear_interrupt()
        self.interrupted = False
        self.retention: CheckpointRetention | None = None
        if config.checkpoint_retention == "needed" and core.scheduler.pauses_trials:
            self.retention = CheckpointRetention(core)

    def active(self) -> bool:
        """Whether workers may still start or resume trials (no stop, interrupt or timeout)."""
        if self.interrupted or self._core.stop_flag:
            return False
        return self._deadline is None or time.time() < self._deadline

    def take(self) -> bool:
        """Reserve one more new trial; ``False`` when the budget is used up."""
        if not self.active():
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

    def run(self, trial: Trial) -> FrozenTrial | None:
        """:func:`run_trial`; ``None`` when an interrupt already recorded the trial."""
        config = self._config
        try:
            return run_trial(self._core, trial, config.func, config.catch, config.failures)
        except UpdateFinishedTrialError:
            if self.interrupted:
                return None
            raise

    def interrupt(self, exc: BaseException) -> None:
        """Start no more trials and record the trials this call started and did not finish
        as interrupted by ``exc``.

        The calling thread got the interrupt; worker threads may still be inside the
        objective, and their result is dropped when it returns.
        """
        self.interrupted = True
        self._core.fail_running(exc, keep=self._before)


class Progress:
    """A tqdm progress bar showing the best value seen by this call.

    With ``n_trials`` it counts trials; with only ``timeout`` it counts seconds (unit "s"),
    and the trials finished so far are in the postfix with the best value.
    """

    def __init__(
        self,
        directions: tuple[StudyDirection, ...],
        enabled: bool,
        n_trials: int | None,
        timeout: float | None,
    ) -> None:
        self._bar: Any = None
        self._best: float | None = None
        self._maximize = directions[0] is StudyDirection.MAXIMIZE
        self._single = len(directions) == 1
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


def _is_optuna_pruned(exc: BaseException) -> bool:
    """Whether ``exc`` is Optuna's ``TrialPruned`` (``raise optuna.TrialPruned()`` in code
    written for Optuna, or an optuna-integration callback): recognised by class name and
    module, so Optuna is never imported here."""
    return any(
        cls.__name__ == "TrialPruned" and cls.__module__.partition(".")[0] == "optuna"
        for cls in type(exc).__mro__
    )


def run_trial(
    core: StudyCore,
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
        if _is_optuna_pruned(exc):
            state = TrialState.PRUNED
            reason = str(exc) or trial._system_attrs.get(PRUNE_REASON_ATTR)
        else:
            state, reason, error = TrialState.FAIL, f"{type(exc).__name__}: {exc}", exc
    except BaseException as exc:
        core.fail_interrupted(trial, exc)
        raise
    caught = error is not None and isinstance(error, catch)
    first = caught and failures is not None and failures.log_traceback()
    frozen = core.finish(
        trial._trial_id, trial.number, state, values, reason, exc_info=error if first else None
    )
    if error is not None and not caught:
        raise error
    if failures is not None:
        failures.check(core, frozen, error)
    return frozen


# -- next-trial policies ---------------------------------------------------------------------
class NextTrial(Protocol):
    """Where a worker's next trial comes from; ``None`` ends the worker."""

    def next_trial(self) -> Trial | None: ...


class NewTrials:
    """A new configuration from the sampler while the budget lasts."""

    def __init__(self, core: StudyCore, config: LoopConfig, budget: Budget) -> None:
        self._core, self._config, self._budget = core, config, budget
        self._reaper = StaleTrialReaper(core)

    def next_trial(self) -> Trial | None:
        if not self._budget.take():
            return None
        self._reaper.maybe_reap()
        trial = self._core.ask_unless_exhausted(self._config.max_trials)
        if trial is None:  # sampler exhausted or max_trials reached
            self._budget.give_back()
            self._core.stop_flag = True
        return trial


class ResumingTrials:
    """For schedulers that pause trials: a promoted paused trial first, else a new
    configuration while the budget lasts, else wait while other trials still run. With
    ``scheduler.fills_population_first`` (PBT) new configurations come first, so that with
    fewer workers than members the members take turns.

    Before all of these comes an enqueued continuation: the retry of a continuation whose
    worker died (``RetryFailedTrialCallback``), which carries its member on from the same
    checkpoint. Enqueued trials start oldest first, so a configuration enqueued before it
    starts first, whatever the budget (it was enqueued to run).

    Waiting uses ``idle()``, the executor's own wait when it has a clock (the simulated
    executor), else polls the storage. Continuations count neither against ``n_trials``
    nor against ``max_trials`` (both count configurations); ``timeout`` and ``stop()`` end
    them too.
    """

    def __init__(
        self,
        core: StudyCore,
        config: LoopConfig,
        budget: Budget,
        idle: Callable[[], bool] | None = None,
    ) -> None:
        self._core, self._config, self._budget, self._idle = core, config, budget, idle
        self._reaper = StaleTrialReaper(core)
        self._new_configs = True
        self._pause = _POLL_S[0]

    def next_trial(self) -> Trial | None:
        core, budget = self._core, self._budget
        new_first = core.scheduler.fills_population_first
        while budget.active():
            self._reaper.maybe_reap()
            trial = self._waiting_continuation()
            if trial is None and new_first:
                trial = self._new_configuration()
            if trial is None:
                trial = resume_promoted(core)
            if trial is None and not new_first:
                trial = self._new_configuration()
            if trial is not None:
                self._pause = _POLL_S[0]
                return trial
            if not core.storage.get_n_trials(core.study_id, (TrialState.RUNNING,)):
                return None
            if self._idle is not None:
                if not self._idle():
                    return None
            else:
                time.sleep(self._pause)
                self._pause = min(self._pause * 2, _POLL_S[1])
        return None

    def _waiting_continuation(self) -> Trial | None:
        """Start the enqueued trials while one of them is a continuation (a retry)."""
        core = self._core
        storage, study_id = core.storage, core.study_id
        if not storage.get_n_trials(study_id, (TrialState.WAITING,)):
            return None
        waiting = storage.get_all_trials(study_id, (TrialState.WAITING,))
        if not any(is_continuation(t) for t in waiting):
            return None
        trial = core.start_waiting()
        if trial is not None and not is_continuation(trial._view):
            self._budget.take()  # a configuration enqueued before the retry: count it
        return trial

    def _new_configuration(self) -> Trial | None:
        """A new configuration while the budget (``n_trials``, ``max_trials``) lasts."""
        if not self._new_configs:
            return None
        core, budget = self._core, self._budget
        if not budget.take():
            self._new_configs = False
            return None
        cap = configurations_cap(core.storage, core.study_id, self._config.max_trials)
        trial = core.ask_unless_exhausted(cap)
        if trial is None:  # sampler exhausted or max_trials reached
            budget.give_back()
            self._new_configs = False
        return trial


def policy_for(
    core: StudyCore, config: LoopConfig, budget: Budget, idle: Callable[[], bool] | None
) -> NextTrial:
    """The next-trial policy the study's scheduler needs."""
    if core.scheduler.pauses_trials:
        return ResumingTrials(core, config, budget, idle)
    return NewTrials(core, config, budget)


def worker_loop(
    core: StudyCore,
    config: LoopConfig,
    budget: Budget,
    progress: Progress,
    idle: Callable[[], bool] | None = None,
) -> None:
    """Run trials until the policy has none left: the body of every worker."""
    policy = policy_for(core, config, budget, idle)
    while (trial := policy.next_trial()) is not None:
        frozen = budget.run(trial)
        if frozen is None:
            return
        progress.update(frozen)
        if budget.retention is not None:
            budget.retention.collect()
        for callback in config.callbacks:
            callback(core.study, frozen)
        if config.gc_after_trial:
            gc.collect()
