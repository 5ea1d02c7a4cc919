"""Promotions: claiming a paused trial exactly once and starting its continuation.

A scheduler that pauses trials (``scheduler.pauses_trials``) returns ``PAUSE`` decisions and
lists the paused trials it wants continued as :class:`~hypersweep.trial.Promotion` records
(``scheduler.promotions(history)``). Nothing in storage knows about pausing:

* a paused trial is finished PRUNED with the system attribute ``paused_at`` (its step);
* to promote it, a free worker claims it — a compare-and-set on the study-level record
  ``hypersweep.promotions`` (the numbers of the trials already claimed), so each paused trial
  is continued exactly once whatever the number of workers and processes — and starts the
  continuation record :func:`hypersweep.trial.lineage.continuation_template` builds (the
  same configuration from its checkpoint, or a clone of another trial with new parameters);
* the objective finds its state with ``trial.load_checkpoint()`` and goes on after
  ``trial.resume_step``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._internal.logging import get_logger
from .._internal.signals import interrupts_deferred
from ..storage import Storage
from ..trial import FrozenTrial, TrialState, keys
from ..trial.lineage import Promotion, continuation_template, is_continuation
from ._checkpoints import encode_checkpoint, load_stored_checkpoint

if TYPE_CHECKING:
    from ._core import StudyCore
    from ._trial import Trial

_MAX_CLAIM_RETRIES = 1000
_logger = get_logger("study")


def claim(storage: Storage, study_id: int, candidates: Sequence[Promotion]) -> Promotion | None:
    """Claim the first candidate no other worker claimed (compare-and-set; exactly once)."""
    for _ in range(_MAX_CLAIM_RETRIES):
        stored = storage.get_study_state(study_id, keys.PROMOTION_CLAIMS)
        claimed = set(json.loads(stored.data)) if stored is not None else set()
        todo = [p for p in candidates if p.trial_number not in claimed]
        if not todo:
            return None
        pick = todo[0]
        data = json.dumps(sorted(claimed | {pick.trial_number})).encode()
        if storage.compare_and_set_study_state(
            study_id, keys.PROMOTION_CLAIMS, data, stored.version if stored is not None else 0
        ):
            return pick
    raise RuntimeError(
        f"Could not claim a promotion: other workers kept writing first ({_MAX_CLAIM_RETRIES} "
        "attempts)."
    )


def resume_promoted(core: StudyCore) -> Trial | None:
    """Claim one promotion of the study's scheduler and start its continuation trial."""
    if not core.scheduler.pauses_trials:
        return None
    history = core.history()
    candidates = core.scheduler.promotions(history)
    if not candidates:
        return None
    by_number = {t.number: t for t in history.trials}
    # Claim and start the continuation as one step an interrupt cannot cut in two: a claimed
    # promotion without its continuation would lose the member for good.
    with interrupts_deferred():
        pick = claim(core.storage, core.study_id, candidates)
        if pick is None:
            return None
        paused = by_number[pick.trial_number]
        source = None
        if pick.clone_of is not None and pick.clone_of in by_number:
            # Read afresh: a running source may have saved a newer checkpoint since.
            source = core.storage.get_trial(by_number[pick.clone_of].trial_id)
        try:
            template = continuation_template(paused, pick, source)
        except ValueError as exc:  # a scheduler's bad clone must not lose the member
            _logger.warning("Trial %d continues as it was: %s", paused.number, exc)
            source = None
            template = continuation_template(paused, Promotion(pick.trial_number, pick.step))
        frozen = core.storage.create_new_trial(core.study_id, template=template)
        trial = core.attach(frozen)
    if source is not None and _may_still_save(source):
        try:
            _pin_checkpoint(core, trial, source)
        except BaseException as exc:
            core.fail_at_start(trial, exc)
            raise
    return trial


def _may_still_save(source: FrozenTrial) -> bool:
    """Whether ``source`` is running with a checkpoint of its own, which it may replace."""
    return source.state is TrialState.RUNNING and keys.CHECKPOINT_STEP in source.system_attrs


def _pin_checkpoint(core: StudyCore, clone: Trial, source: FrozenTrial) -> None:
    """Give ``clone`` its own copy of the running ``source``'s checkpoint, so that the state
    it loads is the one taken at its ``resume_step``, whatever ``source`` saves later."""
    state = load_stored_checkpoint(core.storage, source.trial_id)
    if state is not None:
        clone._store_checkpoint(encode_checkpoint(state), clone.resume_step)


def n_continuations(storage: Storage, study_id: int) -> int:
    """How many of the study's started records are continuations (not new configurations;
    a WAITING one, a retry not started yet, is not counted: neither are WAITING trials in
    the storage's count of started trials)."""
    return sum(
        1
        for t in storage.get_all_trials(study_id)
        if t.state is not TrialState.WAITING and is_continuation(t)
    )


def configurations_cap(storage: Storage, study_id: int, max_trials: int | None) -> int | None:
    """``max_trials`` counts configurations; the storage's cap counts records.

    Continuations are added to the cap as read now: one created by another worker after
    this read only makes the cap stricter for this start, so the study never starts more
    than ``max_trials`` configurations.
    """
    return None if max_trials is None else max_trials + n_continuations(storage, study_id)
