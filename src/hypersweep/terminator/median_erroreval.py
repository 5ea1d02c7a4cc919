"""``optuna.terminator.median_erroreval`` path: :class:`MedianErrorEvaluator`."""

from __future__ import annotations

from ._errors import MedianErrorEvaluator

__all__ = ["MedianErrorEvaluator"]
