"""In-memory storage: fast, thread-safe, gone when the process ends."""

from __future__ import annotations

import datetime as _dt
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Container, Mapping, Sequence
from typing import Any, TypeVar

from .._internal.exceptions import (
    DuplicatedStudyError,
    StudyNotFoundError,
    TrialNotFoundError,
    UpdateFinishedTrialError,
)
from ..space import Distribution, check_compatible
from ..trial import FrozenTrial, StudyDirection, TrialState, keys
from .base import Storage, StudyInfo, VersionedState
from .checkpoints import DEFAULT_CHECKPOINT_THRESHOLD, CheckpointStore

FIXED_PARAMS_ATTR = keys.FIXED_PARAMS
_T = TypeVar("_T")


class TrialRecord:
    """One trial as :class:`InMemoryStorage` keeps it: live, so read-only outside the storage."""

    __slots__ = (
        "checkpoints",
        "datetime_complete",
        "datetime_start",
        "distributions",
        "fail_reason",
        "frozen",
        "heartbeat",
        "intermediate",
        "number",
        "params",
        "state",
        "study",
        "system_attrs",
        "trial_id",
        "user_attrs",
        "values",
    )

    def __init__(self, trial_id: int, study: StudyRecord, number: int, state: TrialState) -> None:
        self.trial_id = trial_id
        self.study = study
        self.number = number
        self.state = state
        self.values: tuple[float, ...] | None = None
        self.params: dict[str, Any] = {}
        self.distributions: dict[str, Distribution] = {}
        self.user_attrs: dict[str, Any] = {}
        self.system_attrs: dict[str, Any] = {}
        self.intermediate: dict[int, tuple[float, ...]] = {}
        self.datetime_start: _dt.datetime | None = None
        self.datetime_complete: _dt.datetime | None = None
        self.fail_reason: str | None = None
        self.heartbeat = 0.0
        self.checkpoints: dict[str, bytes] = {}
        self.frozen: FrozenTrial | None = None

    def snapshot(self) -> FrozenTrial:
        frozen = self.frozen
        if frozen is None:
            single = len(self.study.directions) == 1
            frozen = FrozenTrial(
                number=self.number,
                state=self.state,
                values=self.values,
                params=dict(self.params),
                distributions=dict(self.distributions),
                user_attrs=dict(self.user_attrs),
                system_attrs=dict(self.system_attrs),
                intermediate_values={
                    s: (v[0] if single else v) for s, v in self.intermediate.items()
                },
                datetime_start=self.datetime_start,
                datetime_complete=self.datetime_complete,
                trial_id=self.trial_id,
                fail_reason=self.fail_reason,
            )
            self.frozen = frozen
        return frozen


class StudyRecord:
    """One study as :class:`InMemoryStorage` keeps it: live, so read-only outside the storage."""

    __slots__ = (
        "datetime_start",
        "directions",
        "name",
        "param_distributions",
        "state",
        "study_id",
        "system_attrs",
        "trials",
        "user_attrs",
        "waiting",
    )

    def __init__(
        self,
        study_id: int,
        name: str,
        directions: tuple[StudyDirection, ...],
        datetime_start: _dt.datetime,
    ) -> None:
        self.study_id = study_id
        self.name = name
        self.directions = directions
        self.user_attrs: dict[str, Any] = {}
        self.system_attrs: dict[str, Any] = {}
        self.trials: list[TrialRecord] = []
        self.param_distributions: dict[str, Distribution] = {}
        self.state: dict[str, VersionedState] = {}
        self.waiting: deque[TrialRecord] = deque()
        self.datetime_start = datetime_start


class InMemoryStorage(Storage):
    """Keep studies in this process's memory (the default of ``create_study``).

    Thread-safe, so ``optimize(n_jobs=k)`` with threads shares it; not shared between
    processes. Checkpoints stay in memory unless a ``checkpoint_store`` is given (then those
    above ``checkpoint_threshold`` bytes go there; see :class:`Storage`).

    >>> import hypersweep as hs
    >>> storage = hs.storages.InMemoryStorage()
    >>> study = hs.create_study(storage=storage, study_name="demo")
    >>> hs.get_all_study_names(storage)
    ['demo']
    """

    def __init__(
        self,
        *,
        checkpoint_store: CheckpointStore | str | os.PathLike[str] | None = None,
        checkpoint_threshold: int | None = DEFAULT_CHECKPOINT_THRESHOLD,
    ) -> None:
        self._configure_checkpoints(checkpoint_store, checkpoint_threshold)
        self._lock = threading.RLock()
        self._studies: dict[int, StudyRecord] = {}
        self._names: dict[str, int] = {}
        self._trials: dict[int, TrialRecord] = {}
        self._next_study_id = 0
        self._next_trial_id = 0
        # The clock behind every recorded time (seconds since the epoch); :meth:`replay`
        # fixes it to the time written in an operation, so replay is deterministic.
        self._now: Callable[[], float] = time.time

    # -- replay: for a store that keeps its studies by replaying a log into this one ---------
    def replay(self, timestamp: float, operation: Callable[..., _T], /, *args: Any) -> _T:
        """Apply one recorded operation as of ``timestamp``; return what it returns.

        ``operation`` is a call on this storage (a method, or a function calling several),
        applied with ``args`` under this storage's lock. Every time it records (trial starts
        and completions, heartbeats, a study's creation) is ``timestamp`` (seconds since the
        epoch), and a stale-trial deadline is counted from it: replaying the same operations
        with the same timestamps always builds the same studies. The journal storage replays
        its log this way.
        """
        with self._lock:
            saved = self._now
            self._now = lambda: timestamp
            try:
                return operation(*args)
            finally:
                self._now = saved

    def has_study_named(self, study_name: str) -> bool:
        """Whether a study is named ``study_name`` (never raises)."""
        with self._lock:
            return study_name in self._names

    def study_record(self, study_id: int) -> StudyRecord:
        """The live record of a study (read-only); :class:`StudyNotFoundError` if none."""
        with self._lock:
            return self._study(study_id)

    def trial_record(self, trial_id: int) -> TrialRecord:
        """The live record of a trial (read-only); :class:`TrialNotFoundError` if none."""
        with self._lock:
            return self._trial(trial_id)

    def find_trial_record(self, trial_id: int) -> TrialRecord | None:
        """The live record of a trial (read-only), or ``None`` if there is none."""
        return self._trials.get(trial_id)

    # -- helpers ----------------------------------------------------------------------------
    def _study(self, study_id: int) -> StudyRecord:
        try:
            return self._studies[study_id]
        except KeyError:
            raise StudyNotFoundError(f"No study with id {study_id}.") from None

    def _trial(self, trial_id: int) -> TrialRecord:
        try:
            return self._trials[trial_id]
        except KeyError:
            raise TrialNotFoundError(f"No trial with id {trial_id}.") from None

    def _running(self, trial_id: int, allow_waiting: bool = False) -> TrialRecord:
        rec = self._trial(trial_id)
        if rec.state is not TrialState.RUNNING and not (
            allow_waiting and rec.state is TrialState.WAITING
        ):
            raise UpdateFinishedTrialError(
                f"Trial {rec.number} is {rec.state.name}; only a RUNNING trial can be changed."
            )
        rec.frozen = None
        return rec

    def _new_trial(self, study: StudyRecord, state: TrialState) -> TrialRecord:
        rec = TrialRecord(self._next_trial_id, study, len(study.trials), state)
        self._next_trial_id += 1
        study.trials.append(rec)
        self._trials[rec.trial_id] = rec
        return rec

    # -- studies ----------------------------------------------------------------------------
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        with self._lock:
            name = study_name if study_name is not None else f"no-name-{uuid.uuid4()}"
            if name in self._names:
                raise DuplicatedStudyError(
                    f"A study named {name!r} already exists; pick another name or pass "
                    "load_if_exists=True."
                )
            study_id = self._next_study_id
            self._next_study_id += 1
            self._studies[study_id] = StudyRecord(
                study_id, name, tuple(directions), _dt.datetime.fromtimestamp(self._now())
            )
            self._names[name] = study_id
            return study_id

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            study = self._study(study_id)
            for rec in study.trials:
                del self._trials[rec.trial_id]
            del self._names[study.name]
            del self._studies[study_id]

    def get_study_id_from_name(self, study_name: str) -> int:
        with self._lock:
            try:
                return self._names[study_name]
            except KeyError:
                raise StudyNotFoundError(f"No study named {study_name!r}.") from None

    def get_study_name(self, study_id: int) -> str:
        with self._lock:
            return self._study(study_id).name

    def get_study_directions(self, study_id: int) -> tuple[StudyDirection, ...]:
        with self._lock:
            return self._study(study_id).directions

    def get_all_studies(self) -> list[StudyInfo]:
        with self._lock:
            return [
                StudyInfo(
                    study_id=s.study_id,
                    study_name=s.name,
                    directions=s.directions,
                    n_trials=len(s.trials),
                    user_attrs=dict(s.user_attrs),
                    system_attrs=dict(s.system_attrs),
                    datetime_start=s.datetime_start,
                )
                for s in sorted(self._studies.values(), key=lambda s: s.study_id)
            ]

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._study(study_id).user_attrs[key] = value

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._study(study_id).system_attrs[key] = value

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return dict(self._study(study_id).user_attrs)

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        with self._lock:
            return dict(self._study(study_id).system_attrs)

    # -- trials -----------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template: FrozenTrial | None = None) -> FrozenTrial:
        with self._lock:
            study = self._study(study_id)
            if template is None:
                rec = self._new_trial(study, TrialState.RUNNING)
                now = self._now()
                rec.datetime_start = _dt.datetime.fromtimestamp(now)
                rec.heartbeat = now
                return rec.snapshot()
            for name, dist in template.distributions.items():
                self._check_param(study, name, dist)
            rec = self._new_trial(study, template.state)
            rec.values = None if template.values is None else tuple(template.values)
            rec.params = dict(template.params)
            rec.distributions = dict(template.distributions)
            rec.user_attrs = dict(template.user_attrs)
            rec.system_attrs = dict(template.system_attrs)
            single = len(study.directions) == 1
            rec.intermediate = {
                int(s): ((float(v),) if single else tuple(float(x) for x in v))
                for s, v in template.intermediate_values.items()
            }
            rec.datetime_start = template.datetime_start
            rec.datetime_complete = template.datetime_complete
            rec.fail_reason = template.fail_reason
            if rec.state is TrialState.WAITING:
                study.waiting.append(rec)
            elif rec.state is TrialState.RUNNING:
                rec.heartbeat = self._now()
            return rec.snapshot()

    def enqueue_trial(
        self,
        study_id: int,
        params: Mapping[str, Any],
        user_attrs: Mapping[str, Any] | None = None,
        skip_if_exists: bool = False,
        system_attrs: Mapping[str, Any] | None = None,
    ) -> int | None:
        with self._lock:
            study = self._study(study_id)
            params = dict(params)
            if skip_if_exists:
                for rec in study.trials:
                    if rec.state is not TrialState.FAIL and (
                        rec.system_attrs.get(FIXED_PARAMS_ATTR) == params or rec.params == params
                    ):
                        return None
            rec = self._new_trial(study, TrialState.WAITING)
            rec.system_attrs.update(system_attrs or {})
            rec.system_attrs[FIXED_PARAMS_ATTR] = params
            rec.user_attrs = dict(user_attrs or {})
            study.waiting.append(rec)
            return rec.trial_id

    def start_trial(self, study_id: int, max_trials: int | None = None) -> FrozenTrial | None:
        with self._lock:
            if max_trials is not None:
                study = self._study(study_id)
                if len(study.trials) - len(study.waiting) >= max_trials:
                    return None
            return self.pop_waiting_trial(study_id) or self.create_new_trial(study_id)

    def pop_waiting_trial(self, study_id: int) -> FrozenTrial | None:
        with self._lock:
            waiting = self._study(study_id).waiting
            while waiting:
                rec = waiting.popleft()
                if rec.state is TrialState.WAITING:
                    rec.state = TrialState.RUNNING
                    now = self._now()
                    rec.datetime_start = _dt.datetime.fromtimestamp(now)
                    rec.heartbeat = now
                    rec.frozen = None
                    return rec.snapshot()
            return None

    @staticmethod
    def _check_param(study: StudyRecord, name: str, dist: Distribution) -> None:
        known = study.param_distributions.get(name)
        if known is None:
            study.param_distributions[name] = dist
        elif known is not dist and known != dist:
            check_compatible(name, known, dist)

    def set_trial_param(
        self, trial_id: int, name: str, internal_value: float, distribution: Distribution
    ) -> None:
        with self._lock:
            rec = self._running(trial_id)
            self._check_param(rec.study, name, distribution)
            rec.params[name] = distribution.to_external(internal_value)
            rec.distributions[name] = distribution

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, values: tuple[float, ...]
    ) -> None:
        with self._lock:
            self._running(trial_id).intermediate[step] = values

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._running(trial_id).user_attrs[key] = value

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        with self._lock:
            self._running(trial_id, allow_waiting=True).system_attrs[key] = value

    def finish_trial(
        self,
        trial_id: int,
        state: TrialState,
        values: Sequence[float] | None = None,
        fail_reason: str | None = None,
    ) -> bool:
        if not state.is_finished():
            raise ValueError(f"finish_trial needs a finished state, got {state.name}.")
        with self._lock:
            rec = self._trial(trial_id)
            if rec.state is not TrialState.RUNNING:
                return False
            rec.state = state
            rec.values = None if values is None else tuple(values)
            rec.fail_reason = fail_reason
            rec.datetime_complete = _dt.datetime.fromtimestamp(self._now())
            rec.frozen = None
            return True

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            return self._trial(trial_id).snapshot()

    def get_trial_id_from_number(self, study_id: int, number: int) -> int:
        with self._lock:
            trials = self._study(study_id).trials
            if not 0 <= number < len(trials):
                raise TrialNotFoundError(f"No trial number {number} in this study.")
            return trials[number].trial_id

    def get_all_trials(
        self, study_id: int, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        with self._lock:
            trials = self._study(study_id).trials
            if states is None:
                return [rec.snapshot() for rec in trials]
            return [rec.snapshot() for rec in trials if rec.state in states]

    def get_n_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        with self._lock:
            trials = self._study(study_id).trials
            if states is None:
                return len(trials)
            return sum(1 for rec in trials if rec.state in states)

    # -- leases -----------------------------------------------------------------------------
    def heartbeat(self, trial_id: int) -> None:
        with self._lock:
            rec = self._trial(trial_id)
            if rec.state is TrialState.RUNNING:
                rec.heartbeat = self._now()

    def fail_stale_trials(self, study_id: int, grace_seconds: float) -> list[int]:
        with self._lock:
            deadline = self._now() - grace_seconds
            failed = []
            for rec in self._study(study_id).trials:
                if rec.state is TrialState.RUNNING and rec.heartbeat < deadline:
                    self.finish_trial(
                        rec.trial_id,
                        TrialState.FAIL,
                        fail_reason=f"no heartbeat for more than {grace_seconds:g} s "
                        "(the worker stopped)",
                    )
                    failed.append(rec.number)
            return failed

    # -- study-level state -------------------------------------------------------------------
    def get_study_state(self, study_id: int, key: str) -> VersionedState | None:
        with self._lock:
            return self._study(study_id).state.get(key)

    def compare_and_set_study_state(
        self, study_id: int, key: str, data: bytes, expected_version: int
    ) -> bool:
        with self._lock:
            states = self._study(study_id).state
            current = states.get(key)
            if (current.version if current else 0) != expected_version:
                return False
            states[key] = VersionedState(expected_version + 1, bytes(data))
            return True

    # -- checkpoints -------------------------------------------------------------------------
    def save_checkpoint(self, trial_id: int, key: str, data: bytes) -> None:
        with self._lock:
            self._trial(trial_id).checkpoints[key] = bytes(data)

    def load_checkpoint(self, trial_id: int, key: str) -> bytes | None:
        with self._lock:
            return self._trial(trial_id).checkpoints.get(key)

    def delete_checkpoint(self, trial_id: int, key: str) -> None:
        with self._lock:
            rec = self._trials.get(trial_id)
            if rec is not None:
                rec.checkpoints.pop(key, None)
