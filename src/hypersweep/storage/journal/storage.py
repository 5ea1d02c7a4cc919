"""JournalStorage: the storage protocol on an append-only log of operations."""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable, Container, Mapping, Sequence
from typing import Any

from ..._internal.exceptions import DuplicatedStudyError, UpdateFinishedTrialError
from ..._internal.logging import get_logger
from ...space import Distribution
from ...trial import FrozenTrial, StudyDirection, TrialState
from ..base import Storage, StudyInfo, VersionedState
from ..checkpoints import DEFAULT_CHECKPOINT_THRESHOLD, CheckpointStore, LocalCheckpointStore
from ..memory import TrialRecord
from ._backend import JournalBackend
from ._log import Failed, Log, encode, flush_at_exit
from ._pending import WriteBehind
from ._replay import Op, encode_param, encode_template
from .file import JournalFileBackend

_logger = get_logger("storage.journal")


def _default_store(backend: JournalBackend) -> CheckpointStore | None:
    """A journal file keeps large checkpoints in ``<path>.checkpoints/`` beside it."""
    if isinstance(backend, JournalFileBackend):
        return LocalCheckpointStore(backend.path + ".checkpoints")
    return None


class JournalStorage(Storage):
    """Studies kept as an append-only log of operations, shared by processes and machines.

    Every process replays the log into its own in-memory copy; a write appends one operation
    and learns its outcome (a trial number, whether a finish or compare-and-set won) by
    replaying everything appended before it. ``backend`` is a :class:`JournalFileBackend`
    (a file on a local or shared disk) or a :class:`JournalRedisBackend`; storage URLs
    ``journal:///path.log`` and ``redis://host:6379/0`` build one.

    A running trial's parameters and attributes are buffered in this process and appended
    together at its next report, heartbeat (:meth:`flush`) or finish; this process sees them
    at once. Leases: the optimisation loop heartbeats every ``heartbeat_interval`` seconds,
    and a trial without a heartbeat for ``grace_period`` seconds is failed by the next worker
    that checks, then passed to ``failed_trial_callback``.

    Checkpoints larger than ``checkpoint_threshold`` bytes (1 MiB) go to ``checkpoint_store``
    (see :class:`~hypersweep.storage.Storage`); a journal file's default store is the folder
    ``<path>.checkpoints/`` beside the log, Redis has none unless given. Deleting a
    checkpoint appends an operation, so every replaying process agrees it is gone.

    >>> import os, tempfile
    >>> import hypersweep as hs
    >>> from hypersweep.storage.journal import JournalFileBackend, JournalStorage
    >>> path = os.path.join(tempfile.mkdtemp(), "study.log")
    >>> storage = JournalStorage(JournalFileBackend(path))
    >>> study = hs.create_study(storage=storage, study_name="demo",
    ...                         sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    >>> len(hs.load_study(study_name="demo", storage=f"journal://{path}").trials)
    5
    """

    shared_across_processes = True

    def __init__(
        self,
        backend: JournalBackend,
        *,
        heartbeat_interval: float | None = 10.0,
        grace_period: float | None = 60.0,
        failed_trial_callback: Callable[..., None] | None = None,
        checkpoint_store: CheckpointStore | str | os.PathLike[str] | None = None,
        checkpoint_threshold: int | None = DEFAULT_CHECKPOINT_THRESHOLD,
    ) -> None:
        if not isinstance(backend, JournalBackend):
            raise TypeError(
                "backend must be a JournalFileBackend or JournalRedisBackend, got "
                f"{type(backend).__name__}."
            )
        self._backend = backend
        self._configure_leases(heartbeat_interval, grace_period, failed_trial_callback)
        self._configure_checkpoints(
            checkpoint_store, checkpoint_threshold, lambda: _default_store(backend)
        )
        self._open()

    def _open(self) -> None:
        self._lock = threading.RLock()
        self._log = Log(self._backend)
        self._mem = self._log.mem
        self._sync = self._log.sync
        self._write = self._log.write
        self._buffer = WriteBehind()
        with self._lock:
            self._sync()
        flush_at_exit(self)

    def _trial_record(self, trial_id: int) -> TrialRecord:
        rec = self._mem.find_trial_record(trial_id)
        if rec is None:
            self._sync()
            rec = self._mem.trial_record(trial_id)  # raises TrialNotFoundError
        return rec

    def _running(self, trial_id: int, allow_waiting: bool = False) -> TrialRecord:
        rec = self._trial_record(trial_id)
        if rec.state is not TrialState.RUNNING and not (
            allow_waiting and rec.state is TrialState.WAITING
        ):
            raise UpdateFinishedTrialError(
                f"Trial {rec.number} is {rec.state.name}; only a RUNNING trial can be changed."
            )
        return rec

    def flush(self) -> None:
        with self._lock:
            dirty = [(tid, p) for tid, p in self._buffer.trials.items() if p]
            if not dirty:
                return
            self._log.append([{"o": "tw", "i": tid, **p.fields()} for tid, p in dirty])
            for tid, pending in dirty:
                pending.clear()
                rec = self._mem.find_trial_record(tid)
                if rec is None or rec.state is not TrialState.RUNNING:
                    del self._buffer.trials[tid]  # failed elsewhere: nothing more to write

    # -- studies ----------------------------------------------------------------------------
    def create_new_study(
        self, directions: Sequence[StudyDirection], study_name: str | None = None
    ) -> int:
        name = study_name if study_name is not None else f"no-name-{uuid.uuid4()}"
        dirs = [int(StudyDirection(d)) for d in directions]
        with self._lock:
            self._sync()
            if self._mem.has_study_named(name):
                raise DuplicatedStudyError(
                    f"A study named {name!r} already exists; pick another name or pass "
                    "load_if_exists=True."
                )
            return int(self._write({"o": "cs", "n": name, "d": dirs}))

    def delete_study(self, study_id: int) -> None:
        with self._lock:
            self._sync()
            self._mem.study_record(study_id)  # raises StudyNotFoundError
            self._write({"o": "ds", "s": study_id})

    def _read(self, method: Callable[..., Any], *args: Any) -> Any:
        with self._lock:
            self._sync()
            return method(*args)

    def get_study_id_from_name(self, study_name: str) -> int:
        return int(self._read(self._mem.get_study_id_from_name, study_name))

    def get_study_name(self, study_id: int) -> str:
        return str(self._read(self._mem.get_study_name, study_id))

    def get_study_directions(self, study_id: int) -> tuple[StudyDirection, ...]:
        return self._read(self._mem.get_study_directions, study_id)  # type: ignore[no-any-return]

    def get_all_studies(self) -> list[StudyInfo]:
        return self._read(self._mem.get_all_studies)  # type: ignore[no-any-return]

    def _set_study_attr(self, study_id: int, kind: str, key: str, value: Any) -> None:
        with self._lock:
            self._sync()
            self._mem.study_record(study_id)  # raises StudyNotFoundError
            self._write({"o": "sa", "s": study_id, "a": kind, "k": key, "v": value})

    def set_study_user_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(study_id, "u", key, value)

    def set_study_system_attr(self, study_id: int, key: str, value: Any) -> None:
        self._set_study_attr(study_id, "y", key, value)

    def get_study_user_attrs(self, study_id: int) -> dict[str, Any]:
        return self._read(self._mem.get_study_user_attrs, study_id)  # type: ignore[no-any-return]

    def get_study_system_attrs(self, study_id: int) -> dict[str, Any]:
        return self._read(self._mem.get_study_system_attrs, study_id)  # type: ignore[no-any-return]

    # -- trials -----------------------------------------------------------------------------
    def create_new_trial(self, study_id: int, template: FrozenTrial | None = None) -> FrozenTrial:
        op: Op = {"o": "ct", "s": study_id}
        if template is not None:
            op["tp"] = encode_template(template)
        with self._lock:
            return self._buffer.own(self._write(op))  # type: ignore[return-value]

    def enqueue_trial(
        self,
        study_id: int,
        params: Mapping[str, Any],
        user_attrs: Mapping[str, Any] | None = None,
        skip_if_exists: bool = False,
        system_attrs: Mapping[str, Any] | None = None,
    ) -> int | None:
        op: Op = {"o": "eq", "s": study_id, "p": dict(params)}
        if user_attrs:
            op["u"] = dict(user_attrs)
        if system_attrs:
            op["y"] = dict(system_attrs)
        if skip_if_exists:
            op["x"] = 1
        with self._lock:
            return self._write(op)  # type: ignore[no-any-return]

    def start_trial(self, study_id: int, max_trials: int | None = None) -> FrozenTrial | None:
        op: Op = {"o": "st", "s": study_id}
        if max_trials is not None:
            op["m"] = int(max_trials)
        with self._lock:
            return self._buffer.own(self._write(op))

    def pop_waiting_trial(self, study_id: int) -> FrozenTrial | None:
        with self._lock:
            return self._buffer.own(self._write({"o": "pw", "s": study_id}))

    def set_trial_param(
        self, trial_id: int, name: str, internal_value: float, distribution: Distribution
    ) -> None:
        with self._lock:
            rec = self._running(trial_id)
            self._buffer.check_param(rec.study, name, distribution)
            external = distribution.to_external(internal_value)
            pending = self._buffer.trials.get(trial_id)
            if pending is None:  # a trial this object did not start: write through
                param = encode_param(name, internal_value, distribution)
                self._write({"o": "tw", "i": trial_id, "p": [param]})
            else:
                pending.params[name] = (float(internal_value), distribution, external)

    def _set_trial_attr(self, trial_id: int, kind: str, key: str, value: Any) -> None:
        with self._lock:
            self._running(trial_id, allow_waiting=kind == "y")
            pending = self._buffer.trials.get(trial_id)
            if pending is None:
                self._write({"o": "tw", "i": trial_id, kind: {key: value}})
                return
            encode({"v": value})  # not JSON: fail now, not at the flush
            (pending.user if kind == "u" else pending.system)[key] = value

    def set_trial_user_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(trial_id, "u", key, value)

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._set_trial_attr(trial_id, "y", key, value)

    def set_trial_intermediate_value(
        self, trial_id: int, step: int, values: tuple[float, ...]
    ) -> None:
        with self._lock:
            self._running(trial_id)
            report = [int(step), [float(v) for v in values]]
            op = {"o": "tw", "i": trial_id, **self._buffer.fields(trial_id), "iv": report}
            (result,) = self._log.append([op])  # if the backend fails, the buffer stays
            pending = self._buffer.trials.get(trial_id)
            if pending is not None:
                pending.clear()
            if isinstance(result, Failed):
                raise result.error

    def finish_trial(
        self,
        trial_id: int,
        state: TrialState,
        values: Sequence[float] | None = None,
        fail_reason: str | None = None,
    ) -> bool:
        if not state.is_finished():
            raise ValueError(f"finish_trial needs a finished state, got {state.name}.")
        vals = None if values is None else [float(v) for v in values]
        with self._lock:
            rec = self._trial_record(trial_id)
            if rec.state is not TrialState.RUNNING:  # finished trials stay finished
                self._buffer.trials.pop(trial_id, None)
                return False
            finish = [int(state), vals, fail_reason]
            op = {"o": "tw", "i": trial_id, **self._buffer.fields(trial_id), "f": finish}
            (result,) = self._log.append([op])  # if the backend fails, the buffer stays
            self._buffer.trials.pop(trial_id, None)
            if isinstance(result, Failed):
                raise result.error
            return bool(result)

    def get_trial(self, trial_id: int) -> FrozenTrial:
        with self._lock:
            self._sync()
            return self._buffer.overlay(self._mem.get_trial(trial_id))

    def get_trial_id_from_number(self, study_id: int, number: int) -> int:
        return int(self._read(self._mem.get_trial_id_from_number, study_id, number))

    def get_all_trials(
        self, study_id: int, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        with self._lock:
            self._sync()
            return self._buffer.overlay_all(self._mem.get_all_trials(study_id, states))

    def get_n_trials(self, study_id: int, states: Container[TrialState] | None = None) -> int:
        return int(self._read(self._mem.get_n_trials, study_id, states))

    # -- leases -----------------------------------------------------------------------------
    def heartbeat(self, trial_id: int) -> None:
        with self._lock:
            if self._trial_record(trial_id).state is TrialState.RUNNING:
                self._write({"o": "hb", "i": trial_id})

    def fail_stale_trials(self, study_id: int, grace_seconds: float) -> list[int]:
        with self._lock:
            self._sync()
            deadline = time.time() - grace_seconds
            if not any(
                rec.state is TrialState.RUNNING and rec.heartbeat < deadline
                for rec in self._mem.study_record(study_id).trials
            ):
                return []  # nothing to fail: append nothing
            failed = self._write({"o": "fs", "s": study_id, "g": float(grace_seconds)})
            for number in failed:
                trial_id = self._mem.study_record(study_id).trials[number].trial_id
                self._buffer.trials.pop(trial_id, None)
            return failed  # type: ignore[no-any-return]

    # -- study-level state and checkpoints ----------------------------------------------------
    def get_study_state(self, study_id: int, key: str) -> VersionedState | None:
        with self._lock:
            self._sync()
            stored = self._mem.get_study_state(study_id, key)
            if stored is None:
                return None
            return VersionedState(stored.version, self._log.blob(stored.data))

    def compare_and_set_study_state(
        self, study_id: int, key: str, data: bytes, expected_version: int
    ) -> bool:
        with self._lock:
            self._sync()
            current = self._mem.get_study_state(study_id, key)
            if (current.version if current else 0) != expected_version:
                return False
            blob = self._log.put_blob(data)
            op = {"o": "ss", "s": study_id, "k": key, "d": blob, "v": int(expected_version)}
            return bool(self._write(op))

    def save_checkpoint(self, trial_id: int, key: str, data: bytes) -> None:
        with self._lock:
            self._trial_record(trial_id)
            blob = self._log.put_blob(data)
            self._write({"o": "ck", "i": trial_id, "k": key, "d": blob})

    def load_checkpoint(self, trial_id: int, key: str) -> bytes | None:
        with self._lock:
            self._sync()
            tagged = self._mem.load_checkpoint(trial_id, key)
            return None if tagged is None else self._log.blob(tagged)

    def delete_checkpoint(self, trial_id: int, key: str) -> None:
        with self._lock:
            self._sync()
            if (
                self._mem.find_trial_record(trial_id) is None
                or self._mem.load_checkpoint(trial_id, key) is None
            ):
                return  # nothing to delete: append nothing
            self._write({"o": "cd", "i": trial_id, "k": key})

    # -- life cycle --------------------------------------------------------------------------
    @property
    def backend(self) -> JournalBackend:
        """Where the log lives."""
        return self._backend

    def close(self) -> None:
        with self._lock:
            try:
                self.flush()
            finally:
                self._backend.close()

    def __getstate__(self) -> dict[str, Any]:
        self.flush()  # a worker process replays the log: make this process's writes part of it
        return {
            "backend": self._backend,
            "heartbeat_interval": self.heartbeat_interval,
            "grace_period": self.grace_period,
            "failed_trial_callback": self.failed_trial_callback,
            "checkpoint_store": self.checkpoint_store,
            "checkpoint_threshold": self.checkpoint_threshold,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._backend = state["backend"]
        self.heartbeat_interval = state["heartbeat_interval"]
        self.grace_period = state["grace_period"]
        self.failed_trial_callback = state["failed_trial_callback"]
        self.checkpoint_store = state.get("checkpoint_store")
        self.checkpoint_threshold = state.get("checkpoint_threshold", DEFAULT_CHECKPOINT_THRESHOLD)
        self._open()

    def __repr__(self) -> str:
        return f"JournalStorage({self._backend.describe()})"
