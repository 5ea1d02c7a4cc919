"""Gaussian-process Bayesian optimisation (GP-BO) as a sampler.

The numerics live in :mod:`hypersweep.algorithms.gp`; this module turns the history into
arrays, keeps caches, and turns the chosen point back into parameter values. See
``docs/gp.md`` for the model, the priors and the measured figures.

Reproducibility. Every suggestion is a function of the history, the trial's random stream
and the seed, also in a fresh process that resumes a study:

* the hyperparameters a trial was suggested with are stored on it (system attribute
  ``"gp:model"``: the fitted vector, the number of observations it was fitted on, and the
  encoded point chosen, which other workers treat as pending); the next trial warm-starts
  its fit from the latest such record, or reuses it until the data have grown enough to
  refit, so the warm start comes from the history, not from memory;
* the caches (encoded rows, the Cholesky factor extended one row at a time) hold exact
  functions of the data and of the recorded hyperparameters; on a miss they are recomputed
  the same way (factor of the rows the fit saw, then one row at a time), bit for bit.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..._internal.rng import stream
from ..._internal.validation import check_float, check_int
from ...algorithms.gp import (
    AcqfOptimizerConfig,
    Acquisition,
    AcquisitionKind,
    BatchLogEI,
    FantasyPosterior,
    GPPosterior,
    KernelParams,
    Prior,
    extend_kernel_cholesky,
    fit_kernel_params,
    kernel_cholesky,
    local_subset,
    normal_samples,
    optimize_acqf,
    robust_standardize,
    with_fantasies,
)
from ...algorithms.gp.acquisition import ConstrainedAcquisition, FeasibilityModel
from ...algorithms.gp.kernels import FloatArray
from ...algorithms.gp.threads import single_blas_thread
from ...space import Distribution, SearchSpace, UnitBoxEncoder
from ...trial import FrozenTrial, History
from ...trial import keys as trial_keys
from ...trial.constraints import (
    ConstraintsFunc,
    check_constraints_func,
    constraints_of,
    evaluate,
    is_feasible,
)
from ..base import Sampler
from ..random import RandomSampler
from .data import (
    RECORD_ATTR,
    EncodedSpace,
    FitRecord,
    RowCache,
    latest_record,
    objective_values,
    refit_due,
)
from .space import IntersectionCache

_STARTUP_KEY = 0x6770  # stream key of the startup Sobol sequence ("gp")
_WEIGHTS_KEY = 1  # stream (seed, trial, 1): ParEGO weights of a multi-objective trial
_REFIT_FRACTION = 0.05
_MAX_PENDING = 64
#: With ``acquisition="ucb"`` or ``"pi"``, pending points count as observed at their
#: posterior mean + this many standard deviations (log EI averages over fantasies instead).
_PENDING_N_SD = 2.0
#: Joint draws of the pending values that batch log EI averages over (quasi-random normals).
_N_FANTASIES = 32
_N_ANCHORS = 5


@dataclass
class _State:
    """The model one trial is suggested from, and every point observed."""

    space: EncodedSpace
    posterior: GPPosterior
    record: FitRecord
    lower: FloatArray
    upper: FloatArray
    observed: FloatArray
    completed: list[FrozenTrial]
    fit_rows: np.ndarray | None  # indices into ``completed`` of the rows fitted (None: all)


@dataclass
class _CholCache:
    raw: bytes
    base: int
    keys: list[tuple[int, int]]
    chol: FloatArray


class GPSampler(Sampler):
    """Bayesian optimisation with a Gaussian process and (log) expected improvement.

    The GP has a Matérn-5/2 kernel with one length scale per parameter (a Hamming term for
    categorical ones), works in the unit box (log parameters in log space) on standardised
    objective values with a robust transform of the bad tail, and fits its hyperparameters
    by maximum a posteriori. The next point maximises the acquisition (``"log_ei"`` by
    default, ``"ucb"`` or ``"pi"``) over quasi-random candidates refined by L-BFGS-B, with
    integer, stepped and categorical parameters searched on their real values. With
    running trials, log EI becomes the expected improvement of the batch (running trials
    plus the new point), averaged over joint draws of the running trials' values, so
    parallel workers neither crowd nor flee the incumbent; ``"ucb"`` and ``"pi"`` count
    running trials as observed at a pessimistic value (predicted mean plus two standard
    deviations). Past ``max_points``
    observations the model keeps the points nearest the incumbent and searches the region
    they cover, so a suggestion costs about the same at 1,000 trials as at 300.

    The first ``n_startup_trials`` trials follow a scrambled Sobol sequence; a later trial
    asked while some of them still run is suggested by the model once half of them have
    completed (parallel workers do not extend the start-up). Parameters
    outside the joint space (those not present, with the same distribution, in every
    completed trial: conditional ones, for instance) are drawn by ``independent_sampler``
    (random by default) with a warning. Several objectives are scalarised with random
    weights per trial (ParEGO).

    ``constraints_func(frozen_trial) -> [c_1, ...]`` (feasible when all ``<= 0``) is called
    as each trial ends and stored as the system attribute ``"constraints"``; the next point
    then maximises constrained log EI, ``log EI + sum_i log P(c_i <= 0)``, with one GP per
    constraint and the best feasible trial as the incumbent.

    >>> import hypersweep as hs
    >>> from hypersweep.samplers.gp import GPSampler
    >>> sampler = GPSampler(seed=0, n_startup_trials=5)
    >>> study = hs.create_study(sampler=sampler)
    >>> study.optimize(lambda t: (t.suggest_float("x", -3, 3) - 1) ** 2, n_trials=12)
    >>> study.best_value < 0.01
    True
    """

    def __init__(
        self,
        *,
        seed: int | None = None,
        n_startup_trials: int = 10,
        acquisition: AcquisitionKind = "log_ei",
        beta: float = 2.0,
        deterministic_objective: bool = False,
        max_points: int = 256,
        independent_sampler: Sampler | None = None,
        warn_independent_sampling: bool = True,
        constraints_func: ConstraintsFunc | None = None,
    ) -> None:
        super().__init__(seed)
        if acquisition not in ("log_ei", "ucb", "pi"):
            raise ValueError(f"acquisition must be 'log_ei', 'ucb' or 'pi', got {acquisition!r}.")
        self.constraints_func = check_constraints_func(constraints_func)
        if self.constraints_func is not None and acquisition == "ucb":
            raise ValueError("constraints_func works with acquisition='log_ei' or 'pi', not 'ucb'.")
        self.n_startup_trials = check_int("n_startup_trials", n_startup_trials, minimum=1)
        self.acquisition: AcquisitionKind = acquisition
        self.beta = check_float("beta", beta, minimum=0)
        self.deterministic_objective = bool(deterministic_objective)
        # max_points: any bad value is a ValueError, a wrong type included (as it always was).
        self.max_points = check_int("max_points", max_points, minimum=16, type_error=ValueError)
        self._independent = independent_sampler or RandomSampler(seed=self.seed)
        self._warn_independent = warn_independent_sampling
        self._config = AcqfOptimizerConfig()
        self._lock = threading.RLock()
        self._spaces = IntersectionCache()
        self._rows = RowCache()
        self._chol: _CholCache | None = None
        self._encoded: EncodedSpace | None = None
        self._startup: dict[int, FloatArray] = {}

    # -- protocol ----------------------------------------------------------------------------
    def infer_relative_search_space(self, history: History, trial: FrozenTrial) -> SearchSpace:
        with self._lock:
            space = self._spaces.get(history.completed)
        return {n: d for n, d in space.items() if not d.single()}

    def start_trial(
        self, history: History, trial: FrozenTrial, rng: np.random.Generator
    ) -> dict[str, Any]:
        # The point is chosen here, at ask time, and stored with the model's record: other
        # workers see it as pending before this trial's parameters are even suggested.
        space = self.infer_relative_search_space(history, trial)
        if not space:
            return {}
        with self._lock, single_blas_thread():
            record = self._suggest_record(history, trial, space, rng)
        return {} if record is None else {RECORD_ATTR: record.to_attr()}

    def sample_relative(
        self,
        history: History,
        trial: FrozenTrial,
        search_space: SearchSpace,
        rng: np.random.Generator,
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        with self._lock:
            enc = self._encoded_space(search_space)
            record = FitRecord.from_attr(trial.system_attrs.get(RECORD_ATTR))
            if record is None or record.digest != enc.digest or record.x is None:
                with single_blas_thread():
                    record = self._suggest_record(history, trial, search_space, rng)
            if record is None or record.x is None:
                return self._startup_params(search_space, trial.number)
            return enc.decode(record.x)

    def sample_independent(
        self,
        history: History,
        trial: FrozenTrial,
        name: str,
        distribution: Distribution,
        rng: np.random.Generator,
    ) -> Any:
        if self._warn_independent and not distribution.single() and history.completed:
            warnings.warn(
                f"GPSampler samples {name!r} with {type(self._independent).__name__}: it is "
                "not in the joint search space (a conditional parameter, or one missing from "
                "a completed trial), which the GP models. Set warn_independent_sampling=False "
                "to silence this.",
                stacklevel=2,
            )
        return self._independent.sample_independent(history, trial, name, distribution, rng)

    def finish_trial(self, trial: FrozenTrial) -> Mapping[str, Any]:
        """The constraint values of a finished trial, when there is a ``constraints_func``."""
        if self.constraints_func is None:
            return {}
        return {trial_keys.CONSTRAINTS: evaluate(self.constraints_func, trial)}

    def __repr__(self) -> str:
        return (
            f"GPSampler(seed={self.seed}, n_startup_trials={self.n_startup_trials}, "
            f"acquisition={self.acquisition!r})"
        )

    # -- model ------------------------------------------------------------------------------
    def _encoded_space(self, space: SearchSpace) -> EncodedSpace:
        enc = self._encoded
        if enc is None or enc.names != tuple(space) or enc.dists != tuple(space.values()):
            enc = self._encoded = EncodedSpace.from_space(space)
        return enc

    def _suggest_record(
        self, history: History, trial: FrozenTrial, space: SearchSpace, rng: np.random.Generator
    ) -> FitRecord | None:
        """The model's record with the suggested point; ``None`` in the startup phase."""
        state = self._prepare(history, trial, space)
        if state is None:
            return None
        x = self._suggest(history, trial, state, rng)
        rec = state.record
        return FitRecord(rec.digest, rec.n, rec.raw, x)

    def _startup_needed(self, number: int) -> int:
        """Completed trials needed before trial ``number`` is suggested by the model: all
        ``n_startup_trials`` for the start-up trials themselves; past them, half as many
        (with parallel workers, trials asked while the start-up is still running would
        otherwise extend it: 16 start-up points instead of 10 when 8 are asked at a time)."""
        n = self.n_startup_trials
        return n if number < n else min(n, max(2, (n + 1) // 2))

    def _prepare(self, history: History, trial: FrozenTrial, space: SearchSpace) -> _State | None:
        """Fit (or reuse) the GP for ``trial``; ``None`` while in the startup phase."""
        names = tuple(space)
        completed = [t for t in history.completed if all(n in t.params for n in names)]
        if len(completed) < self._startup_needed(trial.number):
            return None
        enc = self._encoded_space(space)
        d = len(names)
        is_cat = enc.spec.is_cat
        x = self._rows.rows(enc, completed)
        weights = None
        if history.n_objectives > 1:
            weights = stream(self.seed, trial.number, _WEIGHTS_KEY).dirichlet(
                np.ones(history.n_objectives)
            )
        y = objective_values(completed, history, weights)
        prior = Prior.for_dims(d)
        prev = latest_record(history, trial.number, enc.digest, d)
        n = len(x)
        lower, upper = np.zeros(d), np.ones(d)
        subset = n > self.max_points
        idx = None
        if subset:
            guide = prev.raw if prev is not None else prior.mode(d, self.deterministic_objective)
            inv_ls2 = KernelParams.from_raw(guide).inv_ls2
            # Only the incumbent's position matters here: raw values rank like transformed ones.
            idx, lower, upper = local_subset(x, y, inv_ls2, is_cat, self.max_points)
            x_fit, z_fit = x[idx], robust_standardize(y[idx])
        else:
            x_fit, z_fit = x, robust_standardize(y)
        if refit_due(n, prev, _REFIT_FRACTION):
            starts = [] if prev is None else [prev.raw]
            if prev is None or n < 4 * self.n_startup_trials:
                starts.append(prior.mode(d, self.deterministic_objective))
            fit = fit_kernel_params(
                x_fit, z_fit, is_cat, starts, prior=prior,
                deterministic=self.deterministic_objective,
            )  # fmt: skip
            record = FitRecord(enc.digest, n, fit.raw)
        else:
            assert prev is not None
            record = prev
        params = KernelParams.from_raw(record.raw)
        keys = [(t.number, t.trial_id) for t in completed]
        chol = None if subset else self._cholesky(keys, x, record, params, is_cat)
        posterior = GPPosterior(x_fit, z_fit, params, is_cat, chol=chol)
        return _State(enc, posterior, record, lower, upper, x, completed, idx)

    def _cholesky(
        self,
        keys: list[tuple[int, int]],
        x: FloatArray,
        record: FitRecord,
        params: KernelParams,
        is_cat: np.ndarray,
    ) -> FloatArray:
        """The factor of the kernel matrix of ``x``: that of the rows the fit saw, extended
        one row at a time (the same bits whether cached or recomputed)."""
        n = len(keys)
        base = min(record.n, n)
        raw = record.raw.tobytes()
        c = self._chol
        if (
            c is not None
            and c.raw == raw
            and c.base == base
            and base <= len(c.keys) <= n
            and keys[: len(c.keys)] == c.keys
        ):
            chol, m = c.chol, len(c.keys)
        else:
            chol, m = kernel_cholesky(x[:base], params, is_cat), base
        if m < n:
            chol = extend_kernel_cholesky(chol, x[:m], x[m:], params, is_cat)
        self._chol = _CholCache(raw, base, keys, chol)
        return chol

    # -- suggestions --------------------------------------------------------------------------
    def _pending(self, history: History, trial: FrozenTrial, state: _State) -> FloatArray:
        """Encoded points of the other running trials: their parameters, or the point
        recorded when they were asked (before the objective suggested anything)."""
        enc = state.space
        rows = []
        for t in history.running:
            if t.number == trial.number:
                continue
            if all(n in t.params for n in enc.names):
                rows.append(enc.encode(t.params))
                continue
            rec = FitRecord.from_attr(t.system_attrs.get(RECORD_ATTR))
            if rec is not None and rec.digest == enc.digest and rec.x is not None:
                rows.append(rec.x)
        if not rows:
            return np.empty((0, len(enc.names)))
        pending = np.array(rows[-_MAX_PENDING:])
        ordered = enc.spec.ordered()
        inside = np.all(
            (pending[:, ordered] >= state.lower[ordered] - 1e-12)
            & (pending[:, ordered] <= state.upper[ordered] + 1e-12),
            axis=1,
        )
        out: FloatArray = pending[inside]
        return out

    def _suggest(
        self, history: History, trial: FrozenTrial, state: _State, rng: np.random.Generator
    ) -> FloatArray:
        """The encoded point maximising the acquisition (given the pending points)."""
        post = state.posterior
        pending = self._pending(history, trial, state)
        # The incumbent: the lowest posterior mean at the data (robust to fitted noise).
        best = float(np.min(post.mean_at_data()))
        objective: Acquisition | BatchLogEI
        if not len(pending):
            objective = Acquisition(post, best, self.acquisition, self.beta)
        elif self.acquisition == "log_ei":
            # Batch rule (docs/gp.md, "Parallel workers"): the expected improvement of the
            # point joining the pending ones, averaged over joint draws of their values.
            draws = normal_samples(len(pending), _N_FANTASIES, rng)
            objective = BatchLogEI(FantasyPosterior(post, pending, draws), best)
        else:
            objective = Acquisition(
                with_fantasies(post, pending, _PENDING_N_SD), best, self.acquisition, self.beta
            )
        acq: Acquisition | BatchLogEI | ConstrainedAcquisition = objective
        if self.constraints_func is not None:
            acq = self._constrained(state, objective, pending)
        anchors = post.x[np.argsort(post.y, kind="stable")[:_N_ANCHORS]]
        spec = state.space.spec
        exclude = spec.snap(np.vstack([state.observed, pending]))
        x, _ = optimize_acqf(
            acq, acq.value_and_grad, spec, rng, lower=state.lower, upper=state.upper,
            anchors=anchors, exclude=exclude, config=self._config,
        )  # fmt: skip
        return x

    def _constrained(
        self, state: _State, objective: Acquisition | BatchLogEI, pending: FloatArray
    ) -> ConstrainedAcquisition:
        """Constrained log EI: one GP per constraint; the incumbent is the best feasible
        point (no feasible point yet: the probability of feasibility alone)."""
        trials = state.completed
        rows = np.arange(len(trials)) if state.fit_rows is None else state.fit_rows
        fitted = [trials[i] for i in rows]
        values = [constraints_of(t) for t in fitted]
        known = np.array([v is not None for v in values])
        post = state.posterior
        models: list[FeasibilityModel] = []
        if known.any():
            cons = np.array([v for v in values if v is not None], dtype=float)
            x = post.x[known]
            is_cat = post.is_cat
            prior = Prior.for_dims(x.shape[1])
            for c in cons.T:
                mu, sd = float(np.mean(c)), float(np.std(c))
                sd = sd if sd > 0 else 1.0
                z = (c - mu) / sd
                fit = fit_kernel_params(x, z, is_cat, [prior.mode(x.shape[1])], prior=prior)
                gp = GPPosterior(x, z, fit.params, is_cat, pending=pending)
                models.append(FeasibilityModel(gp, -mu / sd))
        feasible = np.array([is_feasible(t) for t in fitted])
        if not feasible.any():
            return ConstrainedAcquisition(None, models)
        best = float(np.min(post.mean_at_data()[feasible]))
        if isinstance(objective, BatchLogEI):
            objective = BatchLogEI(objective.posterior, best)
        else:
            objective = Acquisition(objective.posterior, best, self.acquisition, self.beta)
        return ConstrainedAcquisition(objective, models)

    def _startup_params(self, space: SearchSpace, number: int) -> dict[str, Any]:
        """Point ``number`` of a scrambled Sobol sequence fixed by the seed."""
        d = len(space)
        table = self._startup.get(d)
        if table is None or number >= len(table):
            from scipy.stats import qmc

            m = max(4, int(np.ceil(np.log2(number + 1))))
            engine = qmc.Sobol(d, scramble=True, seed=stream(self.seed, _STARTUP_KEY))
            table = self._startup[d] = engine.random_base2(m)
        return UnitBoxEncoder(space).decode_row(table[number])
