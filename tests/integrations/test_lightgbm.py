"""LightGBMPruningCallback with the real LightGBM: lgb.train, lgb.cv, hs.tune."""

from __future__ import annotations

import pytest

import hypersweep as hs

from ..conftest import require
from .conftest import PruneAtStep

PARAMS = {"objective": "binary", "verbose": -1, "num_threads": 1, "seed": 0}


@pytest.fixture
def lgb():
    return require("lightgbm")


def _sets(lgb, X, y):
    train = lgb.Dataset(X[:150], y[:150])
    return train, lgb.Dataset(X[150:], y[150:], reference=train)


def test_train_reports_every_round_and_completes(lgb, binary_data) -> None:
    X, y = binary_data
    study = hs.create_study()
    trial = study.ask()
    train, valid = _sets(lgb, X, y)
    booster = lgb.train(
        PARAMS,
        train,
        6,
        valid_sets=[train, valid],
        callbacks=[hs.integrations.LightGBMPruningCallback(trial, "binary_logloss")],
    )
    values = study.trials[0].intermediate_values
    assert sorted(values) == [0, 1, 2, 3, 4, 5]
    # the validation set (valid_1 here: the first is the training set), not the training one
    assert values[5] == pytest.approx(booster.best_score["valid_1"]["binary_logloss"])


def test_train_prunes(lgb, binary_data) -> None:
    X, y = binary_data

    def objective(trial: hs.Trial) -> float:
        train, valid = _sets(lgb, X, y)
        cb = hs.integrations.LightGBMPruningCallback(trial, "binary_logloss", valid_name="valid_0")
        lgb.train(PARAMS, train, 10, valid_sets=[valid], callbacks=[cb])
        return 0.0

    study = hs.create_study(scheduler=PruneAtStep(3))
    study.optimize(objective, n_trials=2)
    assert [t.state for t in study.trials] == [hs.TrialState.PRUNED] * 2
    assert sorted(study.trials[0].intermediate_values) == [0, 1, 2, 3]


def test_cv_reports_the_mean_over_folds(lgb, binary_data) -> None:
    X, y = binary_data
    study = hs.create_study()
    trial = study.ask()
    result = lgb.cv(
        PARAMS,
        lgb.Dataset(X, y),
        4,
        nfold=3,
        stratified=False,
        eval_train_metric=True,
        callbacks=[hs.integrations.LightGBMPruningCallback(trial, "binary_logloss")],
    )
    values = study.trials[0].intermediate_values
    assert sorted(values) == [0, 1, 2, 3]
    assert [values[i] for i in range(4)] == pytest.approx(result["valid binary_logloss-mean"])


def test_cv_prunes(lgb, binary_data) -> None:
    X, y = binary_data

    def objective(trial: hs.Trial) -> float:
        cb = hs.integrations.LightGBMPruningCallback(trial, "binary_logloss")
        lgb.cv(PARAMS, lgb.Dataset(X, y), 10, nfold=3, callbacks=[cb])
        return 0.0

    study = hs.create_study(scheduler=PruneAtStep(2))
    study.optimize(objective, n_trials=1)
    assert study.trials[0].state == hs.TrialState.PRUNED
    assert sorted(study.trials[0].intermediate_values) == [0, 1, 2]


def test_wrong_metric_lists_the_logged_ones(lgb, binary_data) -> None:
    X, y = binary_data
    trial = hs.create_study().ask()
    train, valid = _sets(lgb, X, y)
    cb = hs.integrations.LightGBMPruningCallback(trial, "logloss")
    params = {**PARAMS, "metric": ["binary_logloss", "auc"]}
    with pytest.raises(ValueError, match=r"'logloss'.*'auc', 'binary_logloss'"):
        lgb.train(params, train, 3, valid_sets=[valid], callbacks=[cb])


def test_wrong_valid_name_lists_the_sets(lgb, binary_data) -> None:
    X, y = binary_data
    trial = hs.create_study().ask()
    train, valid = _sets(lgb, X, y)
    cb = hs.integrations.LightGBMPruningCallback(trial, "binary_logloss", valid_name="valid_0")
    with pytest.raises(ValueError, match=r"'valid_0'.*'training', 'valid_1'"):
        lgb.train(PARAMS, train, 3, valid_sets=[train, valid], callbacks=[cb])


def test_direction_mismatch_is_an_error(lgb, binary_data) -> None:
    X, y = binary_data
    trial = hs.create_study(direction="minimize").ask()
    train, valid = _sets(lgb, X, y)
    cb = hs.integrations.LightGBMPruningCallback(trial, "auc")
    with pytest.raises(ValueError, match="direction='maximize'"):
        lgb.train({**PARAMS, "metric": "auc"}, train, 2, valid_sets=[valid], callbacks=[cb])


def test_inside_tune_reports_through_hs_report(lgb, binary_data) -> None:
    X, y = binary_data

    def trainable(config: dict) -> None:
        train, valid = _sets(lgb, X, y)
        cb = hs.integrations.LightGBMPruningCallback(None, "binary_logloss")
        lgb.train({**PARAMS, **config}, train, 8, valid_sets=[valid], callbacks=[cb])

    result = hs.tune(
        trainable,
        {"learning_rate": hs.loguniform(0.01, 0.3)},
        metric="binary_logloss",
        mode="min",
        num_samples=2,
        scheduler=PruneAtStep(5),
        sampler=hs.samplers.RandomSampler(seed=0),
    )
    trials = result.study.trials
    assert [t.state for t in trials] == [hs.TrialState.PRUNED] * 2
    assert sorted(trials[0].intermediate_values) == [1, 2, 3, 4, 5]  # rounds done


def test_none_outside_tune_is_an_error(lgb) -> None:
    with pytest.raises(RuntimeError, match=r"hypersweep\.tune"):
        hs.integrations.LightGBMPruningCallback(None, "binary_logloss")


def test_bad_arguments(lgb) -> None:
    trial = hs.create_study().ask()
    with pytest.raises(TypeError, match="Trial"):
        hs.integrations.LightGBMPruningCallback("trial", "auc")
    with pytest.raises(ValueError, match="report_interval"):
        hs.integrations.LightGBMPruningCallback(trial, "auc", report_interval=0)
