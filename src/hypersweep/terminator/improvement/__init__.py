"""``optuna.terminator.improvement`` path: the improvement evaluators."""

from __future__ import annotations

from .._improvement import (
    BaseImprovementEvaluator,
    BestValueStagnationEvaluator,
    RegretBoundEvaluator,
)

__all__ = ["BaseImprovementEvaluator", "BestValueStagnationEvaluator", "RegretBoundEvaluator"]
