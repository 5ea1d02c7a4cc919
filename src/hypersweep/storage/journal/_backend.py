"""What a journal needs from the place that keeps its log: append records, read them back."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence


class JournalBackend:
    """An append-only sequence of records (one JSON operation each) plus a blob store.

    A *cursor* is an opaque position in the log (a byte offset for a file, an index for a
    Redis list); ``0`` is the beginning. Implementations:

    * :meth:`read` returns the complete records after ``cursor`` and the cursor after them.
      It takes no lock, so a record still being written is left for the next read; with
      ``stable=True`` it reads while no writer writes (a reader that found a record it could
      not parse asks for this before deciding the record is corrupt).
    * :meth:`append` adds ``records`` at the end as one atomic step and returns every record
      after ``cursor`` up to and including them (they come last), so the caller can replay
      what others wrote before its own records and know the outcome of its operations.
    * :meth:`put_blob` stores a blob under a name derived from its content and returns the
      name; :meth:`get_blob` reads it back.

    Records never contain a newline. Pickling a backend keeps where it points, not its open
    files or connections: the copy reopens them.
    """

    def read(self, cursor: int, *, stable: bool = False) -> tuple[list[bytes], int]:
        """The complete records after ``cursor`` and the cursor after the last of them."""
        raise NotImplementedError

    def append(self, records: Sequence[bytes], cursor: int) -> tuple[list[bytes], int]:
        """Append ``records`` atomically; return the records after ``cursor`` (ours last)."""
        raise NotImplementedError

    def put_blob(self, data: bytes) -> str:
        """Store ``data`` (idempotent) and return its name."""
        raise NotImplementedError

    def get_blob(self, name: str) -> bytes:
        """The blob stored under ``name``."""
        raise NotImplementedError

    def close(self) -> None:
        """Release files or connections; the backend reopens them when used again."""

    def describe(self) -> str:
        """Where the log lives, for messages."""
        return type(self).__name__


def blob_name(data: bytes) -> str:
    """The content address of a blob (SHA-256, hex): equal blobs share one name.

    >>> blob_name(b"")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(data).hexdigest()
