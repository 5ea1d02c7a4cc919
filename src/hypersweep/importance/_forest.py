"""Random-forest evaluators (scikit-learn, the ``sklearn`` extra): fANOVA and
mean decrease in impurity. Parameters are encoded into the unit cube: numeric ones
linearly (in log space for log parameters), a categorical one as ``(index + 0.5) / n``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from .._internal.optional import import_optional
from ..space.distributions import CategoricalDistribution, Distribution
from ..study import Study
from ..trial import FrozenTrial
from ._base import (
    BaseImportanceEvaluator,
    Target,
    complete_trials,
    resolve_params,
    sort_by_importance,
)

FloatArray = npt.NDArray[np.float64]


def _column(name: str, trials: Sequence[FrozenTrial]) -> FloatArray:
    dist: Distribution = trials[-1].distributions[name]
    if isinstance(dist, CategoricalDistribution):
        n = len(dist.choices)
        idx = np.array([dist.to_internal(t.params[name]) for t in trials])
        return (idx + 0.5) / n
    low, high = float(dist.low), float(dist.high)
    x = np.array([float(t.params[name]) for t in trials])
    if dist.log:
        low, high, x = math.log(low), math.log(high), np.log(x)
    lo, hi = min(low, float(x.min())), max(high, float(x.max()))
    if hi <= lo:
        return np.full(len(trials), 0.5)
    return (x - lo) / (hi - lo)


def encode(
    study: Study, trials: Sequence[FrozenTrial], names: Sequence[str], target: Target | None
) -> tuple[FloatArray, FloatArray]:
    """(features in the unit cube, values) of ``trials``."""
    x = np.column_stack([_column(n, trials) for n in names])
    if target is None:
        y = np.array([t.values[0] for t in trials if t.values], dtype=float)
    else:
        y = np.array([float(target(t)) for t in trials], dtype=float)
    return x, y


class _ForestEvaluator(BaseImportanceEvaluator):
    def __init__(self, *, n_trees: int = 64, max_depth: int = 64, seed: int | None = None) -> None:
        for label, v in (("n_trees", n_trees), ("max_depth", max_depth)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"`{label}` must be a positive int, got {v!r}.")
        self.n_trees, self.max_depth, self.seed = n_trees, max_depth, seed

    def _fit(
        self, study: Study, params: list[str] | None, target: Target | None
    ) -> tuple[Any, list[str]]:
        if target is None and len(study.directions) > 1:
            raise ValueError(
                "This study has several objectives: pass `target` "
                "(e.g. target=lambda t: t.values[0])."
            )
        ensemble = import_optional("sklearn.ensemble", "sklearn", "This importance evaluator")
        trials = complete_trials(study, target)
        names = resolve_params(trials, params, union=False)
        names = [n for n in names if not trials[-1].distributions[n].single()]
        if len(trials) < 2 or not names:
            return None, names
        x, y = encode(study, trials, names, target)
        forest = ensemble.RandomForestRegressor(
            n_estimators=self.n_trees,
            max_depth=self.max_depth,
            min_samples_split=2,
            min_samples_leaf=1,
            random_state=self.seed,
        )
        forest.fit(x, y)
        return forest, names


class FanovaImportanceEvaluator(_ForestEvaluator):
    """fANOVA (Hutter et al., ICML 2014): the share of the variance of a seeded random
    forest's prediction over the search space that each parameter explains on its own
    (main effects), averaged over the trees. Needs scikit-learn (``pip install
    'hypersweep[sklearn]'``); assesses the parameters every completed trial has.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: 10 * t.suggest_float("a", 0, 1) + t.suggest_float("b", 0, 1),
    ...                n_trials=100)
    >>> evaluator = FanovaImportanceEvaluator(seed=0)
    >>> imp = hs.importance.get_param_importances(study, evaluator=evaluator)
    >>> list(imp), imp["a"] > 0.9
    (['a', 'b'], True)
    """

    def evaluate(
        self, study: Study, params: list[str] | None = None, *, target: Target | None = None
    ) -> dict[str, float]:
        """Raw fANOVA importances (shares of variance) of ``params``."""
        forest, names = self._fit(study, params, target)
        if forest is None:
            return {n: 0.0 for n in (params or names)}
        shares = np.zeros(len(names))
        used = 0
        for tree in forest.estimators_:
            share = tree_main_effects(tree.tree_, len(names))
            if share is not None:
                shares += share
                used += 1
        if used:
            shares /= used
        out = {n: float(s) for n, s in zip(names, shares, strict=False)}
        for n in params or []:
            out.setdefault(n, 0.0)
        return sort_by_importance(out)


class MeanDecreaseImpurityImportanceEvaluator(_ForestEvaluator):
    """Mean decrease in impurity of a seeded random forest (scikit-learn's
    ``feature_importances_``): fast, but biased towards parameters with many distinct values.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: 10 * t.suggest_float("a", 0, 1) + t.suggest_float("b", 0, 1),
    ...                n_trials=100)
    >>> evaluator = MeanDecreaseImpurityImportanceEvaluator(seed=0)
    >>> list(hs.importance.get_param_importances(study, evaluator=evaluator))
    ['a', 'b']
    """

    def evaluate(
        self, study: Study, params: list[str] | None = None, *, target: Target | None = None
    ) -> dict[str, float]:
        """Raw mean-decrease-impurity importances of ``params``."""
        forest, names = self._fit(study, params, target)
        if forest is None:
            return {n: 0.0 for n in (params or names)}
        out = {n: float(v) for n, v in zip(names, forest.feature_importances_, strict=False)}
        for n in params or []:
            out.setdefault(n, 0.0)
        return sort_by_importance(out)


def tree_main_effects(tree: Any, d: int) -> FloatArray | None:
    """Each feature's share of the variance of one fitted tree over the unit cube.

    The leaves partition the cube into boxes; the marginal prediction along feature ``j``
    is piecewise constant between split points, so its variance is exact. Boxes are built
    level by level (vectorised), the marginals with a difference array. ``None`` when the
    tree predicts a constant.
    """
    left = np.asarray(tree.children_left)
    right = np.asarray(tree.children_right)
    feature = np.asarray(tree.feature)
    threshold = np.asarray(tree.threshold, dtype=float)
    value = np.asarray(tree.value, dtype=float).reshape(len(left), -1)[:, 0]
    n = len(left)
    lo = np.zeros((n, d))
    hi = np.ones((n, d))
    frontier = np.array([0])
    while frontier.size:
        inner = frontier[left[frontier] >= 0]
        if inner.size == 0:
            break
        f, t = feature[inner], np.clip(threshold[inner], 0.0, 1.0)
        lc, rc = left[inner], right[inner]
        lo[lc], hi[lc] = lo[inner], hi[inner]
        lo[rc], hi[rc] = lo[inner], hi[inner]
        hi[lc, f] = np.minimum(hi[lc, f], t)
        lo[rc, f] = np.maximum(lo[rc, f], t)
        frontier = np.concatenate([lc, rc])
    leaves = left < 0
    lo, hi, v = lo[leaves], hi[leaves], value[leaves]
    width = np.maximum(hi - lo, 0.0)
    vol = np.prod(width, axis=1)
    keep = vol > 0
    lo, hi, v, width, vol = lo[keep], hi[keep], v[keep], width[keep], vol[keep]
    mean = float(vol @ v)
    total = float(vol @ (v - mean) ** 2)
    if total <= 0.0:
        return None
    out = np.zeros(d)
    for j in range(d):
        cuts, inv = np.unique(np.concatenate([lo[:, j], hi[:, j]]), return_inverse=True)
        start, stop = inv[: len(v)], inv[len(v) :]
        contrib = v * vol / width[:, j]
        diff = np.zeros(cuts.size)
        np.add.at(diff, start, contrib)
        np.add.at(diff, stop, -contrib)
        marginal = np.cumsum(diff)[:-1]
        out[j] = float(np.diff(cuts) @ (marginal - mean) ** 2) / total
    return out
