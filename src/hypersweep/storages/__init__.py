"""Alias of :mod:`hypersweep.storage` under the plural name define-by-run code imports.

It also holds Optuna's names: ``RDBStorage`` (the SQL storage with Optuna's arguments) and
the :mod:`hypersweep.storages.journal` package path (``JournalFileBackend(file_path=...)``).
The SQL and journal backends load on first use, so ``import hypersweep`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..storage import InMemoryStorage, Storage, StudyInfo, VersionedState, get_storage
from ..study import RetryFailedTrialCallback, Study

if TYPE_CHECKING:
    from ..storage.journal import JournalRedisBackend, JournalStorage
    from ..storage.journal import JournalRedisBackend as JournalRedisStorage
    from ..storage.sql import SQLStorage
    from . import journal
    from ._rdb import RDBStorage
    from .journal import JournalFileBackend, JournalFileOpenLock, JournalFileSymlinkLock
    from .journal import JournalFileBackend as JournalFileStorage

_LAZY = {
    "SQLStorage": "hypersweep.storage.sql",
    "RDBStorage": "hypersweep.storages._rdb",
    "JournalStorage": "hypersweep.storage.journal",
    "JournalFileBackend": "hypersweep.storages.journal",
    "JournalFileOpenLock": "hypersweep.storages.journal",
    "JournalFileSymlinkLock": "hypersweep.storages.journal",
    "JournalRedisBackend": "hypersweep.storage.journal",
}
#: Optuna's older names of the journal backends (deprecated there, still in many scripts).
_ALIASES = {
    "JournalFileStorage": "JournalFileBackend",
    "JournalRedisStorage": "JournalRedisBackend",
}


def __getattr__(name: str) -> Any:
    import importlib

    if name == "journal":
        return importlib.import_module(".journal", __name__)
    name = _ALIASES.get(name, name)
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hypersweep.storages' has no attribute {name!r}")


def fail_stale_trials(study: Study) -> None:
    """FAIL ``study``'s RUNNING trials whose worker stopped heartbeating for the storage's
    grace period, and run the storage's ``failed_trial_callback`` on each (Optuna's
    ``optuna.storages.fail_stale_trials``). Workers of ``optimize`` do this by themselves.

    >>> import hypersweep as hs
    >>> study = hs.create_study()
    >>> hs.storages.fail_stale_trials(study)
    """
    study.fail_stale_trials()


def __dir__() -> list[str]:
    """Every public name, also those loaded on first use (which ``__getattr__`` serves)."""
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "InMemoryStorage",
    "JournalFileBackend",
    "JournalFileOpenLock",
    "JournalFileStorage",
    "JournalFileSymlinkLock",
    "JournalRedisBackend",
    "JournalRedisStorage",
    "JournalStorage",
    "RDBStorage",
    "RetryFailedTrialCallback",
    "SQLStorage",
    "Storage",
    "StudyInfo",
    "VersionedState",
    "fail_stale_trials",
    "get_storage",
    "journal",
]
