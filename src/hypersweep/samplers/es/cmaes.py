"""CMA-ES: the covariance matrix adaptation evolution strategy, on the ``cmaes`` library."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...algorithms.es import make_cma, warm_start
from ...space import CategoricalDistribution, SearchSpace, UnitBoxEncoder
from ...trial import FrozenTrial, History, TrialState, keys
from ..base import Sampler
from .population import PopulationSampler
from .space import FloatArray, has_discrete, margin_grid

__all__ = ["CmaEsSampler"]

_WS_GAMMA = 0.1


class CmaEsSampler(PopulationSampler):
    """CMA-ES (Hansen), with IPOP/BIPOP restarts, margin, separable, lr-adapt and warm start.

    The numeric parameters that every completed trial shares (floats and ints, log-scaled
    ones on their log scale) are searched jointly in the unit box; the CMA update is the
    ``cmaes`` library's. Each generation of ``popsize`` points is asked and told as a whole:

    * **Many workers, one CMA-ES.** The optimizer and its current generation are the
      study's shared state (kept in the storage, updated by compare-and-set), so threads,
      processes and machines working on one study share one generation counter and each
      point goes to exactly one trial; a study resumed later continues the same run.
      Trials may finish in any order; a generation is told once ``popsize`` of its trials
      are COMPLETE, in slot order. FAIL trials (and PRUNED ones unless
      ``consider_pruned_trials=True``, which tells their last reported value) are skipped:
      a spare point from the same distribution replaces them. A worker that finds every
      point of the generation taken while some are still running also gets a spare, so no
      worker waits. When a generation is told, its spares not told (complete or still
      running) join the next generation, at most ``popsize // 2`` of them, instead of being
      dropped (``docs/es.md``).
    * **Restarts** (``restart_strategy="ipop"`` or ``"bipop"``): when a run stagnates
      (``cmaes``'s termination criteria; converged to a level: every coordinate of a
      generation within 1e-4 of its range and its values within 1 % of their level, see
      :func:`hypersweep.algorithms.es.converged`; or stuck: every coordinate within 1e-2 and
      the best values of the last ``max(5, ceil(20 * dim / popsize))`` generations within
      1 % of their level, see :func:`hypersweep.algorithms.es.stagnated`) and is not still
      descending (its generation bests fell by more than half their level over that window,
      as on the way to an optimum at 0: :func:`hypersweep.algorithms.es.descending`), a new
      run starts at a uniformly random mean with a population grown by ``inc_popsize`` (IPOP), or
      interlaced with small-population runs of smaller step size (BIPOP). Larger
      populations help on multimodal problems.
    * **Integers and stepped floats**: CMA-ES with margin (``with_margin``; on by default
      when the space has such parameters) keeps the probability of moving to a neighbouring
      value from vanishing. Without margin they are decoded from cells of the unit box.
    * ``use_separable_cma=True``: a diagonal covariance (linear cost, for high dimension);
      ``lr_adapt=True``: learning-rate adaptation for noisy or multimodal problems.
    * **Warm start** (WS-CMA-ES): ``source_trials`` from an earlier study on a similar task
      (e.g. last month's tuning, before the data drifted) set the initial mean, step size and
      covariance from its best 10 % (at least 10 COMPLETE trials; values are read in this
      study's direction).
    * **Categorical parameters**, and parameters not suggested by every completed trial, go
      to ``independent_sampler`` (by default TPE); one warning names them. The first
      ``n_startup_trials`` trials are sampled independently too.

    Randomness: every point comes from a stream keyed by ``(seed, run, generation, slot)``;
    the same seed gives the same trials, also in a fresh process.

    >>> import hypersweep as hs
    >>> from hypersweep.samplers import CmaEsSampler
    >>> study = hs.create_study(sampler=CmaEsSampler(seed=0))
    >>> def sphere(t):
    ...     return sum((t.suggest_float(f"x{i}", -5, 5) - 1) ** 2 for i in range(3))
    >>> study.optimize(sphere, n_trials=150)
    >>> study.best_value < 1e-2
    True
    """

    shared_state_key = keys.CMAES_STATE
    carry_untold = True

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
        restart_strategy: str | None = None,
        inc_popsize: float = 2,
        use_separable_cma: bool = False,
        with_margin: bool | None = None,
        lr_adapt: bool = False,
        source_trials: Sequence[FrozenTrial] | None = None,
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
            restart_strategy=restart_strategy,
            inc_popsize=inc_popsize,
        )
        if with_margin and (use_separable_cma or lr_adapt):
            raise ValueError(
                "with_margin=True cannot be combined with use_separable_cma or lr_adapt "
                "(cmaes has no such variant); drop one of them."
            )
        if lr_adapt and use_separable_cma:
            raise ValueError("lr_adapt=True cannot be combined with use_separable_cma=True.")
        if source_trials is not None:
            if use_separable_cma:
                raise ValueError("source_trials (warm start) needs use_separable_cma=False.")
            if x0 is not None or sigma0 is not None:
                raise ValueError(
                    "source_trials set the initial mean and step size; drop x0 and sigma0."
                )
            source_trials = list(source_trials)
            n_ok = sum(t.state is TrialState.COMPLETE for t in source_trials)
            least = int(np.ceil(1 / _WS_GAMMA))
            if n_ok < least:
                raise ValueError(
                    f"A warm start needs at least {least} COMPLETE source_trials, got {n_ok}."
                )
        self.use_separable_cma = bool(use_separable_cma)
        self.with_margin = with_margin
        self.lr_adapt = bool(lr_adapt)
        self.source_trials = source_trials

    def _kind(self, space: SearchSpace) -> str:
        if self.use_separable_cma and len(space) > 1:  # 1-D: full and separable coincide
            return "sep"
        if self.lr_adapt or self.with_margin is False or not has_discrete(space):
            return "cma"
        return "margin"

    def _make_optimizer(
        self,
        space: SearchSpace,
        mean: FloatArray,
        sigma: float,
        popsize: int | None,
        cov: FloatArray | None,
    ) -> Any:
        kind = self._kind(space)
        bounds, steps = margin_grid(space) if kind == "margin" else (None, None)
        if bounds is not None:
            mean = np.clip(mean, bounds[:, 0], bounds[:, 1])
        return make_cma(
            kind,
            mean,
            sigma,
            bounds=bounds,
            steps=steps,
            population_size=popsize,
            cov=cov,
            lr_adapt=self.lr_adapt,
        )

    def _first_distribution(
        self, space: SearchSpace, history: History
    ) -> tuple[FloatArray, float, FloatArray | None]:
        if self.source_trials is None:
            return super()._first_distribution(space, history)
        xs, values = _source_solutions(
            self.source_trials, space, history.sign(0), self.consider_pruned_trials
        )
        if len(xs) * _WS_GAMMA < 1:
            warnings.warn(
                f"Only {len(xs)} source_trials have every parameter of {sorted(space)} inside "
                "this study's ranges; CMA-ES starts cold. (A warm start needs "
                f"{int(np.ceil(1 / _WS_GAMMA))}.)",
                UserWarning,
                stacklevel=7,
            )
            return super()._first_distribution(space, history)
        mean, sigma, cov = warm_start(np.array(xs), values, gamma=_WS_GAMMA)
        return np.clip(mean, 0.0, 1.0), sigma, cov

    def __repr__(self) -> str:
        extras = [
            f"{name}={getattr(self, name)!r}"
            for name in ("restart_strategy", "use_separable_cma", "with_margin", "lr_adapt")
            if getattr(self, name) not in (None, False)
        ]
        return f"CmaEsSampler({', '.join([f'seed={self.seed}', *extras])})"


def _source_solutions(
    trials: Sequence[FrozenTrial], space: SearchSpace, sign: float, pruned: bool
) -> tuple[list[FloatArray], list[float]]:
    """Unit-box points and signed values of the source trials that fit ``space``."""
    enc = UnitBoxEncoder(space)
    xs: list[FloatArray] = []
    values: list[float] = []
    for t in trials:
        if t.state is TrialState.COMPLETE and t.values is not None:
            value = float(t.values[0])
        elif t.state is TrialState.PRUNED and pruned and t.intermediate_values:
            value = float(t.intermediate_values[max(t.intermediate_values)])
        else:
            continue
        fits = True
        for name, dist in space.items():
            src = t.distributions.get(name)
            if (
                src is None
                or isinstance(src, CategoricalDistribution)
                or not dist.low <= t.params[name] <= dist.high  # type: ignore[union-attr]
            ):
                fits = False
                break
        if fits:
            xs.append(enc.encode_row(t.params))
            values.append(sign * value)
    return xs, values
