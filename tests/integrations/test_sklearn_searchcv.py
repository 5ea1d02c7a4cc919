"""HypersweepSearchCV against scikit-learn's searches and Optuna's OptunaSearchCV."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest

from tests.conftest import require

require("sklearn")

from sklearn.base import BaseEstimator, ClassifierMixin, clone  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.exceptions import FitFailedWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression, SGDClassifier  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    KFold,
    cross_validate,
)
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.svm import SVC  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import hypersweep as hs  # noqa: E402
from hypersweep.distributions import FloatDistribution, IntDistribution  # noqa: E402
from hypersweep.integrations.sklearn import HypersweepSearchCV, OptunaSearchCV  # noqa: E402

X, Y = load_iris(return_X_y=True)
CV = KFold(3, shuffle=True, random_state=0)

# OptunaSearchCV's public attributes and methods (optuna-integration docs).
OPTUNA_ATTRIBUTES = [
    "best_estimator_", "n_splits_", "refit_time_", "sample_indices_", "scorer_", "study_",
    "best_index_", "best_params_", "best_score_", "best_trial_", "classes_", "cv_results_",
    "decision_function", "inverse_transform", "n_trials_", "predict", "predict_log_proba",
    "predict_proba", "score_samples", "set_user_attr", "transform", "trials_",
    "trials_dataframe", "user_attrs_", "n_features_in_", "score",
]  # fmt: skip


def _search(**kwargs):
    kwargs.setdefault("n_trials", 6)
    kwargs.setdefault("cv", CV)
    kwargs.setdefault("random_state", 0)
    return HypersweepSearchCV(
        SVC(), {"C": hs.loguniform(1e-2, 1e2), "kernel": ["rbf", "linear"]}, **kwargs
    )


@pytest.mark.parametrize("return_train_score", [False, True])
@pytest.mark.parametrize(
    ("scoring", "refit"),
    [(None, True), ("accuracy", True), (["accuracy", "f1_macro"], "f1_macro")],
)
def test_cv_results_keys_equal_grid_search(scoring, refit, return_train_score):
    options = dict(cv=CV, scoring=scoring, refit=refit, return_train_score=return_train_score)
    grid = GridSearchCV(SVC(), {"C": [1.0, 2.0], "kernel": ["rbf"]}, **options).fit(X, Y)
    search = _search(**options).fit(X, Y)
    assert set(search.cv_results_) == set(grid.cv_results_)
    assert search.multimetric_ == grid.multimetric_
    results = search.cv_results_
    metric = refit if isinstance(refit, str) else "score"
    best = results[f"rank_test_{metric}"].argmin()
    assert search.best_index_ == best
    assert search.best_score_ == pytest.approx(results[f"mean_test_{metric}"][best])
    assert search.best_params_ == results["params"][best]
    assert search.best_trial_.params == search.best_params_
    assert search.best_trial_.value == pytest.approx(search.best_score_)


def test_same_cv_results_as_grid_search_for_the_same_candidates():
    space = {"C": hs.choice([0.1, 1.0, 10.0])}
    search = HypersweepSearchCV(
        SVC(), space, n_trials=20, cv=CV, sampler=hs.samplers.GridSampler({"C": [0.1, 1.0, 10.0]})
    ).fit(X, Y)
    grid = GridSearchCV(SVC(), {"C": [0.1, 1.0, 10.0]}, cv=CV).fit(X, Y)
    order = np.argsort([p["C"] for p in search.cv_results_["params"]])
    assert search.n_trials_ == 3  # the grid is exhausted
    np.testing.assert_allclose(
        search.cv_results_["mean_test_score"][order], grid.cv_results_["mean_test_score"]
    )
    assert search.best_params_ == grid.best_params_


def test_optuna_attribute_names_exist():
    search = _search(refit=True).fit(X, Y)
    names = list(OPTUNA_ATTRIBUTES)
    try:
        from optuna_integration import OptunaSearchCV as Peer
    except ImportError:
        Peer = None
    if Peer is not None:
        names += [n for n in dir(Peer) if not n.startswith("_")]
    # Methods the estimator lacks (SVC has no transform) exist on the class; Optuna's
    # set_fit_request comes from its explicit fit(groups=...) and routes nothing else.
    missing = [
        n
        for n in names
        if not (hasattr(search, n) or hasattr(HypersweepSearchCV, n)) and n != "set_fit_request"
    ]
    assert missing == []
    assert OptunaSearchCV is HypersweepSearchCV
    if Peer is not None:
        import inspect

        ours = set(inspect.signature(HypersweepSearchCV).parameters)
        assert set(inspect.signature(Peer).parameters) <= ours


def test_same_random_state_same_params_and_fresh_study_per_fit():
    first = _search(random_state=3).fit(X, Y)
    again = _search(random_state=3).fit(X, Y)
    assert first.cv_results_["params"] == again.cv_results_["params"]
    other = _search(random_state=4).fit(X, Y)
    assert first.cv_results_["params"] != other.cv_results_["params"]
    study = first.study_
    first.fit(X, Y)  # a fresh study each fit
    assert first.study_ is not study and first.n_trials_ == 6


def test_given_study_is_used():
    study = hs.create_study(direction="maximize")
    search = _search(study=study).fit(X, Y)
    search.fit(X, Y)
    assert search.study_ is study and len(study.trials) == 12
    assert clone(search).study is study
    with pytest.raises(ValueError, match="maximise"):
        _search(study=hs.create_study()).fit(X, Y)


def test_both_distribution_shapes_and_lists():
    space = {
        "C": FloatDistribution(1e-2, 1e2, log=True),
        "max_iter": IntDistribution(300, 500),
        "tol": hs.loguniform(1e-5, 1e-2),
        "fit_intercept": [True, False],
    }
    search = HypersweepSearchCV(LogisticRegression(), space, n_trials=4, cv=3, random_state=0)
    search.fit(X, Y)
    assert set(search.best_params_) == set(space)
    assert all(isinstance(p["max_iter"], int) for p in search.cv_results_["params"])
    with pytest.raises(TypeError, match="param_distributions"):
        HypersweepSearchCV(SVC(), {"C": object()}).fit(X, Y)


def test_pruning_through_partial_fit_with_asha():
    search = HypersweepSearchCV(
        SGDClassifier(random_state=0),
        {"alpha": hs.loguniform(1e-6, 1e1)},
        n_trials=15,
        cv=CV,
        enable_pruning=True,
        max_iter=9,
        scheduler=hs.schedulers.ASHAScheduler(1, 9, 3),
        random_state=0,
    ).fit(X, Y)
    states = [t.state for t in search.trials_]
    assert hs.TrialState.PRUNED in states and hs.TrialState.COMPLETE in states
    complete = [t for t in search.trials_ if t.state is hs.TrialState.COMPLETE]
    assert len(search.cv_results_["params"]) == len(complete)
    for trial in search.trials_:
        steps = sorted(trial.intermediate_values)
        assert steps == list(range(len(steps)))
    for trial in complete:
        assert sorted(trial.intermediate_values) == list(range(9))
        assert trial.value == pytest.approx(trial.intermediate_values[8])


def test_partial_fit_trains_each_fold_only_on_its_train_part():
    seen: list[set[int]] = []

    class Recorder(ClassifierMixin, BaseEstimator):
        def __init__(self, alpha=1.0):
            self.alpha = alpha

        def fit(self, X, y):
            raise AssertionError("pruning trains through partial_fit only")

        def partial_fit(self, X, y, classes=None):
            seen.append({int(i) for i in X[:, 0]})
            self.classes_ = np.unique(y)
            return self

        def predict(self, X):
            return np.full(len(X), self.classes_[0])

    ids = np.arange(len(X), dtype=float)[:, None]
    HypersweepSearchCV(
        Recorder(),
        {"alpha": hs.uniform(0, 1)},
        n_trials=2,
        cv=CV,
        enable_pruning=True,
        max_iter=3,
        scheduler=hs.schedulers.NopScheduler(),
        refit=False,
    ).fit(ids, Y)
    folds = [set(test.tolist()) for _, test in CV.split(ids, Y)]
    assert len(seen) == 2 * 3 * 3  # trials x steps x folds
    for index, rows in enumerate(seen):
        assert not rows & folds[index % 3]  # never a test row of its own fold


class _FailsOnC(ClassifierMixin, BaseEstimator):
    def __init__(self, C=1.0):
        self.C = C

    def fit(self, X, y):
        if self.C > 1.0:
            raise RuntimeError("bad C")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_error_score():
    space = {"C": [0.5, 2.0]}
    sampler = hs.samplers.GridSampler({"C": [0.5, 2.0]})
    with pytest.warns(FitFailedWarning):
        search = HypersweepSearchCV(
            _FailsOnC(), space, n_trials=2, cv=3, error_score=-1.0, sampler=sampler
        ).fit(X, Y)
    failed = search.cv_results_["params"].index({"C": 2.0})
    assert search.cv_results_["mean_test_score"][failed] == -1.0
    assert search.best_params_ == {"C": 0.5}
    with pytest.raises(RuntimeError, match="bad C"):
        HypersweepSearchCV(_FailsOnC(), {"C": [2.0]}, n_trials=1, cv=3, error_score="raise").fit(
            X, Y
        )
    with pytest.warns(FitFailedWarning):  # NaN scores fail their trials
        search = HypersweepSearchCV(_FailsOnC(), space, n_trials=2, cv=3, sampler=sampler)
        search.fit(X, Y)
    assert np.isnan(search.cv_results_["mean_test_score"][failed])
    assert search.trials_[failed].state is hs.TrialState.FAIL
    with pytest.raises(ValueError, match="All the 3 fits failed"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        HypersweepSearchCV(_FailsOnC(), {"C": [2.0]}, n_trials=1, cv=3).fit(X, Y)


def test_pipeline_and_cross_validate_and_pickle():
    pipe = make_pipeline(StandardScaler(), SVC())
    search = HypersweepSearchCV(
        pipe, {"svc__C": hs.loguniform(1e-2, 1e2)}, n_trials=3, cv=3, random_state=0
    )
    scores = cross_validate(search, X, Y, cv=3)
    assert len(scores["test_score"]) == 3 and np.all(scores["test_score"] > 0.8)
    search.fit(X, Y)
    assert "svc__C" in search.best_params_ and "param_svc__C" in search.cv_results_
    restored = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(restored.predict(X), search.predict(X))
    assert restored.best_trial_.number == search.best_trial_.number


def test_refit_callable_and_false():
    search = _search(refit=lambda results: 0).fit(X, Y)
    assert search.best_index_ == 0 and not hasattr(search, "best_score_")
    search = _search(refit=False, scoring=["accuracy", "f1_macro"]).fit(X, Y)
    assert not hasattr(search, "best_estimator_") and not hasattr(search, "best_index_")


def test_a_study_made_by_fit_is_quiet_unless_verbose(caplog):
    with caplog.at_level("INFO", logger="hypersweep"):
        _search(n_trials=2).fit(X, Y)
    assert not [r for r in caplog.records if "finished" in r.getMessage()]
    with caplog.at_level("INFO", logger="hypersweep"):
        _search(n_trials=2, verbose=1).fit(X, Y)
    assert len([r for r in caplog.records if "finished" in r.getMessage()]) == 2


def test_n_iter_is_randomized_search_cvs_name_of_n_trials():
    search = _search(n_trials=None, n_iter=4).fit(X, Y)
    assert search.n_trials_ == 4 and len(search.cv_results_["params"]) == 4
    assert _search(n_trials=9, n_iter=3).fit(X, Y).n_trials_ == 3  # n_iter wins when given
    assert search.n_iter_ == 4


def test_bad_settings():
    with pytest.raises(ValueError, match="n_trials or timeout"):
        _search(n_trials=None).fit(X, Y)
    with pytest.raises(ValueError, match="n_iter must be a positive int"):
        _search(n_iter=0).fit(X, Y)
    with pytest.raises(TypeError, match="partial_fit"):
        _search(enable_pruning=True).fit(X, Y)


@parametrize_with_checks(
    [
        HypersweepSearchCV(
            DecisionTreeClassifier(random_state=0),
            {"max_depth": hs.randint(1, 4)},
            n_trials=2,
            cv=2,
            random_state=0,
        ),
    ],
)
def test_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(estimator)
