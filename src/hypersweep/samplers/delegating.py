"""Wrapper samplers: change a few decisions of another sampler and pass on all the others."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..space import Distribution, SearchSpace
from ..trial import FrozenTrial, History
from .base import Sampler

__all__ = ["DelegatingSampler"]


class DelegatingSampler(Sampler):
    """Base of wrapper samplers: every hook of the protocol goes to ``base_sampler``.

    Subclasses override only the hooks whose answer they change. A wrapper that derives
    from :class:`Sampler` directly gets the protocol's defaults for every hook it does not
    write, which is wrong in silence: without :attr:`shared_state_key` and
    :meth:`start_trial_shared`, for one, the study never starts a CMA-ES generation and every
    parameter falls back to CMA-ES's independent sampler. Here ``seed``, ``trial_rng``,
    ``shared_state_key``, ``start_trial``, ``start_trial_shared``,
    ``infer_relative_search_space``, ``sample_relative``, ``sample_independent``,
    ``is_exhausted``, ``finish_trial`` and ``check_directions`` are all the base's (a test
    fails when the protocol gains a hook this class does not pass on).

    What the base sampler is shown goes through :meth:`_base_history` and :meth:`_base_trial`
    (unchanged by default), so a wrapper can hide parameters from it in one place.

    >>> import hypersweep as hs
    >>> class CountingSampler(hs.samplers.DelegatingSampler):
    ...     '''Counts the trials whose parameters the base sampler proposed jointly.'''
    ...     def __init__(self, base_sampler):
    ...         super().__init__(base_sampler)
    ...         self.joint = 0
    ...     def sample_relative(self, history, trial, search_space, rng):
    ...         params = super().sample_relative(history, trial, search_space, rng)
    ...         self.joint += bool(params)
    ...         return params
    >>> sampler = CountingSampler(hs.samplers.CmaEsSampler(seed=0, popsize=4))
    >>> sampler.shared_state_key, sampler.seed  # the base's
    ('cmaes', 0)
    >>> study = hs.create_study(sampler=sampler)
    >>> def sphere(t):
    ...     return t.suggest_float("x", -1, 1) ** 2 + t.suggest_float("y", -1, 1) ** 2
    >>> study.optimize(sphere, n_trials=20)
    >>> sampler.joint  # all but the first trial (CMA-ES's start-up) came from CMA-ES
    19
    """

    def __init__(self, base_sampler: Sampler) -> None:
        if not isinstance(base_sampler, Sampler):
            raise TypeError(f"base_sampler must be a Sampler, got {type(base_sampler).__name__}.")
        super().__init__(base_sampler.seed)
        self.base_sampler = base_sampler

    # -- what the base sampler is shown -----------------------------------------------------
    def _base_history(self, history: History) -> History:
        """The history the base sampler sees (``history`` itself unless overridden)."""
        return history

    def _base_trial(self, trial: FrozenTrial) -> FrozenTrial:
        """The trial the base sampler sees (``trial`` itself unless overridden)."""
        return trial

    # -- the protocol, passed on ------------------------------------------------------------
    @property
    def seed(self) -> int:
        """The base sampler's seed."""
        return self.base_sampler.seed

    def trial_rng(self, trial_number: int) -> np.random.Generator:
        return self.base_sampler.trial_rng(trial_number)

    @property
    def shared_state_key(self) -> str | None:  # type: ignore[override]  # read-only here
        """The base sampler's: the study keeps its shared state whoever wraps it."""
        return self.base_sampler.shared_state_key

    def start_trial(
        self, history: History, trial: FrozenTrial, rng: np.random.Generator
    ) -> Mapping[str, Any]:
        return self.base_sampler.start_trial(
            self._base_history(history), self._base_trial(trial), rng
        )

    def start_trial_shared(
        self,
        history: History,
        trial: FrozenTrial,
        rng: np.random.Generator,
        state: bytes | None,
    ) -> tuple[Mapping[str, Any], bytes | None]:
        return self.base_sampler.start_trial_shared(
            self._base_history(history), self._base_trial(trial), rng, state
        )

    def infer_relative_search_space(self, history: History, trial: FrozenTrial) -> SearchSpace:
        return self.base_sampler.infer_relative_search_space(
            self._base_history(history), self._base_trial(trial)
        )

    def sample_relative(
        self,
        history: History,
        trial: FrozenTrial,
        search_space: SearchSpace,
        rng: np.random.Generator,
    ) -> dict[str, Any]:
        return self.base_sampler.sample_relative(
            self._base_history(history), self._base_trial(trial), search_space, rng
        )

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        return self.base_sampler.sample_independent(
            self._base_history(history), self._base_trial(trial), name, distribution, rng
        )

    def is_exhausted(self, history: History) -> bool:
        return self.base_sampler.is_exhausted(self._base_history(history))

    def finish_trial(self, trial: FrozenTrial) -> Mapping[str, Any]:
        return self.base_sampler.finish_trial(self._base_trial(trial))

    def check_directions(self, n_objectives: int) -> None:
        self.base_sampler.check_directions(n_objectives)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.base_sampler!r})"
