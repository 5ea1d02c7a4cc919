"""The journal in Redis: one list element per operation, blobs under their own keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..._internal.optional import import_optional
from ._backend import JournalBackend, blob_name

# RPUSH and LRANGE in one atomic, one-round-trip step: the records after the caller's cursor
# up to and including its own, which the list's new length places exactly.
_APPEND = """
local n = redis.call('RPUSH', KEYS[1], unpack(ARGV, 2))
return {n, redis.call('LRANGE', KEYS[1], tonumber(ARGV[1]), n - 1)}
"""

_PIECE = 10_000  # records per LRANGE while catching up


def redact(url: str) -> str:
    """``url`` with its password hidden, for messages.

    >>> redact("redis://user:secret@host:6379/0")
    'redis://user:***@host:6379/0'
    """
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        netloc = parts.netloc.rsplit("@", 1)[1]
        user = f"{parts.username}:***@" if parts.username else ":***@"
        return urlunsplit(parts._replace(netloc=user + netloc))
    except ValueError:
        return "<unparsable Redis URL>"


class JournalRedisBackend(JournalBackend):
    """Keep a journal in Redis: the log is the list ``<prefix>:journal``, each blob the key
    ``<prefix>:blob:<sha256>``.

    Redis orders the appends, so no lock is needed: an append returns the list's new length,
    which is the position of its records, and everything before it is replayed first.
    ``url`` is any URL ``redis.Redis.from_url`` accepts (``redis://``, ``rediss://`` for TLS,
    ``unix://``); several studies or projects share one database through distinct prefixes.

    >>> from hypersweep.storage.journal import JournalRedisBackend
    >>> backend = JournalRedisBackend("redis://localhost:6379/0", prefix="demo")  # doctest: +SKIP
    """

    def __init__(self, url: str, *, prefix: str = "hypersweep") -> None:
        if not isinstance(url, str) or not url:
            raise TypeError(
                f"url must be a Redis URL such as 'redis://localhost:6379/0', got {url!r}."
            )
        if not isinstance(prefix, str) or not prefix:
            raise ValueError(f"prefix must be a non-empty string, got {prefix!r}.")
        redis = import_optional("redis", "redis", "Journal storage on Redis")
        self.url = url
        self.prefix = prefix
        self._log_key = f"{prefix}:journal"
        try:
            self._client: Any = redis.Redis.from_url(url)
            self._client.ping()
        except (redis.exceptions.RedisError, OSError, ValueError) as exc:
            raise ConnectionError(
                f"Cannot reach Redis at {redact(url)!r} for the journal storage: {exc}. Check "
                "that the "
                "server runs and that the URL (host, port, database, password) is right."
            ) from None
        self._append_script = self._client.register_script(_APPEND)

    def read(self, cursor: int, *, stable: bool = False) -> tuple[list[bytes], int]:
        records: list[bytes] = []
        while True:  # a long log in pieces, so that no reply is huge
            piece = self._client.lrange(self._log_key, cursor, cursor + _PIECE - 1)
            records.extend(piece)
            cursor += len(piece)
            if len(piece) < _PIECE:
                return records, cursor

    def append(self, records: Sequence[bytes], cursor: int) -> tuple[list[bytes], int]:
        length, lines = self._append_script(keys=[self._log_key], args=[cursor, *records])
        return list(lines), int(length)

    def put_blob(self, data: bytes) -> str:
        name = blob_name(data)
        self._client.set(f"{self.prefix}:blob:{name}", data, nx=True)
        return name

    def get_blob(self, name: str) -> bytes:
        data: bytes | None = self._client.get(f"{self.prefix}:blob:{name}")
        if data is None:
            raise RuntimeError(
                f"The journal {self.describe()} refers to the blob {name!r}, whose key "
                f"{self.prefix}:blob:{name} is missing."
            )
        return data

    def close(self) -> None:
        self._client.close()

    def describe(self) -> str:
        return f"{redact(self.url)} (prefix {self.prefix!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {"url": self.url, "prefix": self.prefix}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["url"], prefix=state["prefix"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"JournalRedisBackend({redact(self.url)!r}, prefix={self.prefix!r})"
