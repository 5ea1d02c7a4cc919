"""Pruning callback for XGBoost: ``xgb.train``, ``xgb.cv`` and the scikit-learn API."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from .._internal.optional import import_optional
from ..study import Trial
from ._pruning import Reporter, missing_metric


class XGBoostPruningCallback:
    """Report an XGBoost metric after each boosting round and stop the trial when the
    scheduler says so.

    ``observation_key`` is ``"<evaluation set>-<metric>"`` as XGBoost prints it:
    ``"validation_0-logloss"`` for ``XGBClassifier(callbacks=[...]).fit(eval_set=[...])``,
    ``"valid-logloss"`` for ``xgb.train(evals=[(dvalid, "valid")])``, ``"test-logloss"``
    under ``xgb.cv`` (which reports the mean over the folds). A key that XGBoost did not log
    raises ``ValueError`` listing those it did. An instance is an
    ``xgboost.callback.TrainingCallback``.

    Give the define-by-run ``trial``; or ``None`` inside a trainable run by
    :func:`hypersweep.tune`, which then reports ``{report_as or observation_key: value}``
    through :func:`hypersweep.report` at step ``round + 1``.

    >>> import numpy as np, xgboost as xgb, hypersweep as hs
    >>> X = np.random.default_rng(0).normal(size=(200, 4)); y = (X[:, 0] > 0).astype(int)
    >>> study = hs.create_study()
    >>> trial = study.ask()
    >>> pruning = hs.integrations.XGBoostPruningCallback(trial, "validation_0-logloss")
    >>> model = xgb.XGBClassifier(n_estimators=4, callbacks=[pruning])
    >>> model = model.fit(X[:150], y[:150], eval_set=[(X[150:], y[150:])], verbose=False)
    >>> sorted(study.trials[0].intermediate_values)
    [0, 1, 2, 3]
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> XGBoostPruningCallback:
        if cls is XGBoostPruningCallback:  # build the TrainingCallback subclass on first use
            cls = _callback_class()
        return super().__new__(cls)

    def __init__(
        self, trial: Trial | None, observation_key: str, *, report_as: str | None = None
    ) -> None:
        if not isinstance(observation_key, str) or "-" not in observation_key:
            raise ValueError(
                "observation_key must be '<evaluation set>-<metric>' as XGBoost names it, "
                f"e.g. 'validation_0-logloss'; got {observation_key!r}."
            )
        super().__init__()  # TrainingCallback's
        self._reporter = Reporter(
            trial, report_as or observation_key, owner="XGBoostPruningCallback"
        )
        self._key = observation_key

    def __deepcopy__(self, memo: dict[int, Any]) -> XGBoostPruningCallback:
        # The scikit-learn API deep-copies its callbacks: share the trial, never copy it.
        return self

    def after_iteration(self, model: Any, epoch: int, evals_log: Mapping[str, Any]) -> bool:
        """XGBoost calls this after each round; returns ``False`` (go on) or raises
        :class:`~hypersweep.TrialPruned`."""
        logged: dict[str, Any] = {}
        for data_name, metrics in evals_log.items():
            for metric_name, history in metrics.items():
                logged[f"{data_name}-{metric_name}"] = history
        if self._key not in logged:
            raise missing_metric("XGBoostPruningCallback", self._key, logged)
        latest = logged[self._key][-1]
        if isinstance(latest, tuple):  # xgb.cv: (mean, std) over the folds
            latest = latest[0]
        self._reporter.report(latest, epoch)
        return False


@functools.cache
def _callback_class() -> type[XGBoostPruningCallback]:
    xgboost = import_optional("xgboost", "xgboost", "XGBoostPruningCallback")

    class _XGBoostPruningCallback(XGBoostPruningCallback, xgboost.callback.TrainingCallback):  # type: ignore[misc,name-defined]
        pass

    _XGBoostPruningCallback.__name__ = "XGBoostPruningCallback"
    _XGBoostPruningCallback.__qualname__ = "XGBoostPruningCallback"
    _XGBoostPruningCallback.__module__ = __name__
    return _XGBoostPruningCallback
