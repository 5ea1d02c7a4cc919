"""The isotropic Gaussian evolution strategy as a sampler: the baseline CMA-ES improves on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ...algorithms.es import GaussianES
from ...space import SearchSpace
from ...trial import keys
from ..base import Sampler
from .population import PopulationSampler
from .space import FloatArray

__all__ = ["GaussianESSampler"]


class GaussianESSampler(PopulationSampler):
    """A ``(mu/mu_w, lambda)`` evolution strategy with one step size for every coordinate.

    Each generation samples ``popsize`` points around a mean with one ``sigma`` (a ball in
    the unit box of the numeric parameters), moves the mean to the weighted mean of the best
    half, and adapts ``sigma`` by cumulative step-size adaptation
    (:class:`hypersweep.algorithms.es.GaussianES`). It is what CMA-ES reduces to without a
    covariance matrix: as good on round (separable, well-scaled) problems, slower on
    ill-conditioned or rotated ones. Use it as a baseline, or on many cheap trials where
    dimensions are of similar importance.

    Generations, workers and storage work exactly as in
    :class:`~hypersweep.samplers.CmaEsSampler` (shared state ``"gaussian_es"``);
    categorical parameters go to ``independent_sampler`` (by default TPE).

    >>> import hypersweep as hs
    >>> from hypersweep.samplers import GaussianESSampler
    >>> study = hs.create_study(sampler=GaussianESSampler(seed=0))
    >>> def sphere(t):
    ...     return sum((t.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(3))
    >>> study.optimize(sphere, n_trials=150)
    >>> study.best_value < 1e-2
    True
    """

    shared_state_key = keys.GAUSSIAN_ES_STATE

    def __init__(
        self,
        *,
        seed: int | None = None,
        x0: Mapping[str, Any] | None = None,
        sigma0: float | None = None,
        popsize: int | None = None,
        n_startup_trials: int = 1,
        independent_sampler: Sampler | None = None,
        warn_independent_sampling: bool = True,
        consider_pruned_trials: bool = False,
    ) -> None:
        super().__init__(
            seed=seed,
            x0=x0,
            sigma0=sigma0,
            popsize=popsize,
            n_startup_trials=n_startup_trials,
            independent_sampler=independent_sampler,
            warn_independent_sampling=warn_independent_sampling,
            consider_pruned_trials=consider_pruned_trials,
            restart_strategy=None,
            inc_popsize=2,
        )

    def _make_optimizer(
        self,
        space: SearchSpace,
        mean: FloatArray,
        sigma: float,
        popsize: int | None,
        cov: FloatArray | None,
    ) -> Any:
        n = len(space)
        return GaussianES(
            mean,
            sigma,
            bounds=np.tile([0.0, 1.0], (n, 1)),
            population_size=popsize,
            n_max_resampling=10 * n,
        )
