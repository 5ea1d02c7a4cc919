"""Failing trials of one ``optimize``/``tune`` call: the first traceback, and giving up early.

A failing objective is logged as one line per trial; the first trial of a call that fails
with an exception is logged with its traceback too, so the cause is not lost.

When the first ``max_initial_failures`` trials of a call (5 by default) all fail with the
same exception type, the objective is almost surely broken (a typo, a missing file, a
wrong return), so the call stops and re-raises that exception instead of failing every
trial of the budget. What counts, in the order trials *finish* (workers share one count):

* an exception of the objective fails a trial with that exception's type;
* a return value that is not a result (``None``, a string, the wrong number of values)
  fails it with a :class:`ValueError` saying what was returned: it is a bug of the
  objective that every trial repeats;
* a NaN result does not count as such a failure (it depends on the configuration — a
  diverging run — not on the code), nor does a complete or pruned trial: any of them among
  the first ``max_initial_failures`` trials turns the check off for the rest of the call.

Worker processes (``executor="processes"``) each count their own trials.
"""

from __future__ import annotations

import sys
import threading
from typing import TYPE_CHECKING, Any

from .._internal.logging import get_logger
from ..trial import FrozenTrial, TrialState
from ._values import NAN_REASON

if TYPE_CHECKING:
    from ._core import StudyCore

__all__ = ["DEFAULT_MAX_INITIAL_FAILURES", "InitialFailures", "check_max_initial_failures"]

_logger = get_logger("study")

DEFAULT_MAX_INITIAL_FAILURES = 5


def check_max_initial_failures(value: Any) -> int | None:
    """``value`` if it is a valid ``max_initial_failures``, else ``ValueError``.

    >>> check_max_initial_failures(5), check_max_initial_failures(None)
    (5, None)
    """
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValueError(
            "max_initial_failures must be an int >= 1 (stop when that many first trials all "
            f"fail with the same exception type) or None (never stop), got {value!r}."
        )
    return value


class InitialFailures:
    """The failure bookkeeping of one ``optimize`` call, shared by its worker threads.

    >>> InitialFailures(3).limit
    3
    """

    def __init__(self, limit: int | None = DEFAULT_MAX_INITIAL_FAILURES) -> None:
        self.limit = check_max_initial_failures(limit)
        self._lock = threading.Lock()
        self._armed = self.limit is not None
        self._count = 0
        self._type: type[BaseException] | None = None
        self._traceback_logged = False

    def __getstate__(self) -> dict[str, Any]:  # process workers get a copy, with a new lock
        state = dict(self.__dict__)
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def log_traceback(self) -> bool:
        """``True`` for the first failure with an exception of the call (log its traceback)."""
        with self._lock:
            first = not self._traceback_logged
            self._traceback_logged = True
            return first

    def record(
        self, core: StudyCore, frozen: FrozenTrial, error: BaseException | None
    ) -> BaseException | None:
        """Count a finished trial; the exception to raise when the first ``limit`` trials
        all failed with its type (``error``: what the objective raised, if anything).

        Then the study's workers are already told to stop: under the lock, so that no
        worker that finishes a trial afterwards starts another one.
        """
        if not self._armed:
            return None
        failure = _failure_of(frozen, error)
        with self._lock:
            if not self._armed:
                return None
            if failure is None or (self._type is not None and type(failure) is not self._type):
                self._armed = False
                return None
            self._type = type(failure)
            self._count += 1
            if self.limit is None or self._count < self.limit:
                return None
            self._armed = False
            core.stop_flag = True
        return failure

    def check(self, core: StudyCore, frozen: FrozenTrial, error: BaseException | None) -> None:
        """Stop the call's workers and raise when :meth:`record` says so."""
        failure = self.record(core, frozen, error)
        if failure is None:
            return
        message = (
            f"The first {self.limit} trials of this optimize()/tune() call all failed with "
            f"{type(failure).__name__}, so it stopped (see the trials' fail_reason). Fix the "
            "objective, or pass max_initial_failures=None to go on whatever fails."
        )
        if sys.version_info >= (3, 11):
            failure.add_note(message)
        else:  # pragma: no cover - Python 3.10 has no exception notes
            _logger.error(message)
        raise failure


def _failure_of(frozen: FrozenTrial, error: BaseException | None) -> BaseException | None:
    if frozen.state is not TrialState.FAIL:
        return None
    if error is not None:
        return error
    reason = frozen.fail_reason
    if reason is None or reason == NAN_REASON:
        return None
    return ValueError(f"Trial {frozen.number} failed: {reason}.")
