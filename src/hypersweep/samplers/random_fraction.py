"""Draw a fraction of the trials at random and the others from another sampler (BOHB's mix)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._internal.rng import stream
from ..space import Distribution, SearchSpace
from ..trial import FrozenTrial, History
from .base import Sampler
from .delegating import DelegatingSampler

__all__ = ["RandomFractionSampler"]

_RANDOM_STREAM = 0xB0B  # the key of the stream that decides which trials are random


class RandomFractionSampler(DelegatingSampler):
    """Draw a ``fraction`` of the trials uniformly at random and the others from ``inner``.

    Which trials are random is a function of the seed and the trial number, so every worker
    agrees. BOHB keeps a third of its configurations random, which bounds how much worse
    than HyperBand it can get when the model misleads it.

    The choice is made per trial. A random trial bypasses ``inner`` altogether: no
    ``start_trial`` or ``start_trial_shared`` (so it takes no slot of a CMA-ES generation and
    leaves the study's shared state untouched), no relative sampling, every parameter uniform
    from the trial's stream. Every other trial is ``inner``'s with every hook passed on
    (:class:`DelegatingSampler`), the shared-state ones included, so CMA-ES and the Gaussian
    ES can be wrapped. Random trials stay in the history ``inner`` sees: they are real
    evaluations that a model (BOHB's TPE) learns from, while a population sampler tells its
    generations only the points it proposed itself.

    >>> import hypersweep as hs
    >>> s = hs.samplers.RandomFractionSampler(hs.samplers.RandomSampler(seed=0), fraction=0.5)
    >>> study = hs.create_study(sampler=s)
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=4)
    >>> len(study.trials)
    4

    Over CMA-ES, the trials that are not random are CMA-ES's (it stores its generation and
    slot on them):

    >>> s = hs.samplers.RandomFractionSampler(hs.samplers.CmaEsSampler(seed=0), fraction=0.25)
    >>> study = hs.create_study(sampler=s)
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=20)
    >>> all(("hypersweep.cmaes" in t.system_attrs) != s.is_random(t.number)
    ...     for t in study.trials[1:])  # trial 0 is CMA-ES's start-up
    True
    """

    def __init__(self, inner: Sampler, fraction: float) -> None:
        if not isinstance(inner, Sampler):
            raise TypeError(f"inner must be a Sampler, got {type(inner).__name__}.")
        if not (isinstance(fraction, (int, float)) and 0.0 <= fraction <= 1.0):
            raise ValueError(f"fraction must be a number in [0, 1], got {fraction!r}.")
        super().__init__(inner)
        self.fraction = float(fraction)

    @property
    def inner(self) -> Sampler:
        """The sampler of the trials that are not random (``base_sampler``)."""
        return self.base_sampler

    def is_random(self, number: int) -> bool:
        """Whether trial ``number`` is drawn at random."""
        if self.fraction <= 0.0:
            return False
        return bool(stream(self.seed, number, _RANDOM_STREAM).random() < self.fraction)

    def start_trial(
        self, history: History, trial: FrozenTrial, rng: np.random.Generator
    ) -> Mapping[str, Any]:
        if self.is_random(trial.number):
            return {}
        return super().start_trial(history, trial, rng)

    def start_trial_shared(
        self,
        history: History,
        trial: FrozenTrial,
        rng: np.random.Generator,
        state: bytes | None,
    ) -> tuple[Mapping[str, Any], bytes | None]:
        if self.is_random(trial.number):
            return {}, None
        return super().start_trial_shared(history, trial, rng, state)

    def infer_relative_search_space(self, history: History, trial: FrozenTrial) -> SearchSpace:
        if self.is_random(trial.number):
            return {}
        return super().infer_relative_search_space(history, trial)

    def sample_relative(
        self,
        history: History,
        trial: FrozenTrial,
        search_space: SearchSpace,
        rng: np.random.Generator,
    ) -> dict[str, Any]:
        if self.is_random(trial.number):
            return {}
        return super().sample_relative(history, trial, search_space, rng)

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        if self.is_random(trial.number):
            return distribution.from_unit_scalar(rng.random())
        return super().sample_independent(history, trial, name, distribution, rng)

    def __repr__(self) -> str:
        return f"RandomFractionSampler({self.inner!r}, fraction={self.fraction})"
