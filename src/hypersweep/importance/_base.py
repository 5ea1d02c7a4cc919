"""The evaluator interface and the trial selection every evaluator shares."""

from __future__ import annotations

import abc
import math
from collections.abc import Callable, Sequence
from typing import Any

from ..study import Study
from ..trial import FrozenTrial, TrialState

Target = Callable[[FrozenTrial], float]


class BaseImportanceEvaluator(abc.ABC):
    """Assesses how much each parameter matters to a study's objective.

    Subclasses implement :meth:`evaluate`, returning raw (unnormalised) importances sorted
    from the most to the least important; :func:`get_param_importances` normalises them.

    >>> class Uniform(BaseImportanceEvaluator):
    ...     def evaluate(self, study, params=None, *, target=None):
    ...         names = resolve_params(complete_trials(study, target), params, union=True)
    ...         return {n: 1.0 for n in names}
    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> Uniform().evaluate(study)
    {'x': 1.0}
    """

    @abc.abstractmethod
    def evaluate(
        self, study: Study, params: list[str] | None = None, *, target: Target | None = None
    ) -> dict[str, float]:
        """Raw importances of ``params`` (default: the evaluator's choice of parameters)."""


def check_study(study: Any) -> Study:
    if not isinstance(study, Study):
        raise TypeError(f"Expected a hypersweep Study, got {type(study).__name__}.")
    return study


def complete_trials(study: Study, target: Target | None) -> list[FrozenTrial]:
    """COMPLETE trials whose value (``target``'s, else every objective) is finite."""
    if target is not None and not callable(target):
        raise TypeError("`target` must be a callable taking a FrozenTrial and returning a float.")
    trials = check_study(study).get_trials(deepcopy=False, states=(TrialState.COMPLETE,))
    if target is not None:
        return [t for t in trials if math.isfinite(float(target(t)))]
    return [t for t in trials if t.values and all(math.isfinite(v) for v in t.values)]


def resolve_params(
    trials: Sequence[FrozenTrial], params: Sequence[str] | None, *, union: bool
) -> list[str]:
    """The parameters to assess: ``params`` checked, else those in any completed trial
    (``union``) or in every one (the intersection: what a tree ensemble can use)."""
    if params is not None:
        if isinstance(params, str) or not isinstance(params, (list, tuple)):
            raise TypeError(f"`params` must be a list of parameter names, got {params!r}.")
        if any(not isinstance(p, str) for p in params):
            raise TypeError(f"`params` must be a list of parameter names, got {params!r}.")
    if union:
        known = sorted({k for t in trials for k in t.distributions})
    elif trials:
        common = set(trials[0].distributions)
        for t in trials[1:]:
            common &= set(t.distributions)
        known = sorted(common)
    else:
        known = []
    if params is None:
        return known
    missing = [p for p in params if p not in known]
    if missing:
        where = "at least one" if union else "every"
        raise ValueError(
            f"Parameters {missing} are not in {where} completed trial (assessable: {known})."
        )
    return list(params)


def sort_by_importance(importances: dict[str, float]) -> dict[str, float]:
    """Most important first (ties by name)."""
    return dict(sorted(importances.items(), key=lambda kv: (-kv[1], kv[0])))
