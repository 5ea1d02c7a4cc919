"""Leases: heartbeats for this process's running trials, and failing abandoned ones."""

from __future__ import annotations

import threading
import time
import weakref
from typing import TYPE_CHECKING

from .._internal.logging import get_logger
from ..storage import Storage

if TYPE_CHECKING:
    from ._core import StudyCore

_logger = get_logger("lease")


class Heartbeater:
    """A daemon thread renewing the leases of the trials one storage object runs here.

    Each beat also flushes the storage's buffered writes, so other processes see a long
    trial's parameters while it runs.
    """

    def __init__(self, storage: Storage, interval: float) -> None:
        self._storage = storage
        self._interval = interval
        self._trials: set[int] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, trial_id: int) -> None:
        with self._lock:
            self._trials.add(trial_id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="hypersweep-heartbeat", daemon=True
                )
                self._thread.start()

    def remove(self, trial_id: int) -> None:
        with self._lock:
            self._trials.discard(trial_id)

    def _run(self) -> None:
        while True:
            self._wake.wait(self._interval)
            with self._lock:
                trials = list(self._trials)
                if not trials:
                    self._thread = None
                    return
            try:
                self._storage.flush()
                for trial_id in trials:
                    self._storage.heartbeat(trial_id)
            except Exception as exc:  # a lost connection must not kill the worker
                _logger.warning("Heartbeat failed: %s", exc)


_heartbeaters: weakref.WeakKeyDictionary[Storage, Heartbeater] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


def heartbeater(storage: Storage) -> Heartbeater | None:
    """The heartbeat thread of ``storage`` in this process (``None`` without heartbeats)."""
    interval = storage.heartbeat_interval
    if interval is None:
        return None
    with _registry_lock:
        beat = _heartbeaters.get(storage)
        if beat is None:
            beat = _heartbeaters[storage] = Heartbeater(storage, interval)
        return beat


class StaleTrialReaper:
    """Fails trials whose worker stopped heartbeating, at most once per heartbeat interval."""

    def __init__(self, core: StudyCore) -> None:
        self._core = core
        self._next_check = 0.0

    def maybe_reap(self) -> None:
        storage = self._core.storage
        grace, interval = storage.grace_period, storage.heartbeat_interval
        if grace is None or interval is None:
            return
        now = time.monotonic()
        if now < self._next_check:
            return
        self._next_check = now + interval
        reap_stale_trials(self._core)


def reap_stale_trials(core: StudyCore, grace: float | None = None) -> list[int]:
    """FAIL the study's abandoned trials and run the storage's ``failed_trial_callback``."""
    storage = core.storage
    grace = grace if grace is not None else storage.grace_period
    if grace is None:
        return []
    numbers = storage.fail_stale_trials(core.study_id, grace)
    callback = storage.failed_trial_callback
    for number in numbers:
        _logger.warning("Trial %d failed: its worker stopped heartbeating.", number)
        if callback is not None:
            trial_id = storage.get_trial_id_from_number(core.study_id, number)
            callback(core.study, storage.get_trial(trial_id))
    return numbers
