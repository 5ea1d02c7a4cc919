"""Ready-made callbacks for ``Study.optimize``."""

from __future__ import annotations

from collections.abc import Container
from typing import TYPE_CHECKING

from ..trial import FrozenTrial, TrialState, keys
from ..trial.lineage import retry_template

if TYPE_CHECKING:
    from .study import Study


class MaxTrialsCallback:
    """Stop the study once it holds ``n_trials`` trials in ``states`` — a budget for the whole
    study, however many ``optimize`` calls or workers share it.

    >>> import hypersweep as hs
    >>> study = hs.create_study()
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10,
    ...                callbacks=[hs.MaxTrialsCallback(3)])
    >>> len(study.trials)
    3
    """

    def __init__(
        self,
        n_trials: int,
        states: Container[TrialState] | None = (TrialState.COMPLETE,),
    ) -> None:
        if isinstance(n_trials, bool) or not isinstance(n_trials, int) or n_trials < 1:
            raise ValueError(f"n_trials must be an int >= 1, got {n_trials!r}.")
        self.n_trials = n_trials
        self.states = states

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        if study.storage.get_n_trials(study._study_id, self.states) >= self.n_trials:
            study.stop()


RETRY_OF_ATTR = keys.RETRY_OF
RETRY_COUNT_ATTR = keys.RETRY_COUNT
RETRIED_FROM_ATTR = keys.RETRIED_FROM


class RetryFailedTrialCallback:
    """Re-run a trial whose worker died (no heartbeat within the grace period).

    Give it to a storage as ``failed_trial_callback``: the abandoned trial stays FAIL, and a
    new trial with the same parameters is enqueued, carrying ``retry_of`` (the number of the
    first attempt), ``retried_from`` (the attempt it replaces) and ``retry_count`` system
    attributes. At most ``max_retry`` retries per original trial (``None``: no limit).

    The retry of a *continuation* (a paused trial's continuation: an ASHA promotion, a PBT
    member's next turn or clone) is again a continuation of the same paused trial: it keeps
    the lineage attributes and the reports it resumed after, and loads the same checkpoint
    (:func:`hypersweep.trial.lineage.retry_template`). Schedulers count it in place of the
    failed record, so the member or configuration goes on; workers start such a retry
    before anything else, outside the trial budget.

    >>> import hypersweep as hs
    >>> storage = hs.storages.InMemoryStorage()
    >>> storage.failed_trial_callback = hs.RetryFailedTrialCallback(max_retry=1)
    """

    def __init__(self, max_retry: int | None = 3) -> None:
        if max_retry is not None and (
            isinstance(max_retry, bool) or not isinstance(max_retry, int) or max_retry < 0
        ):
            raise ValueError(f"max_retry must be an int >= 0 or None, got {max_retry!r}.")
        self.max_retry = max_retry

    def __call__(self, study: Study, trial: FrozenTrial) -> None:
        count = int(trial.system_attrs.get(RETRY_COUNT_ATTR, 0))
        if self.max_retry is not None and count >= self.max_retry:
            return
        attrs = {
            RETRY_OF_ATTR: trial.system_attrs.get(RETRY_OF_ATTR, trial.number),
            RETRIED_FROM_ATTR: trial.number,
            RETRY_COUNT_ATTR: count + 1,
        }
        if keys.RESUME_FROM in trial.system_attrs:
            study.add_trial(retry_template(trial, _checkpoint_record(study, trial), attrs))
            return
        # Parameters a dead worker never flushed are still known if they were enqueued.
        params = {**(trial.system_attrs.get(keys.FIXED_PARAMS) or {}), **trial.params}
        study._enqueue_retry(params, attrs)

    @staticmethod
    def retried_trial_number(trial: FrozenTrial) -> int | None:
        """The number of the first attempt this trial retries (``None`` if not a retry)."""
        value = trial.system_attrs.get(RETRY_OF_ATTR)
        return None if value is None else int(value)


def _checkpoint_record(study: Study, trial: FrozenTrial) -> FrozenTrial | None:
    """The record whose checkpoint the continuation ``trial`` loaded (``None`` if none)."""
    number = trial.system_attrs.get(keys.CHECKPOINT_OF)
    if number is None:
        return None
    storage = study.storage
    return storage.get_trial(storage.get_trial_id_from_number(study._study_id, int(number)))
