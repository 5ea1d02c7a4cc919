"""The library logger: ``hypersweep`` and its children.

Like Optuna, the library root logger starts at INFO with a handler that writes one line per
finished trial (and every warning) to stderr. Unlike Optuna's, the default handler stays
silent while the record also reaches a handler of the root logger (``logging.basicConfig``,
pytest's capture, a framework's configuration), so configuring ``logging`` as usual never
prints a record twice. :mod:`hypersweep.logging` is the public interface.

Worker processes (``executor="processes"``) import hypersweep afresh: the verbosity and the
default handler's presence travel to them in the environment variables ``HYPERSWEEP_VERBOSITY``
(a level number or name) and ``HYPERSWEEP_DEFAULT_HANDLER`` (``0``: none), which
:mod:`hypersweep.logging` sets and which a user may set too.
"""

from __future__ import annotations

import logging
import os
import threading

LIBRARY_ROOT = "hypersweep"
DEFAULT_FORMAT = "[%(levelname)1.1s %(asctime)s] %(message)s"
VERBOSITY_ENV = "HYPERSWEEP_VERBOSITY"
DEFAULT_HANDLER_ENV = "HYPERSWEEP_DEFAULT_HANDLER"

logger = logging.getLogger(LIBRARY_ROOT)
_lock = threading.Lock()


class DefaultHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The stderr handler installed on the library root logger.

    It writes a record only when no handler above the library root would receive it, so
    that a configured root logger and this handler never both print the same line.

    >>> DefaultHandler().stream is __import__("sys").stderr
    True
    """

    def emit(self, record: logging.LogRecord) -> None:
        if _reaches_an_outer_handler():
            return
        super().emit(record)


def _reaches_an_outer_handler() -> bool:
    current: logging.Logger | None = logger
    while current is not None and current.propagate:
        current = current.parent
        if current is not None and current.handlers:
            return True
    return False


default_handler: DefaultHandler | None = None


def level_from_env(text: str | None = None) -> int | None:
    """The level ``text`` (default: ``$HYPERSWEEP_VERBOSITY``) names, as ``"30"`` or
    ``"WARNING"``; ``None`` if empty or not a level.

    >>> level_from_env("warning"), level_from_env("10"), level_from_env("loud")
    (30, 10, None)
    """
    if text is None:
        text = os.environ.get(VERBOSITY_ENV, "")
    text = text.strip()
    if text.isdigit():
        return int(text)
    level = logging.getLevelName(text.upper()) if text else None
    return level if isinstance(level, int) else None


def configure_default_handler() -> None:
    """Install the default handler and the level once: ``HYPERSWEEP_VERBOSITY`` or INFO (a
    level set by the user before ``import hypersweep`` is kept)."""
    global default_handler
    with _lock:
        if default_handler is not None:
            return
        default_handler = DefaultHandler()
        default_handler.setFormatter(logging.Formatter(DEFAULT_FORMAT))
        if os.environ.get(DEFAULT_HANDLER_ENV, "").strip() != "0":
            logger.addHandler(default_handler)
        if logger.level == logging.NOTSET:
            logger.setLevel(level_from_env() or logging.INFO)


def get_logger(name: str) -> logging.Logger:
    """A child of the ``hypersweep`` logger."""
    return logger.getChild(name)


configure_default_handler()
