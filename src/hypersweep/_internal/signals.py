"""SIGTERM as an exception while a study runs, so interrupted trials are recorded.

Inside :func:`sigterm_raises` a SIGTERM (and Ctrl-C, where Python's own handler is in place)
raises in the main thread, except inside :func:`interrupts_deferred`: storage writes that
must not be cut in two (a trial created but not yet known to its worker, a result half
recorded) finish first, and the interrupt is raised when the block ends.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType
from typing import Any

from .exceptions import TerminatedBySignal


def interrupt_reason(exc: BaseException) -> str:
    """The fail reason stored on a trial that ``exc`` interrupted."""
    name = str(exc) if isinstance(exc, TerminatedBySignal) else type(exc).__name__
    return f"interrupted by {name}"


_deferring = 0  # depth of interrupts_deferred() blocks (main thread only)
_pending: BaseException | None = None


def _raise(exc: BaseException) -> None:
    global _pending
    if _deferring:
        _pending = _pending or exc
        return
    raise exc


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    _raise(TerminatedBySignal())


def _raise_keyboard_interrupt(signum: int, frame: FrameType | None) -> None:
    _raise(KeyboardInterrupt())


class _Deferred:
    """The context manager :func:`interrupts_deferred` returns (a plain class: it runs twice
    per trial, so it avoids the cost of a generator-based one)."""

    __slots__ = ()

    def __enter__(self) -> None:
        global _deferring
        if threading.get_ident() == _MAIN_THREAD_ID:
            _deferring += 1

    def __exit__(self, *exc_info: object) -> None:
        global _deferring, _pending
        if threading.get_ident() != _MAIN_THREAD_ID:
            return
        _deferring -= 1
        if not _deferring and _pending is not None:
            pending, _pending = _pending, None
            raise pending


_MAIN_THREAD_ID = threading.main_thread().ident
_DEFERRED = _Deferred()


def interrupts_deferred() -> _Deferred:
    """Inside, an interrupt that :func:`sigterm_raises` turns into an exception waits
    until the block ends (in the main thread; other threads get no signals)."""
    return _DEFERRED


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Inside, SIGTERM raises :class:`TerminatedBySignal` in the main thread, and Ctrl-C's
    KeyboardInterrupt waits for :func:`interrupts_deferred` blocks.

    Each signal is taken over only where it still has Python's default action (a handler the
    program installed is left alone), and only in the main thread (the only one that
    receives signals).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    restore: list[tuple[int, Any]] = []
    for signum, default, handler in (
        (getattr(signal, "SIGTERM", None), signal.SIG_DFL, _raise_terminated),
        (signal.SIGINT, signal.default_int_handler, _raise_keyboard_interrupt),
    ):
        if signum is None:  # no SIGTERM on this platform
            continue
        try:
            previous = signal.getsignal(signum)
        except (AttributeError, ValueError):
            continue
        if previous is default:
            signal.signal(signum, handler)
            restore.append((signum, previous))
    try:
        yield
    finally:
        for signum, previous in restore:
            signal.signal(signum, previous)
