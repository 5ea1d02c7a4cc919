"""Grid search: the full factorial of given values, in a seeded random order."""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..space import Distribution
from ..trial import FrozenTrial, History, TrialState, keys
from .base import Sampler

GRID_ID_ATTR = keys.GRID_ID


class GridSampler(Sampler):
    """Try every combination of the given values once, shuffled by ``seed``.

    The grid is finite: once every point has been started, ``Study.optimize`` stops by itself.
    Several workers sharing a study skip points that another worker is running.

    >>> import hypersweep as hs
    >>> grid = hs.samplers.GridSampler({"x": [0, 1, 2], "y": ["a", "b"]}, seed=0)
    >>> study = hs.create_study(sampler=grid)
    >>> study.optimize(
    ...     lambda t: t.suggest_int("x", 0, 2) + len(t.suggest_categorical("y", ["a", "b"])),
    ...     n_trials=100)
    >>> len(study.trials)
    6
    """

    def __init__(self, search_space: Mapping[str, Sequence[Any]], seed: int | None = None) -> None:
        super().__init__(seed)
        if not isinstance(search_space, Mapping) or not search_space:
            raise ValueError(
                "search_space must be a non-empty dict of parameter name -> list of values."
            )
        names = sorted(search_space)
        values: list[tuple[Any, ...]] = []
        for name in names:
            vals = search_space[name]
            if isinstance(vals, (str, bytes)) or not isinstance(vals, Sequence):
                raise TypeError(f"Grid values of {name!r} must be a list, got {vals!r}.")
            if len(vals) == 0:
                raise ValueError(f"Grid values of {name!r} must not be empty.")
            values.append(tuple(vals))
        self._names = names
        self._values = values
        self._n_points = math.prod(len(v) for v in values)
        self._order = np.random.default_rng(self.seed).permutation(self._n_points)

    @property
    def n_points(self) -> int:
        """How many points the grid has."""
        return self._n_points

    def _point(self, grid_id: int) -> dict[str, Any]:
        point = next(itertools.islice(itertools.product(*self._values), grid_id, None))
        return dict(zip(self._names, point, strict=False))

    def _taken(self, history: History) -> set[int]:
        return {
            int(t.system_attrs[GRID_ID_ATTR])
            for t in history.trials
            if GRID_ID_ATTR in t.system_attrs and t.state is not TrialState.WAITING
        }

    def start_trial(
        self, history: History, trial: FrozenTrial, rng: np.random.Generator
    ) -> Mapping[str, Any]:
        taken = self._taken(history)
        for grid_id in self._order:
            if int(grid_id) not in taken:
                return {GRID_ID_ATTR: int(grid_id)}
        # Every point was started; revisit one at random (only when run past exhaustion).
        return {GRID_ID_ATTR: int(rng.integers(self._n_points))}

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        if name not in self._names:
            raise ValueError(
                f"Parameter {name!r} is not in the grid {self._names}; add its values to "
                "GridSampler's search_space."
            )
        value = self._point(int(trial.system_attrs[GRID_ID_ATTR]))[name]
        if not distribution.contains(value):
            warnings.warn(
                f"Grid value {value!r} of {name!r} is outside the suggested {distribution}; "
                "it is used as given.",
                stacklevel=2,
            )
        return value

    def is_exhausted(self, history: History) -> bool:
        return len(self._taken(history)) >= self._n_points
