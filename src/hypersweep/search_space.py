"""The search space shared by finished trials, under the names of ``optuna.search_space``.

>>> import hypersweep as hs
>>> def objective(trial):
...     x = trial.suggest_float("x", 0, 1)
...     if x > 0.5:
...         trial.suggest_int("n", 1, 3)
...     return x
>>> study = hs.create_study()
>>> study.enqueue_trial({"x": 0.9, "n": 2})
>>> study.enqueue_trial({"x": 0.1})
>>> study.optimize(objective, n_trials=2)
>>> list(intersection_search_space(study.trials))
['x']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .space.distributions import Distribution
from .space.search_space import intersection_search_space as _intersection
from .trial import FrozenTrial, TrialState


def intersection_search_space(
    trials: Iterable[FrozenTrial], include_pruned: bool = False
) -> dict[str, Distribution]:
    """The parameters that every COMPLETE trial (and PRUNED one with ``include_pruned``)
    has, with the same distribution; names sorted. No such trial: an empty space.

    >>> import hypersweep as hs
    >>> d = hs.FloatDistribution(0, 1)
    >>> trials = [hs.create_trial(params={"x": 0.5, "y": 0.1}, distributions={"x": d, "y": d},
    ...                           value=1.0),
    ...           hs.create_trial(params={"x": 0.2}, distributions={"x": d}, value=2.0)]
    >>> intersection_search_space(trials)
    {'x': FloatDistribution(low=0.0, high=1.0, log=False, step=None)}
    """
    states = (TrialState.COMPLETE, TrialState.PRUNED) if include_pruned else (TrialState.COMPLETE,)
    return _intersection(t.distributions for t in trials if t.state in states)


class IntersectionSearchSpace:
    """Optuna's incremental form: ``calculate(study)`` gives the intersection search space
    of the study's finished trials.

    >>> import hypersweep as hs
    >>> study = hs.create_study()
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=2)
    >>> list(IntersectionSearchSpace().calculate(study))
    ['x']
    """

    def __init__(self, include_pruned: bool = False) -> None:
        self._include_pruned = include_pruned

    def calculate(self, study: Any) -> dict[str, Distribution]:
        """The intersection search space of ``study.get_trials()``."""
        return intersection_search_space(study.get_trials(deepcopy=False), self._include_pruned)


__all__ = ["IntersectionSearchSpace", "intersection_search_space"]
