"""Error evaluators: how large an improvement is still within the noise of the objective."""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..trial import FrozenTrial, StudyDirection, TrialState, keys

if TYPE_CHECKING:
    from ._improvement import BaseImprovementEvaluator


def _completed(trials: Sequence[FrozenTrial]) -> list[FrozenTrial]:
    return [t for t in trials if t.state is TrialState.COMPLETE and t.values is not None]


def best_of(trials: Sequence[FrozenTrial], direction: StudyDirection) -> FrozenTrial:
    """The best COMPLETE trial (``ValueError`` when there is none)."""
    done = _completed(trials)
    if not done:
        raise ValueError("No trial has completed yet: nothing to evaluate.")
    pick = max if direction is StudyDirection.MAXIMIZE else min
    return pick(done, key=lambda t: float(t.values[0]))  # type: ignore[index]


class BaseErrorEvaluator:
    """Estimates the statistical error of the objective (same units as its values)."""

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        raise NotImplementedError


class CrossValidationErrorEvaluator(BaseErrorEvaluator):
    """The standard deviation of the best trial's cross-validation mean, from the scores
    :func:`report_cross_validation_scores` stored: ``sqrt((1/k + 1/(k-1)) * var(scores))``
    for ``k`` folds (the variance correction for the overlap of the training folds, the
    formula Optuna documents after Nadeau and Bengio 2003).

    >>> from hypersweep.trial import FrozenTrial, StudyDirection, TrialState, keys
    >>> t = FrozenTrial(number=0, state=TrialState.COMPLETE, values=(0.5,),
    ...                 system_attrs={keys.CV_SCORES: [0.4, 0.6]})
    >>> round(CrossValidationErrorEvaluator().evaluate([t], StudyDirection.MINIMIZE), 4)
    0.1225
    """

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        best = best_of(trials, study_direction)
        scores = best.system_attrs.get(keys.CV_SCORES)
        if scores is None:
            raise ValueError(
                "Cross-validation scores have not been reported for the best trial: call "
                "hs.terminator.report_cross_validation_scores(trial, scores) in the objective, "
                "or give the Terminator another error_evaluator (e.g. StaticErrorEvaluator)."
            )
        k = len(scores)
        return float(math.sqrt((1.0 / k + 1.0 / (k - 1)) * float(np.var(scores))))


def report_cross_validation_scores(trial: Any, scores: Sequence[float]) -> None:
    """Store a trial's cross-validation scores (at least two) for
    :class:`CrossValidationErrorEvaluator`; call it in the objective."""
    values = [float(s) for s in scores]
    if len(values) <= 1:
        raise ValueError("report_cross_validation_scores needs at least two scores.")
    if any(not math.isfinite(v) for v in values):
        raise ValueError(f"cross-validation scores must be finite, got {values}.")
    trial.set_system_attr(keys.CV_SCORES, values)


class StaticErrorEvaluator(BaseErrorEvaluator):
    """A constant error: stop once the improvement left falls below ``constant``.

    >>> StaticErrorEvaluator(0.1).evaluate([], StudyDirection.MINIMIZE)
    0.1
    """

    def __init__(self, constant: float) -> None:
        self._constant = float(constant)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        return self._constant


class MedianErrorEvaluator(BaseErrorEvaluator):
    """A threshold set once, from the run's own start: ``threshold_ratio`` times the median
    of the improvement evaluator's values on the first 1, 2, ..., ``n_initial_trials``
    trials after ``warm_up_trials`` (the heuristic of Ishibashi et al. 2023). Until enough
    trials have completed it returns a negative value, so nothing stops.
    """

    def __init__(
        self,
        paired_improvement_evaluator: BaseImprovementEvaluator,
        warm_up_trials: int = 10,
        n_initial_trials: int = 20,
        threshold_ratio: float = 0.01,
    ) -> None:
        if warm_up_trials < 0:
            raise ValueError(f"warm_up_trials must be >= 0, got {warm_up_trials}.")
        if n_initial_trials <= 0:
            raise ValueError(f"n_initial_trials must be > 0, got {n_initial_trials}.")
        if not (threshold_ratio > 0.0 and math.isfinite(threshold_ratio)):
            raise ValueError(f"threshold_ratio must be a positive number, got {threshold_ratio}.")
        self._paired = paired_improvement_evaluator
        self._warm_up = warm_up_trials
        self._n_initial = n_initial_trials
        self._ratio = threshold_ratio
        self._threshold: float | None = None

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        if self._threshold is not None:
            return self._threshold
        done = sorted(_completed(trials), key=lambda t: t.number)
        if len(done) < self._warm_up + self._n_initial:
            return -sys.float_info.min  # improvements are >= 0: do not stop yet
        criteria = sorted(
            self._paired.evaluate(done[self._warm_up : self._warm_up + i], study_direction)
            for i in range(1, self._n_initial + 1)
        )
        self._threshold = min(sys.float_info.max, criteria[len(criteria) // 2] * self._ratio)
        return self._threshold
