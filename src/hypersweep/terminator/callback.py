"""``optuna.terminator.callback`` path: :class:`TerminatorCallback`."""

from __future__ import annotations

from ._terminator import TerminatorCallback

__all__ = ["TerminatorCallback"]
