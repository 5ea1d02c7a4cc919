"""The storage protocol: where studies and trials live.

Every backend (memory now; SQL and journal files later) implements :class:`Storage`. The
contract, checked by :func:`hypersweep.testing.check_storage`:

* **Studies** have an id, a unique name, directions and attributes.
* **Trials** get consecutive numbers per study (0, 1, ...) and a storage-wide id. A trial is
  created RUNNING, or WAITING by :meth:`Storage.enqueue_trial`; :meth:`pop_waiting_trial`
  hands each WAITING trial to exactly one caller. :meth:`finish_trial` is a compare-and-set:
  it only finishes a RUNNING trial and reports whether it did, so two workers can never both
  finish one trial. A finished trial is immutable.
* Parameters are stored in their internal (float) form with their distribution; a name keeps
  one kind of distribution per study.
* **Leases**: a RUNNING trial carries a heartbeat time; :meth:`fail_stale_trials` turns
  trials whose heartbeat is older than a grace period into FAIL, with the reason recorded.
* **Study state**: versioned blobs per study and key (e.g. a sampler's shared state), updated
  by compare-and-set on the version, with no size limit visible to the caller.
* **Checkpoints**: blobs per trial and key (pause/resume, population based training);
  :meth:`Storage.delete_checkpoint` removes one (idempotent). A storage may name a
  ``checkpoint_store`` for large checkpoints (:mod:`hypersweep.storage.checkpoints`): the
  study keeps those there and only a small reference record here.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._internal.validation import check_float
from ..space import Distribution
from ..trial import FrozenTrial, StudyDirection, TrialState
from .checkpoints import (
    DEFAULT_CHECKPOINT_THRESHOLD,
    CheckpointStore,
    check_threshold,
    open_checkpoint_store,
)


@dataclass(frozen=True)
class StudyInfo:
    """A summary of one study, as listed by :meth:`Storage.get_all_studies`."""

    study_id: int
    study_name: str
    directions: tuple[StudyDirection, ...]
    n_trials: int
    user_attrs: Mapping[str, Any] = field(default_factory=dict)
    system_attrs: Mapping[str, Any] = field(default_factory=dict)
    datetime_start: _dt.datetime | None = None


@dataclass(frozen=True)
class VersionedState:
    """A study-level blob and its version (incremented by every successful write)."""

    version: int
    data: bytes


def _check_seconds(name: str, value: float | None) -> float | None:
    # Any bad value is a ValueError here, a wrong type included (as it always was).
    return check_float(
        name, value, greater_than=0, allow_none=True, type_error=ValueError, hint="(seconds)"
    )


STARTED_STATES = (TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)


class Storage:
    """Base class of the storage backends; see the module docstring for the contract.

    ``heartbeat_interval`` (seconds, ``None`` = no heartbeats) and ``grace_period`` tell the
    optimisation loop how often to renew the lease of a running trial and after how long
    without a heartbeat a trial counts as abandoned; ``failed_trial_callback(study, trial)``
    is called for each trial failed that way (see ``RetryFailedTrialCallback``).

    ``checkpoint_store`` (a :class:`~hypersweep.storage.checkpoints.CheckpointStore`, or
    ``None``: every checkpoint in this storage) is where checkpoints larger than
    ``checkpoint_threshold`` bytes go (``None``: none does); the study writes and follows
    the references (``hypersweep.study._checkpoints``).
    """

    heartbeat_interval: float | None = None
    grace_period: float | None = None
    shared_across_processes: bool = False
    failed_trial_callback: Callable[..., None] | None = None
    checkpoint_store: CheckpointStore | None = None
    checkpoint_threshold: int | None = DEFAULT_CHECKPOINT_THRESHOLD

    def _configure_checkpoints(
        self,
        checkpoint_store: CheckpointStore | str | os.PathLike[str] | None,
        checkpoint_threshold: int | None,
        default_store: Callable[[], CheckpointStore | None] | None = None,
    ) -> None:
        """Validate and set the checkpoint options; ``default_store()`` gives the store
        when none is given (a folder beside a SQLite or journal file)."""
        if checkpoint_store is not None:
            self.checkpoint_store = open_checkpoint_store(checkpoint_store)
        elif default_store is not None:
            self.checkpoint_store = default_store()
        else:
            self.checkpoint_store = None
        self.checkpoint_threshold = check_threshold(checkpoint_threshold)

    def _configure_leases(
        self,
        heartbeat_interval: float | None,
        grace_period: float | None,
        failed_trial_callback: Callable[..., None] | None,
    ) -> None:
        """Validate and set the lease options (for backends that take them)."""
        interval = _check_seconds("heartbeat_interval", heartbeat_interval)
        grace = _check_seconds("grace_period", grace_period)
        if interval is not None and grace is not None and grace <= interval:
            raise ValueError(
                f"grace_period ({grace:g} s) must be longer than heartbeat_interval "
                f"({interval:g} s), or live trials would be failed."
            )
        if failed_trial_callback is not None and not callable(failed_trial_callback):
            raise TypeError("failed_trial_callback must be callable or None.")
        self.heartbeat_interval = interval
        self.grace_period = grace
        self.failed_trial_callback = failed_trial_callback

    # -- studies ----------------------------------------------------------------------------
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        """Create a study and return its id; raises ``DuplicatedStudyError`` on a taken name."""
        raise NotImplementedError

    def delete_study(self, study_id: int) -> None:
        """Delete a study with all its trials."""
        raise NotImplementedError

    def get_study_id_from_name(self, study_name: str) -> int:
        """The id of the named study; raises ``StudyNotFoundError``."""
        raise NotImplementedError

    def get_study_name(self, study_id: int) -> str:
        """The name of a study."""
        raise NotImplementedError

    def get_study_directions(self, study_id: int) -> tuple[StudyDirection, ...]:
        """One direction per objective."""
        raise NotImplementedError

    def get_all_studies(self) -> list[StudyInfo]:
        """A summary of every study, ordered by id."""
        raise NotImplementedError

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        """Set a JSON-serialisable user attribute of a study."""
        raise NotImplementedError

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        """Set a JSON-serialisable system attribute of a study."""
        raise NotImplementedError

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        """The user attributes of a study."""
        raise NotImplementedError

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        """The system attributes of a study."""
        raise NotImplementedError

    # -- trials -----------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template: FrozenTrial | None = None) -> FrozenTrial:
        """Create a trial (RUNNING, or a copy of ``template``) and return it with its number."""
        raise NotImplementedError

    def enqueue_trial(
        self,
        study_id: int,
        params: Mapping[str, Any],
        user_attrs: Mapping[str, Any] | None = None,
        skip_if_exists: bool = False,
        system_attrs: Mapping[str, Any] | None = None,
    ) -> int | None:
        """Add a WAITING trial that will run with ``params``; return its id.

        ``params`` are kept in the system attribute ``fixed_params``; ``system_attrs`` are
        added beside it. With ``skip_if_exists``, nothing is added (and ``None`` returned)
        when a trial that did not FAIL was enqueued with exactly these params or ran with
        exactly these params; the check and the insert are one atomic step.
        """
        raise NotImplementedError

    def start_trial(self, study_id: int, max_trials: int | None = None) -> FrozenTrial | None:
        """Start the next trial: pop the oldest WAITING one, else create a RUNNING one.

        With ``max_trials``, return ``None`` instead when the study already holds that many
        started (non-WAITING) trials. Backends make the check and the start one atomic step,
        so a budget shared by many workers is exact. This default composes the other methods
        and is atomic only where they are.
        """
        if max_trials is not None and self.get_n_trials(study_id, STARTED_STATES) >= max_trials:
            return None
        return self.pop_waiting_trial(study_id) or self.create_new_trial(study_id)

    def pop_waiting_trial(self, study_id: int) -> FrozenTrial | None:
        """Atomically turn the oldest WAITING trial into RUNNING and return it (or ``None``)."""
        raise NotImplementedError

    def set_trial_param(
        self, trial_id: int, name: str, internal_value: float, distribution: Distribution
    ) -> None:
        """Record a parameter; ``ValueError`` if ``name`` has another kind in this study."""
        raise NotImplementedError

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, values: tuple[float, ...]
    ) -> None:
        """Record a report: one value per objective at ``step`` (a later report replaces it)."""
        raise NotImplementedError

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        """Set a user attribute of a RUNNING trial."""
        raise NotImplementedError

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        """Set a system attribute of a RUNNING or WAITING trial."""
        raise NotImplementedError

    def finish_trial(
        self,
        trial_id: int,
        state: TrialState,
        values: Sequence[float] | None = None,
        fail_reason: str | None = None,
    ) -> bool:
        """Finish a RUNNING trial; ``False`` (and no change) if it was not RUNNING."""
        raise NotImplementedError

    def get_trial(self, trial_id: int) -> FrozenTrial:
        """One trial by id; raises ``TrialNotFoundError``."""
        raise NotImplementedError

    def get_trial_id_from_number(self, study_id: int, number: int) -> int:
        """The id of trial ``number`` of a study; raises ``TrialNotFoundError``."""
        raise NotImplementedError

    def get_all_trials(
        self, study_id: int, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        """The trials of a study, ordered by number, optionally filtered by state."""
        raise NotImplementedError

    def get_n_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        """How many trials a study has (in the given states)."""
        return len(self.get_all_trials(study_id, states))

    def flush(self) -> None:
        """Make this process's buffered writes visible to other processes (default: none).

        Persistent backends may buffer a RUNNING trial's parameters and attributes and write
        them in one transaction; they flush at every report, when the trial finishes, at each
        heartbeat, and here.
        """

    def checkpoint(self) -> None:
        """Flush, and make the stored files self-contained (default: only flush).

        Called at the end of every ``optimize``. The SQLite storage moves its write-ahead log
        (``study.db-wal``) into ``study.db`` here, so a copy of the .db file alone holds every
        trial finished so far. It must be safe while other processes use the storage: never
        wait for them, never lose or block their writes.
        """
        self.flush()

    # -- leases -----------------------------------------------------------------------------
    def heartbeat(self, trial_id: int) -> None:
        """Renew the lease of a RUNNING trial (its worker is alive)."""
        raise NotImplementedError

    def fail_stale_trials(self, study_id: int, grace_seconds: float) -> list[int]:
        """FAIL the RUNNING trials whose last heartbeat is older than ``grace_seconds``.

        Returns the numbers of the trials it failed.
        """
        raise NotImplementedError

    # -- study-level state -------------------------------------------------------------------
    def get_study_state(self, study_id: int, key: str) -> VersionedState | None:
        """The latest version of a study-level blob, or ``None`` if never written."""
        raise NotImplementedError

    def compare_and_set_study_state(
        self, study_id: int, key: str, data: bytes, expected_version: int
    ) -> bool:
        """Write ``data`` as version ``expected_version + 1`` if the stored version is
        ``expected_version`` (0 = never written); ``False`` if someone wrote first."""
        raise NotImplementedError

    # -- checkpoints -------------------------------------------------------------------------
    def save_checkpoint(self, trial_id: int, key: str, data: bytes) -> None:
        """Store (or replace) a checkpoint blob of a trial."""
        raise NotImplementedError

    def load_checkpoint(self, trial_id: int, key: str) -> bytes | None:
        """A checkpoint blob of a trial, or ``None``."""
        raise NotImplementedError

    def delete_checkpoint(self, trial_id: int, key: str) -> None:
        """Remove a checkpoint blob of a trial (RUNNING or finished). Idempotent: deleting
        one that is not there (never saved, deleted already, or of a trial that does not
        exist) does nothing."""
        raise NotImplementedError

    def close(self) -> None:
        """Release connections and files (no-op for memory)."""
