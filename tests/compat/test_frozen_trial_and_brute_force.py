"""``FrozenTrial.values`` as a list, ``FrozenTrial.suggest_*`` (re-running an objective on the
best trial), the distributions' ``to_internal_repr``/``to_external_repr``, and
``samplers.BruteForceSampler`` on a conditional space, on hypersweep and on Optuna."""

from __future__ import annotations

import types
import warnings

import pytest

import hypersweep as hs

from .test_define_by_run import LIBS, lib_param


def _objective(trial):  # type: ignore[no-untyped-def]
    kind = trial.suggest_categorical("kind", ["float", "int"])
    if kind == "float":
        return trial.suggest_float("x", 1, 3, step=0.5)
    a = trial.suggest_int("a", 1, 3)
    b = trial.suggest_int("b", a, 3)
    trial.report(a + b, 0)
    return a + b


@lib_param
def test_values_is_a_list(lib: types.ModuleType) -> None:
    study = lib.create_study(directions=["minimize", "maximize"])
    study.optimize(lambda t: (1.0, 2.0), n_trials=1)
    trial = study.trials[0]
    assert trial.values == [1.0, 2.0]
    assert isinstance(trial.values, list)
    single = lib.create_study()
    single.optimize(lambda t: 1.0, n_trials=1)
    assert single.best_trial.values == [1.0]


@lib_param
def test_objective_reruns_on_best_trial(lib: types.ModuleType) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Optuna: BruteForceSampler is experimental
        study = lib.create_study(sampler=lib.samplers.BruteForceSampler(seed=1))
    study.optimize(_objective, n_trials=20)
    best = study.best_trial
    assert _objective(best) == best.value
    assert best.suggest_categorical("kind", ["float", "int"]) == best.params["kind"]


@lib_param
def test_frozen_suggest_errors(lib: types.ModuleType) -> None:
    study = lib.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    frozen = study.trials[0]
    with pytest.raises(ValueError):
        frozen.suggest_float("missing", 0, 1)
    with pytest.raises(ValueError):
        frozen.suggest_categorical("x", [0, 1])  # another kind of distribution
    assert frozen.suggest_float("x", 0, 1) == frozen.params["x"]
    with pytest.warns(UserWarning):
        frozen.suggest_float("x", 2, 3)  # outside the range: a warning, the stored value
    frozen.report(0.5, 1)  # no-op
    assert frozen.should_prune() is False


@lib_param
def test_distribution_repr_methods(lib: types.ModuleType) -> None:
    cat = lib.distributions.CategoricalDistribution(["a", "b"])
    assert cat.to_external_repr(cat.to_internal_repr("b")) == "b"
    assert cat.to_internal_repr("b") == 1
    ints = lib.distributions.IntDistribution(0, 10)
    assert ints.to_external_repr(ints.to_internal_repr(3)) == 3


def _combos(lib: types.ModuleType, avoid_premature_stop: bool) -> list[tuple[object, ...]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler = lib.samplers.BruteForceSampler(seed=0, avoid_premature_stop=avoid_premature_stop)
        study = lib.create_study(sampler=sampler)
    study.optimize(_objective, n_trials=50)
    return sorted(tuple(sorted(t.params.items())) for t in study.trials)  # type: ignore[misc]


@pytest.mark.parametrize("avoid_premature_stop", [False, True])
def test_brute_force_covers_a_conditional_space_once(avoid_premature_stop: bool) -> None:
    combos = _combos(hs, avoid_premature_stop)
    assert len(combos) == len(set(combos)) == 11  # 5 floats + (a, b) with a <= b <= 3
    for lib in LIBS[1:]:
        assert _combos(lib, avoid_premature_stop) == combos


def test_brute_force_refuses_continuous_floats() -> None:
    study = hs.create_study(sampler=hs.samplers.BruteForceSampler())
    with pytest.raises(ValueError, match="step"):
        study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1, catch=())


def test_brute_force_order_depends_on_the_seed() -> None:
    def order(seed: int) -> list[int]:
        study = hs.create_study(sampler=hs.samplers.BruteForceSampler(seed=seed))
        study.optimize(lambda t: t.suggest_int("x", 0, 9), n_trials=20)
        return [t.params["x"] for t in study.trials]

    assert sorted(order(0)) == list(range(10))
    assert order(0) == order(0)
    assert order(0) != order(1)


def test_brute_force_with_threads_tries_each_point_once() -> None:
    study = hs.create_study(sampler=hs.samplers.BruteForceSampler(seed=0))
    study.optimize(
        lambda t: t.suggest_int("x", 0, 5) + t.suggest_categorical("y", [0, 1]),
        n_trials=40,
        n_jobs=2,
    )
    points = [(t.params["x"], t.params["y"]) for t in study.trials]
    assert len(set(points)) == 12
