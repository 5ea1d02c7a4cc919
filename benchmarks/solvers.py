"""Solvers for ``benchmarks/quality.py``: hypersweep's samplers and the peers', by name.

A solver runs ``n_trials`` of a problem with a seed and returns the best value found.
Peers import lazily; a missing peer raises ``ImportError`` (reported, never hidden).
"""

from __future__ import annotations

from collections.abc import Callable

from problems import Problem

Solver = Callable[[Problem, int, int], float]


def hypersweep_random(problem: Problem, seed: int, n_trials: int) -> float:
    import hypersweep as hs

    study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=seed))
    study.optimize(problem.objective, n_trials=n_trials)
    return float(study.best_value)


def hypersweep_qmc(problem: Problem, seed: int, n_trials: int) -> float:
    import hypersweep as hs

    sampler = hs.samplers.QMCSampler(seed=seed, warn_independent_sampling=False)
    study = hs.create_study(sampler=sampler)
    study.optimize(problem.objective, n_trials=n_trials)
    return float(study.best_value)


def optuna_random(problem: Problem, seed: int, n_trials: int) -> float:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed))
    study.optimize(problem.objective, n_trials=n_trials)
    return float(study.best_value)


SOLVERS: dict[str, Solver] = {
    "hs-random": hypersweep_random,
    "hs-qmc": hypersweep_qmc,
    "optuna-random": optuna_random,
}
