"""Terminator improvement: the improvement left and the objective's error, after each trial."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...study import Study
from ...terminator import (
    BaseErrorEvaluator,
    BaseImprovementEvaluator,
    CrossValidationErrorEvaluator,
    RegretBoundEvaluator,
)
from ...trial import TrialState
from ._common import FloatArray, IntArray, as_study


@dataclass(frozen=True)
class TerminatorImprovementData:
    """After each completed trial (``numbers``): the improvement left that
    ``improvement_evaluator`` sees in the trials so far, and the error (``None`` unless
    ``plot_error``). Trials before ``min_n_trials`` are drawn apart, as the terminator does
    not stop there.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
    >>> data = terminator_improvement_data(study, improvement_evaluator=
    ...     hs.terminator.BestValueStagnationEvaluator(max_stagnation_trials=3))
    >>> data.numbers.tolist(), data.errors is None
    ([0, 1, 2, 3], True)
    """

    numbers: IntArray
    improvements: FloatArray
    errors: FloatArray | None
    min_n_trials: int


def terminator_improvement_data(
    study: Study,
    plot_error: bool = False,
    improvement_evaluator: BaseImprovementEvaluator | None = None,
    error_evaluator: BaseErrorEvaluator | None = None,
    min_n_trials: int = 20,
) -> TerminatorImprovementData:
    """The data of :func:`~hypersweep.visualization.plot_terminator_improvement`
    (Optuna's arguments and defaults: :class:`RegretBoundEvaluator`,
    :class:`CrossValidationErrorEvaluator`)."""
    as_study(study)
    if len(study.directions) > 1:
        raise ValueError("The terminator improvement plot needs a single-objective study.")
    improvement = improvement_evaluator or RegretBoundEvaluator()
    error = error_evaluator or CrossValidationErrorEvaluator()
    trials = study.get_trials(deepcopy=False)
    done_at = [i for i, t in enumerate(trials) if t.state is TrialState.COMPLETE]
    numbers, improvements, errors = [], [], []
    for i in done_at:
        prefix = list(trials[: i + 1])
        numbers.append(trials[i].number)
        improvements.append(improvement.evaluate(prefix, study.direction))
        if plot_error:
            errors.append(error.evaluate(prefix, study.direction))
    return TerminatorImprovementData(
        np.asarray(numbers, dtype=np.int64),
        np.asarray(improvements, dtype=float),
        np.asarray(errors, dtype=float) if plot_error else None,
        min_n_trials,
    )
