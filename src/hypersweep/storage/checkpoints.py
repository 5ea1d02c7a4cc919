"""Checkpoint stores: where large checkpoints live, outside the study's storage.

A neural network's state is hundreds of megabytes: kept in a database row or a journal it
would make every backup, copy and replay carry it. A storage with a ``checkpoint_store``
keeps checkpoints larger than its ``checkpoint_threshold`` (1 MiB by default) in that store
and only a small reference record in the storage itself (see
:mod:`hypersweep.study._checkpoints`, which decides what goes where).

A :class:`CheckpointStore` is a place for blobs: :meth:`~CheckpointStore.put` stores one
under a new, unique reference (it never overwrites another blob), :meth:`~CheckpointStore.get`
reads it back, :meth:`~CheckpointStore.delete` removes it (idempotent). Stores are picklable:
a copy reopens its directory or URL, so process workers and other machines reach the same
blobs.

* :class:`LocalCheckpointStore` — a directory (atomic writes: a temporary file, then
  ``os.replace``). The default of SQLite files and journal files: ``<path>.checkpoints/``
  beside the ``.db`` or ``.log`` file.
* :class:`FsspecCheckpointStore` — any fsspec URL (``s3://bucket/prefix``,
  ``gs://...``, ``memory://...``); needs ``pip install 'hypersweep[fsspec]'`` and the
  filesystem's own package (``s3fs``, ``gcsfs``, ...).
"""

from __future__ import annotations

import contextlib
import numbers
import os
import re
import tempfile
import threading
import uuid
from typing import Any

from .._internal.exceptions import HypersweepError
from .._internal.optional import import_optional

#: Checkpoints larger than this many bytes go to the checkpoint store (when there is one).
DEFAULT_CHECKPOINT_THRESHOLD = 1 << 20

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_COMPONENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")


class CheckpointNotFoundError(HypersweepError, FileNotFoundError):
    """A reference names a blob that is not (or no longer) in the checkpoint store."""


def _safe_name(name: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, got {type(name).__name__}.")
    return _UNSAFE.sub("_", name).lstrip(".") or "blob"


def _check_reference(reference: str) -> list[str]:
    """The path components of a reference, refusing anything that could leave the store."""
    if not isinstance(reference, str):
        raise TypeError(f"reference must be a str, got {type(reference).__name__}.")
    parts = reference.split("/")
    if not reference or not all(_COMPONENT.fullmatch(p) for p in parts):
        raise ValueError(
            f"Invalid checkpoint reference {reference!r}: references are relative names "
            "made of letters, digits, '.', '_', '-' and '/' (as put() returns them)."
        )
    return parts


class CheckpointStore:
    """Where large checkpoints live: blobs under references (str) the store chooses.

    Subclasses implement :meth:`put`, :meth:`get`, :meth:`delete` and :attr:`location`, and
    must pickle to something that reopens the same place (a path, a URL).

    >>> import tempfile
    >>> from hypersweep.storage.checkpoints import open_checkpoint_store
    >>> store = open_checkpoint_store(tempfile.mkdtemp())   # a path: a LocalCheckpointStore
    >>> isinstance(store, CheckpointStore), store.get(store.put("t-1", b"state"))
    (True, b'state')
    """

    def put(self, name: str, data: bytes) -> str:
        """Store ``data`` under a new reference derived from ``name`` (a hint such as
        ``"trial-12-checkpoint"``) and return the reference; never overwrites a blob."""
        raise NotImplementedError

    def put_at(self, reference: str, data: bytes) -> None:
        """Store ``data`` under exactly ``reference`` (a relative name of letters, digits,
        ``.``, ``_``, ``-`` and ``/``), replacing a blob there: for callers that name their
        blobs themselves (artifact ids). The stores here implement it; others may not."""
        raise NotImplementedError(f"{type(self).__name__} cannot store a blob under a given name.")

    def get(self, reference: str) -> bytes:
        """The blob :meth:`put` returned ``reference`` for; :class:`CheckpointNotFoundError`
        if it is not there."""
        raise NotImplementedError

    def delete(self, reference: str) -> None:
        """Remove a blob; deleting one that is not there does nothing."""
        raise NotImplementedError

    @property
    def location(self) -> str:
        """Where the blobs are (a directory or URL, without credentials), for messages."""
        raise NotImplementedError

    @staticmethod
    def new_reference(name: str) -> str:
        """A unique reference for a blob named ``name`` (for subclasses' :meth:`put`).

        >>> CheckpointStore.new_reference("trial 7/checkpoint")[:19]
        'trial_7_checkpoint-'
        """
        return f"{_safe_name(name)}-{uuid.uuid4().hex}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.location!r})"


def default_checkpoint_directory() -> str:
    """The directory of ``LocalCheckpointStore()`` without one: ``$HYPERSWEEP_CHECKPOINTS``,
    else ``$XDG_CACHE_HOME/hypersweep/checkpoints`` (``~/.cache/...``), else a folder in the
    temporary directory."""
    configured = os.environ.get("HYPERSWEEP_CHECKPOINTS")
    if configured:
        return os.path.abspath(os.path.expanduser(configured))
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if os.path.isabs(cache):
        return os.path.join(cache, "hypersweep", "checkpoints")
    return os.path.join(tempfile.gettempdir(), "hypersweep-checkpoints")  # pragma: no cover


class LocalCheckpointStore(CheckpointStore):
    """Blobs as files in ``directory`` (created on the first write), on this machine or on
    a file system every worker mounts at the same path.

    A blob is written to a temporary file in the directory and renamed into place
    (``os.replace``), so a reader sees the whole blob or none; ``fsync=True`` (the default)
    also makes it durable before its reference is recorded. Without ``directory``:
    :func:`default_checkpoint_directory`.

    >>> import tempfile
    >>> store = LocalCheckpointStore(tempfile.mkdtemp())
    >>> ref = store.put("trial-0-checkpoint", b"weights")
    >>> store.get(ref)
    b'weights'
    >>> store.delete(ref); store.delete(ref)  # idempotent
    """

    def __init__(
        self, directory: str | os.PathLike[str] | None = None, *, fsync: bool = True
    ) -> None:
        if directory is None:
            directory = default_checkpoint_directory()
        if not isinstance(directory, (str, os.PathLike)) or not os.fspath(directory):
            raise TypeError(f"directory must be a folder path, got {directory!r}.")
        self.directory = os.path.abspath(os.path.expanduser(os.fspath(directory)))
        self.fsync = bool(fsync)

    @property
    def location(self) -> str:
        return self.directory

    def _path(self, reference: str) -> str:
        return os.path.join(self.directory, *_check_reference(reference))

    def put(self, name: str, data: bytes) -> str:
        reference = self.new_reference(name)
        self.put_at(reference, data)
        return reference

    def put_at(self, reference: str, data: bytes) -> None:
        target = self._path(reference)
        folder, base = os.path.split(target)
        os.makedirs(folder, exist_ok=True)
        tmp = os.path.join(folder, f".{base}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
                if self.fsync:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def get(self, reference: str) -> bytes:
        path = self._path(reference)
        try:
            with open(path, "rb") as fh:
                return fh.read()
        except FileNotFoundError:
            raise CheckpointNotFoundError(
                f"The checkpoint {reference!r} is not in {self.directory} (deleted, or the "
                "store is configured differently here: every worker must see this folder)."
            ) from None

    def delete(self, reference: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._path(reference))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LocalCheckpointStore) and other.directory == self.directory

    def __hash__(self) -> int:
        return hash(("local", self.directory))


class FsspecCheckpointStore(CheckpointStore):
    """Blobs in any fsspec file system: ``FsspecCheckpointStore("s3://bucket/checkpoints")``.

    ``storage_options`` go to the file system (credentials, endpoints); they travel with
    the store when it is pickled for process workers. Blob names are unique, so a reader
    never sees a blob being replaced; on object stores a write is atomic. Needs
    ``pip install 'hypersweep[fsspec]'`` (and e.g. ``s3fs`` for ``s3://``); without fsspec
    the constructor raises ``ImportError`` naming that extra.

    >>> store = FsspecCheckpointStore("memory://hypersweep-doctest")
    >>> store.get(store.put("trial-0-checkpoint", b"weights"))
    b'weights'
    """

    def __init__(self, url: str, **storage_options: Any) -> None:
        if not isinstance(url, str) or "://" not in url:
            raise ValueError(
                f"url must be an fsspec URL such as 's3://bucket/checkpoints', got {url!r}."
            )
        fsspec = import_optional("fsspec", "fsspec", "FsspecCheckpointStore")
        self.url = url.rstrip("/")
        self.storage_options = dict(storage_options)
        self._fs, root = fsspec.core.url_to_fs(self.url, **self.storage_options)
        self._root = str(root).rstrip("/")

    def __getstate__(self) -> dict[str, Any]:
        return {"url": self.url, "storage_options": self.storage_options}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["url"], **state["storage_options"])  # type: ignore[misc]

    @property
    def location(self) -> str:
        return self.url.split("://", 1)[0] + "://" + self._root

    def _path(self, reference: str) -> str:
        return "/".join([self._root, *_check_reference(reference)])

    def put(self, name: str, data: bytes) -> str:
        reference = self.new_reference(name)
        self.put_at(reference, data)
        return reference

    def put_at(self, reference: str, data: bytes) -> None:
        path = self._path(reference)
        # Object stores have no folders (and may refuse to make one): a real problem shows
        # at the write.
        with contextlib.suppress(Exception):
            self._fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
        self._fs.pipe_file(path, bytes(data))

    def get(self, reference: str) -> bytes:
        try:
            return bytes(self._fs.cat_file(self._path(reference)))
        except FileNotFoundError:
            raise CheckpointNotFoundError(
                f"The checkpoint {reference!r} is not in {self.location} (deleted, or the "
                "store is configured differently here)."
            ) from None

    def delete(self, reference: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self._fs.rm_file(self._path(reference))

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FsspecCheckpointStore)
            and other.url == self.url
            and other.storage_options == self.storage_options
        )

    def __hash__(self) -> int:
        return hash(("fsspec", self.url))


def open_checkpoint_store(store: CheckpointStore | str | os.PathLike[str]) -> CheckpointStore:
    """A store from a store, a directory path (``LocalCheckpointStore``), a ``file://`` URL
    (the same) or another URL (``FsspecCheckpointStore``).

    >>> open_checkpoint_store("/tmp/ckpt")
    LocalCheckpointStore('/tmp/ckpt')
    """
    if isinstance(store, CheckpointStore):
        return store
    if isinstance(store, os.PathLike):
        return LocalCheckpointStore(store)
    if not isinstance(store, str) or not store:
        raise TypeError(
            "checkpoint_store must be a CheckpointStore, a directory or an fsspec URL, got "
            f"{store!r}."
        )
    if store.startswith("file://"):
        return LocalCheckpointStore(store[len("file://") :])
    if "://" in store:
        return FsspecCheckpointStore(store)
    return LocalCheckpointStore(store)


def check_threshold(threshold: int | None) -> int | None:
    """Validate a ``checkpoint_threshold`` (bytes, ``None`` = keep every checkpoint inline).

    >>> check_threshold(-1)
    Traceback (most recent call last):
    ...
    ValueError: checkpoint_threshold must be a number of bytes >= 0 or None, got -1.
    """
    if threshold is None:
        return None
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Integral) or threshold < 0:
        raise ValueError(
            f"checkpoint_threshold must be a number of bytes >= 0 or None, got {threshold!r}."
        )
    return int(threshold)


__all__ = [
    "DEFAULT_CHECKPOINT_THRESHOLD",
    "CheckpointNotFoundError",
    "CheckpointStore",
    "FsspecCheckpointStore",
    "LocalCheckpointStore",
    "check_threshold",
    "default_checkpoint_directory",
    "open_checkpoint_store",
]
