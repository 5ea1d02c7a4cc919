"""Journal storage: studies as an append-only log of operations, in a file or in Redis.

Many processes and machines share one log; each replays it into an in-memory copy. See
``docs/journal.md`` for the log format, locking and visibility rules.

================================================  =====================================
URL                                               backend
================================================  =====================================
``journal:///abs/path/study.log``                 :class:`JournalFileBackend`
``redis://host:6379/0?prefix=name``, ``rediss:``  :class:`JournalRedisBackend`
================================================  =====================================
"""

from __future__ import annotations

from ._backend import JournalBackend
from ._url import journal_storage_from_url
from .file import JournalFileBackend
from .redis import JournalRedisBackend
from .storage import JournalStorage

__all__ = [
    "JournalBackend",
    "JournalFileBackend",
    "JournalRedisBackend",
    "JournalStorage",
    "journal_storage_from_url",
]
