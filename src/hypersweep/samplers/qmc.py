"""Quasi-random search: scrambled Sobol or Halton points (via ``scipy.stats.qmc``)."""

from __future__ import annotations

import threading
import warnings
from typing import Any, Literal

import numpy as np

from ..space import Distribution, SearchSpace, UnitBoxEncoder, intersection_search_space
from ..trial import FrozenTrial, History
from .base import Sampler
from .random import RandomSampler


class QMCSampler(Sampler):
    """Fill the space evenly with a low-discrepancy sequence instead of independent draws.

    The joint search space is that of the first completed trial (its parameters seen in every
    later completed trial); trial ``n`` takes point ``n`` of the sequence, so parallel workers
    never take the same point. Parameters outside that space, and the first trial, are
    drawn by ``independent_sampler`` (random by default). ``scramble=True`` (the default)
    randomises the sequence by ``seed`` so that it does not start at the corner or the centre.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.QMCSampler(qmc_type="sobol", seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", -1, 1) ** 2, n_trials=16)
    >>> len(study.trials)
    16
    """

    def __init__(
        self,
        *,
        qmc_type: Literal["sobol", "halton"] = "sobol",
        scramble: bool = True,
        seed: int | None = None,
        independent_sampler: Sampler | None = None,
        warn_independent_sampling: bool = True,
    ) -> None:
        super().__init__(seed)
        if qmc_type not in ("sobol", "halton"):
            raise ValueError(f"qmc_type must be 'sobol' or 'halton', got {qmc_type!r}.")
        self.qmc_type = qmc_type
        self.scramble = scramble
        self._independent = independent_sampler or RandomSampler(seed=self.seed)
        self._warn_independent = warn_independent_sampling
        self._initial_space: SearchSpace | None = None
        self._points: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()

    def infer_relative_search_space(self, history: History, trial: FrozenTrial) -> SearchSpace:
        if self._initial_space is None:
            completed = history.completed
            if not completed:
                return {}
            first = min(completed, key=lambda t: t.number)
            self._initial_space = intersection_search_space([first.distributions])
        return {n: d for n, d in self._initial_space.items() if not d.single()}

    def _point(self, dim: int, index: int) -> np.ndarray:
        with self._lock:
            table = self._points.get(dim)
            if table is None or index >= len(table):
                from scipy.stats import qmc  # imported on first use: scipy.stats is slow to load

                m = max(4, int(np.ceil(np.log2(index + 1))))
                if self.qmc_type == "sobol":
                    engine: Any = qmc.Sobol(dim, scramble=self.scramble, seed=self.seed)
                    table = engine.random_base2(m)
                else:
                    engine = qmc.Halton(dim, scramble=self.scramble, seed=self.seed)
                    table = engine.random(2**m)
                self._points[dim] = table
            row: np.ndarray = table[index]
            return row

    def sample_relative(
        self,
        history: History,
        trial: FrozenTrial,
        search_space: SearchSpace,
        rng: np.random.Generator,
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        point = self._point(len(search_space), trial.number)
        return UnitBoxEncoder(search_space).decode_row(point)

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        if self._warn_independent and self._initial_space is not None and not distribution.single():
            warnings.warn(
                f"QMCSampler samples {name!r} at random: it is not in the joint search space "
                "fixed by the first completed trial.",
                stacklevel=2,
            )
        return self._independent.sample_independent(history, trial, name, distribution, rng)
