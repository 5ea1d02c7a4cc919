from __future__ import annotations

import pytest

import hypersweep as hs


def _trial(study: hs.Study | None = None) -> hs.Trial:
    return (study or hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))).ask()


def test_suggest_kinds_and_types() -> None:
    trial = _trial()
    assert isinstance(trial.suggest_float("a", 0, 1), float)
    assert isinstance(trial.suggest_int("b", 0, 10), int)
    assert trial.suggest_float("c", 0, 1, step=0.25) in (0.0, 0.25, 0.5, 0.75, 1.0)
    assert 1 <= trial.suggest_int("d", 1, 1000, log=True) <= 1000
    assert trial.suggest_categorical("e", ("x", "y")) in ("x", "y")
    assert 1e-3 <= trial.suggest_loguniform("f", 1e-3, 1) <= 1
    assert 0 <= trial.suggest_uniform("g", 0, 1) <= 1
    assert trial.suggest_discrete_uniform("h", 0, 1, 0.5) in (0.0, 0.5, 1.0)
    assert trial.suggest_float("single", 3.0, 3.0) == 3.0
    assert set(trial.params) == set("abcdefgh") | {"single"}
    assert set(trial.distributions) == set(trial.params)


def test_suggesting_a_name_again_returns_the_same_value() -> None:
    trial = _trial()
    first = trial.suggest_float("x", 0, 1)
    assert trial.suggest_float("x", 0, 1) == first


def test_suggesting_a_name_again_with_another_distribution_is_an_error() -> None:
    trial = _trial()
    trial.suggest_float("x", 0, 1)
    with pytest.raises(ValueError, match="already suggested in this trial"):
        trial.suggest_float("x", 0, 2)


def test_another_kind_for_a_name_across_trials_fails_that_trial() -> None:
    study = hs.create_study()
    study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=1)
    study.optimize(lambda t: t.suggest_int("x", 0, 1), n_trials=1)
    study.optimize(lambda t: t.suggest_float("x", 0, 5), n_trials=1)  # ranges may change
    assert [t.state for t in study.trials] == [
        hs.TrialState.COMPLETE,
        hs.TrialState.FAIL,
        hs.TrialState.COMPLETE,
    ]
    assert "FloatDistribution before and as IntDistribution" in (study.trials[1].fail_reason or "")


def test_bad_suggest_arguments() -> None:
    trial = _trial()
    with pytest.raises(ValueError, match="low must be <= high"):
        trial.suggest_float("x", 1, 0)
    with pytest.raises(ValueError, match="log=True needs low > 0"):
        trial.suggest_float("x", 0, 1, log=True)
    with pytest.raises(ValueError, match="must not be empty"):
        trial.suggest_categorical("k", [])
    with pytest.raises(TypeError, match="choices must be"):
        trial.suggest_categorical("k", [[1], [2]])  # type: ignore[list-item]
    with pytest.raises(TypeError, match="names must be str"):
        trial._suggest(1, hs.FloatDistribution(0, 1))  # type: ignore[arg-type]


def test_report_validation() -> None:
    trial = _trial()
    with pytest.raises(TypeError, match="step must be an int"):
        trial.report(0.5, 1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="step must be >= 0"):
        trial.report(0.5, -1)
    with pytest.raises(TypeError, match="needs a float"):
        trial.report("high", 0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="one value per objective"):
        trial.report([0.1, 0.2], 0)
    trial.report(0.5, 0)
    with pytest.warns(UserWarning, match="already reported"):
        trial.report(0.9, 0)
    assert trial.study.tell(trial, 1.0).intermediate_values == {0: 0.5}


def test_multi_objective_reports_keep_one_value_per_objective() -> None:
    study = hs.create_study(directions=["minimize", "maximize"])
    trial = study.ask()
    trial.report([0.3, 0.9], 1)
    assert study.tell(trial, [0.2, 1.0]).intermediate_values == {1: (0.3, 0.9)}


def test_user_attrs_must_be_json() -> None:
    trial = _trial()
    trial.set_user_attr("layers", [64, 32])
    assert trial.user_attrs == {"layers": [64, 32]}
    with pytest.raises(TypeError, match="JSON-serialisable"):
        trial.set_user_attr("model", object())
    frozen = trial.study.tell(trial, 0.0)
    assert frozen.user_attrs == {"layers": [64, 32]}
    with pytest.raises(hs.UpdateFinishedTrialError):
        trial.set_user_attr("late", 1)


def test_fixed_trial_runs_an_objective_without_a_study() -> None:
    def objective(trial: hs.Trial) -> float:
        kernel = trial.suggest_categorical("kernel", ["rbf", "poly"])
        degree = trial.suggest_int("degree", 2, 5) if kernel == "poly" else 0
        trial.report(1.0, 0)
        assert not trial.should_prune()
        return trial.suggest_float("C", 1e-3, 1e3, log=True) + degree

    assert objective(hs.FixedTrial({"kernel": "poly", "degree": 3, "C": 1.0})) == 4.0  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no value for parameter 'degree'"):
        objective(hs.FixedTrial({"kernel": "poly", "C": 1.0}))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="is not in"):
        objective(hs.FixedTrial({"kernel": "rbf", "C": 1e6}))  # type: ignore[arg-type]
