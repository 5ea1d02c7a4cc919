"""``optuna.terminator.terminator`` path: :class:`Terminator` and :class:`BaseTerminator`."""

from __future__ import annotations

from ._terminator import BaseTerminator, Terminator

__all__ = ["BaseTerminator", "Terminator"]
