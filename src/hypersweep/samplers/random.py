"""Random search."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..space import Distribution
from ..trial import FrozenTrial, History
from .base import Sampler


class RandomSampler(Sampler):
    """Draw every parameter independently: uniform, log-uniform where ``log=True``.

    The baseline every other method must beat, and the right choice for many parallel
    workers on a cheap objective.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=20)
    >>> study.best_value < 0.05
    True
    """

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator | None = None,
    ) -> Any:
        # Without ``rng`` (a sampler written in the study-based shape delegating here, as
        # Optuna's ``RandomSampler().sample_independent(study, trial, name, dist)``), the
        # trial's own stream of this sampler is used.
        if rng is None:
            rng = self.trial_rng(trial.number)
        return distribution.from_unit_scalar(rng.random())
