"""Parameter importances as bars (see :mod:`hypersweep.importance`)."""

from __future__ import annotations

from dataclasses import dataclass

from ...importance import BaseImportanceEvaluator, get_param_importances
from ...study import Study
from ...trial import FrozenTrial, StudyDirection
from ._common import DEFAULT_TARGET_NAME, Target, as_study, check_target_name, completed


@dataclass(frozen=True)
class ImportanceBars:
    """One objective's importances, most important first."""

    name: str
    params: tuple[str, ...]
    importances: tuple[float, ...]


@dataclass(frozen=True)
class ParamImportancesData:
    """What :func:`plot_param_importances` draws: one set of bars per objective.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + 0 * t.suggest_float("y", 0, 1),
    ...                n_trials=50)
    >>> param_importances_data(study).bars[0].params
    ('x', 'y')
    """

    evaluator: str
    bars: tuple[ImportanceBars, ...]


def _objective(i: int, sign: float) -> Target:
    def target(t: FrozenTrial) -> float:
        assert t.values is not None
        return sign * t.values[i]

    return target


def param_importances_data(
    study: Study,
    evaluator: BaseImportanceEvaluator | None = None,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> ParamImportancesData:
    """The data of :func:`plot_param_importances`. In a multi-objective study without
    ``target``, one set of bars per objective (each objective to be minimised or maximised
    as the study says)."""
    as_study(study)
    check_target_name(target_name)
    name = type(evaluator).__name__ if evaluator is not None else "PedAnovaImportanceEvaluator"
    if not completed(study):
        return ParamImportancesData(name, ())
    if target is not None or len(study.directions) == 1:
        targets = [(target_name, target)]
    else:
        targets = [
            (
                f"{target_name} {i}",
                _objective(i, 1.0 if d is StudyDirection.MINIMIZE else -1.0),
            )
            for i, d in enumerate(study.directions)
        ]
    bars = []
    for label, tgt in targets:
        imp = get_param_importances(study, evaluator=evaluator, params=params, target=tgt)
        bars.append(ImportanceBars(label, tuple(imp), tuple(imp.values())))
    return ParamImportancesData(name, tuple(bars))
