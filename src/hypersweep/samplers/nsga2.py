"""NSGA-II: a genetic algorithm for one or several objectives (Deb et al. 2002), with
Optuna's ``NSGAIISampler`` arguments.

Trial ``n`` belongs to generation ``n // population_size``. Generation 0 is random. Later,
the parent population is the ``population_size`` best completed trials of the earlier
generations, ranked by non-dominated sorting (feasible trials first, infeasible ones by total
violation when there is a ``constraints_func``) and, within a front, by crowding distance.
Each trial picks two parents by binary tournament (stored as the system attribute
``nsga2:parents``) and builds its parameters define-by-run: a parameter both parents have is
taken from one of them, with probability ``swapping_prob`` from the second (uniform
crossover, done with probability ``crossover_prob``, else the first parent's value), then
redrawn at random with probability ``mutation_prob`` (default ``1 / number of parameters``);
a parameter a parent lacks is drawn at random.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..space import Distribution
from ..trial import FrozenTrial, History, keys
from ..trial.constraints import ConstraintsFunc, check_constraints_func, evaluate, violation
from .base import Sampler

_PARENTS = "nsga2:parents"


def _fronts(points: np.ndarray) -> np.ndarray:
    """The non-domination rank (0 = Pareto front) of each row, all objectives minimised."""
    n = len(points)
    le = np.all(points[:, None, :] <= points[None, :, :], axis=2)
    lt = np.any(points[:, None, :] < points[None, :, :], axis=2)
    dominates = le & lt  # [i, j]: i dominates j
    ranks = np.full(n, -1)
    remaining = np.ones(n, dtype=bool)
    rank = 0
    while remaining.any():
        dominated = (dominates[remaining][:, remaining]).any(axis=0)
        front = np.flatnonzero(remaining)[~dominated]
        ranks[front] = rank
        remaining[front] = False
        rank += 1
    return ranks


def _crowding(points: np.ndarray) -> np.ndarray:
    """Crowding distance of each row within its front (boundary points: infinite)."""
    n, m = points.shape
    distance = np.zeros(n)
    if n <= 2:
        return np.full(n, np.inf)
    for k in range(m):
        order = np.argsort(points[:, k], kind="stable")
        span = points[order[-1], k] - points[order[0], k]
        distance[order[0]] = distance[order[-1]] = np.inf
        if span > 0:
            gaps = (points[order[2:], k] - points[order[:-2], k]) / span
            distance[order[1:-1]] += gaps
    return distance


def _rank(history: History, trials: Sequence[FrozenTrial], constrained: bool) -> np.ndarray:
    """Sort keys ``(rank, -crowding)`` per trial as an ``(n, 2)`` array (lower is better)."""
    signs = np.array([history.sign(k) for k in range(history.n_objectives)])
    points = np.array([t.values for t in trials], dtype=float) * signs
    points = np.nan_to_num(points, nan=np.inf)
    out = np.zeros((len(trials), 2))
    violations = np.array([violation(t) if constrained else 0.0 for t in trials])
    feasible = violations <= 0
    if feasible.any():
        out[feasible, 0] = _fronts(points[feasible])
    offset = out[feasible, 0].max() + 1 if feasible.any() else 0
    out[~feasible, 0] = offset + violations[~feasible]
    for rank in np.unique(out[:, 0]):
        members = out[:, 0] == rank
        out[members, 1] = -_crowding(points[members])
    return out


class NSGAIISampler(Sampler):
    """NSGA-II, for multi-objective studies (works with one objective too).

    >>> import hypersweep as hs
    >>> study = hs.create_study(directions=["minimize", "minimize"],
    ...                         sampler=hs.samplers.NSGAIISampler(population_size=10, seed=0))
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     return x, (1 - x) ** 2
    >>> study.optimize(objective, n_trials=40)
    >>> len(study.best_trials) > 3
    True
    """

    def __init__(
        self,
        *,
        population_size: int = 50,
        mutation_prob: float | None = None,
        crossover: Any = None,
        crossover_prob: float = 0.9,
        swapping_prob: float = 0.5,
        seed: int | None = None,
        constraints_func: ConstraintsFunc | None = None,
        elite_population_selection_strategy: Any = None,
        child_generation_strategy: Any = None,
        after_trial_strategy: Any = None,
    ) -> None:
        super().__init__(seed)
        if not isinstance(population_size, int) or population_size < 2:
            raise ValueError("`population_size` must be an integer of at least 2.")
        if mutation_prob is not None and not 0.0 <= mutation_prob <= 1.0:
            raise ValueError("`mutation_prob` must be None or a float in [0, 1].")
        if not 0.0 <= crossover_prob <= 1.0:
            raise ValueError("`crossover_prob` must be a float in [0, 1].")
        if not 0.0 <= swapping_prob <= 1.0:
            raise ValueError("`swapping_prob` must be a float in [0, 1].")
        strategies = (crossover, elite_population_selection_strategy, child_generation_strategy)
        if any(s is not None for s in (*strategies, after_trial_strategy)):
            raise NotImplementedError(
                "NSGAIISampler: only uniform crossover and the default strategies are supported."
            )
        self.population_size = population_size
        self.mutation_prob = mutation_prob
        self.crossover_prob = crossover_prob
        self.swapping_prob = swapping_prob
        self.constraints_func = check_constraints_func(constraints_func)

    def start_trial(
        self, history: History, trial: FrozenTrial, rng: np.random.Generator
    ) -> Mapping[str, Any]:
        """Pick the two parents of ``trial`` (none in the first generation)."""
        generation = trial.number // self.population_size
        if generation == 0:
            return {}
        limit = generation * self.population_size
        pool = [t for t in history.completed if t.number < limit]
        if len(pool) < 2:
            return {}
        order = _rank(history, pool, self.constraints_func is not None)
        keep = np.lexsort((order[:, 1], order[:, 0]))[: self.population_size]
        population = [pool[i] for i in keep]
        ranks = order[keep]

        def tournament() -> int:
            i, j = rng.choice(len(population), size=2, replace=False)
            return int(i if tuple(ranks[i]) <= tuple(ranks[j]) else j)

        first, second = tournament(), tournament()
        return {_PARENTS: [population[first].number, population[second].number]}

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        parents = trial.system_attrs.get(_PARENTS)
        if parents:
            by_number = {t.number: t for t in history.trials}
            mom, dad = (by_number.get(n) for n in parents)
            if mom is not None and dad is not None:
                value = self._inherit(mom, dad, name, distribution, rng)
                if value is not None:
                    return value[0]
        return distribution.from_unit_scalar(rng.random())

    def _inherit(
        self,
        mom: FrozenTrial,
        dad: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> tuple[Any] | None:
        """``(value,)`` from the parents, or ``None`` to draw at random."""
        have = [p for p in (mom, dad) if p.distributions.get(name) == distribution]
        if not have:
            return None
        mutation = self.mutation_prob
        if mutation is None:
            mutation = 1.0 / max(1, len(mom.params))
        if rng.random() < mutation:
            return None
        if len(have) == 2 and rng.random() < self.crossover_prob:
            source = dad if rng.random() < self.swapping_prob else mom
        else:
            source = have[0]
        return (source.params[name],)

    def finish_trial(self, trial: FrozenTrial) -> Mapping[str, Any]:
        """The constraint values of a finished trial, when there is a ``constraints_func``."""
        if self.constraints_func is None:
            return {}
        return {keys.CONSTRAINTS: evaluate(self.constraints_func, trial)}
