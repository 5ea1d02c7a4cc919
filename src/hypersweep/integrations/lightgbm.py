"""Pruning callback for LightGBM's ``lgb.train`` and ``lgb.cv``."""

from __future__ import annotations

from typing import Any

from .._internal.optional import import_optional
from ..study import Trial
from ..trial import StudyDirection
from ._pruning import Reporter, missing_metric

_CV_NAMES = ("valid", "cv_agg")  # lgb.cv's name for the held-out folds (LightGBM 4, 3)
_TRAIN_NAMES = ("training", "train")


class LightGBMPruningCallback:
    """Report a LightGBM metric after each boosting round and stop the trial when the
    scheduler says so.

    ``metric`` is LightGBM's name of the metric (``"binary_logloss"``, ``"auc"``, ``"l2"``,
    ...). ``valid_name`` picks the validation set by its name in ``valid_names``
    (``"valid_0"``, ...); ``None`` takes the first one that is not the training set. Under
    ``lgb.cv`` the mean over the folds is reported. A metric or set that LightGBM did not
    log raises ``ValueError`` listing those it did (rather than never pruning).

    Give the define-by-run ``trial``; or ``None`` inside a trainable run by
    :func:`hypersweep.tune`, which then reports ``{report_as or metric: value}`` through
    :func:`hypersweep.report` at step ``iteration + 1``.

    >>> import lightgbm as lgb, numpy as np, hypersweep as hs
    >>> X = np.random.default_rng(0).normal(size=(200, 4)); y = (X[:, 0] > 0).astype(int)
    >>> def objective(trial):
    ...     params = {"objective": "binary", "verbose": -1, "num_threads": 1,
    ...               "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3)}
    ...     train, valid = lgb.Dataset(X[:150], y[:150]), lgb.Dataset(X[150:], y[150:])
    ...     booster = lgb.train(params, train, 5, valid_sets=[valid], callbacks=[
    ...         hs.integrations.LightGBMPruningCallback(trial, "binary_logloss")])
    ...     return booster.best_score["valid_0"]["binary_logloss"]
    >>> study = hs.create_study(scheduler=hs.schedulers.MedianScheduler(n_startup_trials=2))
    >>> study.optimize(objective, n_trials=3)
    >>> sorted(study.trials[0].intermediate_values)
    [0, 1, 2, 3, 4]
    """

    def __init__(
        self,
        trial: Trial | None,
        metric: str,
        valid_name: str | None = None,
        report_interval: int = 1,
        *,
        report_as: str | None = None,
    ) -> None:
        import_optional("lightgbm", "lightgbm", "LightGBMPruningCallback")
        if not isinstance(metric, str):
            raise TypeError(f"metric must be LightGBM's metric name (a str), got {metric!r}.")
        if isinstance(report_interval, bool) or not isinstance(report_interval, int):
            raise TypeError(f"report_interval must be an int, got {report_interval!r}.")
        if report_interval < 1:
            raise ValueError(f"report_interval must be >= 1, got {report_interval}.")
        self._reporter = Reporter(trial, report_as or metric, owner="LightGBMPruningCallback")
        self._metric = metric
        self._valid_name = valid_name
        self._report_interval = report_interval
        self._checked = False

    def __call__(self, env: Any) -> None:
        """LightGBM calls this after each boosting round."""
        if (env.iteration - env.begin_iteration) % self._report_interval != 0:
            return
        results = list(env.evaluation_result_list or [])
        is_cv = any(len(r) > 4 and r[4] is not None for r in results)
        names = list(dict.fromkeys(str(r[0]) for r in results))
        valid = self._pick_valid(names, is_cv)
        for result in results:
            if result[0] == valid and result[1] == self._metric:
                if not self._checked:
                    self._check_direction(bool(result[3]))
                    self._checked = True
                self._reporter.report(result[2], env.iteration)
                return
        raise missing_metric(
            "LightGBMPruningCallback",
            self._metric,
            (str(r[1]) for r in results if r[0] == valid),
            f"(set {valid!r}; set 'metric' in LightGBM's params to log another one)",
        )

    def _pick_valid(self, names: list[str], is_cv: bool) -> str:
        if self._valid_name is not None:
            if self._valid_name in names:
                return self._valid_name
            if is_cv and self._valid_name in _CV_NAMES:
                found = [n for n in names if n in _CV_NAMES]
                if found:
                    return found[0]
            raise ValueError(
                f"LightGBMPruningCallback: no evaluation set is named {self._valid_name!r}; "
                f"the sets LightGBM evaluated are: {names or 'none (pass valid_sets=)'}."
            )
        if is_cv:
            found = [n for n in names if n in _CV_NAMES]
        else:
            found = [n for n in names if n not in _TRAIN_NAMES]
        if not found:
            raise ValueError(
                "LightGBMPruningCallback: no validation set was evaluated (sets: "
                f"{names or 'none'}); pass valid_sets=[...] to lgb.train, or valid_name=."
            )
        return found[0]

    def _check_direction(self, higher_is_better: bool) -> None:
        trial = self._reporter.trial
        if trial is None or len(trial.study.directions) != 1:
            return
        maximize = trial.study.direction == StudyDirection.MAXIMIZE
        if maximize != higher_is_better:
            way = "maximize" if higher_is_better else "minimize"
            raise ValueError(
                f"LightGBMPruningCallback: LightGBM's {self._metric!r} is better when "
                f"{'higher' if higher_is_better else 'lower'}, but the study's direction is "
                f"{trial.study.direction.name.lower()}; create the study with "
                f"direction={way!r} or monitor another metric."
            )
