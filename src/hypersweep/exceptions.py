"""hypersweep's exceptions and warnings, also under the names ``optuna.exceptions`` uses.

``HypersweepError`` is the base of the library's errors. The compatibility aliases are the
same objects under Optuna's names: ``OptunaError`` is ``HypersweepError`` and
``StorageInternalError`` is the SQL storage's ``StorageError`` (loaded on first use), so an
``except`` clause written for Optuna catches hypersweep's errors.

>>> import hypersweep as hs
>>> hs.exceptions.OptunaError is hs.exceptions.HypersweepError
True
>>> issubclass(hs.exceptions.TrialPruned, hs.exceptions.HypersweepError)
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._internal.exceptions import (
    DuplicatedStudyError,
    HypersweepError,
    StudyNotFoundError,
    TrialNotFoundError,
    TrialPruned,
    UpdateFinishedTrialError,
)

if TYPE_CHECKING:
    from .storage.sql.engine import StorageError as StorageInternalError


class CLIUsageError(HypersweepError):
    """A command-line invocation was malformed (Optuna's name, kept for ``except`` clauses).

    >>> import hypersweep as hs
    >>> isinstance(hs.exceptions.CLIUsageError("no --study-name"), hs.HypersweepError)
    True
    """


class ExperimentalWarning(Warning):
    """Warns that a feature is experimental and may change.

    >>> import warnings, hypersweep as hs
    >>> warnings.filterwarnings("ignore", category=hs.exceptions.ExperimentalWarning)
    """


OptunaError = HypersweepError  # compatibility alias: Optuna's name of the base class


def __getattr__(name: str) -> Any:
    if name == "StorageInternalError":  # compatibility alias; loads SQLAlchemy, so on use
        from .storage.sql.engine import StorageError

        return StorageError
    raise AttributeError(f"module 'hypersweep.exceptions' has no attribute {name!r}")


def __dir__() -> list[str]:
    """Every public name, also the one loaded on first use."""
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "CLIUsageError",
    "DuplicatedStudyError",
    "ExperimentalWarning",
    "HypersweepError",
    "OptunaError",
    "StorageInternalError",
    "StudyNotFoundError",
    "TrialNotFoundError",
    "TrialPruned",
    "UpdateFinishedTrialError",
]
