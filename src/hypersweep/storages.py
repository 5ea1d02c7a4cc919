"""Alias of :mod:`hypersweep.storage` under the plural name define-by-run code imports.

The SQL and journal backends load on first use, so ``import hypersweep`` stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .storage import InMemoryStorage, Storage, StudyInfo, VersionedState, get_storage
from .study import RetryFailedTrialCallback

if TYPE_CHECKING:
    from .storage.journal import JournalFileBackend, JournalRedisBackend, JournalStorage
    from .storage.sql import SQLStorage

_LAZY = {
    "SQLStorage": "hypersweep.storage.sql",
    "JournalStorage": "hypersweep.storage.journal",
    "JournalFileBackend": "hypersweep.storage.journal",
    "JournalRedisBackend": "hypersweep.storage.journal",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'hypersweep.storages' has no attribute {name!r}")


def __dir__() -> list[str]:
    """Every public name, also those loaded on first use (which ``__getattr__`` serves)."""
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "InMemoryStorage",
    "JournalFileBackend",
    "JournalRedisBackend",
    "JournalStorage",
    "RetryFailedTrialCallback",
    "SQLStorage",
    "Storage",
    "StudyInfo",
    "VersionedState",
    "get_storage",
]
