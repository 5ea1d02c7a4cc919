"""Where results live: the storage protocol and its backends."""

from __future__ import annotations

from .base import Storage, StudyInfo, VersionedState
from .memory import InMemoryStorage


def get_storage(storage: Storage | str | None) -> Storage:
    """Turn ``None`` (memory), a storage object or a storage URL into a storage.

    >>> type(get_storage(None)).__name__
    'InMemoryStorage'
    """
    if storage is None:
        return InMemoryStorage()
    if isinstance(storage, Storage):
        return storage
    if isinstance(storage, str):
        if storage in (":memory:", "memory", "memory://"):
            return InMemoryStorage()
        raise ValueError(
            f"Storage URL {storage!r} is not supported by this version of hypersweep, which "
            "keeps studies in memory only. Pass storage=None (or 'memory') for now; "
            "persistent SQL and journal backends are planned."
        )
    raise TypeError(
        f"storage must be None, a storage URL or a Storage object, got {type(storage).__name__}."
    )


__all__ = ["InMemoryStorage", "Storage", "StudyInfo", "VersionedState", "get_storage"]
