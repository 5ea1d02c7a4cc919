"""Checkpoint retention: deleting the checkpoints that nothing can load any more.

With a scheduler that pauses trials every pause stores a checkpoint, and checkpoints can be
hundreds of MB. :func:`unneeded_checkpoints` says, from the trial records alone, which
finished records' checkpoints no continuation, clone or result can load any more;
:class:`CheckpointRetention` deletes them (the storage's record and its blob in the
checkpoint store) after each trial a worker finishes, unless the run keeps them all
(``checkpoint_retention="all"``).

A finished record's checkpoint is **needed** when it is the checkpoint
(:func:`~hypersweep.trial.lineage.checkpoint_source`) of:

* a COMPLETE record (the final models: ``TuneResult.best_checkpoint``);
* a paused record (PRUNED with ``paused_at``) not yet continued by a started record (a
  promotion may continue it, or a population based training member clone it);
* a RUNNING or WAITING record, which also keeps the checkpoint it resumed from
  (``checkpoint_of``) after saving its own, so that a retry can start there again;
* a failed continuation that no retry replaces yet (its own checkpoint and the one it
  resumed from: ``RetryFailedTrialCallback`` may still enqueue a retry);
* with ``recent`` (``PBTScheduler``, asynchronous): what a clone may still pick, every
  member's records from the smallest step at which a member waits (or a running one
  started) on, and its latest one before;
* with ``synch_rounds`` (``PBTScheduler(synch=True)``): the records of the open round, which
  the round's clones pick from: for every member, its record of the round's pause, and
  every record whose checkpoint step is at least the smallest step at which a member waits.

Everything else that has a checkpoint can go: paused records whose continuation saved its
own checkpoint or finished, trials pruned for good, failed trials that were not
continuations. Records are immutable once finished, so a deleted checkpoint is not marked
on its record: the rules above make sure that no scheduler names it again (a running
record's own checkpoint is never deleted).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from .._internal.logging import get_logger
from ..trial import FrozenTrial, TrialState, keys
from ..trial.lineage import checkpoint_source, member_chains, replaced_by_retries
from ._checkpoints import delete_stored_checkpoint

if TYPE_CHECKING:
    from ._core import StudyCore

#: The values of ``checkpoint_retention``: delete what nothing needs, or keep everything.
RETENTION_MODES = ("needed", "all")
_UNFINISHED = (TrialState.RUNNING, TrialState.WAITING)
_logger = get_logger("study.retention")


def check_retention(mode: object) -> str:
    """``mode`` if it is one of :data:`RETENTION_MODES`, else ``ValueError``."""
    if not isinstance(mode, str) or mode not in RETENTION_MODES:
        raise ValueError(
            f"checkpoint_retention must be 'needed' (delete the checkpoints nothing can load "
            f"any more) or 'all' (keep every checkpoint), got {mode!r}."
        )
    return mode


def _has_checkpoint(trial: FrozenTrial) -> bool:
    return keys.CHECKPOINT_STEP in trial.system_attrs


def unneeded_checkpoints(
    trials: Iterable[FrozenTrial], *, synch_rounds: bool = False, recent: bool = False
) -> list[int]:
    """The numbers of the finished records whose checkpoint can be deleted (see the module
    docstring for the rules), in increasing order.

    >>> from hypersweep.trial import FrozenTrial, TrialState, keys
    >>> paused = FrozenTrial(number=0, state=TrialState.PRUNED,
    ...                      system_attrs={keys.PAUSED_AT: 4, keys.CHECKPOINT_STEP: 4})
    >>> done = FrozenTrial(number=1, state=TrialState.COMPLETE,
    ...                    system_attrs={keys.RESUME_FROM: 0, keys.RESUME_STEP: 4,
    ...                                  keys.CHECKPOINT_OF: 0, keys.CHECKPOINT_STEP: 8})
    >>> unneeded_checkpoints([paused, done])
    [0]
    """
    trials = sorted(trials, key=lambda t: t.number)
    replaced = replaced_by_retries(trials)
    needed: set[int] = set()

    def keep(number: Any) -> None:
        if number is not None:
            needed.add(int(number))

    def keep_source(trial: FrozenTrial) -> None:
        keep(checkpoint_source(trial)[0])

    # Continued: a started record resumes from it (a WAITING retry, or a failed record that
    # a retry replaces, does not count: the paused record still heads its member then).
    continued = {
        int(t.system_attrs[keys.RESUME_FROM])
        for t in trials
        if keys.RESUME_FROM in t.system_attrs
        and t.state is not TrialState.WAITING
        and not (t.state is TrialState.FAIL and t.number in replaced)
    }
    waiting_at: list[int] = []
    for t in trials:
        attrs = t.system_attrs
        if t.state is TrialState.COMPLETE:
            keep_source(t)
        elif t.state in _UNFINISHED:
            keep_source(t)
            keep(attrs.get(keys.CHECKPOINT_OF))
            if t.state is TrialState.RUNNING:
                waiting_at.append(int(attrs.get(keys.RESUME_STEP) or 0))
        elif t.state is TrialState.PRUNED and attrs.get(keys.PAUSED_AT) is not None:
            if t.number not in continued:
                keep_source(t)
                waiting_at.append(int(attrs[keys.PAUSED_AT]))
        elif t.state is TrialState.FAIL and keys.RESUME_FROM in attrs and t.number not in replaced:
            keep_source(t)
            keep(attrs.get(keys.CHECKPOINT_OF))
    if recent and waiting_at:
        _keep_recent(trials, min(waiting_at), keep_source)
    if synch_rounds and waiting_at:
        _keep_round(trials, min(waiting_at), keep_source)
    return [
        t.number
        for t in trials
        if t.state.is_finished() and _has_checkpoint(t) and t.number not in needed
    ]


def _keep_recent(
    trials: list[FrozenTrial], lowest: int, keep_source: Callable[[FrozenTrial], None]
) -> None:
    """Keep what an asynchronous population based training clone may pick: it compares
    members as they stood at its own step (at least ``lowest``, the smallest step at which a
    member waits or a running one started) and loads that record of a top member. So keep,
    for every member, its records that ended at ``lowest`` or later, and its latest one that
    ended before."""
    for chain in member_chains(trials):
        before = None
        for t in chain:
            at = t.system_attrs.get(keys.PAUSED_AT)
            end = int(at) if at is not None else t.last_step
            if end is None or end < lowest:
                before = t
            else:
                keep_source(t)
        if before is not None:
            keep_source(before)


def _keep_round(
    trials: list[FrozenTrial], lowest_pause: int, keep_source: Callable[[FrozenTrial], None]
) -> None:
    """Keep what a synchronous round's clones may pick: each member's record of the round
    (``PBTScheduler``: the round is the smallest pause count of a paused member), and every
    checkpoint taken at or after the smallest step at which a member waits."""
    chains = member_chains(trials)
    paused = [
        len(chain)
        for chain in chains
        if chain[-1].state is TrialState.PRUNED and keys.PAUSED_AT in chain[-1].system_attrs
    ]
    if paused:
        rnd = min(paused)
        for chain in chains:
            if len(chain) >= rnd:
                keep_source(chain[rnd - 1])
    for t in trials:
        step = t.system_attrs.get(keys.CHECKPOINT_STEP)
        if step is not None and int(step) >= lowest_pause:
            keep_source(t)


class CheckpointRetention:
    """Deletes the checkpoints nothing needs (:func:`unneeded_checkpoints`) after each trial
    the workers of this process finish.

    Cheap when there is nothing to do: one read of the study's records, and the rules run
    only when a finished record with a checkpoint that this object has not deleted yet
    exists. One pass at a time per process; a trial that finishes during a pass makes it
    run once more. A checkpoint that cannot be deleted is logged and skipped.
    """

    def __init__(self, core: StudyCore) -> None:
        self._core = core
        scheduler = core.scheduler
        sources = getattr(scheduler, "clone_sources", None)
        self._synch_rounds = sources == "rounds"
        self._recent = sources == "recent"
        self._deleted: set[int] = set()
        self._lock = threading.Lock()
        self._busy = False
        self._again = False

    @property
    def deleted(self) -> frozenset[int]:
        """The numbers of the trials whose checkpoint this object deleted."""
        return frozenset(self._deleted)

    def collect(self) -> None:
        """Delete the checkpoints that nothing needs any more (see the class docstring)."""
        with self._lock:
            self._again = True
            if self._busy:
                return  # the running pass goes round once more
            self._busy = True
        try:
            while True:
                with self._lock:
                    if not self._again:
                        self._busy = False
                        return
                    self._again = False
                self._collect_once()
        except BaseException:
            with self._lock:
                self._busy = False
            raise

    def _collect_once(self) -> None:
        core = self._core
        storage = core.storage
        trials = storage.get_all_trials(core.study_id)
        deleted = self._deleted
        if not any(
            t.state.is_finished() and _has_checkpoint(t) and t.number not in deleted for t in trials
        ):
            return
        ids = {t.number: t.trial_id for t in trials}
        for number in unneeded_checkpoints(
            trials, synch_rounds=self._synch_rounds, recent=self._recent
        ):
            if number in deleted:
                continue
            try:
                delete_stored_checkpoint(storage, ids[number])
            except Exception as exc:  # clean-up must not stop the study
                _logger.warning("Could not delete the checkpoint of trial %d: %s", number, exc)
                continue
            deleted.add(number)
