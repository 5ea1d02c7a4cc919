"""scikit-learn: :class:`HypersweepSearchCV`, a drop-in for ``GridSearchCV``,
``RandomizedSearchCV`` and Optuna's ``OptunaSearchCV`` driven by any hypersweep sampler and
scheduler. ``OptunaSearchCV`` is the same class under Optuna's name.

Needs scikit-learn (``pip install 'hypersweep[sklearn]'``).
"""

from __future__ import annotations

import logging
import numbers
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np

from .._internal.optional import import_optional

import_optional("sklearn", "sklearn", "hypersweep.integrations.sklearn")

from sklearn.base import clone, is_classifier  # noqa: E402
from sklearn.exceptions import FitFailedWarning  # noqa: E402
from sklearn.model_selection import check_cv  # noqa: E402
from sklearn.model_selection._search import BaseSearchCV  # noqa: E402
from sklearn.model_selection._validation import (  # noqa: E402
    _insert_error_scores,
    _warn_or_raise_about_fit_failures,
)
from sklearn.utils import _safe_indexing, check_random_state, indexable  # noqa: E402
from sklearn.utils.validation import _check_method_params, _num_samples  # noqa: E402

from ..samplers import Sampler, TPESampler  # noqa: E402
from ..schedulers import MedianScheduler, Scheduler  # noqa: E402
from ..space import CategoricalDistribution, Distribution, FloatDistribution  # noqa: E402
from ..study import Study, Trial, create_study  # noqa: E402
from ..trial import FrozenTrial, keys  # noqa: E402
from ._sklearn_folds import FoldData, fit_and_score_folds, partial_fit_folds  # noqa: E402
from ._sklearn_space import SearchSpaceAdapter  # noqa: E402

__all__ = ["HypersweepSearchCV", "OptunaSearchCV"]

_TRIAL_LOG = "hypersweep.study"


class HypersweepSearchCV(BaseSearchCV):  # type: ignore[misc]
    """Hyperparameter search with cross-validation, driven by a hypersweep study.

    A drop-in for ``GridSearchCV``/``RandomizedSearchCV`` (same ``scoring``, ``refit``,
    ``cv``, ``error_score``, ``return_train_score``, ``n_jobs``; the same ``cv_results_``,
    ``best_*`` attributes and delegated ``predict``/``score``/...) and for Optuna's
    ``OptunaSearchCV`` (``n_trials``, ``timeout``, ``study``, ``enable_pruning``,
    ``max_iter``, ``subsample``, ``callbacks``, ``catch``; ``study_``, ``trials_``,
    ``best_trial_``, ``trials_dataframe()``). ``n_iter``, RandomizedSearchCV's name of the
    number of candidates, is accepted too and takes the place of ``n_trials`` when given;
    ``n_iter_`` (as ``n_trials_``) is the number of candidates tried.

    ``param_distributions`` maps parameter names (``"svc__C"`` inside a pipeline) to
    hypersweep distributions (``hs.loguniform(1e-3, 1e3)``, ``hs.choice([...])``,
    ``hs.distributions.FloatDistribution(...)``), Optuna distributions, lists of values, or
    frozen ``scipy.stats`` ``uniform``/``loguniform``/``randint``.

    Each ``fit`` runs a **fresh study** (maximising the mean cross-validated score; with
    several metrics, the ``refit`` metric, or the first one when ``refit`` is not a name),
    unless ``study=`` gives one. Its sampler is ``sampler`` (default: TPE seeded with
    ``random_state``), its scheduler ``scheduler``. Trials run one after another so that
    the same ``random_state`` gives the same candidates; ``n_jobs`` fits the folds of a
    candidate in parallel. The folds are split once per ``fit``.

    With ``enable_pruning=True`` the estimator is trained by ``max_iter`` calls of
    ``partial_fit`` on each fold; after call ``s`` the mean fold score is reported at step
    ``s`` and the scheduler (default: :class:`~hypersweep.schedulers.MedianScheduler`) may
    prune the candidate. ``cv_results_`` holds the candidates that were not pruned, in trial
    order (pruned ones are in ``trials_``).

    A study made by ``fit`` logs nothing per trial unless ``verbose > 0``; a study you
    give keeps its logging.

    >>> import hypersweep as hs
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> search = HypersweepSearchCV(
    ...     DecisionTreeClassifier(random_state=0),
    ...     {"max_depth": hs.randint(1, 8), "criterion": hs.choice(["gini", "entropy"])},
    ...     n_trials=8, cv=3, random_state=0,
    ... ).fit(X, y)
    >>> sorted(search.best_params_), len(search.cv_results_["params"]), search.n_trials_
    (['criterion', 'max_depth'], 8, 8)
    >>> search.predict(X[:2]).tolist()
    [0, 0]
    """

    def __init__(
        self,
        estimator: Any,
        param_distributions: Mapping[str, Any],
        *,
        n_trials: int | None = 10,
        timeout: float | None = None,
        scoring: Any = None,
        n_jobs: int | None = None,
        refit: bool | str | Callable[..., int] = True,
        cv: Any = None,
        verbose: int = 0,
        random_state: int | np.random.RandomState | None = None,
        error_score: float | str = np.nan,
        return_train_score: bool = False,
        sampler: Sampler | None = None,
        scheduler: Scheduler | None = None,
        study: Study | None = None,
        enable_pruning: bool = False,
        max_iter: int = 1000,
        subsample: float | int = 1.0,
        callbacks: Sequence[Callable[[Study, FrozenTrial], None]] | None = None,
        catch: Iterable[type[Exception]] | type[Exception] = (),
        n_iter: int | None = None,
    ) -> None:
        self.estimator = estimator
        self.param_distributions = param_distributions
        self.n_trials = n_trials
        self.timeout = timeout
        self.scoring = scoring
        self.n_jobs = n_jobs
        self.refit = refit
        self.cv = cv
        self.verbose = verbose
        self.random_state = random_state
        self.error_score = error_score
        self.return_train_score = return_train_score
        self.n_iter = n_iter
        self.sampler = sampler
        self.scheduler = scheduler
        self.study = study
        self.enable_pruning = enable_pruning
        self.max_iter = max_iter
        self.subsample = subsample
        self.callbacks = callbacks
        self.catch = catch

    def __sklearn_tags__(self) -> Any:
        """scikit-learn's search tags, plus the estimator's NaN and target tags (the search
        accepts what the estimator accepts)."""
        from copy import deepcopy

        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.target_tags = deepcopy(inner.target_tags)
        return tags

    # -- the search ---------------------------------------------------------------------------
    def _run_search(self, evaluate_candidates: Any, **kwargs: Any) -> None:
        """Not used: :meth:`fit` runs the study itself."""
        raise NotImplementedError("HypersweepSearchCV.fit runs its own search loop.")

    def fit(self, X: Any, y: Any = None, **params: Any) -> HypersweepSearchCV:
        """Run the study on ``X``, ``y`` and, with ``refit``, fit the best estimator on all
        of ``X``. ``params`` go to the estimator's ``fit`` (``groups`` to the splitter), as
        in ``GridSearchCV.fit``."""
        self._check_settings()
        space = SearchSpaceAdapter(self.param_distributions)
        scorers, refit_metric = self._get_scorers()
        if y is None and self.__sklearn_tags__().target_tags.required:
            raise ValueError(
                f"{type(self.estimator).__name__} requires y to be passed, but the target y "
                "is None."
            )
        X, y = indexable(X, y)
        params = _check_method_params(X, params=params)
        routed = self._get_routed_params_for_fit(params)
        rng = check_random_state(self.random_state)
        seed = _seed(self.random_state, rng)
        self.sample_indices_ = self._sample_indices(X, rng)
        data = self._fold_data(X, y, routed, scorers)
        self.n_splits_ = len(data.splits)

        study = self.study if self.study is not None else self._new_study(seed)
        objective = _Objective(self, space, data)
        with _quiet_trial_log(self.study is None and not self.verbose):
            study.optimize(
                objective,
                n_trials=self._trial_budget(),
                timeout=self.timeout,
                callbacks=self.callbacks,
                catch=() if self.error_score == "raise" else self.catch,
            )
        self.study_ = study
        self.trials_ = study.trials
        self.n_trials_ = len(self.trials_)
        self.n_iter_ = self.n_trials_  # candidates tried: what ``n_iter`` asks for
        self.user_attrs_ = study.user_attrs
        self._finish(X, y, routed, scorers, refit_metric, objective)
        return self

    def _trial_budget(self) -> int | None:
        """``n_iter`` (RandomizedSearchCV's name) when given, else ``n_trials``."""
        return self.n_trials if self.n_iter is None else self.n_iter

    def _check_settings(self) -> None:
        for name in ("n_trials", "n_iter"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1
            ):
                raise ValueError(f"{name} must be a positive int or None, got {value!r}.")
        if self._trial_budget() is None and self.timeout is None:
            raise ValueError("Give n_trials or timeout, or the search would never end.")
        if self.study is not None and (self.sampler is not None or self.scheduler is not None):
            raise ValueError("Give the sampler and scheduler to the study, not beside study=.")
        if self.study is not None and self.study.direction.name != "MAXIMIZE":
            raise ValueError("study= must maximise (scikit-learn scores: greater is better).")
        if self.enable_pruning and not hasattr(self.estimator, "partial_fit"):
            raise TypeError(
                f"enable_pruning=True needs an estimator with partial_fit; "
                f"{type(self.estimator).__name__} has none."
            )
        if isinstance(self.max_iter, bool) or not isinstance(self.max_iter, numbers.Integral):
            raise TypeError(f"max_iter must be an int, got {self.max_iter!r}.")
        if self.max_iter < 1:
            raise ValueError(f"max_iter must be >= 1, got {self.max_iter}.")
        if not (isinstance(self.error_score, numbers.Real) or self.error_score == "raise"):
            raise ValueError(f"error_score must be 'raise' or a number, got {self.error_score!r}.")

    def _sample_indices(self, X: Any, rng: np.random.RandomState) -> np.ndarray:
        n_samples = _num_samples(X)
        size = self.subsample
        if isinstance(size, numbers.Integral) and not isinstance(size, bool):
            n_keep = int(size)
        elif isinstance(size, numbers.Real) and 0.0 < size <= 1.0:
            n_keep = round(size * n_samples)
        else:
            raise ValueError(f"subsample must be a float in (0, 1] or an int, got {size!r}.")
        if not 1 <= n_keep <= n_samples:
            raise ValueError(f"subsample keeps {n_keep} of {n_samples} samples.")
        if n_keep == n_samples:
            return np.arange(n_samples)
        return np.sort(rng.choice(n_samples, n_keep, replace=False))

    def _fold_data(self, X: Any, y: Any, routed: Any, scorers: Any) -> FoldData:
        indices = self.sample_indices_
        if len(indices) < _num_samples(X):
            fit_params = _check_method_params(X, params=routed.estimator.fit, indices=indices)
            split_params = _check_method_params(X, params=routed.splitter.split, indices=indices)
            score_params = _check_method_params(X, params=routed.scorer.score, indices=indices)
            X = _safe_indexing(X, indices)
            y = None if y is None else _safe_indexing(y, indices)
        else:
            fit_params = routed.estimator.fit
            split_params = routed.splitter.split
            score_params = routed.scorer.score
        cv = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        splits = list(cv.split(X, y, **split_params))
        if not splits:
            raise ValueError(f"The cross-validator {cv!r} gave no splits.")
        return FoldData(
            X,
            y,
            splits,
            fit_params,
            score_params,
            scorers,
            self.error_score,
            self.return_train_score,
            self.verbose,
        )

    def _new_study(self, seed: int | None) -> Study:
        scheduler = self.scheduler
        if scheduler is None and self.enable_pruning:
            scheduler = MedianScheduler()
        return create_study(
            direction="maximize",
            sampler=self.sampler if self.sampler is not None else TPESampler(seed=seed),
            scheduler=scheduler,
        )

    def _finish(
        self,
        X: Any,
        y: Any,
        routed: Any,
        scorers: Any,
        refit_metric: Any,
        objective: _Objective,
    ) -> None:
        records = sorted(objective.records)
        if not records:
            raise ValueError(
                "No candidate was cross-validated to the end (every trial was pruned or "
                "failed, or the timeout came first); see study_.trials."
            )
        out = [fold for _, _, folds in records for fold in folds]
        candidate_params = [params for _, params, _ in records]
        if all(fold["fit_error"] is not None for fold in out):
            _warn_or_raise_about_fit_failures(out, self.error_score)  # raises: all failed
        if callable(self.scoring):
            _insert_error_scores(out, self.error_score)
        results = self._format_results(candidate_params, self.n_splits_, out)
        self.multimetric_ = isinstance(out[0]["test_scores"], dict)
        if callable(self.scoring) and self.multimetric_:
            self._check_refit_for_multimetric(out[0]["test_scores"])
            refit_metric = self.refit
        if self.refit or not self.multimetric_:
            self.best_index_ = int(self._select_best_index(self.refit, refit_metric, results))
            if not callable(self.refit):
                self.best_score_ = float(results[f"mean_test_{refit_metric}"][self.best_index_])
            self.best_params_ = results["params"][self.best_index_]
            self._best_number = records[self.best_index_][0]
        if self.refit:
            self.best_estimator_ = clone(clone(self.estimator)).set_params(
                **clone(self.best_params_, safe=False)
            )
            start = time.time()
            if y is not None:
                self.best_estimator_.fit(X, y, **routed.estimator.fit)
            else:
                self.best_estimator_.fit(X, **routed.estimator.fit)
            self.refit_time_ = time.time() - start
            if hasattr(self.best_estimator_, "feature_names_in_"):
                self.feature_names_in_ = self.best_estimator_.feature_names_in_
        self.scorer_ = getattr(scorers, "_scorers", scorers)
        self.cv_results_ = results

    def __sklearn_clone__(self) -> HypersweepSearchCV:
        """A clone shares a given ``study`` (its storage cannot be copied, and a study you
        give is the one the search runs in); every other parameter is cloned as usual."""
        params = self.get_params(deep=False)
        study = params.pop("study")
        new = type(self)(**{k: clone(v, safe=False) for k, v in params.items()}, study=study)
        return new

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without ``study_`` and a given ``study`` (their storage holds locks and
        connections; the unpickled search has ``study=None``); the trials stay in
        ``trials_``. Reopen a study kept in a database with ``hs.load_study``."""
        state = dict(super().__getstate__())
        state.pop("study_", None)
        state["study"] = None
        return state

    # -- Optuna's names -----------------------------------------------------------------------
    @property
    def best_trial_(self) -> FrozenTrial:
        """The trial of ``best_index_`` (the study's best trial when there is none)."""
        self._check_searched("best_trial_")
        number = getattr(self, "_best_number", None)
        if number is None:
            return self._searched_study("best_trial_").best_trial
        return next(t for t in self.trials_ if t.number == number)

    def trials_dataframe(self, **kwargs: Any) -> Any:
        """``study_.trials_dataframe(**kwargs)`` (needs pandas)."""
        return self._searched_study("trials_dataframe").trials_dataframe(**kwargs)

    def set_user_attr(self, key: str, value: Any) -> None:
        """Set a user attribute on ``study_``."""
        self._searched_study("set_user_attr").set_user_attr(key, value)

    def _check_searched(self, name: str) -> None:
        if not hasattr(self, "trials_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError(f"{name} is available after fit.")

    def _searched_study(self, name: str) -> Study:
        self._check_searched(name)
        study: Study | None = getattr(self, "study_", None)
        if study is None:
            raise AttributeError(
                f"{name} needs study_, which a pickled search does not keep; "
                "use trials_ (or hs.load_study for a study kept in a database)."
            )
        return study


OptunaSearchCV = HypersweepSearchCV
"""Optuna's name for :class:`HypersweepSearchCV`."""


class _Objective:
    """One trial: suggest the parameters, cross-validate, keep the folds' results."""

    def __init__(self, search: HypersweepSearchCV, space: SearchSpaceAdapter, data: FoldData):
        self.search = search
        self.space = space
        self.data = data
        self.base = clone(search.estimator)
        self.records: list[tuple[int, dict[str, Any], list[dict[str, Any]]]] = []
        self._lock = threading.Lock()

    def __call__(self, trial: Trial) -> float:
        stored = {name: _suggest(trial, name, d) for name, d in self.space.distributions.items()}
        params = self.space.estimator_params(stored)
        search = self.search
        if search.enable_pruning:

            def report(value: float, step: int) -> bool:
                trial.report(value, step)
                return trial.should_prune()

            out = partial_fit_folds(
                self.base, params, self.data, search.max_iter, self._primary, report
            )
        else:
            out = fit_and_score_folds(self.base, params, self.data, search.n_jobs)
        _warn_about_failures(out, search.error_score)
        with self._lock:
            self.records.append((trial.number, params, out))
        scores = np.array([self._primary(fold["test_scores"]) for fold in out], dtype=float)
        trial.set_user_attr("mean_test_score", float(np.mean(scores)))
        trial.set_user_attr("std_test_score", float(np.std(scores)))
        for index, score in enumerate(scores):
            trial.set_user_attr(f"split{index}_test_score", float(score))
        if len(scores) > 1 and np.all(np.isfinite(scores)):
            # what hs.terminator.report_cross_validation_scores stores: TerminatorCallback()
            # then works with the search's study, as with Optuna's OptunaSearchCV
            trial.set_system_attr(keys.CV_SCORES, [float(s) for s in scores])
        return float(np.mean(scores))  # NaN (error_score=nan) fails the trial

    def _primary(self, scores: Any) -> float:
        if not isinstance(scores, Mapping):
            return float(scores)
        refit = self.search.refit
        name = refit if isinstance(refit, str) and refit in scores else next(iter(scores))
        return float(scores[name])


def _warn_about_failures(out: list[dict[str, Any]], error_score: Any) -> None:
    """scikit-learn's warning for the failed fits of one candidate (its error, when every
    fit of every candidate failed, comes at the end of the search)."""
    failed = [fold for fold in out if fold["fit_error"] is not None]
    if not failed:
        return
    if len(failed) < len(out):
        _warn_or_raise_about_fit_failures(out, error_score)
        return
    warnings.warn(
        f"All {len(out)} fits of this candidate failed; its score is {error_score}. "
        f"The first error:\n{failed[0]['fit_error']}",
        FitFailedWarning,
        stacklevel=2,
    )


def _suggest(trial: Trial, name: str, dist: Distribution) -> Any:
    if isinstance(dist, CategoricalDistribution):
        return trial.suggest_categorical(name, dist.choices)
    if isinstance(dist, FloatDistribution):
        return trial.suggest_float(name, dist.low, dist.high, step=dist.step, log=dist.log)
    return trial.suggest_int(name, dist.low, dist.high, step=dist.step, log=dist.log)


def _seed(random_state: Any, rng: np.random.RandomState) -> int | None:
    if random_state is None:
        return None
    if isinstance(random_state, numbers.Integral):
        return int(random_state)
    return int(rng.randint(np.iinfo(np.int32).max))


class _DropInfo(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


@contextmanager
def _quiet_trial_log(quiet: bool) -> Iterator[None]:
    """Drop the per-trial INFO lines of the study logger while a search runs."""
    if not quiet:
        yield
        return
    logger = logging.getLogger(_TRIAL_LOG)
    dropper = _DropInfo()
    logger.addFilter(dropper)
    try:
        yield
    finally:
        logger.removeFilter(dropper)
