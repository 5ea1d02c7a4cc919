"""Module paths of Optuna's examples: ``optuna.terminator.callback``/``erroreval``/...
and ``optuna.integration.lightgbm`` (the stepwise LightGBM tuner). The paths are checked on
both libraries where Optuna is installed; the tuner against its documented behaviour
(``optuna-integration``, which provides Optuna's, is not a dependency)."""

from __future__ import annotations

import importlib
import types

import numpy as np
import pytest

from .test_define_by_run import lib_param

_TERMINATOR_PATHS = {
    "terminator.callback": ["TerminatorCallback"],
    "terminator.erroreval": [
        "BaseErrorEvaluator",
        "CrossValidationErrorEvaluator",
        "StaticErrorEvaluator",
        "report_cross_validation_scores",
    ],
    "terminator.median_erroreval": ["MedianErrorEvaluator"],
    "terminator.terminator": ["BaseTerminator", "Terminator"],
    "terminator.improvement.evaluator": [
        "BaseImprovementEvaluator",
        "BestValueStagnationEvaluator",
        "RegretBoundEvaluator",
    ],
}


@lib_param
def test_terminator_submodules(lib: types.ModuleType) -> None:
    for path, names in _TERMINATOR_PATHS.items():
        module = importlib.import_module(f"{lib.__name__}.{path}")
        for name in names:
            assert getattr(module, name) is getattr(lib.terminator, name), (path, name)


def _datasets(lgb: types.ModuleType) -> tuple[object, object]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 5))
    y = (x[:, 0] + 0.5 * x[:, 1] + rng.normal(0, 0.5, 300) > 0).astype(int)
    return lgb.Dataset(x[:200], y[:200]), lgb.Dataset(x[200:], y[200:])


_PARAMS = {"objective": "binary", "metric": "binary_logloss", "verbosity": -1, "num_threads": 1}
_TUNED = {
    "feature_fraction",
    "num_leaves",
    "bagging_fraction",
    "bagging_freq",
    "lambda_l1",
    "lambda_l2",
    "min_child_samples",
}


def test_lightgbm_tuner_steps() -> None:
    pytest.importorskip("lightgbm")
    lgb = importlib.import_module("hypersweep.integration.lightgbm")
    train, valid = _datasets(lgb)
    tuner = lgb.LightGBMTuner(_PARAMS, train, num_boost_round=10, valid_sets=[train, valid])
    tuner.run()
    # Optuna's six steps: 7 + 20 + 10 + (up to) 6 + 20 + 5 trials, all in one study
    assert 63 <= len(tuner.study.trials) <= 68
    # the best trial's parameters: the given ones and those tuned up to its step (as Optuna)
    given = set(_PARAMS) | {"feature_pre_filter"}  # set to False, as Optuna does
    assert given | {"feature_fraction"} <= set(tuner.best_params) <= given | _TUNED
    assert all(t.state.name == "COMPLETE" for t in tuner.study.trials)
    assert tuner.best_score == pytest.approx(min(t.value for t in tuner.study.trials))
    booster = tuner.get_best_booster()
    assert isinstance(booster, lgb.Booster)
    assert booster.best_score["valid_1"]["binary_logloss"] == pytest.approx(tuner.best_score)
    # the re-exported LightGBM API next to the tuner, as in optuna.integration.lightgbm
    assert lgb.Dataset is importlib.import_module("lightgbm").Dataset


def test_lightgbm_tuner_cv_and_train() -> None:
    pytest.importorskip("lightgbm")
    lgb = importlib.import_module("hypersweep.integration.lightgbm")
    train, valid = _datasets(lgb)
    params = {**_PARAMS, "metric": "auc"}
    tuner = lgb.LightGBMTunerCV(params, train, num_boost_round=5, nfold=3, time_budget=3)
    tuner.run()
    assert tuner.study.direction.name == "MAXIMIZE"  # auc: higher is better
    assert tuner.best_score == pytest.approx(max(t.value for t in tuner.study.trials))
    with pytest.raises(ValueError, match="return_cvbooster"):
        tuner.get_best_booster()
    booster = lgb.train(_PARAMS, train, num_boost_round=3, valid_sets=[valid], time_budget=2)
    assert isinstance(booster, lgb.Booster)


def test_search_cv_reports_fold_scores_for_the_terminator() -> None:
    pytest.importorskip("sklearn")
    from sklearn.datasets import load_iris
    from sklearn.svm import SVC

    import hypersweep as hs

    # Optuna's OptunaSearchCV stores the fold scores, so TerminatorCallback() (whose default
    # error evaluator reads them) works with a search without any extra call
    search = hs.integration.OptunaSearchCV(
        SVC(gamma="auto"),
        {"C": hs.distributions.FloatDistribution(1e-10, 1e10, log=True)},
        n_trials=25,
        callbacks=[hs.terminator.TerminatorCallback()],
        random_state=0,
    )
    x, y = load_iris(return_X_y=True)
    search.fit(x, y)
    trial = search.study_.trials[0]
    scores = [trial.user_attrs[f"split{i}_test_score"] for i in range(5)]
    assert trial.system_attrs["terminator:cv_scores"] == pytest.approx(scores)
