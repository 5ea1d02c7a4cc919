"""One process's view of a journal: the backend, the replica, and how far it has read."""

from __future__ import annotations

import atexit
import json
import numbers
import time
import weakref
from collections.abc import Sequence
from typing import Any

from ..._internal.logging import get_logger
from ._backend import JournalBackend
from ._replay import Op, Replica, encode_blob

_logger = get_logger("storage.journal")
_BLOB_CACHE = 16  # blobs kept in memory (content-addressed, so never stale)


class Failed:
    """The exception one of our own operations raised on replay."""

    __slots__ = ("error",)

    def __init__(self, error: Exception) -> None:
        self.error = error


def _plain(value: Any) -> Any:
    # numpy scalars (ids, attribute values) as the Python numbers they stand for
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def encode(op: Op) -> bytes:
    """One operation as one line of JSON (no newline inside: JSON escapes them)."""
    try:
        return json.dumps(op, separators=(",", ":"), default=_plain).encode("ascii")
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"Attributes and parameters must be JSON-serialisable to be journaled ({exc}); "
            "convert the value (e.g. to a list, str or float)."
        ) from None


def _parse(records: Sequence[bytes]) -> list[Op | None]:
    ops: list[Op | None] = []
    for line in records:
        try:
            ops.append(json.loads(line))
        except ValueError:
            ops.append(None)
    return ops


class Log:
    """Reads and appends operations, replaying each exactly once, in log order.

    Not thread-safe: :class:`JournalStorage` calls it under its lock.
    """

    def __init__(self, backend: JournalBackend) -> None:
        self.backend = backend
        self.replica = Replica()
        self.mem = self.replica.mem
        self.cursor = 0
        self._blobs: dict[str, bytes] = {}

    def _replay(self, ops: list[Op | None], records: Sequence[bytes], own: int) -> list[Any]:
        """Apply ``ops``; the last ``own`` are ours: return their results (or Failed)."""
        results: list[Any] = []
        first_own = len(ops) - own
        apply = self.replica.apply
        for index, op in enumerate(ops):
            mine = index >= first_own
            if op is None:
                if records[index]:  # blank lines are harmless
                    _logger.warning("Skipping an unreadable journal record: %.200r", records[index])
                if mine:
                    results.append(Failed(RuntimeError("the journal record was unreadable")))
                continue
            try:
                result = apply(op)
            except Exception as exc:
                if not mine:
                    _logger.debug("Journal record rejected on replay (%s): %.200r", exc, op)
                    continue
                result = Failed(exc)
            if mine:
                results.append(result)
        return results

    def sync(self) -> None:
        """Replay what others appended since the last read (one cheap check if nothing)."""
        records, cursor = self.backend.read(self.cursor)
        if not records:
            return
        ops = _parse(records)
        if None in ops:
            # Without a lock a reader might catch a record mid-write; read again while no
            # writer can write: what is still unreadable then is skipped for good.
            records, cursor = self.backend.read(self.cursor, stable=True)
            ops = _parse(records)
        self._replay(ops, records, 0)
        self.cursor = cursor

    def append(self, ops: list[Op]) -> list[Any]:
        """Append ``ops`` (stamped with the time); replay up to them; their results."""
        now = time.time()
        lines = []
        for op in ops:
            op["t"] = now
            lines.append(encode(op))
        records, cursor = self.backend.append(lines, self.cursor)
        try:
            return self._replay(_parse(records), records, len(lines))
        finally:
            self.cursor = cursor

    def write(self, op: Op) -> Any:
        """Append one operation and return its result, or raise what it raised."""
        (result,) = self.append([op])
        if isinstance(result, Failed):
            raise result.error
        return result

    def put_blob(self, data: bytes) -> dict[str, str]:
        """The blob field of an operation carrying ``data`` (stored first if large)."""
        return encode_blob(bytes(data), self.backend.put_blob)

    def blob(self, tagged: bytes) -> bytes:
        """The bytes of a blob as the replica keeps it (inline, or a name to fetch)."""
        if tagged[:1] == b"\0":
            return tagged[1:]
        name = tagged[1:].decode("ascii")
        data = self._blobs.get(name)
        if data is None:
            data = self.backend.get_blob(name)
            if len(self._blobs) >= _BLOB_CACHE:
                del self._blobs[next(iter(self._blobs))]
            self._blobs[name] = data
        return data


_live: weakref.WeakSet[Any] = weakref.WeakSet()


def flush_at_exit(storage: Any) -> None:
    """Flush ``storage`` when the interpreter exits (unless it was garbage-collected)."""
    _live.add(storage)


@atexit.register
def _flush_all() -> None:
    for storage in list(_live):
        try:
            storage.flush()
        except Exception as exc:  # the log's place may be gone already
            _logger.warning("Could not flush %r at exit: %s", storage, exc)
