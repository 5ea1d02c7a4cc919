"""Parameter importance: which hyperparameters matter (``hs.importance``).

>>> import hypersweep as hs
>>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
>>> def objective(trial):
...     x0, x1 = trial.suggest_float("x0", 0, 1), trial.suggest_float("x1", 0, 1)
...     return 10 * x0 + x1 + 0 * trial.suggest_float("x2", 0, 1)
>>> study.optimize(objective, n_trials=300)
>>> list(hs.importance.get_param_importances(study))
['x0', 'x1', 'x2']

The default evaluator is PED-ANOVA (no optional dependency); fANOVA and mean decrease in
impurity need scikit-learn (the ``sklearn`` extra).
"""

from __future__ import annotations

from ._api import get_param_importances
from ._base import BaseImportanceEvaluator
from ._forest import FanovaImportanceEvaluator, MeanDecreaseImpurityImportanceEvaluator
from ._ped_anova import PedAnovaImportanceEvaluator

__all__ = [
    "BaseImportanceEvaluator",
    "FanovaImportanceEvaluator",
    "MeanDecreaseImpurityImportanceEvaluator",
    "PedAnovaImportanceEvaluator",
    "get_param_importances",
]
