"""Fix some parameters while another sampler searches the rest ("baby-sitting")."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..space import Distribution, SearchSpace
from ..trial import FrozenTrial, History
from .base import Sampler
from .delegating import DelegatingSampler


class PartialFixedSampler(DelegatingSampler):
    """Use ``fixed_params`` as given and let ``base_sampler`` choose every other parameter.

    The base sampler sees the study as if the fixed parameters were constants of the
    objective: they are left out of every trial it is shown (the history and the trial being
    sampled). Its joint search space — CMA-ES's distribution, the TPE and GP models — covers
    the free parameters only, and every hook of the protocol reaches it, the shared-state
    ones of CMA-ES included (see :class:`DelegatingSampler`). A fixed parameter is never
    sampled, also when an earlier trial (before it was fixed) searched it.

    >>> import hypersweep as hs
    >>> sampler = hs.samplers.PartialFixedSampler({"x": 0.0}, hs.samplers.RandomSampler(seed=0))
    >>> study = hs.create_study(sampler=sampler)
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) + t.suggest_float("y", 0, 1),
    ...                n_trials=3)
    >>> {t.params["x"] for t in study.trials}
    {0.0}

    Over CMA-ES, the free parameters are CMA-ES's proposals (the generation and slot it
    stores on each trial), in a space without the fixed ones:

    >>> cma = hs.samplers.CmaEsSampler(seed=0, popsize=4)
    >>> study = hs.create_study(sampler=hs.samplers.PartialFixedSampler({"z": 1}, cma))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2 + t.suggest_int("z", 0, 3),
    ...                n_trials=12)
    >>> sum("hypersweep.cmaes" in t.system_attrs for t in study.trials)  # all but the start-up
    11
    >>> {t.params["z"] for t in study.trials}
    {1}
    """

    def __init__(self, fixed_params: Mapping[str, Any], base_sampler: Sampler) -> None:
        super().__init__(base_sampler)
        self.fixed_params = dict(fixed_params)
        # The history last shown to the base sampler, with the one it was made from: every
        # hook of a trial gets the same object (TPE memoises by it), and it is made once.
        self._shown: tuple[History, History] | None = None

    def _base_history(self, history: History) -> History:
        shown = self._shown
        if shown is not None and shown[0] is history:
            return shown[1]
        if not self.fixed_params:
            return history
        view = History(history.directions, lambda: [self._base_trial(t) for t in history.trials])
        self._shown = (history, view)
        return view

    def _base_trial(self, trial: FrozenTrial) -> FrozenTrial:
        fixed = self.fixed_params
        if not any(name in fixed for name in trial.distributions) and not any(
            name in fixed for name in trial.params
        ):
            return trial
        return dataclasses.replace(
            trial,
            params={k: v for k, v in trial.params.items() if k not in fixed},
            distributions={k: d for k, d in trial.distributions.items() if k not in fixed},
        )

    def infer_relative_search_space(self, history: History, trial: FrozenTrial) -> SearchSpace:
        space = super().infer_relative_search_space(history, trial)
        return {n: d for n, d in space.items() if n not in self.fixed_params}

    def sample_relative(
        self,
        history: History,
        trial: FrozenTrial,
        search_space: SearchSpace,
        rng: np.random.Generator,
    ) -> dict[str, Any]:
        params = super().sample_relative(history, trial, search_space, rng)
        return {n: v for n, v in params.items() if n not in self.fixed_params}

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
        return super().sample_independent(history, trial, name, distribution, rng)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["_shown"] = None  # a study's trials do not travel with the sampler
        return state

    def __repr__(self) -> str:
        return f"PartialFixedSampler({self.fixed_params!r}, {self.base_sampler!r})"
