"""Pause and resume: checkpoints, promotion claims and continuation trials.

A scheduler that pauses trials (``scheduler.pauses_trials``) returns ``PAUSE`` decisions
and lists the paused trials it wants continued (``scheduler.promotions(history)``). Nothing
in storage knows about pausing:

* a paused trial is finished PRUNED with the system attribute ``paused_at`` (its step);
* to promote it, a free worker claims it — a compare-and-set on the study-level blob
  ``hypersweep.promotions`` (the numbers of the trials already claimed), so each paused trial
  is continued exactly once whatever the number of workers and processes — and starts a
  *continuation*: a new RUNNING trial with the same parameters, the reports up to the
  checkpoint's step, and the system attributes ``lineage`` (the configuration's first
  trial), ``resume_from`` (the paused trial), ``resume_step`` and ``checkpoint_of`` (the
  trial whose checkpoint it loads);
* the objective finds its state with ``trial.load_checkpoint()`` and goes on after
  ``trial.resume_step``.
"""

from __future__ import annotations

import datetime as _dt
import json
import pickle
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..schedulers._rungs import (
    LINEAGE_ATTR,
    PAUSED_AT_ATTR,
    RESUME_FROM_ATTR,
    RESUME_STEP_ATTR,
    Promotion,
)
from ..trial import FrozenTrial, History, TrialState
from ._lease import heartbeater

if TYPE_CHECKING:
    from ._optimize import LoopConfig, _Budget, _Progress
    from ._trial import Trial
    from .study import Study

__all__ = [
    "CHECKPOINT_OF_ATTR",
    "CHECKPOINT_STEP_ATTR",
    "LINEAGE_ATTR",
    "PAUSED_AT_ATTR",
    "RESUME_FROM_ATTR",
    "RESUME_STEP_ATTR",
]

#: On a trial that saved a checkpoint: the last step it had reported then.
CHECKPOINT_STEP_ATTR = "checkpoint_step"
#: On a continuation: the trial whose checkpoint ``load_checkpoint()`` returns.
CHECKPOINT_OF_ATTR = "checkpoint_of"
CHECKPOINT_KEY = "checkpoint"
CLAIMS_KEY = "hypersweep.promotions"
_RAW, _PICKLED = b"\x00", b"\x01"
_MAX_CLAIM_RETRIES = 1000
_POLL_S = (0.01, 0.5)  # first and longest wait of an idle worker polling the storage


# -- checkpoints -----------------------------------------------------------------------------
def encode_checkpoint(state: Any) -> bytes:
    """Bytes are kept as they are; anything else is pickled."""
    if isinstance(state, (bytes, bytearray, memoryview)):
        return _RAW + bytes(state)
    return _PICKLED + pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)


def decode_checkpoint(data: bytes) -> Any:
    if data[:1] == _RAW:
        return data[1:]
    if data[:1] == _PICKLED:
        return pickle.loads(data[1:])  # blobs this study's own workers wrote
    raise ValueError("This checkpoint was not written by Trial.save_checkpoint().")


def save_checkpoint(trial: Trial, state: Any) -> None:
    store_checkpoint(trial, encode_checkpoint(state), trial._view.last_step)


def store_checkpoint(trial: Trial, data: bytes, step: int | None) -> None:
    """Store an encoded checkpoint taken at ``step`` (the last step it includes)."""
    trial.study._storage.save_checkpoint(trial._trial_id, CHECKPOINT_KEY, data)
    trial.set_system_attr(CHECKPOINT_STEP_ATTR, step)


def load_checkpoint(trial: Trial) -> Any:
    study = trial.study
    attrs = trial._system_attrs
    if CHECKPOINT_STEP_ATTR in attrs:
        trial_id = trial._trial_id
    elif attrs.get(CHECKPOINT_OF_ATTR) is not None:
        number = int(attrs[CHECKPOINT_OF_ATTR])
        trial_id = study._storage.get_trial_id_from_number(study._study_id, number)
    else:
        return None
    return load_stored_checkpoint(study, trial_id)


def load_stored_checkpoint(study: Study, trial_id: int) -> Any:
    """The decoded checkpoint stored for ``trial_id`` (``None`` if none)."""
    data = study._storage.load_checkpoint(trial_id, CHECKPOINT_KEY)
    return None if data is None else decode_checkpoint(data)


# -- promotions ------------------------------------------------------------------------------
def pauses_trials(study: Study) -> bool:
    """Whether the study's scheduler pauses trials (and lists promotions)."""
    scheduler = study.scheduler
    return bool(getattr(scheduler, "pauses_trials", False)) and callable(
        getattr(scheduler, "promotions", None)
    )


def _claim(study: Study, candidates: Sequence[Promotion]) -> Promotion | None:
    """Claim the first candidate no other worker claimed (compare-and-set; exactly once)."""
    storage, study_id = study._storage, study._study_id
    for _ in range(_MAX_CLAIM_RETRIES):
        stored = storage.get_study_state(study_id, CLAIMS_KEY)
        claimed = set(json.loads(stored.data)) if stored is not None else set()
        todo = [p for p in candidates if p.trial_number not in claimed]
        if not todo:
            return None
        pick = todo[0]
        data = json.dumps(sorted(claimed | {pick.trial_number})).encode()
        if storage.compare_and_set_study_state(
            study_id, CLAIMS_KEY, data, stored.version if stored is not None else 0
        ):
            return pick
    raise RuntimeError(
        f"Could not claim a promotion: other workers kept writing first ({_MAX_CLAIM_RETRIES} "
        "attempts)."
    )


def continuation_template(history: History, paused: FrozenTrial) -> FrozenTrial:
    """The RUNNING record that continues ``paused`` from its latest checkpoint."""
    attrs = paused.system_attrs
    if CHECKPOINT_STEP_ATTR in attrs:
        source: int | None = paused.number
        step = attrs[CHECKPOINT_STEP_ATTR]
    else:
        source = attrs.get(CHECKPOINT_OF_ATTR)
        step = attrs.get(RESUME_STEP_ATTR) if source is not None else None
    resume_step = None if step is None else int(step)
    reports = {
        s: v
        for s, v in paused.intermediate_values.items()
        if resume_step is not None and s <= resume_step
    }
    system = {
        LINEAGE_ATTR: int(attrs.get(LINEAGE_ATTR, paused.number)),
        RESUME_FROM_ATTR: paused.number,
        RESUME_STEP_ATTR: resume_step,
    }
    if source is not None:
        system[CHECKPOINT_OF_ATTR] = int(source)
    return FrozenTrial(
        number=-1,
        state=TrialState.RUNNING,
        params=dict(paused.params),
        distributions=dict(paused.distributions),
        user_attrs=dict(paused.user_attrs),
        system_attrs=system,
        intermediate_values=reports,
        datetime_start=_dt.datetime.now(),
    )


def resume_promoted(study: Study) -> Trial | None:
    """Claim one promotion of the study's scheduler and start its continuation trial."""
    from ._trial import Trial

    history = study._history()
    candidates = study.scheduler.promotions(history)
    if not candidates:
        return None
    pick = _claim(study, candidates)
    if pick is None:
        return None
    paused = next(t for t in history.trials if t.number == pick.trial_number)
    frozen = study._storage.create_new_trial(
        study._study_id, template=continuation_template(history, paused)
    )
    trial = Trial(study, frozen)
    beat = heartbeater(study._storage)
    if beat is not None:
        beat.add(trial._trial_id)
    return trial


def n_continuations(study: Study) -> int:
    """How many of the study's records are continuations (not new configurations)."""
    trials = study._storage.get_all_trials(study._study_id)
    return sum(1 for t in trials if LINEAGE_ATTR in t.system_attrs)


def configurations_cap(study: Study, max_trials: int | None) -> int | None:
    """``max_trials`` counts configurations; the storage's cap counts records.

    Continuations are added to the cap as read now: one created by another worker after
    this read only makes the cap stricter for this start, so the study never starts more
    than ``max_trials`` configurations.
    """
    return None if max_trials is None else max_trials + n_continuations(study)


# -- the worker loop when trials pause -------------------------------------------------------
def _active(study: Study, config: LoopConfig) -> bool:
    if study._stop_flag:
        return False
    return config.deadline is None or time.time() < config.deadline


def resuming_worker_loop(
    study: Study,
    config: LoopConfig,
    budget: _Budget,
    progress: _Progress,
    idle: Any = None,
) -> None:
    """The worker loop for schedulers that pause trials.

    A free worker resumes a promoted trial if there is one; else it starts a new
    configuration while the budget (``n_trials``) lasts; else, while other trials still run
    (they may pause and free a promotion), it waits — with ``idle()`` of the executor when
    it has one (the simulated clock), else by polling — and exits when nothing can change.
    Continuations count neither against ``n_trials`` nor against ``max_trials`` (both count
    configurations); ``timeout`` and ``stop()`` end them too.
    """
    from ._lease import StaleTrialReaper

    reaper = StaleTrialReaper(study)
    new_configs = True
    pause = _POLL_S[0]
    while _active(study, config) and not budget.interrupted:
        reaper.maybe_reap()
        trial = resume_promoted(study)
        if trial is None and new_configs:
            if budget.take():
                trial = study._ask_unless_exhausted(configurations_cap(study, config.max_trials))
                if trial is None:  # sampler exhausted or max_trials reached
                    budget.give_back()
                    new_configs = False
            else:
                new_configs = False
        if trial is None:
            running = study._storage.get_n_trials(study._study_id, (TrialState.RUNNING,))
            if not running:
                return
            if idle is not None:
                if not idle():
                    return
            else:
                time.sleep(pause)
                pause = min(pause * 2, _POLL_S[1])
            continue
        pause = _POLL_S[0]
        frozen = budget.run(trial, config)
        if frozen is None:
            return
        progress.update(frozen)
        for callback in config.callbacks:
            callback(study, frozen)
        if config.gc_after_trial:
            import gc

            gc.collect()
