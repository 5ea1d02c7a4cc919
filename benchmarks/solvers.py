"""Solvers for ``benchmarks/quality.py``: hypersweep's samplers and the peers', by name.

A solver runs ``n_trials`` of a problem with a seed and returns the best value found.
Peers import lazily; a missing peer raises ``ImportError`` (reported, never hidden).
Add a solver by writing ``def solver(problem, seed, n_trials) -> float`` and registering it
in :data:`SOLVERS`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from problems import Problem

Solver = Callable[[Problem, int, int], float]


def _hypersweep(make_sampler: Callable[[int], Any]) -> Solver:
    def solve(problem: Problem, seed: int, n_trials: int) -> float:
        import hypersweep as hs

        study = hs.create_study(sampler=make_sampler(seed))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            study.optimize(problem.objective, n_trials=n_trials)
        return float(study.best_value)

    return solve


def _random(seed: int) -> Any:
    import hypersweep as hs

    return hs.samplers.RandomSampler(seed=seed)


def _qmc(seed: int) -> Any:
    import hypersweep as hs

    return hs.samplers.QMCSampler(seed=seed, warn_independent_sampling=False)


def _tpe(seed: int) -> Any:
    from hypersweep.samplers.tpe import TPESampler

    return TPESampler(seed=seed)


def _gp(seed: int) -> Any:
    from hypersweep.samplers.gp import GPSampler

    return GPSampler(seed=seed)


def _cmaes(**options: Any) -> Callable[[int], Any]:
    def make(seed: int) -> Any:
        from hypersweep.samplers.cmaes import CmaEsSampler

        return CmaEsSampler(seed=seed, **options)

    return make


def _gaussian_es(seed: int) -> Any:
    from hypersweep.samplers.gaussian_es import GaussianESSampler

    return GaussianESSampler(seed=seed)


def _optuna(make_sampler: Callable[[Any, int], Any]) -> Solver:
    def solve(problem: Problem, seed: int, n_trials: int) -> float:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        study = optuna.create_study(sampler=make_sampler(optuna, seed))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            study.optimize(problem.objective, n_trials=n_trials)
        return float(study.best_value)

    return solve


def hyperopt_tpe(problem: Problem, seed: int, n_trials: int) -> float:
    """Hyperopt's TPE (``fmin`` with ``tpe.suggest``, its defaults) on the same space."""
    import numpy as np
    from hyperopt import Trials, fmin, tpe

    trials = Trials()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fmin(
            problem.hyperopt_objective,
            problem.hyperopt_space(),
            algo=tpe.suggest,
            max_evals=n_trials,
            trials=trials,
            rstate=np.random.default_rng(seed),
            show_progressbar=False,
        )
    return float(min(trials.losses()))


SOLVERS: dict[str, Solver] = {
    "hs-random": _hypersweep(_random),
    "hs-qmc": _hypersweep(_qmc),
    "hs-tpe": _hypersweep(_tpe),
    "optuna-random": _optuna(lambda optuna, seed: optuna.samplers.RandomSampler(seed=seed)),
    "optuna-tpe": _optuna(lambda optuna, seed: optuna.samplers.TPESampler(seed=seed)),
    "hyperopt-tpe": hyperopt_tpe,
    "hs-gp": _hypersweep(_gp),
    "optuna-gp": _optuna(lambda optuna, seed: optuna.samplers.GPSampler(seed=seed)),
    "hs-cmaes": _hypersweep(_cmaes()),
    "hs-cmaes-ipop": _hypersweep(_cmaes(restart_strategy="ipop")),
    "hs-cmaes-bipop": _hypersweep(_cmaes(restart_strategy="bipop")),
    "hs-gaussian-es": _hypersweep(_gaussian_es),
    "optuna-cmaes": _optuna(lambda optuna, seed: optuna.samplers.CmaEsSampler(seed=seed)),
}
