"""PB2: the bandit that picks the next hyperparameters in population based training.

Population-Based Bandits (Parker-Holder et al., "Provably Efficient Online Hyperparameter
Optimization with Population-Based Bandits", NeurIPS 2020) replaces the random perturbation
of PBT by a GP-UCB step. The data are triples ``(t_i, x_i, y_i)``: the time (step) at which an
interval of training ended, the encoded hyperparameters used over it and the reward change per
step over it. This module is the numerical core; a scheduler encodes the hyperparameters
(to ``[0, 1]`` per dimension, log-scaled ones on their log scale) and calls
:func:`pb2_suggest`.

Model. A zero-mean GP on the standardised reward changes ``z`` (see ``robust_standardize``)
over inputs ``(t, x)`` with the *time-varying* product kernel

    k((t, x), (t', x')) = s2 * m(r2(x, x')) * k_T(t, t')                              (B1)
    k_T(t, t') = (1 - eps)**(|t - t'| / 2) = exp(-lam * |t - t'|),  lam = -log(1 - eps) / 2  (B2)

with ``m`` the library's ARD Matérn-5/2 correlation (``gp.kernels``) and Gaussian noise. Old
observations are correlated less with the present: the model forgets at a rate ``eps`` that
is fitted (MAP, with the length scales, ``s2`` and the noise). Time enters rescaled to
``tau = (t - t_min) / span`` with ``span = max(t_now, max t) - t_min``, so the prior on the
rate is unit-free: ``log lam_tau ~ N(0, 1.5**2)``, ``0.01 <= lam_tau <= 30`` (``lam_tau = 1``:
the first observation still correlates ``e**-1`` with the present). :attr:`PB2State.eps`
gives the fitted ``eps`` per unit of the caller's ``t``.

Fit. Over ``theta = [log l_1..d, log lam_tau, log s2, log noise]`` we minimise, as in
``gp.fit`` (F1, F2), ``1/2 z.T K^-1 z + log det(chol K) - log p(theta)`` with the derivatives
of (B1)-(B2): ``dK/dlog lam = -lam |tau - tau'| (K - noise I)``, the others as in ``gp.fit``
times ``k_T``. Priors on the length scales and ``s2`` are the library's (``gp.fit.Prior``);
the noise prior allows more noise (reward changes of RL runs are noisy).

Acquisition. GP-UCB on the posterior at ``t_now``,

    UCB(x) = mean(t_now, x) + sqrt(beta_n) * std(t_now, x)                            (B3)
    beta_n = c1 * max(1, log(c2 * n)),   c1 = 0.2,  c2 = 0.4                           (B4)

with ``n`` the number of (finite) observations handed in: one per finished interval, the
bandit's round count, so ``beta`` grows like ``log t`` as in GP-UCB (Srinivas et al. 2010).
The constants are those of the reference implementation (Ray Tune's ``pb2_utils``, the
practical scaling of Kandasamy et al. 2015, ``0.2 d log(2t)``) rather than the theory's much
larger ones; the floor ``max(1, .)`` (``beta = 0.2`` up to ``n = 6``) replaces Ray's negative
``beta`` for ``n <= 2``, whose square root is NaN.

Batch. Points other members are running are *pending*: they are believed observed at
``t_now`` with their own posterior mean (the paper's batch rule, GP-BUCB of Desautels et al.
2014), which leaves the mean unchanged and shrinks the standard deviation around them. How
far that moves the next suggestion grows with the uncertainty there relative to the noise:
little once the data pin the optimum down (then going there again is right), more early on.

Differences from Ray Tune's ``PB2`` (the reference code, ``pb2_utils``):

* the UCB adds ``sqrt(beta) * std``, the standard deviation; Ray adds the *variance*;
* ``beta`` has a floor (B4); Ray's is negative for ``n <= 2`` and its square root NaN;
* pending points shrink the variance of the *same* fitted model; Ray refits a second GP with
  zeros as their labels, whose hyperparameters (and so variances) differ from the first's;
* all in float64 (Ray casts the suggestion to float32);
* the caller encodes log-scaled bounds on their log scale; the search runs in the unit box;
* the decay ``eps`` is fitted on rescaled time with a prior, not capped at 0.5 per span;
* the inputs are ``(t, x)`` as in the paper (Ray also feeds the current reward);
* only the ``max_rows`` most recent observations are kept (default 500) and the hyperparameter
  fit is warm-started from the previous call's (:class:`PB2State`), one L-BFGS-B run.

Cost per call, at the default cap of 500 rows (one BLAS thread, a shared 2-core machine): one
likelihood evaluation (a Cholesky and the inverse, ``O(n**3)``) ~25 ms; the fit takes ~13-15
evaluations warm-started, 15-30 cold, so a call costs ~0.4 s warm (``d = 2`` and ``d = 5``
alike; ~1 s cold), of which the posterior is ~20 ms and the acquisition search ~50 ms. Time
grows as ``n**3`` (memory ``d n**2``) below the cap and stays flat above it. The state is
updated in place: give concurrent callers their own, or a lock.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.optimize

from .gp.fit import Prior
from .gp.kernels import FloatArray, Matern52Kernel, matern52, matern52_grad, sq_diffs
from .gp.linalg import check_lapack_info, cho_solve, cholesky, cholesky_extend
from .gp.optimize_acqf import AcqfOptimizerConfig, optimize_acqf
from .gp.spec import DimKind, SpaceSpec
from .gp.threads import single_blas_thread
from .gp.transforms import robust_standardize

__all__ = [
    "BETA_C1",
    "BETA_C2",
    "UCB",
    "PB2Posterior",
    "PB2State",
    "beta_schedule",
    "fit_pb2_posterior",
    "pb2_suggest",
    "time_kernel",
    "ucb",
]

#: Constants of the UCB schedule (B4): ``beta_n = BETA_C1 * max(1, log(BETA_C2 * n))``.
BETA_C1 = 0.2
BETA_C2 = 0.4

#: Priors of the x-kernel and noise (on standardised reward changes, inputs in the unit box):
#: the library's length-scale and signal priors; noise around 0.05 with a wide spread.
PB2_PRIOR = Prior(noise_mean=math.log(0.05), noise_std=2.0, noise_rate=1.0)

#: Prior ``log lam_tau ~ N(mean, std**2)`` of the decay rate per rescaled time, and its box.
DECAY_MEAN = 0.0
DECAY_STD = 1.5
DECAY_BOUNDS = (math.log(0.01), math.log(30.0))

#: L-BFGS-B iterations of a cold and of a warm-started hyperparameter fit.
_COLD_MAX_ITER = 200
_WARM_MAX_ITER = 60
#: Anchors of the acquisition search: the observed points with the best mean at ``t_now``.
_N_ANCHORS = 3


def time_kernel(t1: FloatArray, t2: FloatArray, eps: float) -> FloatArray:
    """The time-varying kernel (B2) ``(1 - eps) ** (|t1_i - t2_j| / 2)``, ``0 <= eps < 1``.

    >>> time_kernel(np.array([0.0, 2.0]), np.array([0.0, 4.0]), 0.75).round(6).tolist()
    [[1.0, 0.0625], [0.25, 0.25]]
    """
    dist = np.abs(np.asarray(t1, dtype=float)[:, None] - np.asarray(t2, dtype=float)[None, :])
    out: FloatArray = np.exp(0.5 * math.log1p(-eps) * dist)
    return out


def beta_schedule(n: int) -> float:
    """``beta_n`` of the UCB (B4) after ``n`` observations.

    >>> beta_schedule(1), round(beta_schedule(100), 4)
    (0.2, 0.7378)
    """
    return BETA_C1 * max(1.0, math.log(BETA_C2 * max(n, 1)))


def ucb(mean: FloatArray, var: FloatArray, beta: float) -> FloatArray:
    """GP-UCB (B3): ``mean + sqrt(beta) * sqrt(var)``, the *standard deviation* (not ``var``).

    >>> ucb(np.array([0.0]), np.array([0.25]), 4.0).tolist()
    [1.0]
    """
    out: FloatArray = np.asarray(mean, dtype=float) + math.sqrt(beta) * np.sqrt(
        np.maximum(np.asarray(var, dtype=float), 0.0)
    )
    return out


@dataclass
class PB2State:
    """What one call of :func:`pb2_suggest` hands the next: the fitted hyperparameters.

    ``raw`` is ``[log l_1..d, log lam, log s2, log noise]`` with ``lam`` the decay rate per
    unit of the caller's time (B2), so it stays meaningful as the time span grows; ``None``
    before the first fit. ``n_fits`` and ``n_evaluations`` count fits and likelihood
    evaluations (for cost accounting). Pass the same object to every call; it is updated in
    place. A state from a different ``d`` is ignored.
    """

    raw: FloatArray | None = None
    n_fits: int = 0
    n_evaluations: int = 0

    @property
    def eps(self) -> float | None:
        """The fitted forgetting rate ``eps`` (B2) per unit of time, or ``None``."""
        if self.raw is None:
            return None
        lam = math.exp(float(self.raw[-3]))
        return -math.expm1(-2.0 * lam)


# -- the model --------------------------------------------------------------------------------
def _unpack(raw: FloatArray) -> tuple[FloatArray, float, float, float]:
    """``(1 / l**2, lam, s2, noise)`` from ``[log l_1..d, log lam, log s2, log noise]``."""
    return np.exp(-2.0 * raw[:-3]), math.exp(raw[-3]), math.exp(raw[-2]), math.exp(raw[-1])


def _neg_log_posterior(
    raw: FloatArray, deltas: FloatArray, tdist: FloatArray, z: FloatArray, prior: Prior
) -> tuple[float, FloatArray]:
    """Negative log posterior of ``theta`` (F1 of ``gp.fit`` with kernel B1) and its gradient."""
    d, n = deltas.shape[0], len(z)
    inv_ls2, lam, s2, noise = _unpack(raw)
    r2 = np.tensordot(inv_ls2, deltas, axes=1)
    kt = np.exp(-lam * tdist)
    m = matern52(r2) * kt
    k = s2 * m
    k[np.diag_indices(n)] += noise
    try:
        chol = scipy.linalg.cholesky(k, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        return 1e10, np.concatenate([np.zeros(d + 2), [-1.0]])
    alpha = scipy.linalg.cho_solve((chol, True), z, check_finite=False)
    k_inv, info = scipy.linalg.lapack.dpotri(chol, lower=1)
    check_lapack_info(info, "dpotri", "inverse of the kernel matrix from its Cholesky factor")
    k_inv = np.tril(k_inv) + np.tril(k_inv, -1).T
    value = 0.5 * float(z @ alpha) + float(np.sum(np.log(np.diag(chol))))
    value += 0.5 * n * math.log(2.0 * math.pi)
    w = np.outer(alpha, alpha) - k_inv
    grad = np.empty(d + 3)
    g = w * (s2 * matern52_grad(r2) * kt)
    grad[:d] = inv_ls2 * (deltas.reshape(d, -1) @ g.ravel())
    wm = w * m
    grad[d] = 0.5 * s2 * lam * float(np.sum(wm * tdist))
    grad[d + 1] = -0.5 * s2 * float(np.sum(wm))
    grad[d + 2] = -0.5 * noise * float(np.trace(w))
    # Priors: the library's on [log l, log s2, log noise], a normal one on log lam.
    p_value, p_grad = prior.neg_log_density(np.delete(raw, d), False)
    zl = (float(raw[d]) - DECAY_MEAN) / DECAY_STD
    grad[:d] += p_grad[:d]
    grad[d] += zl / DECAY_STD
    grad[d + 1 :] += p_grad[d:]
    return value + p_value + 0.5 * zl * zl, grad


def _bounds(d: int, prior: Prior) -> list[tuple[float, float]]:
    return [prior.ls_bounds] * d + [DECAY_BOUNDS, prior.signal_bounds, prior.noise_bounds]


def _cold_start(d: int, prior: Prior) -> FloatArray:
    base = prior.mode(d)
    return np.concatenate([base[:d], [DECAY_MEAN], base[d:]])


class PB2Posterior:
    """The GP posterior of (B1) at the time ``tau_now``, with pending points believed.

    ``x``, ``tau``, ``z``: the data (rescaled time, standardised values); ``raw``: the
    hyperparameters with ``lam`` per rescaled time. Pending points sit at ``tau_now``.
    """

    def __init__(
        self,
        x: FloatArray,
        tau: FloatArray,
        z: FloatArray,
        raw: FloatArray,
        tau_now: float,
        pending: FloatArray | None = None,
    ) -> None:
        self.x, self.tau, self.z = x, tau, z
        self.raw = np.asarray(raw, dtype=float)
        inv_ls2, self.lam, self.signal, self.noise = _unpack(self.raw)
        self.kernel = Matern52Kernel(inv_ls2, self.signal, np.zeros(x.shape[1], dtype=bool))
        kt = np.exp(-self.lam * np.abs(tau[:, None] - tau[None, :]))
        k = self.kernel(x, x) * kt
        k[np.diag_indices_from(k)] += self.noise
        self.chol = cholesky(k)
        self.alpha = cho_solve(self.chol, z)
        # Time factors of the present against every covariance row (data, then pending).
        c_now = np.exp(-self.lam * np.abs(tau_now - tau))
        self.x_cov, self.c_cov, self.chol_cov = x, c_now, self.chol
        if pending is not None and len(pending):
            k_cross = self.kernel(pending, x) * c_now[None, :]
            k_new = self.kernel(pending, pending)
            k_new[np.diag_indices_from(k_new)] += self.noise
            self.chol_cov = cholesky_extend(self.chol, k_cross, k_new)
            self.x_cov = np.vstack([x, pending])
            self.c_cov = np.concatenate([c_now, np.ones(len(pending))])
        inv, info = scipy.linalg.lapack.dtrtri(self.chol_cov, lower=1)
        check_lapack_info(info, "dtrtri", "inverse of the Cholesky factor")
        self._l_inv: FloatArray = np.tril(inv)

    @property
    def n(self) -> int:
        return len(self.x)

    def predict(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Mean and variance of the latent reward change at ``(t_now, x)``."""
        k = self.kernel.cross(x, self.x_cov) * self.c_cov
        mean = k[:, : self.n] @ self.alpha
        v = k @ self._l_inv.T
        var = self.signal - np.einsum("bn,bn->b", v, v)
        return mean, np.maximum(var, 1e-12)

    def predict_with_grad(
        self, x: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Mean, variance and their gradients in ``x`` (P3 of ``gp.model``)."""
        k, dk = self.kernel.with_grad(x, self.x_cov)
        k = k * self.c_cov
        dk = dk * self.c_cov[None, :, None]
        mean = k[:, : self.n] @ self.alpha
        dmean = np.einsum("bnd,n->bd", dk[:, : self.n], self.alpha)
        v = k @ self._l_inv.T
        w = v @ self._l_inv
        raw_var = self.signal - np.einsum("bn,bn->b", v, v)
        dvar = -2.0 * np.einsum("bnd,bn->bd", dk, w)
        dvar[raw_var < 1e-12] = 0.0
        return mean, np.maximum(raw_var, 1e-12), dmean, dvar


class UCB:
    """The acquisition (B3) of a :class:`PB2Posterior`, with its gradient in ``x``.

    >>> post = PB2Posterior(np.array([[0.2], [0.8]]), np.array([0.0, 1.0]),
    ...                     np.array([1.0, -1.0]), np.log([0.3, 1.0, 1.0, 1e-4]), 1.0)
    >>> acq = UCB(post, beta=4.0)
    >>> mean, var = post.predict(np.array([[0.5]]))
    >>> bool(np.allclose(acq(np.array([[0.5]])), mean + 2.0 * np.sqrt(var)))
    True
    """

    def __init__(self, posterior: PB2Posterior, beta: float) -> None:
        self.posterior = posterior
        self.beta = float(beta)

    def __call__(self, x: FloatArray) -> FloatArray:
        mean, var = self.posterior.predict(x)
        return ucb(mean, var, self.beta)

    def value_and_grad(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Values at the rows of ``x`` and their gradients (shape ``(b, d)``)."""
        mean, var, dmean, dvar = self.posterior.predict_with_grad(x)
        root_beta = math.sqrt(self.beta)
        sigma = np.sqrt(var)
        grad: FloatArray = dmean + (root_beta / (2.0 * sigma))[:, None] * dvar
        return mean + root_beta * sigma, grad


@dataclass(frozen=True)
class _Data:
    x: FloatArray
    tau: FloatArray
    z: FloatArray
    tau_now: float
    log_span: float
    n_seen: int


def _prepare(
    x: FloatArray, t: FloatArray, y: FloatArray, t_now: float, max_rows: int
) -> _Data | None:
    """Validated, finite, most recent rows with rescaled time and standardised values; None
    when there is nothing to model (fewer than 2 rows, constant values)."""
    x = np.asarray(x, dtype=float)
    t = np.asarray(t, dtype=float).reshape(-1)
    y = np.asarray(y, dtype=float).reshape(-1)
    if x.ndim != 2 or not (len(x) == len(t) == len(y)):
        raise ValueError(
            f"X must be (n, d) and t, y (n,); got X {x.shape}, t {t.shape}, y {y.shape}."
        )
    if not math.isfinite(t_now):
        raise ValueError(f"t_now must be finite, got {t_now!r}.")
    ok = np.isfinite(y) & np.isfinite(t) & np.all(np.isfinite(x), axis=1)
    x, t, y = np.clip(x[ok], 0.0, 1.0), t[ok], y[ok]
    n_seen = len(y)
    if len(y) > max_rows:
        keep = np.sort(np.argsort(t, kind="stable")[-max_rows:])
        x, t, y = x[keep], t[keep], y[keep]
    if len(y) < 2 or np.ptp(y) <= 1e-12 * max(1.0, float(np.max(np.abs(y)))):
        return None
    t_min = float(t.min())
    span = max(float(t.max()), t_now) - t_min
    span = span if span > 0.0 else 1.0
    z = robust_standardize(y)
    return _Data(x, (t - t_min) / span, z, (t_now - t_min) / span, math.log(span), n_seen)


def _fit(data: _Data, state: PB2State | None) -> FloatArray:
    """MAP hyperparameters (``lam`` per rescaled time), warm-started from ``state``."""
    d = data.x.shape[1]
    prior = PB2_PRIOR
    bounds = _bounds(d, prior)
    lo, hi = np.array([b[0] for b in bounds]), np.array([b[1] for b in bounds])
    warm = state is not None and state.raw is not None and len(state.raw) == d + 3
    if warm:
        assert state is not None and state.raw is not None
        start = state.raw.copy()
        start[d] += data.log_span  # per unit time -> per rescaled time
        starts, max_iter = [start], _WARM_MAX_ITER
    else:
        starts, max_iter = [_cold_start(d, prior)], _COLD_MAX_ITER
    deltas = np.stack(sq_diffs(data.x, data.x, np.zeros(d, dtype=bool)))
    tdist = np.abs(data.tau[:, None] - data.tau[None, :])
    best: tuple[float, FloatArray] | None = None
    n_eval = 0
    for s in starts:
        res = scipy.optimize.minimize(
            _neg_log_posterior,
            np.clip(s, lo, hi),
            args=(deltas, tdist, data.z, prior),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": max_iter, "gtol": 1e-4, "ftol": 1e-9},
        )
        n_eval += int(res.nfev)
        if best is None or float(res.fun) < best[0]:
            best = (float(res.fun), np.asarray(res.x, dtype=float))
    assert best is not None
    raw = best[1]
    if state is not None:
        per_time = raw.copy()
        per_time[d] -= data.log_span
        state.raw = per_time
        state.n_fits += 1
        state.n_evaluations += n_eval
    return raw


def fit_pb2_posterior(
    X: FloatArray,
    t: FloatArray,
    y: FloatArray,
    t_now: float,
    pending: FloatArray | None = None,
    *,
    state: PB2State | None = None,
    max_rows: int = 500,
) -> PB2Posterior | None:
    """The fitted posterior (B1) at ``t_now`` (``None`` in the degenerate cases of
    :func:`pb2_suggest`); its mean and variance are in standardised units of ``y``."""
    data = _prepare(X, t, y, float(t_now), max_rows)
    if data is None:
        return None
    with single_blas_thread():
        raw = _fit(data, state)
        return PB2Posterior(
            data.x, data.tau, data.z, raw, data.tau_now, _as_pending(pending, data.x.shape[1])
        )


def _as_pending(pending: FloatArray | None, d: int) -> FloatArray | None:
    if pending is None:
        return None
    p = np.asarray(pending, dtype=float)
    if p.size == 0:
        return None
    p = p.reshape(-1, d)
    p = p[np.all(np.isfinite(p), axis=1)]
    return np.clip(p, 0.0, 1.0) if len(p) else None


def pb2_suggest(
    X: FloatArray,
    t: FloatArray,
    y: FloatArray,
    t_now: float,
    pending: FloatArray | None,
    rng: np.random.Generator,
    *,
    state: PB2State | None = None,
    n_restarts: int = 5,
    max_rows: int = 500,
    beta: float | None = None,
) -> FloatArray:
    """The next encoded hyperparameters (shape ``(d,)``, in ``[0, 1]``): argmax of (B3).

    ``X`` ``(n, d)``: past encoded hyperparameters; ``t`` ``(n,)``: the time each interval
    ended; ``y`` ``(n,)``: reward change per step over that interval (maximised);
    ``pending`` ``(m, d)`` or empty: points other members are running now. Rows with a
    non-finite value are dropped; only the ``max_rows`` most recent (by ``t``) are kept.
    With fewer than 2 rows left, or constant ``y``, the answer is a uniform point from
    ``rng``. ``state`` (updated in place) warm-starts the hyperparameter fit from the
    previous call's; ``n_restarts`` is the number of local searches of the acquisition;
    ``beta`` overrides the schedule (B4). The result is a function of the inputs, the
    state and ``rng``.

    >>> rng = np.random.default_rng(0)
    >>> X = rng.random((40, 1)); t = np.repeat(np.arange(1.0, 6.0), 8)
    >>> y = 1.0 - 4.0 * (X[:, 0] - 0.7) ** 2 + 0.02 * rng.normal(size=40)
    >>> x = pb2_suggest(X, t, y, 5.0, np.empty((0, 1)), np.random.default_rng(1))
    >>> x.shape, bool(abs(x[0] - 0.7) < 0.15)
    ((1,), True)
    """
    x_arr = np.asarray(X, dtype=float)
    if x_arr.ndim != 2:
        raise ValueError(f"X must be a 2-D array (n points x d dimensions), got {x_arr.shape}.")
    d = x_arr.shape[1]
    if d < 1:
        raise ValueError("X needs at least one dimension.")
    if n_restarts < 1 or max_rows < 2:
        raise ValueError(f"need n_restarts >= 1 and max_rows >= 2, got {n_restarts}, {max_rows}.")
    data = _prepare(x_arr, t, y, float(t_now), max_rows)
    if data is None:
        uniform: FloatArray = rng.random((d,))
        return uniform
    pend = _as_pending(pending, d)
    b = beta_schedule(data.n_seen) if beta is None else float(beta)
    with single_blas_thread():
        raw = _fit(data, state)
        post = PB2Posterior(data.x, data.tau, data.z, raw, data.tau_now, pend)

        acq = UCB(post, b)
        anchors = data.x[np.argsort(-post.predict(data.x)[0], kind="stable")[:_N_ANCHORS]]
        spec = SpaceSpec.build([DimKind.CONTINUOUS] * d)
        config = AcqfOptimizerConfig(n_starts=n_restarts)
        x, _ = optimize_acqf(acq, acq.value_and_grad, spec, rng, anchors=anchors, config=config)
    result: FloatArray = np.clip(x, 0.0, 1.0)
    return result
