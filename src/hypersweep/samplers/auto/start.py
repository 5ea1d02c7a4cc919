"""Space-filling starts: a Latin hypercube that needs no space up front, and a 1-D grid.

The Latin hypercube is built one parameter at a time: parameter ``name`` owns a random
permutation of ``size`` strata (drawn from the seed and the name), and trial ``n`` takes
stratum ``perm[n % size]`` with a random offset inside it. Every parameter's values are
then spread over its whole range within ``size`` trials — whatever parameters the objective
suggests, in whatever order, with or without conditions — and workers taking different
trial numbers take different strata.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np

from ..._internal.rng import stream
from ...space import Distribution
from ...trial import FrozenTrial, History, TrialState
from ..base import Sampler

_LATIN_STREAM = 7  # keys the start's streams apart from the trial streams


def _name_key(name: str) -> int:
    return zlib.crc32(name.encode())


class LatinStartSampler(Sampler):
    """Latin hypercube sampling over ``size`` trials, parameter by parameter.

    >>> import hypersweep as hs
    >>> from hypersweep.samplers.auto.start import LatinStartSampler
    >>> study = hs.create_study(sampler=LatinStartSampler(size=4, seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 4), n_trials=4)
    >>> sorted(int(t.params["x"]) for t in study.trials)  # one value in each quarter
    [0, 1, 2, 3]
    """

    def __init__(self, size: int = 10, seed: int | None = None) -> None:
        super().__init__(seed)
        if not isinstance(size, int) or size < 1:
            raise ValueError(f"size must be a positive int, got {size!r}.")
        self.size = size

    def unit_value(self, name: str, number: int) -> float:
        """The point in ``[0, 1)`` of parameter ``name`` in trial ``number``."""
        key = _name_key(name)
        perm = stream(self.seed, _LATIN_STREAM, key).permutation(self.size)
        offset = stream(self.seed, _LATIN_STREAM, key, number).random()
        return float((perm[number % self.size] + offset) / self.size)

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        return distribution.from_unit_scalar(self.unit_value(name, trial.number))

    def __repr__(self) -> str:
        return f"LatinStartSampler(size={self.size}, seed={self.seed})"


def grid_value(history: History, trial: FrozenTrial, name: str, dist: Distribution) -> Any:
    """The untried value of a 1-D integer parameter farthest from every tried or running
    one (ties: the smallest), so a small grid is enumerated coarse to fine; a tried value
    once all are tried."""
    levels = dist.n_levels()
    assert levels is not None
    taken: set[int] = set()
    for t in history.trials:
        if t.number != trial.number and name in t.params:
            taken.add(round((t.params[name] - dist.from_unit_scalar(0.0)) / _step(dist)))
    free = [k for k in range(levels) if k not in taken]
    if not free:
        return dist.from_unit_scalar((trial.number % levels + 0.5) / levels)
    if not taken:
        best = free[len(free) // 2]
    else:
        best = max(free, key=lambda k: (min(abs(k - j) for j in taken), -k))
    return dist.from_unit_scalar((best + 0.5) / levels)


def _step(dist: Distribution) -> float:
    step = getattr(dist, "step", None)
    return float(step) if step else 1.0


def grid_exhausted(history: History) -> bool:
    """Whether every value of the only (integer) parameter has been tried."""
    finished = [t for t in history.trials if t.state != TrialState.RUNNING]
    names = {n for t in finished for n in t.distributions}
    if len(names) != 1:
        return False
    (name,) = names
    dist = finished[-1].distributions[name]
    levels = dist.n_levels()
    values = {t.params[name] for t in finished if t.state == TrialState.COMPLETE}
    return levels is not None and len(values) >= levels
