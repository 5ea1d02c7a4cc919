"""Exceptions raised by hypersweep (re-exported from the package root)."""

from __future__ import annotations


class HypersweepError(Exception):
    """Base class of hypersweep's own errors."""


class TrialPruned(HypersweepError):
    """Raise inside an objective to stop the trial early; it is recorded as PRUNED.

    >>> import hypersweep as hs
    >>> def objective(trial):
    ...     raise hs.TrialPruned()
    >>> study = hs.create_study()
    >>> study.optimize(objective, n_trials=1)
    >>> study.trials[0].state.name
    'PRUNED'
    """


class DuplicatedStudyError(HypersweepError, ValueError):
    """A study with that name already exists in the storage."""


class StudyNotFoundError(HypersweepError, KeyError):
    """No study with that name or id exists in the storage."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else ""


class TrialNotFoundError(HypersweepError, KeyError):
    """No trial with that id or number exists in the storage."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class UpdateFinishedTrialError(HypersweepError, RuntimeError):
    """A finished trial was modified (its values, params or reports are final)."""


class TerminatedBySignal(SystemExit):
    """SIGTERM arrived while a study ran (a cluster scheduler or ``docker stop`` sends it).

    Raised in the main thread so that the running trials are recorded as FAIL
    ("interrupted by SIGTERM") before the process exits with status 143, as it would have
    without hypersweep.
    """

    def __init__(self) -> None:
        super().__init__(143)

    def __reduce__(self) -> tuple[type[TerminatedBySignal], tuple[()]]:
        # A worker process sends it back to the parent: unpickling must not fail, or the
        # process pool counts the worker as crashed and the others are killed before they
        # record their trials.
        return (type(self), ())

    def __str__(self) -> str:
        return "SIGTERM"
