"""``get_param_importances``: run an evaluator, normalise, sort."""

from __future__ import annotations

from ..study import Study
from ._base import BaseImportanceEvaluator, Target, check_study, sort_by_importance
from ._ped_anova import PedAnovaImportanceEvaluator


def get_param_importances(
    study: Study,
    *,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    target: Target | None = None,
    normalize: bool = True,
) -> dict[str, float]:
    """Importance of each parameter, most important first, summing to 1 (``normalize``).

    ``evaluator`` defaults to :class:`PedAnovaImportanceEvaluator`, which assesses every
    parameter of the completed trials (conditional ones included); the forest evaluators
    assess the parameters every completed trial has. ``target`` picks the value to explain
    (needed for the forest evaluators in multi-objective studies).

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + 0 * t.suggest_float("y", 0, 1),
    ...                n_trials=100)
    >>> imp = get_param_importances(study)
    >>> list(imp), round(sum(imp.values()), 6)
    (['x', 'y'], 1.0)
    """
    check_study(study)
    if evaluator is None:
        evaluator = PedAnovaImportanceEvaluator()
    if not isinstance(evaluator, BaseImportanceEvaluator):
        raise TypeError(
            "`evaluator` must be a hypersweep.importance.BaseImportanceEvaluator, got "
            f"{type(evaluator).__name__}."
        )
    if not isinstance(normalize, bool):
        raise TypeError("`normalize` must be a bool.")
    raw = evaluator.evaluate(study, params=params, target=target)
    if not normalize:
        return sort_by_importance(raw)
    total = sum(raw.values())
    if total == 0.0:
        return {k: 1.0 / len(raw) for k in raw} if raw else {}
    return sort_by_importance({k: v / total for k, v in raw.items()})
