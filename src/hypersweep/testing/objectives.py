"""Small objectives used by the conformance suites and the tests."""

from __future__ import annotations

from typing import Any

# Objectives take Any trial (Trial, FixedTrial or another library's) and return floats.


def sphere(trial: Any, dims: int = 3) -> float:
    """Sum of squares over ``dims`` floats in ``[-5, 5]`` (minimum 0 at the origin)."""
    return float(sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(dims)))


def mixed_objective(trial: Any) -> float:
    """One parameter of every kind: linear, log and stepped floats; ints; a categorical."""
    a = trial.suggest_float("a", -2.0, 2.0)
    b = trial.suggest_float("b", 1e-3, 1e2, log=True)
    c = trial.suggest_float("c", 0.0, 1.0, step=0.1)
    d = trial.suggest_int("d", -3, 3)
    e = trial.suggest_int("e", 1, 1024, log=True)
    f = trial.suggest_int("f", 0, 20, step=5)
    g = trial.suggest_categorical("g", ["x", "y", None, 1.5])
    single = trial.suggest_float("single", 2.0, 2.0)
    penalty = 0.0 if g == "y" else 1.0
    return float(a**2 + abs(b - 1) + c + abs(d) + e / 1024 + f / 20 + penalty + single - 2.0)


def conditional_objective(trial: Any) -> float:
    """A tree-structured space: the ``kernel`` decides which other parameters exist."""
    kernel = trial.suggest_categorical("kernel", ["linear", "rbf", "poly"])
    c = trial.suggest_float("C", 1e-3, 1e3, log=True)
    value = abs(c - 10.0) / 10.0
    if kernel == "rbf":
        gamma = trial.suggest_float("gamma", 1e-4, 1e1, log=True)
        value += abs(gamma - 0.1)
    elif kernel == "poly":
        degree = trial.suggest_int("degree", 2, 5)
        value += degree - 2
    return float(value)
