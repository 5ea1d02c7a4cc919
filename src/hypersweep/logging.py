"""Verbosity and handlers of hypersweep's logger, with Optuna's ``optuna.logging`` names.

The library root logger is ``hypersweep``. By default it is at ``INFO`` and a handler
writes each finished trial (and every warning) to stderr, one line each, as Optuna does.
That handler keeps quiet when the root logger has a handler of its own (``logging``
configured as usual), so no line is printed twice; see ``docs/compatibility.md``.

>>> import hypersweep as hs
>>> hs.logging.set_verbosity(hs.logging.WARNING)  # only warnings and errors from now on
>>> hs.logging.get_verbosity() == hs.logging.WARNING
True
>>> hs.logging.set_verbosity(hs.logging.INFO)
"""

from __future__ import annotations

import logging as _logging
import os as _os

from ._internal import logging as _internal

CRITICAL = _logging.CRITICAL
FATAL = _logging.FATAL
ERROR = _logging.ERROR
WARNING = _logging.WARNING
WARN = _logging.WARN
INFO = _logging.INFO
DEBUG = _logging.DEBUG

_FOREIGN_ROOT = "optuna"  # names of code written for Optuna map onto ours


def get_logger(name: str) -> _logging.Logger:
    """The logger called ``name``; ``"optuna"`` and ``"optuna.*"`` (Optuna's names) give
    ``"hypersweep"`` and ``"hypersweep.*"``, so a handler added to them receives our records.

    >>> import hypersweep as hs
    >>> hs.logging.get_logger("optuna").name, hs.logging.get_logger("hypersweep.study").name
    ('hypersweep', 'hypersweep.study')
    """
    if name == _FOREIGN_ROOT or name.startswith(_FOREIGN_ROOT + "."):
        name = _internal.LIBRARY_ROOT + name[len(_FOREIGN_ROOT) :]
    _internal.configure_default_handler()
    return _logging.getLogger(name)


def get_verbosity() -> int:
    """The level of the library root logger (``INFO`` by default).

    >>> import hypersweep as hs
    >>> hs.logging.get_verbosity() in (hs.logging.DEBUG, hs.logging.INFO, hs.logging.WARNING,
    ...                                hs.logging.ERROR, hs.logging.CRITICAL)
    True
    """
    _internal.configure_default_handler()
    return _internal.logger.getEffectiveLevel()


def set_verbosity(verbosity: int) -> None:
    """Set the level of the library root logger: ``set_verbosity(WARNING)`` hides the
    per-trial lines, ``DEBUG`` shows more. Worker processes started afterwards inherit it
    (through the environment variable ``HYPERSWEEP_VERBOSITY``).

    >>> import hypersweep as hs
    >>> before = hs.logging.get_verbosity()
    >>> hs.logging.set_verbosity(hs.logging.ERROR)
    >>> hs.logging.get_verbosity()
    40
    >>> hs.logging.set_verbosity(before)
    """
    _internal.configure_default_handler()
    _internal.logger.setLevel(verbosity)
    _os.environ[_internal.VERBOSITY_ENV] = str(_internal.logger.level)  # for worker processes


def disable_default_handler() -> None:
    """Remove the stderr handler from the library root logger (records still propagate to
    the root logger's handlers).

    >>> import hypersweep as hs
    >>> hs.logging.disable_default_handler()
    >>> hs.logging.enable_default_handler()
    """
    _internal.configure_default_handler()
    assert _internal.default_handler is not None
    _internal.logger.removeHandler(_internal.default_handler)
    _os.environ[_internal.DEFAULT_HANDLER_ENV] = "0"


def enable_default_handler() -> None:
    """Put the stderr handler back on the library root logger (it is there by default)."""
    _internal.configure_default_handler()
    assert _internal.default_handler is not None
    _internal.logger.addHandler(_internal.default_handler)
    _os.environ.pop(_internal.DEFAULT_HANDLER_ENV, None)


def disable_propagation() -> None:
    """Stop records at the library root logger: only its own handlers see them, and the
    default handler prints even when the root logger has handlers (Optuna's default).

    >>> import hypersweep as hs
    >>> hs.logging.disable_propagation()
    >>> hs.logging.enable_propagation()
    """
    _internal.configure_default_handler()
    _internal.logger.propagate = False


def enable_propagation() -> None:
    """Let records reach the root logger's handlers too (hypersweep's default)."""
    _internal.configure_default_handler()
    _internal.logger.propagate = True


__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "FATAL",
    "INFO",
    "WARN",
    "WARNING",
    "disable_default_handler",
    "disable_propagation",
    "enable_default_handler",
    "enable_propagation",
    "get_logger",
    "get_verbosity",
    "set_verbosity",
]
