"""Optuna's path ``optuna.storages.journal``: the journal storage and its backends.

``JournalFileBackend`` accepts Optuna's ``file_path=`` (and ``lock_obj=``, which it does not
need: appends are serialised with ``fcntl.flock``, see ``docs/journal.md``).

>>> import os, tempfile
>>> import hypersweep as hs
>>> from hypersweep.storages.journal import JournalFileBackend, JournalStorage
>>> path = os.path.join(tempfile.mkdtemp(), "journal.log")
>>> storage = JournalStorage(JournalFileBackend(file_path=path))
>>> study = hs.create_study(storage=storage)
>>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
>>> len(hs.load_study(study_name=study.study_name, storage=storage).trials)
2
"""

from __future__ import annotations

import os

from ..storage.journal import JournalBackend, JournalRedisBackend, JournalStorage
from ..storage.journal import JournalFileBackend as _JournalFileBackend

BaseJournalBackend = JournalBackend


class JournalFileOpenLock:
    """Accepted for Optuna code that passes ``lock_obj=``; the file backend always locks
    with ``fcntl.flock``, so the lock object is not used.

    >>> JournalFileOpenLock("journal.log").filepath
    'journal.log'
    """

    def __init__(self, filepath: str, grace_period: int | None = 30) -> None:
        self.filepath = filepath
        self.grace_period = grace_period


class JournalFileSymlinkLock(JournalFileOpenLock):
    """Same as :class:`JournalFileOpenLock` (accepted, not used).

    >>> JournalFileSymlinkLock("journal.log").grace_period
    30
    """


class JournalFileBackend(_JournalFileBackend):
    """The journal file backend with Optuna's arguments: ``JournalFileBackend(file_path)``.

    ``path=`` (the name in :mod:`hypersweep.storage.journal`) is accepted too. ``lock_obj`` is
    accepted and ignored (``fcntl.flock`` serialises appends); ``fsync=True``
    makes appends durable against power loss.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "study.log")
    >>> JournalFileBackend(file_path=path).path == path
    True
    """

    def __init__(
        self,
        file_path: str | os.PathLike[str] | None = None,
        lock_obj: JournalFileOpenLock | None = None,
        *,
        path: str | os.PathLike[str] | None = None,
        fsync: bool = False,
    ) -> None:
        if (file_path is None) == (path is None):
            raise TypeError("Pass the journal file as file_path (or path), once.")
        if lock_obj is not None and not isinstance(lock_obj, JournalFileOpenLock):
            raise TypeError(
                f"lock_obj must be a JournalFileOpenLock/JournalFileSymlinkLock or None, "
                f"got {lock_obj!r}."
            )
        target = file_path if file_path is not None else path
        assert target is not None
        super().__init__(target, fsync=fsync)


__all__ = [
    "BaseJournalBackend",
    "JournalFileBackend",
    "JournalFileOpenLock",
    "JournalFileSymlinkLock",
    "JournalRedisBackend",
    "JournalStorage",
]
