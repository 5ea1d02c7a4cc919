"""Stepwise tuning of LightGBM's main parameters: :class:`LightGBMTuner` (``lgb.train``),
:class:`LightGBMTunerCV` (``lgb.cv``) and :func:`train`, under Optuna's names
(``optuna.integration.lightgbm``).

The parameters are tuned one group at a time, each step starting from the best values found
so far, in the order of Optuna's tuner: ``feature_fraction`` (a grid of 7), ``num_leaves``
(20 trials), ``bagging_fraction``/``bagging_freq`` (10), ``feature_fraction`` again near the
best (a grid of 6), ``lambda_l1``/``lambda_l2`` (20) and ``min_child_samples`` (a grid of 5).
All trials go to one study (``study=``, else a new one with ``TPESampler(seed=optuna_seed)``),
scored on the metric of ``params`` on the last validation set (``lgb.train``) or on the
folds' mean (``lgb.cv``); metrics where higher is better (``auc``, ``ndcg``, ``map``,
``average_precision``) are maximised.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from .._internal.optional import import_optional
from ..samplers import TPESampler
from ..study import Study, Trial, create_study

_HIGHER_IS_BETTER = ("auc", "ndcg", "map", "average_precision")
_METRIC_ALIASES = ("metric", "metrics", "metric_types")
_DEFAULT_METRIC = {
    "binary": "binary_logloss",
    "multiclass": "multi_logloss",
    "softmax": "multi_logloss",
}


def _metric(params: dict[str, Any]) -> str:
    """The name of the metric the tuner optimises (the first one of ``params``)."""
    for key in _METRIC_ALIASES:
        if key in params:
            metric = params[key]
            if isinstance(metric, str):
                metric = metric.split(",")
            return str(next(iter(metric))).strip()
    return _DEFAULT_METRIC.get(str(params.get("objective", "regression")), "l2")


def _given(**kwargs: Any) -> dict[str, Any]:
    """The keyword arguments to pass on: ``feature_name``/``categorical_feature`` only when not
    ``"auto"`` (LightGBM 4.6 dropped them from ``train``/``cv``; they belong to the Dataset)."""
    return {
        k: v
        for k, v in kwargs.items()
        if not (k in ("feature_name", "categorical_feature") and v == "auto")
    }


def _steps(
    best: dict[str, Any],
) -> list[tuple[str, int, Callable[[Trial], dict[str, Any]], list[dict[str, Any]]]]:
    """(name, number of trials, suggest function, enqueued grid) for each step, in order."""
    ff = float(best.get("feature_fraction", 1.0))
    # six points from ff - 0.08 to ff + 0.08, those outside [0.4, 1] left out (as Optuna)
    stage2 = [
        v
        for v in (round(ff + d, 3) for d in (-0.08, -0.048, -0.016, 0.016, 0.048, 0.08))
        if 0.4 <= v <= 1.0
    ]
    return [
        (
            "feature_fraction",
            7,
            lambda t: {"feature_fraction": t.suggest_float("feature_fraction", 0.4, 1.0)},
            [{"feature_fraction": 0.4 + 0.1 * i} for i in range(7)],
        ),
        (
            "num_leaves",
            20,
            lambda t: {"num_leaves": t.suggest_int("num_leaves", 2, 256, log=True)},
            [],
        ),
        (
            "bagging",
            10,
            lambda t: {
                "bagging_fraction": t.suggest_float("bagging_fraction", 0.4, 1.0),
                "bagging_freq": t.suggest_int("bagging_freq", 1, 7),
            },
            [],
        ),
        (
            "feature_fraction_stage2",
            len(stage2),
            lambda t: {"feature_fraction": t.suggest_float("feature_fraction", 0.4, 1.0)},
            [{"feature_fraction": v} for v in stage2],
        ),
        (
            "regularization_factors",
            20,
            lambda t: {
                "lambda_l1": t.suggest_float("lambda_l1", 1e-8, 10.0, log=True),
                "lambda_l2": t.suggest_float("lambda_l2", 1e-8, 10.0, log=True),
            },
            [],
        ),
        (
            "min_child_samples",
            5,
            lambda t: {
                "min_child_samples": t.suggest_categorical(
                    "min_child_samples", [5, 10, 25, 50, 100]
                )
            },
            [{"min_child_samples": v} for v in (5, 10, 25, 50, 100)],
        ),
    ]


class _TunerBase:
    """The stepwise loop shared by :class:`LightGBMTuner` and :class:`LightGBMTunerCV`."""

    def __init__(
        self,
        params: dict[str, Any],
        train_set: Any,
        *,
        time_budget: float | None,
        study: Study | None,
        optuna_seed: int | None,
        optuna_callbacks: Sequence[Callable[..., Any]] | None,
    ) -> None:
        self.lgbm_params = dict(params)
        self.lgbm_params.setdefault("verbosity", -1)
        if self.lgbm_params.get("feature_pre_filter", False):
            warnings.warn(
                "feature_pre_filter is set to False: min_child_samples is tuned.", stacklevel=3
            )
        # the Dataset is built once; with the pre-filter, a smaller min_data_in_leaf fails
        self.lgbm_params["feature_pre_filter"] = False
        self.train_set = train_set
        self.metric = _metric(self.lgbm_params)
        self.higher_is_better = self.metric.startswith(_HIGHER_IS_BETTER)
        direction = "maximize" if self.higher_is_better else "minimize"
        self.study = study or create_study(
            direction=direction, sampler=TPESampler(seed=optuna_seed)
        )
        self._time_budget = time_budget
        self._callbacks = list(optuna_callbacks or [])
        self._best_params: dict[str, Any] = {}
        self._best_model: Any = None
        self._best_score: float | None = None

    def _fit(self, params: dict[str, Any]) -> tuple[float, Any]:
        """Train once with ``params``: the score and the model."""
        raise NotImplementedError

    @property
    def best_params(self) -> dict[str, Any]:
        """The parameters of the best trial: ``params`` updated with the tuned values."""
        return {**self.lgbm_params, **self._best_params}

    @property
    def best_score(self) -> float:
        """The best score seen (``-inf``/``inf`` before :meth:`run`)."""
        if self._best_score is None:
            return float("-inf") if self.higher_is_better else float("inf")
        return self._best_score

    def get_best_booster(self) -> Any:
        """The model of the best trial (kept in memory)."""
        if self._best_model is None:
            raise ValueError("The best booster is not available: call run() first.")
        return self._best_model

    def run(self) -> None:
        """Tune every step in turn."""
        deadline = None if self._time_budget is None else time.monotonic() + self._time_budget
        for name, n_trials, suggest, grid in _steps(self.best_params):
            if name == "feature_fraction_stage2":
                grid = _steps(self.best_params)[3][3]
            for point in grid:
                self.study.enqueue_trial(point)
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            if timeout == 0.0:
                return

            def objective(
                trial: Trial, suggest: Callable[[Trial], dict[str, Any]] = suggest
            ) -> float:
                tuned = suggest(trial)
                score, model = self._fit({**self.best_params, **tuned})
                better = self._best_score is None or (
                    score > self._best_score if self.higher_is_better else score < self._best_score
                )
                if better:
                    self._best_score, self._best_model = score, model
                    self._best_params = {**self._best_params, **tuned}
                return score

            with warnings.catch_warnings():
                # each step brings new parameters; TPE's "draws at random" notice is expected
                warnings.filterwarnings("ignore", ".*draws .* at random", UserWarning)
                self.study.optimize(
                    objective, n_trials=n_trials, timeout=timeout, callbacks=self._callbacks
                )


class LightGBMTuner(_TunerBase):
    """Tune ``lgb.train``'s parameters stepwise; the arguments are ``lgb.train``'s.

    ``show_progress_bar``, ``model_dir`` and ``keep_training_booster`` are accepted; the best
    booster is kept in memory. ``sample_size`` is not supported (Optuna's is deprecated).
    """

    def __init__(
        self,
        params: dict[str, Any],
        train_set: Any,
        num_boost_round: int = 1000,
        valid_sets: Any = None,
        valid_names: Any = None,
        feval: Any = None,
        feature_name: Any = "auto",
        categorical_feature: Any = "auto",
        keep_training_booster: bool = False,
        callbacks: list[Any] | None = None,
        time_budget: float | None = None,
        sample_size: int | None = None,
        study: Study | None = None,
        optuna_seed: int | None = None,
        show_progress_bar: bool = True,
        model_dir: str | None = None,
        *,
        optuna_callbacks: Sequence[Callable[..., Any]] | None = None,
    ) -> None:
        super().__init__(
            params,
            train_set,
            time_budget=time_budget,
            study=study,
            optuna_seed=optuna_seed,
            optuna_callbacks=optuna_callbacks,
        )
        if valid_sets is None:
            raise ValueError("`valid_sets` is required.")
        self._train_kwargs = _given(
            num_boost_round=num_boost_round,
            valid_sets=valid_sets,
            valid_names=valid_names,
            feval=feval,
            feature_name=feature_name,
            categorical_feature=categorical_feature,
            keep_training_booster=keep_training_booster,
            callbacks=callbacks,
        )

    def _fit(self, params: dict[str, Any]) -> tuple[float, Any]:
        lgb = import_optional("lightgbm", "lightgbm", "the LightGBM tuner")
        booster = lgb.train(params, self.train_set, **self._train_kwargs)
        scores: dict[str, dict[str, float]] = booster.best_score
        names = [n for n in scores if n not in ("training", "train")] or list(scores)
        valid = scores[names[-1]]
        return float(
            valid[self.metric] if self.metric in valid else next(iter(valid.values()))
        ), booster


class LightGBMTunerCV(_TunerBase):
    """Tune ``lgb.cv``'s parameters stepwise; the arguments are ``lgb.cv``'s. The score is the
    folds' mean of the metric at the last round kept (the best one under early stopping)."""

    def __init__(
        self,
        params: dict[str, Any],
        train_set: Any,
        num_boost_round: int = 1000,
        folds: Any = None,
        nfold: int = 5,
        stratified: bool = True,
        shuffle: bool = True,
        feval: Any = None,
        feature_name: Any = "auto",
        categorical_feature: Any = "auto",
        fpreproc: Any = None,
        seed: int = 0,
        callbacks: list[Any] | None = None,
        time_budget: float | None = None,
        eval_train_metric: bool = False,
        study: Study | None = None,
        optuna_seed: int | None = None,
        show_progress_bar: bool = True,
        model_dir: str | None = None,
        return_cvbooster: bool = False,
        *,
        optuna_callbacks: Sequence[Callable[..., Any]] | None = None,
    ) -> None:
        super().__init__(
            params,
            train_set,
            time_budget=time_budget,
            study=study,
            optuna_seed=optuna_seed,
            optuna_callbacks=optuna_callbacks,
        )
        self._return_cvbooster = return_cvbooster
        self._cv_kwargs = _given(
            num_boost_round=num_boost_round,
            folds=folds,
            nfold=nfold,
            stratified=stratified,
            shuffle=shuffle,
            feval=feval,
            feature_name=feature_name,
            categorical_feature=categorical_feature,
            fpreproc=fpreproc,
            seed=seed,
            callbacks=callbacks,
            eval_train_metric=eval_train_metric,
            return_cvbooster=return_cvbooster,
        )

    def _fit(self, params: dict[str, Any]) -> tuple[float, Any]:
        lgb = import_optional("lightgbm", "lightgbm", "the LightGBM tuner")
        result = lgb.cv(params, self.train_set, **self._cv_kwargs)
        means = [k for k in result if k.endswith("-mean") and not k.startswith("train")]
        key = next((k for k in means if k.endswith(f" {self.metric}-mean")), means[0])
        return float(result[key][-1]), result.get("cvbooster")

    def get_best_booster(self) -> Any:
        """The ``CVBooster`` of the best trial (needs ``return_cvbooster=True``)."""
        if not self._return_cvbooster:
            raise ValueError(
                "LightGBMTunerCV keeps the best booster only with return_cvbooster=True."
            )
        return super().get_best_booster()


def train(params: dict[str, Any], train_set: Any, *args: Any, **kwargs: Any) -> Any:
    """``lgb.train`` with its parameters tuned stepwise: run :class:`LightGBMTuner` and return
    the best booster."""
    tuner = LightGBMTuner(params, train_set, *args, **kwargs)
    tuner.run()
    return tuner.get_best_booster()
