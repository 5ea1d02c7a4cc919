"""Where results live: the storage protocol and its backends.

=============================================  =========================================
URL                                            backend
=============================================  =========================================
``None``, ``"memory"``                         :class:`InMemoryStorage` (this process only)
``sqlite:///path.db``                          SQL storage on a SQLite file (the embedded default)
``postgresql://user@host/db``                  SQL storage on PostgreSQL (psycopg 3)
``mysql+pymysql://user@host/db``               SQL storage on MySQL / MariaDB
``journal:///path.log``                        journal storage in an append-only file
``redis://host:6379/0``                        journal storage in Redis
=============================================  =========================================
"""

from __future__ import annotations

from typing import Any

from .base import STARTED_STATES, Storage, StudyInfo, VersionedState
from .memory import InMemoryStorage

_SQL_PREFIXES = ("sqlite:", "postgresql", "postgres:", "mysql")


def get_storage(storage: Storage | str | None, *, create: bool = True, **options: Any) -> Storage:
    """Turn ``None`` (memory), a storage object or a storage URL into a storage.

    ``options`` go to the backend's constructor (e.g. ``heartbeat_interval=10``). With
    ``create=False`` a SQLite URL must name an existing hypersweep database: a missing file
    (or one without hypersweep's tables) raises ``StorageError`` naming its absolute path
    instead of being created. Readers (``load_study``, the read-only commands) pass it.

    >>> type(get_storage(None)).__name__
    'InMemoryStorage'
    """
    if storage is None:
        return InMemoryStorage()
    if isinstance(storage, Storage):
        return storage
    if not isinstance(storage, str):
        raise TypeError(
            "storage must be None, a storage URL or a Storage object, got "
            f"{type(storage).__name__}."
        )
    if storage in (":memory:", "memory", "memory://"):
        return InMemoryStorage()
    if storage.startswith(_SQL_PREFIXES):
        from .sql import SQLStorage

        return SQLStorage(storage, create=create, **options)
    if storage.startswith(("journal:", "redis:", "rediss:")):
        from .journal import journal_storage_from_url

        return journal_storage_from_url(storage, **options)
    raise ValueError(
        f"Unknown storage URL {storage!r}. Use 'sqlite:///study.db', "
        "'postgresql://user@host/db', 'mysql+pymysql://user@host/db', "
        "'journal:///path/to/study.log', 'redis://host:6379/0' or 'memory'."
    )


__all__ = [
    "STARTED_STATES",
    "InMemoryStorage",
    "Storage",
    "StudyInfo",
    "VersionedState",
    "get_storage",
]
