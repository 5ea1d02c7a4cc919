"""Alias of :mod:`hypersweep.storage` under the plural name define-by-run code imports.

It also holds Optuna's names: ``RDBStorage`` (the SQL storage with Optuna's arguments) and
the :mod:`hypersweep.storages.journal` package path (``JournalFileBackend(file_path=...)``).
The SQL and journal backends load on first use, so ``import hypersweep`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..storage import InMemoryStorage, Storage, StudyInfo, VersionedState, get_storage
from ..study import RetryFailedTrialCallback

if TYPE_CHECKING:
    from ..storage.journal import JournalRedisBackend, JournalStorage
    from ..storage.sql import SQLStorage
    from . import journal
    from ._rdb import RDBStorage
    from .journal import JournalFileBackend, JournalFileOpenLock, JournalFileSymlinkLock

_LAZY = {
    "SQLStorage": "hypersweep.storage.sql",
    "RDBStorage": "hypersweep.storages._rdb",
    "JournalStorage": "hypersweep.storage.journal",
    "JournalFileBackend": "hypersweep.storages.journal",
    "JournalFileOpenLock": "hypersweep.storages.journal",
    "JournalFileSymlinkLock": "hypersweep.storages.journal",
    "JournalRedisBackend": "hypersweep.storage.journal",
}


def __getattr__(name: str) -> Any:
    import importlib

    if name == "journal":
        return importlib.import_module(".journal", __name__)
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hypersweep.storages' has no attribute {name!r}")


def __dir__() -> list[str]:
    """Every public name, also those loaded on first use (which ``__getattr__`` serves)."""
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "InMemoryStorage",
    "JournalFileBackend",
    "JournalFileOpenLock",
    "JournalFileSymlinkLock",
    "JournalRedisBackend",
    "JournalStorage",
    "RDBStorage",
    "RetryFailedTrialCallback",
    "SQLStorage",
    "Storage",
    "StudyInfo",
    "VersionedState",
    "get_storage",
    "journal",
]
