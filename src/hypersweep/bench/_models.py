"""The six tuned models of Yang & Shami (2020): spaces (paper Table 3), grids, CV metric."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ._data import load_boston_housing, load_digits, sklearn

Params = dict[str, Any]

# libsvm's iteration cap for the SVR: with the linear kernel on the unscaled Boston features
# and C near 50 an uncapped fit takes ~90 s per CV on a 2-core machine (and still misfits).
SVR_MAX_ITER = 100_000


def _linspace_int(low: int, high: int, n: int) -> list[int]:
    return sorted({round(low + (high - low) * i / (n - 1)) for i in range(n)})


def _linspace(low: float, high: float, n: int) -> list[float]:
    return [round(low + (high - low) * i / (n - 1), 6) for i in range(n)]


@dataclass(frozen=True)
class Model:
    """One row group of the paper: a model, its data set, space, grid and budget.

    ``resource`` is HyperBand's and BOHB's budget: ``"n_estimators"`` (the number of trees
    grows with the step; the parameter leaves the searched space) or ``"subset"`` (the
    models are trained on a nested random subset of each training fold, and always scored
    on the whole validation fold).
    """

    key: str
    title: str
    classifier: bool
    budget: int
    make: Callable[[Params, int], Any]
    space: Callable[[Any, bool], Params]
    grid: Mapping[str, Sequence[Any]]
    resource: str
    low_cost: Mapping[str, Any] = field(default_factory=dict)

    @property
    def metric(self) -> str:
        return "accuracy (%)" if self.classifier else "MSE"

    @property
    def maximize(self) -> bool:
        return self.classifier

    def data(self) -> tuple[Any, Any]:
        return load_digits() if self.classifier else load_boston_housing()


def _rf_space(n_features: int, criteria: tuple[str, str]) -> Callable[[Any, bool], Params]:
    def space(trial: Any, with_resource: bool = True) -> Params:
        params: Params = {}
        if with_resource:
            params["n_estimators"] = trial.suggest_int("n_estimators", 10, 100)
        params["max_depth"] = trial.suggest_int("max_depth", 5, 50)
        params["min_samples_split"] = trial.suggest_int("min_samples_split", 2, 11)
        params["min_samples_leaf"] = trial.suggest_int("min_samples_leaf", 1, 11)
        params["criterion"] = trial.suggest_categorical("criterion", list(criteria))
        params["max_features"] = trial.suggest_int("max_features", 1, n_features)
        return params

    return space


def _svm_space(epsilon: bool) -> Callable[[Any, bool], Params]:
    def space(trial: Any, with_resource: bool = True) -> Params:
        params: Params = {
            "C": trial.suggest_float("C", 0.1, 50.0),
            "kernel": trial.suggest_categorical("kernel", ["linear", "poly", "rbf", "sigmoid"]),
        }
        if epsilon:
            params["epsilon"] = trial.suggest_float("epsilon", 0.001, 1.0)
        return params

    return space


def _knn_space(trial: Any, with_resource: bool = True) -> Params:
    return {"n_neighbors": trial.suggest_int("n_neighbors", 1, 20)}


def _rf(regressor: bool) -> Callable[[Params, int], Any]:
    def make(params: Params, seed: int) -> Any:
        ensemble = sklearn("ensemble")
        cls = ensemble.RandomForestRegressor if regressor else ensemble.RandomForestClassifier
        return cls(random_state=seed, **params)

    return make


def _svm(regressor: bool) -> Callable[[Params, int], Any]:
    def make(params: Params, seed: int) -> Any:
        svm = sklearn("svm")
        if regressor:
            return svm.SVR(max_iter=SVR_MAX_ITER, **params)
        return svm.SVC(random_state=seed, **params)

    return make


def _knn(regressor: bool) -> Callable[[Params, int], Any]:
    def make(params: Params, seed: int) -> Any:
        neighbors = sklearn("neighbors")
        cls = neighbors.KNeighborsRegressor if regressor else neighbors.KNeighborsClassifier
        return cls(**params)

    return make


_RF_GRID = {  # 48 points (budget 50)
    "n_estimators": [100],
    "max_depth": [15, 50],
    "min_samples_split": [2, 6, 11],
    "min_samples_leaf": [1, 6],
    "max_features": [],  # filled per task
}
_KERNELS = ["linear", "poly", "rbf", "sigmoid"]


def _rf_grid(n_features: int, criteria: tuple[str, str]) -> dict[str, list[Any]]:
    grid: dict[str, list[Any]] = {k: list(v) for k, v in _RF_GRID.items()}
    grid["max_features"] = [max(1, n_features // 8), max(2, n_features // 2)]
    grid["criterion"] = list(criteria)
    return grid


CLF_CRITERIA = ("gini", "entropy")
REG_CRITERIA = ("squared_error", "absolute_error")

MODELS: dict[str, Model] = {
    m.key: m
    for m in (
        Model(
            "rf-clf",
            "RF classifier, digits (Table 4)",
            True,
            50,
            _rf(False),
            _rf_space(64, CLF_CRITERIA),
            _rf_grid(64, CLF_CRITERIA),
            "n_estimators",
            {"n_estimators": 10},
        ),
        Model(
            "svm-clf",
            "SVM classifier, digits (Table 5)",
            True,
            50,
            _svm(False),
            _svm_space(False),
            {"C": _linspace(0.1, 50.0, 12), "kernel": _KERNELS},
            "subset",
        ),
        Model(
            "knn-clf",
            "KNN classifier, digits (Table 6)",
            True,
            10,
            _knn(False),
            _knn_space,
            {"n_neighbors": _linspace_int(1, 20, 10)},
            "subset",
        ),
        Model(
            "rf-reg",
            "RF regressor, Boston housing (Table 7)",
            False,
            50,
            _rf(True),
            _rf_space(13, REG_CRITERIA),
            _rf_grid(13, REG_CRITERIA),
            "n_estimators",
            {"n_estimators": 10},
        ),
        Model(
            "svm-reg",
            "SVM regressor, Boston housing (Table 8)",
            False,
            50,
            _svm(True),
            _svm_space(True),
            {"C": _linspace(0.1, 50.0, 4), "kernel": _KERNELS, "epsilon": [0.01, 0.1, 1.0]},
            "subset",
        ),
        Model(
            "knn-reg",
            "KNN regressor, Boston housing (Table 9)",
            False,
            10,
            _knn(True),
            _knn_space,
            {"n_neighbors": _linspace_int(1, 20, 10)},
            "subset",
        ),
    )
}


def cross_validate(
    model: Model, x: Any, y: Any, params: Params, seed: int, fraction: float = 1.0
) -> float:
    """The paper's score: unshuffled 3-fold CV (stratified for classifiers), mean accuracy
    in percent or mean MSE over the folds. ``fraction < 1`` trains on the first
    ``ceil(fraction * n)`` rows of a seeded permutation of each training fold (nested
    subsets: a larger fraction contains the smaller ones)."""
    import numpy as np

    selection = sklearn("model_selection")
    metrics = sklearn("metrics")
    folds = selection.StratifiedKFold(3) if model.classifier else selection.KFold(3)
    rng = np.random.default_rng(seed)
    scores = []
    for train, test in folds.split(x, y):
        if fraction < 1.0:
            keep = max(1, math.ceil(fraction * len(train)))
            train = rng.permutation(train)[:keep]
        estimator = model.make(params, seed)
        if "n_neighbors" in params:  # a subset can hold fewer rows than neighbours
            estimator.set_params(n_neighbors=min(params["n_neighbors"], len(train)))
        estimator.fit(x[train], y[train])
        predicted = estimator.predict(x[test])
        if model.classifier:
            scores.append(100.0 * metrics.accuracy_score(y[test], predicted))
        else:
            scores.append(metrics.mean_squared_error(y[test], predicted))
    return float(np.mean(scores))
