"""Benchmark problems for searching methods: define-by-run objectives with known optima.

Every objective takes a trial with ``suggest_float/int/categorical`` (hypersweep's or
Optuna's) and returns a loss to minimise. Optima are shifted away from the centre of the
box, where quasi-random and grid points land first and would fake a win.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Objective = Callable[[Any], float]


@dataclass(frozen=True)
class Problem:
    """One benchmark problem: minimise ``objective``; ``optimum`` is its best value if known."""

    name: str
    objective: Objective
    optimum: float | None
    tags: frozenset[str] = field(default_factory=frozenset)


def _floats(trial: Any, dims: int, low: float, high: float) -> list[float]:
    return [trial.suggest_float(f"x{i}", low, high) for i in range(dims)]


def shifted_sphere(dims: int) -> Objective:
    def objective(trial: Any) -> float:
        xs = _floats(trial, dims, -5.0, 5.0)
        return sum((x - 1.7) ** 2 for x in xs)

    return objective


def rastrigin(dims: int) -> Objective:
    def objective(trial: Any) -> float:
        xs = [x - 1.3 for x in _floats(trial, dims, -5.12, 5.12)]
        return 10 * dims + sum(x * x - 10 * math.cos(2 * math.pi * x) for x in xs)

    return objective


def branin(trial: Any) -> float:
    x1 = trial.suggest_float("x1", -5.0, 10.0)
    x2 = trial.suggest_float("x2", 0.0, 15.0)
    b, c, t = 5.1 / (4 * math.pi**2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1**2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10


PROBLEMS: dict[str, Problem] = {
    "sphere-5d": Problem("sphere-5d", shifted_sphere(5), 0.0, frozenset({"continuous"})),
    "rastrigin-5d": Problem(
        "rastrigin-5d", rastrigin(5), 0.0, frozenset({"continuous", "multimodal"})
    ),
    "branin-2d": Problem("branin-2d", branin, 0.397887, frozenset({"continuous", "low-dim"})),
}
