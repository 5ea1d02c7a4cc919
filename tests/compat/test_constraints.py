"""``TPESampler(constraints_func=...)`` and ``GPSampler(constraints_func=...)``: constraint
values stored per trial (Optuna's system attribute ``"constraints"``), samplers that
concentrate on the feasible region, ``best_trial``/``best_trials`` among feasible trials,
and stored specifications; compared with Optuna where it is installed."""

from __future__ import annotations

import types
import warnings
from collections.abc import Sequence

import pytest

import hypersweep as hs
from hypersweep._internal import spec
from hypersweep.samplers.gp import GPSampler
from hypersweep.trial import FrozenTrial, keys
from hypersweep.trial.constraints import is_feasible

from .test_define_by_run import LIBS, lib_param


def constraint_x_at_least_one(trial: FrozenTrial) -> Sequence[float]:
    """Feasible when x >= 1 (module level: a stored specification can name it)."""
    return (1.0 - trial.params["x"],)


def _objective(trial):  # type: ignore[no-untyped-def]
    x = trial.suggest_float("x", -3, 3)
    y = trial.suggest_float("y", -3, 3)
    return x**2 + y**2  # the unconstrained optimum (0, 0) is infeasible


@lib_param
def test_constraints_are_stored_and_best_trial_is_feasible(lib: types.ModuleType) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sampler = lib.samplers.TPESampler(
            seed=0, n_startup_trials=5, constraints_func=constraint_x_at_least_one
        )
    study = lib.create_study(sampler=sampler)
    study.optimize(_objective, n_trials=30)
    for t in study.trials:
        assert list(t.system_attrs[keys.CONSTRAINTS]) == [1.0 - t.params["x"]]
    best = study.best_trial
    assert best.params["x"] >= 1.0
    assert best.value == min(t.value for t in study.trials if t.params["x"] >= 1.0)
    assert min(t.value for t in study.trials) < best.value  # an infeasible trial was better


def _feasible_share(sampler: hs.samplers.Sampler, n_trials: int) -> float:
    study = hs.create_study(sampler=sampler)
    study.optimize(_objective, n_trials=n_trials)
    late = study.trials[n_trials // 2 :]
    return sum(t.params["x"] >= 1.0 for t in late) / len(late)


def test_tpe_concentrates_on_the_feasible_region() -> None:
    constrained = _feasible_share(
        hs.samplers.TPESampler(
            seed=1, n_startup_trials=10, constraints_func=constraint_x_at_least_one
        ),
        60,
    )
    plain = _feasible_share(hs.samplers.TPESampler(seed=1, n_startup_trials=10), 60)
    # Seeds 0-3 measured: 0.50-0.70 of the later trials feasible with constraints, 0.03-0.17
    # without (which goes to (0, 0), infeasible).
    assert constrained >= 0.5
    assert plain <= 0.25


def test_gp_concentrates_on_the_feasible_region() -> None:
    sampler = GPSampler(seed=0, n_startup_trials=6, constraints_func=constraint_x_at_least_one)
    study = hs.create_study(sampler=sampler)
    study.optimize(_objective, n_trials=20)
    late = study.trials[10:]
    assert sum(t.params["x"] >= 1.0 for t in late) >= 7
    assert abs(study.best_params["x"] - 1.0) < 0.3 and abs(study.best_params["y"]) < 0.5
    assert all(keys.CONSTRAINTS in t.system_attrs for t in study.trials)


def test_gp_refuses_ucb_with_constraints() -> None:
    with pytest.raises(ValueError, match="ucb"):
        GPSampler(acquisition="ucb", constraints_func=constraint_x_at_least_one)


def test_no_feasible_trial_yet() -> None:
    sampler = hs.samplers.TPESampler(seed=0, constraints_func=lambda t: (1.0,))
    study = hs.create_study(sampler=sampler)
    study.optimize(_objective, n_trials=3)
    with pytest.raises(ValueError, match="feasible"):
        study.best_trial  # noqa: B018
    assert study.best_trials == []


def test_multi_objective_best_trials_are_feasible() -> None:
    sampler = hs.samplers.TPESampler(
        seed=0, n_startup_trials=5, constraints_func=constraint_x_at_least_one
    )
    study = hs.create_study(directions=["minimize", "minimize"], sampler=sampler)
    study.optimize(lambda t: (_objective(t), (t.params["y"] - 1) ** 2), n_trials=30)
    front = study.best_trials
    assert front and all(is_feasible(t) for t in front)


def test_a_failing_constraints_func_fails_the_trial() -> None:
    def broken(trial: FrozenTrial) -> Sequence[float]:
        return [float("nan")]

    study = hs.create_study(sampler=hs.samplers.TPESampler(constraints_func=broken))
    study.optimize(_objective, n_trials=2)
    assert all(t.state is hs.TrialState.FAIL for t in study.trials)
    assert "NaN" in (study.trials[0].fail_reason or "")
    with pytest.raises(TypeError, match="constraints_func"):
        hs.samplers.TPESampler(constraints_func=3)  # type: ignore[arg-type]


def test_spec_round_trip_keeps_the_function() -> None:
    for sampler in (
        hs.samplers.TPESampler(seed=3, constraints_func=constraint_x_at_least_one),
        GPSampler(seed=3, constraints_func=constraint_x_at_least_one),
    ):
        rebuilt = spec.decode(spec.encode(sampler))
        assert rebuilt.constraints_func is constraint_x_at_least_one
    with pytest.raises(spec.NotStorable):
        spec.encode(hs.samplers.TPESampler(constraints_func=lambda t: (0.0,)))


@pytest.mark.skipif(len(LIBS) < 2, reason="needs optuna")
def test_same_feasible_best_rule_as_optuna() -> None:
    """The same enqueued trials give the same best trial in both libraries."""
    points = [(-0.1, 0.0), (1.5, 0.2), (1.1, -0.3), (2.0, 2.0)]
    bests = []
    for lib in LIBS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sampler = lib.samplers.TPESampler(constraints_func=constraint_x_at_least_one)
        study = lib.create_study(sampler=sampler)
        for x, y in points:
            study.enqueue_trial({"x": x, "y": y})
        study.optimize(_objective, n_trials=len(points))
        bests.append((study.best_trial.number, study.best_trial.params))
    assert bests[0] == bests[1]


@lib_param
def test_set_constraint_in_the_objective_keeps_best_trial_feasible(
    lib: types.ModuleType,
) -> None:
    if not hasattr(lib.Trial, "set_constraint"):
        pytest.skip("this Optuna predates Trial.set_constraint")

    def objective(trial):  # type: ignore[no-untyped-def]
        x = trial.suggest_float("x", -2.0, 2.0)
        trial.set_constraint("x_at_least_one", 1.0 - x)
        trial.set_constraint("below_two", x - 1.8)
        return x * x

    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    study.optimize(objective, n_trials=40)
    best = study.best_trial
    assert 1.0 <= best.params["x"] <= 1.8
    assert best.constraints == {
        "x_at_least_one": 1.0 - best.params["x"],
        "below_two": best.params["x"] - 1.8,
    }
    feasible = [t for t in study.trials if all(v <= 0 for v in t.constraints.values())]
    assert best.value == min(t.value for t in feasible)


def test_set_constraint_bad_input_and_second_value() -> None:
    study = hs.create_study()
    trial = study.ask()
    with pytest.raises(TypeError, match="must be a float"):
        trial.set_constraint("c", "big")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="NaN"):
        trial.set_constraint("c", float("nan"))
    trial.set_constraint("c", -1.0)
    with pytest.warns(UserWarning, match="already set"):
        trial.set_constraint("c", 5.0)
    assert trial.constraints == {"c": -1.0}


@lib_param
def test_a_user_pruner_sees_the_best_feasible_trial(lib: types.ModuleType) -> None:
    if not hasattr(lib.Trial, "set_constraint"):
        pytest.skip("this Optuna predates Trial.set_constraint")
    seen: list[int] = []

    class RecordBest(lib.pruners.BasePruner):  # type: ignore[misc, name-defined]
        def prune(self, study, trial):  # type: ignore[no-untyped-def]
            seen.append(study.best_trial.number)
            return False

    def objective(trial):  # type: ignore[no-untyped-def]
        x = trial.suggest_float("x", 0, 10)
        trial.set_constraint("c", 1.0 if x < 1 else -1.0)  # x < 1 is infeasible
        if trial.number == 2:
            trial.report(x, 0)
            trial.should_prune()
        return x

    study = lib.create_study(pruner=RecordBest())
    for x in (0.0, 5.0, 3.0):
        study.enqueue_trial({"x": x})
    study.optimize(objective, n_trials=3)
    assert seen == [1]  # trial 0 has the lowest value but is infeasible
    assert study.best_trial.number == 2
