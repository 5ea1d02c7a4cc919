"""PED-ANOVA (Watanabe et al., IJCAI 2023): importance as the Pearson divergence between
the density of the top trials and that of a region, per parameter; conditional parameters
are split into regimes (the trials where the parameter exists, with one domain each)."""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from ..algorithms.tpe.mo import split_multi_objective
from ..space.distributions import CategoricalDistribution, Distribution
from ..study import Study
from ..trial import FrozenTrial, StudyDirection
from ._base import (
    BaseImportanceEvaluator,
    Target,
    complete_trials,
    resolve_params,
    sort_by_importance,
)
from ._scott import grid_counts, grid_pdf


class PedAnovaImportanceEvaluator(BaseImportanceEvaluator):
    """PED-ANOVA: which parameters matter to reach the top ``target_quantile`` of trials
    within the top ``region_quantile`` (1.0: every completed trial). Deterministic, cheap
    (no model is fitted) and handles conditional parameters. The default evaluator.

    With ``target`` given, lower target values count as better (negate a value to be
    maximised). A multi-objective study without ``target`` ranks trials by Pareto fronts,
    breaking ties within a front by hypervolume contribution.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: 10 * t.suggest_float("a", 0, 1) + t.suggest_float("b", 0, 1),
    ...                n_trials=200)
    >>> imp = hs.importance.get_param_importances(study, evaluator=PedAnovaImportanceEvaluator())
    >>> list(imp)
    ['a', 'b']
    """

    def __init__(
        self,
        *,
        target_quantile: float = 0.1,
        region_quantile: float = 1.0,
        evaluate_on_local: bool = True,
    ) -> None:
        if not 0.0 < target_quantile < region_quantile <= 1.0:
            raise ValueError(
                "PED-ANOVA needs 0 < target_quantile < region_quantile <= 1, got "
                f"target_quantile={target_quantile}, region_quantile={region_quantile}."
            )
        self.target_quantile = float(target_quantile)
        self.region_quantile = float(region_quantile)
        self.evaluate_on_local = bool(evaluate_on_local)
        self.n_steps = 50
        self.prior_weight = 1.0
        self.min_trials_in_regime = 2

    def _top(
        self, study: Study, trials: list[FrozenTrial], quantile: float, target: Target | None
    ) -> list[FrozenTrial]:
        if quantile == 1.0:
            return trials
        if target is None and len(study.directions) > 1:
            signs = np.array(
                [1.0 if d is StudyDirection.MINIMIZE else -1.0 for d in study.directions]
            )
            losses = np.array([t.values for t in trials], dtype=float) * signs
            mask = split_multi_objective(losses, math.ceil(quantile * len(trials)))
            return [t for t, keep in zip(trials, mask, strict=False) if keep]
        if target is None:
            sign = 1.0 if study.directions[0] is StudyDirection.MINIMIZE else -1.0
            loss = sign * np.array([t.values[0] for t in trials if t.values])
        else:
            loss = np.array([float(target(t)) for t in trials])
        cut = math.ceil(quantile * loss.size) - 1
        cutoff = float(np.partition(loss, cut)[cut])
        return [t for t, v in zip(trials, loss, strict=False) if v <= cutoff]

    def _divergence(
        self,
        name: str,
        dist: Distribution,
        top: Sequence[FrozenTrial],
        region: Sequence[FrozenTrial],
    ) -> float:
        categorical = isinstance(dist, CategoricalDistribution)
        top_counts = grid_counts(name, dist, top, self.n_steps)
        p_top = grid_pdf(top_counts, categorical, self.prior_weight) + 1e-12
        if self.evaluate_on_local:
            counts = grid_counts(name, dist, region, self.n_steps)
            p_local = grid_pdf(counts, categorical, self.prior_weight) + 1e-12
        else:
            p_local = np.full(top_counts.size, 1.0 / top_counts.size)
        return float(p_local @ ((p_top / p_local - 1.0) ** 2))

    def evaluate(
        self, study: Study, params: list[str] | None = None, *, target: Target | None = None
    ) -> dict[str, float]:
        """Raw PED-ANOVA importances of ``params`` (default: every parameter)."""
        trials = complete_trials(study, target)
        names = resolve_params(trials, params, union=True)
        if len(trials) <= 1:
            warnings.warn("Too few completed trials to assess importances.", stacklevel=2)
            return {n: 0.0 for n in names}
        top = self._top(study, trials, self.target_quantile, target)
        region = self._top(study, trials, self.region_quantile, target)
        if not top:
            return {n: 0.0 for n in names}
        top_ids = {t.number for t in top}
        ratio = len(top) / len(region)
        out = {n: 0.0 for n in names}
        for name in names:
            regimes: dict[Distribution | None, list[FrozenTrial]] = defaultdict(list)
            for t in region:
                regimes[t.distributions.get(name)].append(t)
            for dist, members in regimes.items():
                if dist is None or dist.single() or len(members) < self.min_trials_in_regime:
                    continue
                top_members = [t for t in members if t.number in top_ids]
                if not top_members:
                    continue
                alpha = len(top_members) / len(top)
                beta = len(members) / len(region)
                div = self._divergence(name, dist, top_members, members)
                out[name] += alpha**2 / beta * div
        return sort_by_importance({k: v * ratio**2 for k, v in out.items()})
