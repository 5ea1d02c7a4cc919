"""Define-by-run objectives written for the Optuna API run unchanged on hypersweep.

Each test takes ``lib``: hypersweep always, and Optuna too where it is installed (the ``dev``
extra installs it; under CI it must be there), and asserts the same behaviour from both.
"""

from __future__ import annotations

import math
import types
import warnings

import pytest

import hypersweep
import hypersweep.trial

from ..conftest import IN_CI


def _libraries() -> list[types.ModuleType]:
    libs = [hypersweep]
    try:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        warnings.filterwarnings("ignore", category=optuna.exceptions.ExperimentalWarning)
        libs.append(optuna)
    except ImportError:
        if IN_CI:
            raise
    return libs


LIBS = _libraries()
lib_param = pytest.mark.parametrize("lib", LIBS, ids=[m.__name__ for m in LIBS])


def svm_objective(trial):  # type: ignore[no-untyped-def]
    kernel = trial.suggest_categorical("kernel", ["linear", "rbf", "poly"])
    c = trial.suggest_float("C", 1e-3, 1e3, log=True)
    error = abs(math.log10(c))
    if kernel == "rbf":
        error += abs(math.log10(trial.suggest_float("gamma", 1e-4, 1e1, log=True)) + 1)
    elif kernel == "poly":
        error += trial.suggest_int("degree", 2, 5) - 2
    return error


def layers_objective(trial):  # type: ignore[no-untyped-def]
    n_layers = trial.suggest_int("n_layers", 1, 4)
    total = 0.0
    for i in range(n_layers):
        total += trial.suggest_int(f"n_units_l{i}", 4, 128, log=True)
        total *= trial.suggest_float(f"dropout_l{i}", 0.0, 0.5, step=0.1) + 1
    trial.set_user_attr("n_params", total)
    return total


@lib_param
def test_conditional_parameters(lib: types.ModuleType) -> None:
    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    study.optimize(svm_objective, n_trials=60)
    for t in study.trials:
        assert ("gamma" in t.params) == (t.params["kernel"] == "rbf")
        assert ("degree" in t.params) == (t.params["kernel"] == "poly")
    assert study.best_value == min(t.value for t in study.trials)
    assert set(study.best_params) <= {"kernel", "C", "gamma", "degree"}


@lib_param
def test_loops_over_layers(lib: types.ModuleType) -> None:
    study = lib.create_study(direction="maximize", sampler=lib.samplers.RandomSampler(seed=1))
    study.optimize(layers_objective, n_trials=30)
    for t in study.trials:
        n = t.params["n_layers"]
        assert {f"n_units_l{i}" for i in range(n)} <= set(t.params)
        assert f"n_units_l{n}" not in t.params
        assert t.user_attrs["n_params"] == t.value
        assert all(
            isinstance(t.params[f"n_units_l{i}"], int) and 4 <= t.params[f"n_units_l{i}"] <= 128
            for i in range(n)
        )


CURVES = [0.5, 0.2, 0.9, 0.1, 0.7, 0.95, 0.3, 0.05, 0.85, 0.6]


def pruning_objective(trial):  # type: ignore[no-untyped-def]
    x = trial.suggest_float("x", 0.0, 1.0)
    for step in range(6):
        trial.report(x + 1.0 / (step + 1), step)
        if trial.should_prune():
            raise (
                hypersweep.TrialPruned()
                if "hypersweep" in type(trial).__module__
                else __import__("optuna").TrialPruned()
            )
    return x


def _pruning_run(lib: types.ModuleType) -> list[tuple[str, float | None, int | None]]:
    study = lib.create_study(
        pruner=lib.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=1, interval_steps=1)
    )
    for x in CURVES:
        study.enqueue_trial({"x": x})
    study.optimize(pruning_objective, n_trials=len(CURVES))
    return [(t.state.name, t.value, max(t.intermediate_values)) for t in study.trials]


@pytest.mark.skipif(len(LIBS) < 2, reason="the differential test needs optuna (dev extra)")
def test_median_pruning_decides_like_optuna() -> None:
    ours, theirs = (_pruning_run(lib) for lib in LIBS)
    assert ours == theirs
    assert any(state == "PRUNED" for state, _, _ in ours)


@lib_param
def test_ask_and_tell(lib: types.ModuleType) -> None:
    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    for _ in range(5):
        trial = study.ask()
        study.tell(trial, svm_objective(trial))
    trial = study.ask()
    study.tell(trial, state=lib.trial.TrialState.FAIL if hasattr(lib, "trial") else None)
    assert [t.state.name for t in study.trials] == ["COMPLETE"] * 5 + ["FAIL"]


@lib_param
def test_enqueue_then_sample(lib: types.ModuleType) -> None:
    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    study.enqueue_trial({"kernel": "poly", "C": 1.0, "degree": 2})
    study.enqueue_trial({"kernel": "rbf"})
    study.optimize(svm_objective, n_trials=3)
    first, second, _ = study.trials
    assert first.params == {"kernel": "poly", "C": 1.0, "degree": 2}
    assert first.value == 0.0
    assert second.params["kernel"] == "rbf" and "gamma" in second.params


@lib_param
def test_nan_fails_the_trial(lib: types.ModuleType) -> None:
    study = lib.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1) * float("nan"), n_trials=2)
    assert [t.state.name for t in study.trials] == ["FAIL", "FAIL"]


@lib_param
def test_caught_exceptions_fail_trials_and_continue(lib: types.ModuleType) -> None:
    def objective(trial):  # type: ignore[no-untyped-def]
        if trial.suggest_int("n", 0, 1) == 0 or trial.number == 0:
            raise ValueError("diverged")
        return 1.0

    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=3))
    study.optimize(objective, n_trials=8, catch=(ValueError,))
    assert len(study.trials) == 8
    assert study.trials[0].state.name == "FAIL"


@lib_param
def test_multi_objective_front(lib: types.ModuleType) -> None:
    study = lib.create_study(directions=["minimize", "minimize"])
    for a in (0.1, 0.5, 0.9):
        study.enqueue_trial({"a": a})
    study.optimize(lambda t: (t.suggest_float("a", 0, 1), 1 - t.suggest_float("a", 0, 1)), 3)
    assert len(study.best_trials) == 3


@lib_param
def test_fixed_trial(lib: types.ModuleType) -> None:
    assert svm_objective(lib.trial.FixedTrial({"kernel": "poly", "C": 10.0, "degree": 3})) == 2.0


@lib_param
def test_stop_from_a_callback(lib: types.ModuleType) -> None:
    def callback(study, trial):  # type: ignore[no-untyped-def]
        if trial.number == 2:
            study.stop()

    study = lib.create_study()
    study.optimize(svm_objective, n_trials=20, callbacks=[callback])
    assert len(study.trials) == 3


@lib_param
def test_dataframe_columns(lib: types.ModuleType) -> None:
    study = lib.create_study(sampler=lib.samplers.RandomSampler(seed=0))
    study.optimize(svm_objective, n_trials=5)
    df = study.trials_dataframe()
    assert {"number", "value", "params_C", "params_kernel", "state"} <= set(df.columns)
