"""The state every part of one study object shares, and the operations on it.

:class:`StudyCore` is what the live :class:`~hypersweep.study.Trial`, the worker loop, pause
and resume, and leases work on: the storage and the study's id in it, the directions, the
sampler and scheduler, the sampler lock and the stop flag. The public
:class:`~hypersweep.study.Study` is a facade over one core; only the core starts and finishes
trials, so nothing below the facade needs the facade's private attributes.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .._internal.exceptions import UpdateFinishedTrialError
from .._internal.logging import get_logger
from .._internal.signals import interrupt_reason, interrupts_deferred
from ..samplers import Sampler
from ..schedulers import Scheduler
from ..storage import Storage
from ..trial import FrozenTrial, History, StudyDirection, TrialState, keys
from ..trial.constraints import feasible_only
from ..trial.lineage import is_continuation, retry_template
from ._lease import heartbeater
from ._optuna_adapters import SamplerAdapter, as_sampler, as_scheduler
from ._trial import Trial
from ._values import convert_values

if TYPE_CHECKING:
    from .study import Study

_logger = get_logger("study")


class StudyCore:
    """One study's storage, roles and run state (see the module docstring)."""

    def __init__(
        self,
        study: Study,
        study_name: str,
        storage: Storage,
        sampler: Sampler,
        scheduler: Scheduler,
    ) -> None:
        #: The facade objectives, callbacks and trials see (``trial.study``).
        self.study = study
        self.study_name = study_name
        self.storage = storage
        self.study_id = storage.get_study_id_from_name(study_name)
        self.directions: tuple[StudyDirection, ...] = tuple(
            storage.get_study_directions(self.study_id)
        )
        # Study-based samplers and pruners (Optuna's shape) are wrapped; anything else that
        # is not a Sampler / Scheduler is a TypeError here.
        sampler = as_sampler(sampler)
        scheduler = as_scheduler(scheduler)
        sampler.check_directions(len(self.directions))
        scheduler.check_directions(len(self.directions))
        self.sampler = sampler
        self.scheduler = scheduler
        self.sampler_lock = threading.RLock()
        #: Set by ``Study.stop()`` (and the failure check): workers start no more trials.
        self.stop_flag = False
        #: How many ``optimize`` calls run on this object now (``stop()`` needs one).
        self.optimizing = 0
        self._running: dict[int, Trial] = {}  # started here and not finished, by trial id
        self._running_lock = threading.Lock()
        #: (sign * value, number) of the best feasible COMPLETE trial known to this process,
        #: for the per-trial log line; read from the storage once, then kept up to date.
        self._logged_best: tuple[float, int] | None = None
        self._logged_best_read = False
        self._interrupted: BaseException | None = None  # set by fail_running until the next call

    def clear_interrupt(self) -> None:
        """Forget an earlier call's interrupt (a new ``optimize`` call starts)."""
        with self._running_lock:
            self._interrupted = None

    def _log_finished(self, frozen: FrozenTrial) -> None:
        """Optuna's INFO line for a finished trial (same wording, so that logs read alike)."""
        if frozen.state is TrialState.PRUNED:
            _logger.info("Trial %d pruned. %s", frozen.number, frozen.fail_reason or "")
            return
        values = list(frozen.values or ())
        if len(self.directions) != 1:
            _logger.info(
                "Trial %d finished with values: %s and parameters: %s.",
                frozen.number,
                values,
                frozen.params,
            )
            return
        best = self._update_logged_best(frozen)
        _logger.info(
            "Trial %d finished with value: %s and parameters: %s. Best is trial %s with value: %s.",
            frozen.number,
            values[0],
            frozen.params,
            best[1] if best else None,
            self._sign() * best[0] if best else None,
        )

    def _sign(self) -> float:
        return -1.0 if self.directions[0] is StudyDirection.MAXIMIZE else 1.0

    def _update_logged_best(self, frozen: FrozenTrial) -> tuple[float, int] | None:
        sign = self._sign()
        with self._running_lock:
            if not self._logged_best_read:
                self._logged_best_read = True
                done = self.storage.get_all_trials(self.study_id, states=(TrialState.COMPLETE,))
                keys_ = [(sign * t.values[0], t.number) for t in feasible_only(done) if t.values]
                self._logged_best = min(keys_, default=None)
            elif frozen.values and feasible_only([frozen]):
                key = (sign * frozen.values[0], frozen.number)
                if self._logged_best is None or key < self._logged_best:
                    self._logged_best = key
            return self._logged_best

    def history(self) -> History:
        """A lazy read-only view of the study's trials (what samplers and schedulers see)."""
        storage, study_id = self.storage, self.study_id
        return History(self.directions, lambda: storage.get_all_trials(study_id), self.study_name)

    # -- starting trials ----------------------------------------------------------------------
    def attach(self, frozen: FrozenTrial) -> Trial:
        """The live handle of the RUNNING record ``frozen``, kept alive by the heartbeat and
        known to :meth:`fail_running` until it finishes.

        Call it inside :func:`interrupts_deferred` with the write that created ``frozen``,
        so that an interrupt cannot leave a RUNNING record nobody knows about.
        """
        trial = Trial(self, frozen)
        with self._running_lock:
            self._running[trial._trial_id] = trial
            late = self._interrupted
        if late is not None:  # a worker thread started it after the interrupt's snapshot
            self.fail_interrupted(trial, late)
            return trial
        beat = heartbeater(self.storage)
        if beat is not None:
            beat.add(trial._trial_id)
        return trial

    def running_ids(self) -> set[int]:
        """The ids of the trials this object started and has not finished."""
        with self._running_lock:
            return set(self._running)

    def fail_running(self, exc: BaseException, keep: set[int] | None = None) -> None:
        """Record the trials this object started (except those in ``keep``) as interrupted
        by ``exc``; those already finished are left as they are."""
        with self._running_lock:
            self._interrupted = exc
            trials = [t for i, t in self._running.items() if keep is None or i not in keep]
        for trial in trials:
            self.fail_interrupted(trial, exc)

    def fail_interrupted(self, trial: Trial, exc: BaseException) -> None:
        """Record ``trial`` as interrupted by ``exc`` (unless it finished already) and, if it
        was a continuation, enqueue its retry."""
        reason = interrupt_reason(exc)
        with interrupts_deferred():
            frozen = self.finish(
                trial._trial_id, trial.number, TrialState.FAIL, None, reason, skip_if_finished=True
            )
            if frozen.state is TrialState.FAIL and frozen.fail_reason == reason:
                self._retry_interrupted(frozen)

    def _retry_interrupted(self, failed: FrozenTrial) -> None:
        """Enqueue the retry of an interrupted continuation (a paused trial's promotion, a
        population member's turn or clone), so that the next run goes on with it from the
        same checkpoint instead of losing the configuration. A fresh trial needs none: the
        sampler proposes anew."""
        if not is_continuation(failed):
            return
        storage = self.storage
        source = None
        of = failed.system_attrs.get(keys.CHECKPOINT_OF)
        try:
            if of is not None:
                source = storage.get_trial(storage.get_trial_id_from_number(self.study_id, int(of)))
            attrs = {
                keys.RETRY_OF: failed.system_attrs.get(keys.RETRY_OF, failed.number),
                keys.RETRIED_FROM: failed.number,
                keys.RETRY_COUNT: int(failed.system_attrs.get(keys.RETRY_COUNT, 0)),
            }
            with interrupts_deferred():
                storage.create_new_trial(
                    self.study_id, template=retry_template(failed, source, attrs)
                )
        except Exception as exc:  # the interrupt goes on; the member can be resumed by hand
            _logger.warning(
                "Could not enqueue the retry of interrupted trial %d: %s", failed.number, exc
            )

    def start_trial(self, max_trials: int | None) -> Trial | None:
        """Start the next trial (an enqueued one first) and run the sampler's trial hooks;
        ``None`` when the study already holds ``max_trials`` started trials."""
        with interrupts_deferred():
            frozen = self.storage.start_trial(self.study_id, max_trials)
            if frozen is None:
                return None
            trial = self.attach(frozen)
        return self._started(trial, frozen)

    def start_waiting(self) -> Trial | None:
        """Start the oldest enqueued (WAITING) trial; ``None`` when there is none."""
        with interrupts_deferred():
            frozen = self.storage.pop_waiting_trial(self.study_id)
            if frozen is None:
                return None
            trial = self.attach(frozen)
        return self._started(trial, frozen)

    def _started(self, trial: Trial, frozen: FrozenTrial) -> Trial:
        """Run the sampler's trial hooks on a new configuration (an enqueued continuation, a
        retry of one whose worker died, already has its parameters: no hooks)."""
        if is_continuation(frozen):
            return trial
        try:
            trial._start()
        except BaseException as exc:
            self.fail_at_start(trial, exc)
            raise
        return trial

    def ask_unless_exhausted(self, max_trials: int | None = None) -> Trial | None:
        """:meth:`start_trial`, or ``None`` when the sampler has nothing left to propose."""
        with self.sampler_lock:
            if self.sampler.is_exhausted(self.history()):
                return None
            return self.start_trial(max_trials)

    def fail_at_start(self, trial: Trial, exc: BaseException) -> None:
        self.finish(
            trial._trial_id, trial.number, TrialState.FAIL, None, f"{type(exc).__name__}: {exc}"
        )

    # -- finishing trials ---------------------------------------------------------------------
    def _sampler_finish(
        self, trial_id: int, state: TrialState, values: Any, reason: str | None
    ) -> tuple[TrialState, str | None]:
        """Store what the sampler's ``finish_trial`` returns (constraint values, ...); a
        raising hook fails the trial with the reason."""
        if type(self.sampler).finish_trial is Sampler.finish_trial:
            return state, reason
        try:
            frozen = replace(self.storage.get_trial(trial_id), state=state, values=values)
            for key, value in self.sampler.finish_trial(frozen).items():
                self.storage.set_trial_system_attr(trial_id, key, value)
        except UpdateFinishedTrialError:
            return state, reason  # told twice: the finish below reports it
        except Exception as exc:
            return TrialState.FAIL, f"the sampler's finish_trial raised {type(exc).__name__}: {exc}"
        return state, reason

    def finish(
        self,
        trial_id: int,
        number: int,
        state: TrialState,
        values: Any,
        reason: str | None,
        skip_if_finished: bool = False,
        exc_info: BaseException | None = None,
    ) -> FrozenTrial:
        """Record the end of a trial and log it (a failure with ``exc_info``'s traceback)."""
        converted: tuple[float, ...] | None = None
        if state is TrialState.COMPLETE:
            converted, problem = convert_values(values, len(self.directions))
            if problem is not None:
                state, reason = TrialState.FAIL, problem
        elif state is TrialState.PRUNED and len(self.directions) == 1:
            reports = self.storage.get_trial(trial_id).intermediate_values
            if reports:
                last = reports[max(reports)]
                converted = (float(last),) if last == last else None  # NaN: no value
        if state in (TrialState.COMPLETE, TrialState.PRUNED):
            state, reason = self._sampler_finish(trial_id, state, converted, reason)
            if state is TrialState.FAIL:
                converted = None
        beat = heartbeater(self.storage)
        if beat is not None:
            beat.remove(trial_id)
        with interrupts_deferred():
            recorded = self.storage.finish_trial(trial_id, state, converted, reason)
            with self._running_lock:
                self._running.pop(trial_id, None)
        if not recorded:
            if skip_if_finished:
                return self.storage.get_trial(trial_id)
            raise UpdateFinishedTrialError(
                f"Trial {number} has already finished and cannot be told again "
                "(pass skip_if_finished=True to ignore this)."
            )
        frozen = self.storage.get_trial(trial_id)
        if state is TrialState.FAIL:
            _logger.warning("Trial %d failed: %s", number, reason, exc_info=exc_info)
        elif _logger.isEnabledFor(20):
            self._log_finished(frozen)
        if isinstance(self.sampler, SamplerAdapter):  # a study-based sampler's after_trial
            with self.sampler_lock:
                self.sampler.trial_finished(self.history(), frozen)
        return frozen
