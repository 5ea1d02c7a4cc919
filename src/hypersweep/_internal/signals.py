"""SIGTERM as an exception while a study runs, so interrupted trials are recorded."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from .exceptions import TerminatedBySignal


def interrupt_reason(exc: BaseException) -> str:
    """The fail reason stored on a trial that ``exc`` interrupted."""
    name = str(exc) if isinstance(exc, TerminatedBySignal) else type(exc).__name__
    return f"interrupted by {name}"


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise TerminatedBySignal()


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Inside, SIGTERM raises :class:`TerminatedBySignal` in the main thread.

    Only where SIGTERM still has its default action (a handler the program installed is
    left alone) and only in the main thread (the only one that receives signals).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.getsignal(signal.SIGTERM)
    except (AttributeError, ValueError):  # no SIGTERM on this platform
        yield
        return
    if previous is not signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
