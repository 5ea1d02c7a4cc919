"""``samplers.NSGAIISampler`` (Optuna's default multi-objective genetic algorithm): the same
arguments, and a Pareto front as good as Optuna's on a two-objective problem."""

from __future__ import annotations

import math
import types

import numpy as np
import pytest

import hypersweep

from .test_define_by_run import LIBS, lib_param


def _zdt1(trial):  # type: ignore[no-untyped-def]
    xs = [trial.suggest_float(f"x{i}", 0.0, 1.0) for i in range(4)]
    g = 1.0 + 9.0 * sum(xs[1:]) / 3.0
    return xs[0], g * (1.0 - math.sqrt(xs[0] / g))


def _hypervolume(points: list[tuple[float, float]], reference: tuple[float, float]) -> float:
    front = sorted(p for p in points if p[0] < reference[0] and p[1] < reference[1])
    volume, best_y = 0.0, reference[1]
    for x, y in front:
        if y < best_y:
            volume += (reference[0] - x) * (best_y - y)
            best_y = y
    return volume


def _run(lib: types.ModuleType, seed: int) -> float:
    sampler = lib.samplers.NSGAIISampler(population_size=20, seed=seed)
    study = lib.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_zdt1, n_trials=300)
    assert all(t.state.name == "COMPLETE" for t in study.trials)
    return _hypervolume([tuple(t.values) for t in study.best_trials], (1.1, 11.0))


@lib_param
def test_arguments(lib: types.ModuleType) -> None:
    sampler = lib.samplers.NSGAIISampler(
        population_size=10, mutation_prob=0.1, crossover_prob=0.8, swapping_prob=0.4, seed=1
    )
    assert sampler is not None
    with pytest.raises(ValueError):
        lib.samplers.NSGAIISampler(population_size=1)
    with pytest.raises(TypeError):  # keyword-only, as in Optuna
        lib.samplers.NSGAIISampler(10)  # type: ignore[misc]


@pytest.mark.skipif(len(LIBS) < 2, reason="the differential test needs optuna (dev extra)")
def test_front_as_good_as_optunas() -> None:
    ours = np.mean([_run(hypersweep, seed) for seed in range(3)])
    theirs = np.mean([_run(LIBS[1], seed) for seed in range(3)])
    assert ours >= 0.95 * theirs, (ours, theirs)


@lib_param
def test_constraints_keep_the_front_feasible(lib: types.ModuleType) -> None:
    def constraints(trial):  # type: ignore[no-untyped-def]
        return [0.3 - trial.params["x0"]]  # feasible when f1 = x0 >= 0.3

    sampler = lib.samplers.NSGAIISampler(population_size=10, seed=0, constraints_func=constraints)
    study = lib.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(_zdt1, n_trials=60)
    assert study.best_trials
    assert all(t.values[0] >= 0.3 for t in study.best_trials)
    assert all(len(t.system_attrs["constraints"]) == 1 for t in study.trials)
