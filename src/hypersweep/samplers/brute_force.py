"""Brute force: every combination of a finite define-by-run space, once.

The trials seen so far form a tree: a node per parameter suggested (in the order the
objective suggests them), a child per level of its distribution (a categorical's choices,
an integer's values, a stepped float's grid points). Each new value is drawn among the
children whose subtree still holds an untried combination, so conditional spaces (a
parameter suggested only on one branch, ranges that depend on earlier parameters) are
covered exactly. When no untried combination is left, :meth:`BruteForceSampler.is_exhausted`
stops the study.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..space import CategoricalDistribution, Distribution, FloatDistribution, IntDistribution
from ..trial import FrozenTrial, History, TrialState
from .base import Sampler

_TRIED = (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL, TrialState.RUNNING)


def _n_levels(name: str, dist: Distribution) -> int:
    if isinstance(dist, FloatDistribution) and dist.step is None:
        raise ValueError(
            f"BruteForceSampler needs a finite space, but {name!r} is a continuous float; "
            "give suggest_float a step (or use suggest_int / suggest_categorical)."
        )
    n = dist.n_levels()
    assert n is not None
    return int(n)


def _level(dist: Distribution, value: Any) -> int | None:
    """The index of ``value`` among the levels of ``dist`` (``None``: not one of them)."""
    if isinstance(dist, CategoricalDistribution):
        for i, choice in enumerate(dist.choices):
            if choice is value or (type(choice) is type(value) and choice == value):
                return i
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(v):
        return None
    step = float(dist.step) if dist.step is not None else 1.0
    k = (v - dist.low) / step
    index = round(k)
    if abs(k - index) > 1e-8 * max(1.0, abs(k)) or not 0 <= index < _n_levels("", dist):
        return None
    return index


def _value(dist: Distribution, index: int) -> Any:
    if isinstance(dist, CategoricalDistribution):
        return dist.choices[index]
    if isinstance(dist, IntDistribution):
        return dist.low + index * dist.step
    assert dist.step is not None
    return float(f"{dist.low + index * dist.step:.12g}")


class _Node:
    """One parameter of one branch: ``children`` per level once a trial went through it."""

    __slots__ = ("children", "dist", "done", "name", "running")

    def __init__(self) -> None:
        self.name: str | None = None
        self.dist: Distribution | None = None
        self.children: list[_Node] | None = None
        self.done = False  # a finished trial ended here
        self.running = False  # a running trial ended here (so far)

    def expand(self, name: str, dist: Distribution) -> None:
        if self.children is None:
            self.name, self.dist = name, dist
            self.children = [_Node() for _ in range(_n_levels(name, dist))]
        elif self.name != name or self.dist != dist:
            raise ValueError(
                f"BruteForceSampler: after the same earlier parameters, one trial suggested "
                f"{self.name!r} from {self.dist} and another {name!r} from {dist}. The space "
                "must be a function of the earlier parameters (no other randomness, no change "
                "of the objective within one study)."
            )

    def untried(self, skip_running: bool) -> int:
        """How many leaves below this node have not been tried."""
        if self.children is None:
            return 0 if self.done or (skip_running and self.running) else 1
        return sum(child.untried(skip_running) for child in self.children)


def _add(root: _Node, trial: FrozenTrial, skip: Sequence[str] = ()) -> None:
    node = root
    for name, dist in trial.distributions.items():
        if name in skip:
            continue
        node.expand(name, dist)
        index = _level(dist, trial.params.get(name))
        if index is None:  # the value is not a level of the distribution: nothing to mark
            return
        assert node.children is not None
        node = node.children[index]
    if trial.state is TrialState.RUNNING:
        node.running = True
    else:
        node.done = True


class BruteForceSampler(Sampler):
    """Try every combination of a finite space once, then stop the study.

    Every suggested parameter must have finitely many values: categoricals, integers and
    floats with a ``step`` (a float without one raises ``ValueError``). The space may be
    conditional: the sampler walks the tree of the parameters each branch suggests. With
    ``avoid_premature_stop=False`` (the default) running trials count as tried, so parallel
    workers do not duplicate them, and the study may stop while the last trials run (if one
    of them fails early, its untried branch stays untried); ``True`` waits for them, at the
    risk of duplicates. ``seed`` shuffles the order.

    >>> import hypersweep as hs
    >>> def objective(trial):
    ...     kind = trial.suggest_categorical("kind", ["float", "int"])
    ...     if kind == "float":
    ...         return trial.suggest_float("x", 1, 3, step=0.5)
    ...     a = trial.suggest_int("a", 1, 3)
    ...     return a + trial.suggest_int("b", a, 3)
    >>> study = hs.create_study(sampler=hs.samplers.BruteForceSampler(seed=0))
    >>> study.optimize(objective, n_trials=100)
    >>> len(study.trials)  # 5 floats, then (a, b) with a <= b <= 3: 3 + 2 + 1
    11
    """

    def __init__(self, seed: int | None = None, avoid_premature_stop: bool = False) -> None:
        super().__init__(seed)
        self._avoid_premature_stop = bool(avoid_premature_stop)

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        root = _Node()
        root.expand(name, distribution)
        given = trial.params.items()
        for other in history.get(_TRIED):
            if other.number != trial.number and given <= other.params.items():
                _add(root, other, skip=tuple(trial.params))
        assert root.children is not None
        skip_running = not self._avoid_premature_stop
        counts = np.array([c.untried(skip_running) for c in root.children], dtype=float)
        if counts.sum() == 0:
            return _value(distribution, int(rng.integers(len(root.children))))
        open_ = counts > 0
        weights = 0.5 * counts / counts.sum() + 0.5 * open_ / open_.sum()
        idle = np.array([not c.running for c in root.children])
        if (weights[idle] > 0).any():
            weights = np.where(idle, weights, 0.0)
        index = int(rng.choice(len(weights), p=weights / weights.sum()))
        return _value(distribution, index)

    def is_exhausted(self, history: History) -> bool:
        root = _Node()
        seen = False
        for trial in history.get(_TRIED):
            if trial.distributions:
                _add(root, trial)
                seen = True
        return seen and root.untried(not self._avoid_premature_stop) == 0

    def __repr__(self) -> str:
        return (
            f"BruteForceSampler(seed={self.seed}, "
            f"avoid_premature_stop={self._avoid_premature_stop})"
        )
