"""``optuna.terminator.erroreval`` path: the error evaluators and
:func:`report_cross_validation_scores`."""

from __future__ import annotations

from ._errors import (
    BaseErrorEvaluator,
    CrossValidationErrorEvaluator,
    StaticErrorEvaluator,
    report_cross_validation_scores,
)

__all__ = [
    "BaseErrorEvaluator",
    "CrossValidationErrorEvaluator",
    "StaticErrorEvaluator",
    "report_cross_validation_scores",
]
