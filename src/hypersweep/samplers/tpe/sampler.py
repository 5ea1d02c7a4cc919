"""Tree-structured Parzen estimator (TPE): the default model-based searching method."""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..._internal.validation import check_float, check_int
from ...algorithms.tpe import (
    GOOD_BANDWIDTH_FACTOR,
    TPEModel,
    default_gamma,
    default_gamma_multiobjective,
    default_weights,
    hyperopt_default_gamma,
)
from ...space import (
    CategoricalDistribution,
    Distribution,
    SearchSpace,
    UnitBoxEncoder,
    encode_values,
)
from ...trial import FrozenTrial, History, keys
from ...trial.constraints import ConstraintsFunc, check_constraints_func, evaluate, violation
from ..base import Sampler
from .cache import StudyCache, encode_params, study_key
from .observations import (
    PENDING_ATTR,
    Observations,
    ObservationSet,
    callback_split,
    default_split,
    is_pending,
    observations_at_step,
    pending_trials,
)
from .space import CATEGORICAL, dimension

__all__ = ["TPESampler", "observations_at_step"]

_MAX_STUDIES = 8
_PENDING_REDRAWS = 16


class TPESampler(Sampler):
    """Bayesian optimisation with tree-structured Parzen estimators (Bergstra et al., 2011).

    After ``n_startup_trials`` random trials, each trial splits the finished trials into a
    good group (the ``gamma(n)`` best; by default 10 %, at most 25) and a bad group, fits a
    Parzen estimator ``l(x)`` to the good and ``g(x)`` to the bad configurations, draws
    ``n_ei_candidates`` candidates from ``l`` and takes the one with the largest
    ``l(x) / g(x)`` (the expected-improvement maximiser under this model).

    * **Joint and conditional spaces.** With ``multivariate=True`` (default) parameters are
      modelled jointly. ``group=True`` (default) splits the space into groups of parameters
      that always occur together (e.g. ``kernel`` and ``C``; ``degree`` that exists only with
      ``kernel="poly"``) and models each group on the trials that have it, so parameters of
      conditional branches are learnt, not drawn at random. ``multivariate=False`` models
      every parameter on its own (as Hyperopt does). A parameter is drawn at random after
      the start-up only when there is nothing to learn from (no finished trial has it yet,
      or its range changed and no earlier value fits the new one); a warning, once per
      parameter, says which and why.
    * **Parallel workers.** With ``constant_liar=True`` (default) running trials join the bad
      group, so that workers do not propose the same point; a trial's planned values are
      stored as its system attribute ``"hypersweep.tpe.planned"`` so that workers in other
      processes see them too.
    * **Several objectives (MOTPE).** The good group takes whole Pareto fronts, and the front
      that does not fit is cut by hypervolume contribution; ``gamma`` then defaults to 10 %
      without the cap.
    * **BOHB hook.** ``observations(history) -> {trial_number: value(s)}`` chooses which
      trials feed the model and with which values (in the study's directions), e.g.
      :func:`observations_at_step` for the values reported at one budget; the model itself,
      :class:`hypersweep.algorithms.tpe.TPEModel`, fits on plain arrays.

    * **Constraints.** ``constraints_func(frozen_trial) -> [c_1, ...]`` is called as each
      trial ends (COMPLETE or PRUNED); its values are stored as the system attribute
      ``"constraints"`` and the trial is feasible when all are ``<= 0``. The good group
      takes feasible trials first (by value), then infeasible ones by their total violation;
      ``Study.best_trial`` is the best feasible trial.
    * **Exploitation.** ``l``'s continuous kernels are ``good_bandwidth_factor`` (0.7) times
      as wide as the neighbour rule makes them, which wins on smooth objectives; pass 1.0 for
      plain TPE widths on noisy, plateau-shaped ones (e.g. cross-validated error rates).

    Everything random comes from the trial's generator, so a seed fixes the trials. The
    design and measured figures are in ``docs/tpe.md``.

    >>> import hypersweep as hs
    >>> from hypersweep.samplers.tpe import TPESampler
    >>> study = hs.create_study(sampler=TPESampler(seed=0))
    >>> study.optimize(lambda t: (t.suggest_float("x", -5, 5) - 2) ** 2, n_trials=40)
    >>> abs(study.best_params["x"] - 2) < 0.2
    True
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        n_startup_trials: int = 10,
        n_ei_candidates: int = 24,
        gamma: Callable[[int], int] | None = None,
        prior_weight: float = 1.0,
        good_bandwidth_factor: float = GOOD_BANDWIDTH_FACTOR,
        multivariate: bool = True,
        group: bool = True,
        constant_liar: bool = True,
        observations: Observations | None = None,
        warn_independent_sampling: bool = True,
        constraints_func: ConstraintsFunc | None = None,
        weights: Callable[[int], Any] | None = None,
        consider_prior: bool | None = None,
        consider_magic_clip: bool | None = None,
        consider_endpoints: bool | None = None,
    ) -> None:
        super().__init__(seed)
        _check_optuna_only_flags(consider_prior, consider_magic_clip, consider_endpoints)
        if weights is not None and not callable(weights):
            raise TypeError("weights must be a function n -> n weights (oldest first), or None.")
        # Any bad number is a ValueError here, a wrong type included (as it always was).
        n_startup_trials = check_int(
            "n_startup_trials", n_startup_trials, minimum=0, type_error=ValueError
        )
        n_ei_candidates = check_int(
            "n_ei_candidates", n_ei_candidates, minimum=1, type_error=ValueError
        )
        prior_weight = check_float(
            "prior_weight", prior_weight, greater_than=0, type_error=ValueError
        )
        good_bandwidth_factor = check_float(
            "good_bandwidth_factor", good_bandwidth_factor, greater_than=0, type_error=ValueError
        )
        if gamma is not None and not callable(gamma):
            raise TypeError("gamma must be a function n -> size of the good group, or None.")
        if observations is not None and not callable(observations):
            raise TypeError("observations must be a function history -> {number: value}.")
        self.n_startup_trials = n_startup_trials
        self.n_ei_candidates = n_ei_candidates
        self.gamma = gamma
        self.prior_weight = prior_weight
        self.good_bandwidth_factor = good_bandwidth_factor
        self.multivariate = bool(multivariate)
        self.group = bool(group)
        self.constant_liar = bool(constant_liar)
        self.observations = observations
        self.warn_independent_sampling = bool(warn_independent_sampling)
        self.constraints_func = check_constraints_func(constraints_func)
        self.weights = weights
        self.consider_prior = consider_prior
        self.consider_magic_clip = consider_magic_clip
        self.consider_endpoints = consider_endpoints
        self._lock = threading.RLock()
        self._caches: OrderedDict[tuple[Any, ...], StudyCache] = OrderedDict()
        self._planned: dict[tuple[tuple[Any, ...], int], tuple[SearchSpace, dict[str, Any]]] = {}
        self._memo: tuple[int, int, tuple[Any, ...], ObservationSet | None] | None = None
        self._warned: set[str] = set()

    # -- the observation set of one trial -----------------------------------------------------
    @staticmethod
    def hyperopt_parameters() -> dict[str, Any]:
        """Hyperopt's settings, as Optuna's ``TPESampler.hyperopt_parameters()``:
        ``TPESampler(**TPESampler.hyperopt_parameters())``.

        >>> sorted(TPESampler.hyperopt_parameters())[:3]
        ['consider_endpoints', 'consider_magic_clip', 'consider_prior']
        """
        return {
            "consider_prior": True,
            "prior_weight": 1.0,
            "consider_magic_clip": True,
            "consider_endpoints": False,
            "n_startup_trials": 20,
            "n_ei_candidates": 24,
            "gamma": hyperopt_default_gamma,
            "weights": default_weights,
        }

    def _cache(self, history: History) -> StudyCache:
        trials = history.trials
        key = study_key(trials)
        cache = self._caches.get(key)
        if cache is None or cache.n_objectives != history.n_objectives or not cache.matches(trials):
            cache = StudyCache(key, history.n_objectives)
            self._caches[key] = cache
            while len(self._caches) > _MAX_STUDIES:
                self._caches.popitem(last=False)
        self._caches.move_to_end(key)
        cache.sync(trials)
        return cache

    def _gamma(self, history: History) -> Callable[[int], int]:
        if self.gamma is not None:
            return self.gamma
        return default_gamma if history.n_objectives == 1 else default_gamma_multiobjective

    def _observations(self, history: History, trial: FrozenTrial) -> ObservationSet | None:
        """What the model learns from for ``trial``; ``None`` during the start-up."""
        trials = history.trials
        memo = self._memo
        if (
            memo is not None
            and memo[0] == id(history)
            and memo[1] == trial.number
            and memo[2] == study_key(trials)
        ):
            return memo[3]
        cache = self._cache(history)
        gamma = self._gamma(history)
        if self.observations is None:
            violations = None
            if self.constraints_func is not None:
                violations = {t.number: violation(t) for t in history.finished}
            rows, good = default_split(cache, history, gamma, violations)
            extra: tuple[FrozenTrial, ...] = ()
        else:
            rows, extra, good = callback_split(cache, history, trials, self.observations, gamma)
        result: ObservationSet | None = None
        if len(rows) + len(extra) >= max(self.n_startup_trials, 1):
            exclude = {trial.number} | {t.number for t in extra}
            params, dists = (
                pending_trials(trials, cache, exclude) if self.constant_liar else ((), ())
            )
            result = ObservationSet(
                cache, rows, extra, good, params, dists, history.n_objectives > 1
            )
        self._memo = (id(history), trial.number, cache.key, result)
        return result

    # -- fitting and suggesting ---------------------------------------------------------------
    def _suggest(
        self,
        obs: ObservationSet,
        names: tuple[str, ...],
        ref: Mapping[str, Distribution],
        coords: np.ndarray,
        rng: np.random.Generator,
        n_candidates: int,
    ) -> dict[str, Any]:
        """Fit l and g on ``coords`` (rows of ``obs``, NaN where absent) and suggest the best
        of ``n_candidates`` draws from l."""
        if obs.extra:
            extra = encode_params(
                [t.params for t in obs.extra], [t.distributions for t in obs.extra], names, ref
            )
            coords = np.vstack([coords, extra])
        present = ~np.isnan(coords).any(axis=1)
        good_x = coords[present & obs.good]
        bad_x = coords[present & ~obs.good]
        weigh = self.weights or default_weights
        bad_w = _checked_weights(weigh, len(bad_x))
        if obs.pending_params:
            pend = encode_params(obs.pending_params, obs.pending_dists, names, ref)
            pend = pend[~np.isnan(pend).any(axis=1)]
            bad_x = np.vstack([bad_x, pend])
            bad_w = np.append(bad_w, np.ones(len(pend)))
        good_w = (
            np.ones(len(good_x)) if obs.multi_objective else _checked_weights(weigh, len(good_x))
        )
        dims = [dimension(ref[name]) for name in names]
        model = TPEModel(
            good_x,
            bad_x,
            dims,
            good_weights=good_w,
            bad_weights=bad_w,
            prior_weight=self.prior_weight,
            good_bandwidth_factor=self.good_bandwidth_factor,
        )
        best = model.suggest(rng, n_candidates)
        space = {name: ref[name] for name in names}
        return UnitBoxEncoder(space, categorical=CATEGORICAL).decode_row(best)

    def start_trial(
        self, history: History, trial: FrozenTrial, rng: np.random.Generator
    ) -> Mapping[str, Any]:
        with self._lock:
            obs = self._observations(history, trial)
            if obs is None:
                return {}
            cache = obs.cache
            # A configuration identical to a pending one is drawn again (a few times: in an
            # exhausted discrete space a duplicate is kept).
            # Redraws take one draw from l (no l/g argmax, which would pick the same point).
            for attempt in range(_PENDING_REDRAWS):
                n_candidates = self.n_ei_candidates if attempt == 0 else 1
                space: SearchSpace = {}
                params: dict[str, Any] = {}
                for names in cache.groups(self.multivariate, self.group):
                    ref = {name: cache.columns[name].dist for name in names}
                    coords = cache.matrix(names, obs.rows)
                    params.update(self._suggest(obs, names, ref, coords, rng, n_candidates))
                    space.update(ref)
                if not is_pending(params, obs.pending_params):
                    break
            if not space:
                return {}
            if len(self._planned) > 1000:
                self._planned.clear()
            self._planned[(cache.key, trial.number)] = (space, params)
        return {PENDING_ATTR: params} if self.constant_liar else {}

    def _plan(self, history: History, trial: FrozenTrial) -> tuple[SearchSpace, dict[str, Any]]:
        trials = history.trials
        key = study_key(trials)
        return self._planned.get((key, trial.number), ({}, {}))

    def infer_relative_search_space(self, history: History, trial: FrozenTrial) -> SearchSpace:
        with self._lock:
            return dict(self._plan(history, trial)[0])

    def sample_relative(
        self,
        history: History,
        trial: FrozenTrial,
        search_space: SearchSpace,
        rng: np.random.Generator,
    ) -> dict[str, Any]:
        with self._lock:
            params = self._plan(history, trial)[1]
            self._planned.pop((study_key(history.trials), trial.number), None)
        return {name: params[name] for name in search_space if name in params}

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        with self._lock:
            obs = self._observations(history, trial)
            if obs is None or distribution.single():
                return distribution.from_unit_scalar(rng.random())
            col = obs.cache.columns.get(name)
            if col is None:
                self._warn(name, trial, "no finished trial has suggested it yet")
                return distribution.from_unit_scalar(rng.random())
            if col.consistent and col.dist == distribution:
                coords = col.coords[obs.rows]
            else:
                coords = self._recode(col.internal[obs.rows], distribution)
            if np.isnan(coords).all() and not obs.extra:
                seen = int(np.count_nonzero(~np.isnan(col.internal[obs.rows])))
                self._warn(
                    name,
                    trial,
                    f"its distribution changed to {distribution} and none of the {seen} "
                    "earlier values fits it",
                )
                return distribution.from_unit_scalar(rng.random())
            ref = {name: distribution}
            return self._suggest(obs, (name,), ref, coords[:, None], rng, self.n_ei_candidates)[
                name
            ]

    @staticmethod
    def _recode(internal: np.ndarray, dist: Distribution) -> np.ndarray:
        """Coordinates under ``dist`` of values stored under other distributions (NaN: none)."""
        out = np.full(len(internal), np.nan)
        if isinstance(dist, CategoricalDistribution):
            ok = ~np.isnan(internal)
        else:
            with np.errstate(invalid="ignore"):
                ok = (internal >= dist.low) & (internal <= dist.high)
        if ok.any():
            out[ok] = encode_values(dist, internal[ok], CATEGORICAL)
        return out

    def finish_trial(self, trial: FrozenTrial) -> Mapping[str, Any]:
        """The constraint values of a finished trial, when there is a ``constraints_func``."""
        if self.constraints_func is None:
            return {}
        return {keys.CONSTRAINTS: evaluate(self.constraints_func, trial)}

    def _warn(self, name: str, trial: FrozenTrial, reason: str) -> None:
        if not self.warn_independent_sampling or name in self._warned:
            return
        self._warned.add(name)
        warnings.warn(
            f"TPESampler draws {name!r} at random in trial {trial.number}: {reason}. "
            "(Shown once per parameter.)",
            UserWarning,
            stacklevel=4,
        )

    def __repr__(self) -> str:
        return (
            f"TPESampler(seed={self.seed}, n_startup_trials={self.n_startup_trials}, "
            f"multivariate={self.multivariate}, group={self.group})"
        )


def _checked_weights(weigh: Callable[[int], Any], n: int) -> Any:
    """``weigh(n)``: ``n`` finite, non-negative weights (a clear error otherwise)."""
    w = np.asarray(weigh(n), dtype=float).reshape(-1)
    if w.shape != (n,) or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(
            f"weights({n}) must return {n} finite, non-negative numbers, got {w.tolist()!r}."
        )
    return w


#: Optuna's Parzen-estimator switches and what hypersweep's TPE always does: a prior kernel,
#: clipped bandwidths, no widened end points.
_FIXED_FLAGS = {"consider_prior": True, "consider_magic_clip": True, "consider_endpoints": False}


def _check_optuna_only_flags(*given: bool | None) -> None:
    """Accept Optuna's deprecated switches; warn when one asks for another behaviour."""
    for (name, ours), value in zip(_FIXED_FLAGS.items(), given, strict=True):
        if value is not None and bool(value) != ours:
            warnings.warn(
                f"TPESampler({name}={value!r}) has no effect: hypersweep's TPE always runs "
                f"with {name}={ours} (Optuna deprecates the switch too).",
                UserWarning,
                stacklevel=3,
            )
