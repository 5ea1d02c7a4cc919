"""Fix some parameters while another sampler searches the rest ("baby-sitting")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..space import Distribution, SearchSpace
from ..trial import FrozenTrial, History
from .base import Sampler


class PartialFixedSampler(Sampler):
    """Use ``fixed_params`` as given and let ``base_sampler`` choose every other parameter.

    >>> import hypersweep as hs
    >>> sampler = hs.samplers.PartialFixedSampler({"x": 0.0}, hs.samplers.RandomSampler(seed=0))
    >>> study = hs.create_study(sampler=sampler)
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) + t.suggest_float("y", 0, 1),
    ...                n_trials=3)
    >>> {t.params["x"] for t in study.trials}
    {0.0}
    """

    def __init__(self, fixed_params: Mapping[str, Any], base_sampler: Sampler) -> None:
        if not isinstance(base_sampler, Sampler):
            raise TypeError(f"base_sampler must be a Sampler, got {type(base_sampler).__name__}.")
        super().__init__(base_sampler.seed)
        self.fixed_params = dict(fixed_params)
        self.base_sampler = base_sampler

    def trial_rng(self, trial_number: int) -> np.random.Generator:
        return self.base_sampler.trial_rng(trial_number)

    def start_trial(
        self, history: History, trial: FrozenTrial, rng: np.random.Generator
    ) -> Mapping[str, Any]:
        return self.base_sampler.start_trial(history, trial, rng)

    def infer_relative_search_space(self, history: History, trial: FrozenTrial) -> SearchSpace:
        space = self.base_sampler.infer_relative_search_space(history, trial)
        return {n: d for n, d in space.items() if n not in self.fixed_params}

    def sample_relative(
        self,
        history: History,
        trial: FrozenTrial,
        search_space: SearchSpace,
        rng: np.random.Generator,
    ) -> dict[str, Any]:
        return self.base_sampler.sample_relative(history, trial, search_space, rng)

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        if name in self.fixed_params:
            value = self.fixed_params[name]
            if not distribution.contains(value):
                raise ValueError(
                    f"Fixed value {value!r} of {name!r} is not in the suggested {distribution}."
                )
            return value
        return self.base_sampler.sample_independent(history, trial, name, distribution, rng)

    def is_exhausted(self, history: History) -> bool:
        return self.base_sampler.is_exhausted(history)

    def check_directions(self, n_objectives: int) -> None:
        self.base_sampler.check_directions(n_objectives)
