"""Alias of :mod:`hypersweep.storage` under the plural name define-by-run code imports."""

from __future__ import annotations

from .storage import InMemoryStorage, Storage, StudyInfo, VersionedState, get_storage
from .study import RetryFailedTrialCallback

__all__ = [
    "InMemoryStorage",
    "RetryFailedTrialCallback",
    "Storage",
    "StudyInfo",
    "VersionedState",
    "get_storage",
]
