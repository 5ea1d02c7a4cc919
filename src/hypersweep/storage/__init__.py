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
from .checkpoints import (
    DEFAULT_CHECKPOINT_THRESHOLD,
    CheckpointNotFoundError,
    CheckpointStore,
    FsspecCheckpointStore,
    LocalCheckpointStore,
)
from .memory import InMemoryStorage

_SQL_PREFIXES = ("sqlite:", "postgresql", "postgres:", "mysql")
_CHECKPOINT_OPTIONS = ("checkpoint_store", "checkpoint_threshold")


def get_storage(storage: Storage | str | None, *, create: bool = True, **options: Any) -> Storage:
    """Turn ``None`` (memory), a storage object or a storage URL into a storage.

    ``options`` go to the backend's constructor (e.g. ``heartbeat_interval=10``; the
    in-memory storage takes only the checkpoint options). With ``create=False`` a SQLite URL
    must name an existing hypersweep database: a missing file (or one without hypersweep's
    tables) raises ``StorageError`` naming its absolute path instead of being created.
    Readers (``load_study``, the read-only commands) pass it.

    Large checkpoints: ``checkpoint_store=`` (a :class:`CheckpointStore`, a directory, or an
    fsspec URL such as ``"s3://bucket/ckpt"``) receives every checkpoint larger than
    ``checkpoint_threshold`` bytes (default 1 MiB; ``None`` keeps them all in the storage);
    the storage keeps a small reference. Without one, a SQLite file ``study.db`` uses
    ``study.db.checkpoints/`` beside it and a journal file ``study.log`` uses
    ``study.log.checkpoints/``; memory, PostgreSQL, MySQL and Redis keep checkpoints in the
    storage itself unless given a store that every worker can reach.

    >>> type(get_storage(None)).__name__
    'InMemoryStorage'
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "study.db")
    >>> get_storage(f"sqlite:///{path}").checkpoint_store.directory == path + ".checkpoints"
    True
    """
    if storage is None or storage in (":memory:", "memory", "memory://"):
        checkpoint_options = {k: v for k, v in options.items() if k in _CHECKPOINT_OPTIONS}
        return InMemoryStorage(**checkpoint_options)
    if isinstance(storage, Storage):
        return storage
    if not isinstance(storage, str):
        raise TypeError(
            "storage must be None, a storage URL or a Storage object, got "
            f"{type(storage).__name__}."
        )
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
    "DEFAULT_CHECKPOINT_THRESHOLD",
    "STARTED_STATES",
    "CheckpointNotFoundError",
    "CheckpointStore",
    "FsspecCheckpointStore",
    "InMemoryStorage",
    "LocalCheckpointStore",
    "Storage",
    "StudyInfo",
    "VersionedState",
    "get_storage",
]
