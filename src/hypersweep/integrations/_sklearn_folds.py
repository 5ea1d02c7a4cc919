"""Cross-validating one candidate: whole fits (scikit-learn's own fit-and-score, in
parallel over the folds), or step by step through ``partial_fit`` with a report per step.

Each returns one result per fold in scikit-learn's format (``fit_time``, ``score_time``,
``test_scores``, ``train_scores``, ``fit_error``), so the search formats ``cv_results_``
exactly as ``GridSearchCV`` does. The folds are split once per ``fit`` and both ways use
the same index arrays: nothing of a fold's test part is ever trained on.
"""

from __future__ import annotations

import time
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from joblib import Parallel, delayed  # type: ignore[import-untyped]
from sklearn.base import clone, is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection._validation import _fit_and_score, _score
from sklearn.utils.metaestimators import _safe_split
from sklearn.utils.validation import _check_method_params

from .._internal.exceptions import TrialPruned

Split = tuple[np.ndarray, np.ndarray]


@dataclass
class FoldData:
    """What every candidate is evaluated on, fixed for one ``fit``."""

    X: Any
    y: Any
    splits: Sequence[Split]
    fit_params: Mapping[str, Any]
    score_params: Mapping[str, Any]
    scorer: Any
    error_score: Any
    return_train_score: bool
    verbose: int


def fit_and_score_folds(
    base: Any, params: Mapping[str, Any], data: FoldData, n_jobs: int | None
) -> list[dict[str, Any]]:
    """Fit a clone of ``base`` with ``params`` on each fold's train part; score it."""
    n_splits = len(data.splits)
    return list(
        Parallel(n_jobs=n_jobs)(
            delayed(_fit_and_score)(
                clone(base),
                data.X,
                data.y,
                scorer=data.scorer,
                train=train,
                test=test,
                verbose=data.verbose,
                parameters=dict(params),
                fit_params=dict(data.fit_params),
                score_params=dict(data.score_params),
                return_train_score=data.return_train_score,
                return_times=True,
                split_progress=(index, n_splits),
                error_score=data.error_score,
            )
            for index, (train, test) in enumerate(data.splits)
        )
    )


@dataclass
class _Fold:
    estimator: Any
    X_train: Any
    y_train: Any
    X_test: Any
    y_test: Any
    fit_params: dict[str, Any]
    fit_time: float = 0.0
    score_time: float = 0.0
    test_scores: Any = None
    train_scores: Any = None


def partial_fit_folds(
    base: Any,
    params: Mapping[str, Any],
    data: FoldData,
    max_iter: int,
    primary: Callable[[Any], float],
    report: Callable[[float, int], bool],
) -> list[dict[str, Any]]:
    """Train each fold's estimator ``max_iter`` steps of ``partial_fit``; after step ``s``
    the mean fold score is reported at step ``s``; ``report`` returning True prunes
    (:class:`~hypersweep.TrialPruned` is raised)."""
    folds = []
    for train, test in data.splits:
        estimator = clone(base).set_params(**clone(dict(params), safe=False))
        X_train, y_train = _safe_split(estimator, data.X, data.y, train)
        X_test, y_test = _safe_split(estimator, data.X, data.y, test, train)
        fit_params = _check_method_params(data.X, params=dict(data.fit_params), indices=train)
        folds.append(_Fold(estimator, X_train, y_train, X_test, y_test, fit_params))
    classes = np.unique(data.y) if is_classifier(base) and data.y is not None else None
    for step in range(max_iter):
        try:
            for fold in folds:
                _step(fold, data, classes if step == 0 else None)
        except Exception:
            if data.error_score == "raise":
                raise
            warnings.warn(
                f"partial_fit failed at step {step}; the score of this candidate is set to "
                f"{data.error_score}. Details:\n{traceback.format_exc()}",
                FitFailedWarning,
                stacklevel=2,
            )
            return [_failed(fold, data) for fold in folds]
        value = float(np.mean([primary(fold.test_scores) for fold in folds]))
        if report(value, step):
            raise TrialPruned(f"pruned at step {step}")
    if data.return_train_score:
        for fold in folds:
            fold.train_scores = _score(
                fold.estimator, fold.X_train, fold.y_train, data.scorer, data.score_params, "raise"
            )
    return [_result(fold, data) for fold in folds]


def _step(fold: _Fold, data: FoldData, classes: np.ndarray | None) -> None:
    extra = {} if classes is None else {"classes": classes}
    start = time.perf_counter()
    if fold.y_train is None:
        fold.estimator.partial_fit(fold.X_train, **extra, **fold.fit_params)
    else:
        fold.estimator.partial_fit(fold.X_train, fold.y_train, **extra, **fold.fit_params)
    fitted = time.perf_counter()
    fold.test_scores = _score(
        fold.estimator, fold.X_test, fold.y_test, data.scorer, data.score_params, "raise"
    )
    fold.fit_time += fitted - start
    fold.score_time += time.perf_counter() - fitted


def _result(fold: _Fold, data: FoldData) -> dict[str, Any]:
    result = {
        "fit_error": None,
        "fit_time": fold.fit_time,
        "score_time": fold.score_time,
        "test_scores": fold.test_scores,
    }
    if data.return_train_score:
        result["train_scores"] = fold.train_scores
    return result


def _failed(fold: _Fold, data: FoldData) -> dict[str, Any]:
    names = getattr(data.scorer, "_scorers", None)  # a multi-metric scorer
    score = data.error_score if names is None else dict.fromkeys(names, data.error_score)
    result = {
        "fit_error": "partial_fit failed",
        "fit_time": fold.fit_time,
        "score_time": 0.0,
        "test_scores": score,
    }
    if data.return_train_score:
        result["train_scores"] = score
    return result
