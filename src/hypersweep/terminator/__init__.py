"""Stop a study when what it can still gain is within the objective's noise:
``hs.terminator`` (Optuna's ``optuna.terminator`` API).

* :class:`Terminator` compares an **improvement evaluator** (how much better the best value
  could get: :class:`RegretBoundEvaluator`, an upper bound of the regret from the study's
  GP; or :class:`BestValueStagnationEvaluator`, trials left before the best stagnates) with
  an **error evaluator** (how noisy the objective is: :class:`CrossValidationErrorEvaluator`
  from the scores :func:`report_cross_validation_scores` stored, :class:`StaticErrorEvaluator`,
  :class:`MedianErrorEvaluator`).
* :class:`TerminatorCallback` stops ``optimize`` when the terminator says so.

>>> import hypersweep as hs
>>> import numpy as np
>>> def objective(trial):
...     x = trial.suggest_float("x", -1, 1)
...     scores = x**2 + np.random.default_rng(trial.number).normal(0, 0.3, size=5)
...     hs.terminator.report_cross_validation_scores(trial, scores)
...     return float(scores.mean())
>>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
>>> callback = hs.terminator.TerminatorCallback(
...     hs.terminator.Terminator(hs.terminator.RegretBoundEvaluator(seed=0), min_n_trials=10))
>>> study.optimize(objective, n_trials=100, callbacks=[callback])
>>> len(study.trials) < 100
True
"""

from __future__ import annotations

from ._errors import (
    BaseErrorEvaluator,
    CrossValidationErrorEvaluator,
    MedianErrorEvaluator,
    StaticErrorEvaluator,
    report_cross_validation_scores,
)
from ._improvement import (
    BaseImprovementEvaluator,
    BestValueStagnationEvaluator,
    RegretBoundEvaluator,
)
from ._terminator import BaseTerminator, Terminator, TerminatorCallback

__all__ = [
    "BaseErrorEvaluator",
    "BaseImprovementEvaluator",
    "BaseTerminator",
    "BestValueStagnationEvaluator",
    "CrossValidationErrorEvaluator",
    "MedianErrorEvaluator",
    "RegretBoundEvaluator",
    "StaticErrorEvaluator",
    "Terminator",
    "TerminatorCallback",
    "report_cross_validation_scores",
]
