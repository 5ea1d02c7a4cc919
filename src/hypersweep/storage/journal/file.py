"""The journal in a file: one JSON operation per line, appended under an exclusive lock."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

from ..._internal.logging import get_logger
from ._backend import JournalBackend, blob_name

_logger = get_logger("storage.journal")
_CHUNK = 16 * 1024 * 1024  # read a long log in pieces of this many bytes


def _fcntl() -> Any:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        raise RuntimeError(
            "The journal file backend locks its file with fcntl.flock, which this platform "
            "lacks; use a SQL storage ('sqlite:///study.db') or Redis ('redis://host/0')."
        ) from None
    return fcntl


class JournalFileBackend(JournalBackend):
    """Keep a journal in an append-only file shared by every process that opens it.

    Writers append whole lines while holding ``fcntl.flock`` on the file; readers take no
    lock and stop before a last line without its newline (still being written). A writer
    that finds such a line while holding the lock knows its writer crashed, and truncates
    it, so a torn last record never hides the ones before it. Blobs (checkpoints, large
    sampler states) live beside the log in ``<path>.blobs/``, one file per content hash,
    written atomically. ``fsync=True`` makes every append durable against power loss (slower).

    >>> import os, tempfile
    >>> from hypersweep.storage.journal import JournalFileBackend
    >>> backend = JournalFileBackend(os.path.join(tempfile.mkdtemp(), "study.log"))
    >>> backend.append([b'{"o":"demo"}'], 0)
    ([b'{"o":"demo"}'], 13)
    >>> backend.read(0)
    ([b'{"o":"demo"}'], 13)
    """

    def __init__(self, path: str | os.PathLike[str], *, fsync: bool = False) -> None:
        if not isinstance(path, (str, os.PathLike)) or not os.fspath(path):
            raise TypeError(f"path must be a file path, got {path!r}.")
        self.path = os.path.abspath(os.fspath(path))
        self.fsync = bool(fsync)
        self._fd: int | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._fcntl = _fcntl()
        self._fd_now()  # fail here, with the path in the message, if it cannot be opened

    # -- the file --------------------------------------------------------------------------
    def _fd_now(self) -> int:
        fd, pid = self._fd, os.getpid()
        if fd is not None and self._pid == pid:
            return fd
        # A forked child gets its own open file: a shared one would share the flock.
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o666)
        except OSError as exc:
            raise OSError(
                exc.errno, f"Cannot open the journal file {self.path!r}: {exc.strerror}"
            ) from exc
        self._fd, self._pid = fd, pid
        return fd

    def _complete_lines(self, fd: int, cursor: int, size: int) -> tuple[list[bytes], int]:
        """The complete lines in ``[cursor, size)`` and the offset after the last one."""
        if size < cursor:
            raise RuntimeError(
                f"The journal file {self.path!r} shrank below what this process already read "
                f"({size} < {cursor} bytes): it was replaced or truncated by hand. Reopen "
                "the storage to replay it from the start."
            )
        lines: list[bytes] = []
        rest = b""
        pos = cursor
        while pos < size:
            chunk = os.pread(fd, min(_CHUNK, size - pos), pos)
            if not chunk:  # the file shrank under a lock-free reader; read again later
                break
            pos += len(chunk)
            data = rest + chunk if rest else chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                rest = data
                continue
            lines.extend(data[:cut].split(b"\n"))
            rest = data[cut + 1 :]
        return lines, pos - len(rest)

    # -- JournalBackend ----------------------------------------------------------------------
    def read(self, cursor: int, *, stable: bool = False) -> tuple[list[bytes], int]:
        with self._lock:
            fd = self._fd_now()
            if not stable:
                size = os.fstat(fd).st_size
                if size == cursor:
                    return [], cursor
                return self._complete_lines(fd, cursor, size)
            fcntl = self._fcntl
            fcntl.flock(fd, fcntl.LOCK_SH)
            try:
                return self._complete_lines(fd, cursor, os.fstat(fd).st_size)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)

    def append(self, records: Sequence[bytes], cursor: int) -> tuple[list[bytes], int]:
        payload = b"\n".join(records) + b"\n"
        with self._lock:
            fd = self._fd_now()
            fcntl = self._fcntl
            fcntl.flock(fd, fcntl.LOCK_EX)
            try:
                size = os.fstat(fd).st_size
                lines, end = self._complete_lines(fd, cursor, size)
                if end < size:
                    _logger.warning(
                        "The journal %s ends in a torn record (%d bytes) left by a writer "
                        "that crashed; removing it.",
                        self.path,
                        size - end,
                    )
                    os.ftruncate(fd, end)
                view = memoryview(payload)
                while view:
                    view = view[os.write(fd, view) :]
                if self.fsync:
                    os.fsync(fd)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        lines.extend(records)
        return lines, end + len(payload)

    def put_blob(self, data: bytes) -> str:
        name = blob_name(data)
        folder = self.path + ".blobs"
        target = os.path.join(folder, name)
        if os.path.exists(target):
            return name
        os.makedirs(folder, exist_ok=True)
        tmp = os.path.join(folder, f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            if self.fsync:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, target)
        return name

    def get_blob(self, name: str) -> bytes:
        target = os.path.join(self.path + ".blobs", name)
        try:
            with open(target, "rb") as fh:
                return fh.read()
        except FileNotFoundError:
            raise RuntimeError(
                f"The journal {self.path!r} refers to the blob {name!r}, which is missing "
                f"from {self.path + '.blobs'!r}: keep that folder beside the log."
            ) from None

    def close(self) -> None:
        with self._lock:
            fd, self._fd = self._fd, None
            if fd is not None and self._pid == os.getpid():
                os.close(fd)

    def describe(self) -> str:
        return f"journal://{self.path}"

    def __del__(self) -> None:
        fd = getattr(self, "_fd", None)
        if fd is None:
            return
        try:
            if self._pid == os.getpid():
                os.close(fd)
        except Exception:  # at interpreter shutdown `os` may already be gone
            pass

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "fsync": self.fsync}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"], fsync=state["fsync"])  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"JournalFileBackend({self.path!r})"
