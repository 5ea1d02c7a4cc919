"""Alias of :mod:`hypersweep.storage` under the plural name define-by-run code imports."""

from __future__ import annotations

from .storage import InMemoryStorage, Storage, StudyInfo, VersionedState, get_storage

__all__ = ["InMemoryStorage", "Storage", "StudyInfo", "VersionedState", "get_storage"]
