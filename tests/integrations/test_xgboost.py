"""XGBoostPruningCallback with the real XGBoost: train, cv, the scikit-learn API, hs.tune."""

from __future__ import annotations

import pytest

import hypersweep as hs

from ..conftest import require
from .conftest import PruneAtStep

PARAMS = {"objective": "binary:logistic", "nthread": 1, "seed": 0}


@pytest.fixture
def xgb():
    return require("xgboost")


def test_is_a_training_callback(xgb) -> None:
    trial = hs.create_study().ask()
    cb = hs.integrations.XGBoostPruningCallback(trial, "valid-logloss")
    assert isinstance(cb, xgb.callback.TrainingCallback)
    assert isinstance(cb, hs.integrations.XGBoostPruningCallback)


def test_train_reports_every_round(xgb, binary_data) -> None:
    X, y = binary_data
    study = hs.create_study()
    trial = study.ask()
    dtrain, dvalid = xgb.DMatrix(X[:150], y[:150]), xgb.DMatrix(X[150:], y[150:])
    log: dict = {}
    xgb.train(
        PARAMS,
        dtrain,
        5,
        evals=[(dtrain, "train"), (dvalid, "valid")],
        evals_result=log,
        verbose_eval=False,
        callbacks=[hs.integrations.XGBoostPruningCallback(trial, "valid-logloss")],
    )
    values = study.trials[0].intermediate_values
    assert sorted(values) == [0, 1, 2, 3, 4]
    assert [values[i] for i in range(5)] == pytest.approx(log["valid"]["logloss"])


def test_sklearn_api_prunes(xgb, binary_data) -> None:
    X, y = binary_data

    def objective(trial: hs.Trial) -> float:
        cb = hs.integrations.XGBoostPruningCallback(trial, "validation_0-logloss")
        model = xgb.XGBClassifier(n_estimators=10, n_jobs=1, callbacks=[cb])
        model.fit(X[:150], y[:150], eval_set=[(X[150:], y[150:])], verbose=False)
        return 0.0

    study = hs.create_study(scheduler=PruneAtStep(2))
    study.optimize(objective, n_trials=2)
    assert [t.state for t in study.trials] == [hs.TrialState.PRUNED] * 2
    assert sorted(study.trials[1].intermediate_values) == [0, 1, 2]


def test_cv_reports_the_mean(xgb, binary_data) -> None:
    X, y = binary_data
    study = hs.create_study()
    trial = study.ask()
    result = xgb.cv(
        PARAMS,
        xgb.DMatrix(X, y),
        4,
        nfold=3,
        seed=0,
        callbacks=[hs.integrations.XGBoostPruningCallback(trial, "test-logloss")],
    )
    values = study.trials[0].intermediate_values
    assert sorted(values) == [0, 1, 2, 3]
    assert [values[i] for i in range(4)] == pytest.approx(list(result["test-logloss-mean"]))


def test_cv_prunes(xgb, binary_data) -> None:
    X, y = binary_data

    def objective(trial: hs.Trial) -> float:
        cb = hs.integrations.XGBoostPruningCallback(trial, "test-logloss")
        xgb.cv(PARAMS, xgb.DMatrix(X, y), 10, nfold=3, callbacks=[cb])
        return 0.0

    study = hs.create_study(scheduler=PruneAtStep(1))
    study.optimize(objective, n_trials=1)
    assert study.trials[0].state == hs.TrialState.PRUNED
    assert sorted(study.trials[0].intermediate_values) == [0, 1]


def test_wrong_key_lists_the_logged_ones(xgb, binary_data) -> None:
    X, y = binary_data
    trial = hs.create_study().ask()
    cb = hs.integrations.XGBoostPruningCallback(trial, "validation_0-error")
    model = xgb.XGBClassifier(n_estimators=3, n_jobs=1, callbacks=[cb])
    with pytest.raises(ValueError, match=r"'validation_0-error'.*'validation_0-logloss'"):
        model.fit(X[:150], y[:150], eval_set=[(X[150:], y[150:])], verbose=False)


def test_key_needs_a_set_and_a_metric(xgb) -> None:
    with pytest.raises(ValueError, match="validation_0-logloss"):
        hs.integrations.XGBoostPruningCallback(hs.create_study().ask(), "logloss")


def test_inside_tune(xgb, binary_data) -> None:
    X, y = binary_data

    def trainable(config: dict) -> None:
        dtrain, dvalid = xgb.DMatrix(X[:150], y[:150]), xgb.DMatrix(X[150:], y[150:])
        cb = hs.integrations.XGBoostPruningCallback(None, "valid-logloss", report_as="loss")
        xgb.train(
            {**PARAMS, **config},
            dtrain,
            6,
            evals=[(dvalid, "valid")],
            verbose_eval=False,
            callbacks=[cb],
        )

    result = hs.tune(
        trainable,
        {"eta": hs.uniform(0.1, 0.5)},
        metric="loss",
        mode="min",
        num_samples=2,
        sampler=hs.samplers.RandomSampler(seed=0),
    )
    trials = result.study.trials
    assert [t.state for t in trials] == [hs.TrialState.COMPLETE] * 2
    assert sorted(trials[0].intermediate_values) == [1, 2, 3, 4, 5, 6]
    assert result.best_result["loss"] == min(t.intermediate_values[6] for t in trials)
