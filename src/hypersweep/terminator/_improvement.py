"""Improvement evaluators: how much better the study could still get.

:class:`RegretBoundEvaluator` bounds the regret of the best trial with the study's own GP
(Makarova et al. 2022, "Automatic termination for hyperparameter optimization"): fit the
GP of :mod:`hypersweep.algorithms.gp` to the top trials (values turned to maximisation and
standardised), then

    regret bound = max_x UCB(x) - max_{x in top trials} LCB(x),
    UCB/LCB(x) = mean(x) +/- sqrt(beta * var(x)),
    beta = 2 log(d n^2 pi^2 / (6 delta)) / 5,

with the maximum of UCB taken over the top trials and 2,048 random points of the space,
and the result scaled back by the standard deviation of the top values.
"""

from __future__ import annotations

import math

import numpy as np

from ..algorithms.gp import GPPosterior, Prior, fit_kernel_params
from ..algorithms.gp.threads import single_blas_thread
from ..samplers.gp.data import EncodedSpace
from ..search_space import intersection_search_space
from ..trial import FrozenTrial, StudyDirection, TrialState
from ._errors import _completed

DEFAULT_TOP_TRIALS_RATIO = 0.5
DEFAULT_MIN_N_TRIALS = 20


class BaseImprovementEvaluator:
    """Estimates how much the objective can still improve (same units as its values)."""

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        raise NotImplementedError


def _beta(n_params: int, n_trials: int, delta: float = 0.1) -> float:
    return 2.0 * math.log(n_params * n_trials**2 * math.pi**2 / 6.0 / delta) / 5.0


class RegretBoundEvaluator(BaseImprovementEvaluator):
    """An upper bound of the regret of the best trial, from a GP (see the module docstring).

    ``top_trials_ratio`` of the completed trials (at least ``min_n_trials``) feed the GP;
    ``seed`` fixes the random points the UCB is maximised over.
    """

    def __init__(
        self,
        top_trials_ratio: float = DEFAULT_TOP_TRIALS_RATIO,
        min_n_trials: int = DEFAULT_MIN_N_TRIALS,
        seed: int | None = None,
        n_samples: int = 2048,
    ) -> None:
        if not 0.0 < top_trials_ratio <= 1.0:
            raise ValueError(f"top_trials_ratio must be in (0, 1], got {top_trials_ratio}.")
        if min_n_trials < 1:
            raise ValueError(f"min_n_trials must be >= 1, got {min_n_trials}.")
        self._ratio = float(top_trials_ratio)
        self._min_n_trials = int(min_n_trials)
        self._rng = np.random.default_rng(seed)
        self._n_samples = int(n_samples)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        done = _completed(trials)
        if not done:
            raise ValueError("No trial has completed yet: the regret bound needs data.")
        space = {n: d for n, d in intersection_search_space(done).items() if not d.single()}
        if not space:
            raise ValueError(
                "The parameters common to every completed trial form an empty space; "
                "RegretBoundEvaluator needs at least one (use BestValueStagnationEvaluator)."
            )
        enc = EncodedSpace.from_space(space)
        sign = 1.0 if study_direction is StudyDirection.MAXIMIZE else -1.0
        values = sign * np.array([float(t.values[0]) for t in done])  # type: ignore[index]
        x = np.array([enc.encode(t.params) for t in done])
        n = len(values)
        top_n = int(np.clip(int(n * self._ratio), min(self._min_n_trials, n), n))
        cut = np.partition(values, n - top_n)[n - top_n]
        top = values >= cut
        x_top, y_top = x[top], values[top]
        std = max(1e-10, float(y_top.std()))
        z = (y_top - y_top.mean()) / std
        d = x.shape[1]
        prior = Prior.for_dims(d)
        is_cat = enc.spec.is_cat
        beta = _beta(d, len(z))
        samples = self._rng.random((self._n_samples, d))
        for j, k in enumerate(enc.spec.n_choices):
            if is_cat[j]:
                samples[:, j] = np.floor(samples[:, j] * k)
        samples = enc.spec.snap(samples)
        with single_blas_thread():  # small matrices: threads only contend
            fit = fit_kernel_params(x_top, z, is_cat, [prior.mode(d)], prior=prior)
            gp = GPPosterior(x_top, z, fit.params, is_cat)
            mean_s, var_s = gp.predict(np.vstack([x_top, samples]))
            mean_t, var_t = gp.predict(x_top)
        ucb = float(np.max(mean_s + np.sqrt(beta * var_s)))
        lcb = float(np.max(mean_t - np.sqrt(beta * var_t)))
        return (ucb - lcb) * std


class BestValueStagnationEvaluator(BaseImprovementEvaluator):
    """Trials left before the best value has stagnated for ``max_stagnation_trials``
    completed trials (pair it with ``StaticErrorEvaluator(0)``, the Terminator's default
    for it: the study stops when the count goes below zero).

    >>> from hypersweep.trial import FrozenTrial, StudyDirection, TrialState
    >>> ts = [FrozenTrial(number=i, state=TrialState.COMPLETE, values=(v,))
    ...       for i, v in enumerate([3.0, 1.0, 2.0, 2.0])]
    >>> BestValueStagnationEvaluator(5).evaluate(ts, StudyDirection.MINIMIZE)  # 2 since best
    3
    """

    def __init__(self, max_stagnation_trials: int = 30) -> None:
        if max_stagnation_trials < 0:
            raise ValueError(f"max_stagnation_trials must be >= 0, got {max_stagnation_trials}.")
        self._max = int(max_stagnation_trials)

    def evaluate(self, trials: list[FrozenTrial], study_direction: StudyDirection) -> float:
        done = [t for t in trials if t.state is TrialState.COMPLETE and t.values is not None]
        if not done:
            raise ValueError("No trial has completed yet: nothing to evaluate.")
        sign = 1.0 if study_direction is StudyDirection.MAXIMIZE else -1.0
        best_step, best = 0, sign * float(done[0].values[0])  # type: ignore[index]
        for i, t in enumerate(done):
            v = sign * float(t.values[0])  # type: ignore[index]
            if v > best:
                best_step, best = i, v
        return self._max - (len(done) - 1 - best_step)
