"""Journal storage URLs: ``journal:///path.log``, ``redis://host:port/db?prefix=name``."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ._backend import JournalBackend
from .storage import JournalStorage

_STORAGE_OPTIONS = (
    "heartbeat_interval",
    "grace_period",
    "failed_trial_callback",
    "checkpoint_store",
    "checkpoint_threshold",
)
_FILE_USAGE = "Use 'journal:///absolute/path/study.log' or 'journal://relative/path/study.log'."
_REDIS_USAGE = (
    "Use 'redis://host:6379/0' (or 'rediss://' for TLS), optionally with a password "
    "('redis://:password@host:6379/0') and a key prefix ('?prefix=my_project')."
)


def _file_backend(url: str, fsync: bool) -> JournalBackend:
    from .file import JournalFileBackend

    if not url.startswith("journal://"):
        raise ValueError(f"Invalid journal URL {url!r}. {_FILE_USAGE}")
    path = url[len("journal://") :]
    if not path or path.endswith("/"):
        raise ValueError(f"The journal URL {url!r} names no file. {_FILE_USAGE}")
    return JournalFileBackend(path, fsync=fsync)


def _redis_backend(url: str) -> JournalBackend:
    from .redis import JournalRedisBackend, redact

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ValueError(f"Invalid Redis URL {redact(url)!r}. {_REDIS_USAGE}") from None
    if not parts.hostname:
        raise ValueError(f"The Redis URL {redact(url)!r} names no host. {_REDIS_USAGE}")
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefixes = [value for key, value in query if key == "prefix"]
    if len(prefixes) > 1 or (prefixes and not prefixes[0]):
        raise ValueError(
            f"The Redis URL {redact(url)!r} needs at most one non-empty prefix. {_REDIS_USAGE}"
        )
    rest = urlencode([(key, value) for key, value in query if key != "prefix"])
    plain = urlunsplit(parts._replace(query=rest))
    return JournalRedisBackend(plain, prefix=prefixes[0] if prefixes else "hypersweep")


def journal_storage_from_url(url: str, **options: Any) -> JournalStorage:
    """A :class:`JournalStorage` for a ``journal:``, ``redis:`` or ``rediss:`` URL.

    ``options`` are ``heartbeat_interval``, ``grace_period``, ``failed_trial_callback``,
    ``checkpoint_store`` and ``checkpoint_threshold`` (see :class:`JournalStorage`), and
    ``fsync`` for files.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "study.log")
    >>> journal_storage_from_url(f"journal://{path}", grace_period=120).grace_period
    120.0
    >>> journal_storage_from_url("journal:study.log")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Invalid journal URL 'journal:study.log'. Use 'journal:///absolute/path/...
    """
    if not isinstance(url, str):
        raise TypeError(f"url must be a str, got {type(url).__name__}.")
    fsync = options.pop("fsync", False)
    unknown = sorted(set(options) - set(_STORAGE_OPTIONS))
    if unknown:
        raise TypeError(
            f"Unknown option(s) {unknown} for the journal storage; it takes "
            f"{list(_STORAGE_OPTIONS)} (and 'fsync' for journal files)."
        )
    backend: JournalBackend
    if url.startswith("journal:"):
        backend = _file_backend(url, bool(fsync))
    elif url.startswith(("redis:", "rediss:")):
        if fsync:
            raise TypeError("The 'fsync' option is for journal files; Redis has its own.")
        backend = _redis_backend(url)
    else:
        raise ValueError(
            f"Not a journal storage URL: {url!r}. {_FILE_USAGE} Or, for Redis: {_REDIS_USAGE}"
        )
    return JournalStorage(backend, **options)
