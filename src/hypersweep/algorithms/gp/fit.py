"""Kernel hyperparameters by maximum a posteriori: marginal likelihood plus priors.

Over ``theta = [log l_1..d, log s2, log noise]`` we minimise the negative log posterior

    L(theta) = 1/2 y.T K^-1 y + sum(log diag(chol K)) + n/2 log(2 pi) - log p(theta)    (F1)

whose gradient is, with ``W = alpha alpha.T - K^-1`` and ``alpha = K^-1 y``,

    dL/dtheta_i = -1/2 sum(W * dK/dtheta_i) - d log p / dtheta_i                      (F2)
    dK/dlog s2 = s2 M,   dK/dlog noise = noise I,   dK/dlog l_j = -2 w_j s2 M' Delta_j   (F3)

(``M`` the Matérn correlations, ``M'`` their derivative in ``r2``, ``Delta_j`` the per-dimension
distances, ``w_j = l_j**-2``).

Priors (independent, on the log parameters, for outputs standardised to unit variance and
inputs in the unit box):

* ``log l_j ~ N(0, 3)``, ``0.03 <= l_j <= 4``: a length scale about the width of the box,
  within a factor of ``e**1.7`` either way at one standard deviation (bounds: see
  ``Prior.ls_bounds``). (The dimension-scaled prior of
  Hvarfner et al. 2024, ``N(sqrt(2) + log(d)/2, 3)``, was tried: on 50-100 trial budgets its
  long length scales over-smooth and lose peaked optima such as Hartmann-6's);
* ``log s2 ~ N(0, 1)``: about the variance of the standardised outputs;
* ``log noise ~ N(-6, 2**2)`` times an exponential prior of rate 30 on the noise variance:
  little noise unless the data ask for it, and never "everything is noise" (without the
  exponential term, fits on Ackley-10d ended with noise 0.9 and signal 0.3: a flat mean, and
  the search went to the corners where the variance is largest).

:func:`fit_kernel_params` runs L-BFGS-B from each start (e.g. the previous fit and the prior
mode) and keeps the best.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.linalg
import scipy.optimize

from .kernels import BoolArray, FloatArray, matern52, matern52_grad, sq_diffs
from .linalg import check_lapack_info
from .model import MIN_NOISE, KernelParams

_LOG_2PI = math.log(2.0 * math.pi)


@dataclass(frozen=True)
class Prior:
    """Gaussian priors on the log hyperparameters and the box L-BFGS-B searches in."""

    ls_mean: float = 0.0
    ls_std: float = math.sqrt(3.0)
    signal_mean: float = 0.0
    signal_std: float = 1.0
    noise_mean: float = -6.0
    noise_std: float = 2.0
    # Length scales stay below 4 box widths: beyond that a dimension looks irrelevant, its
    # uncertainty vanishes and the search stops exploring it (on Rosenbrock-4d the last
    # coordinate then stuck at its bound, 2,500 above the optimum, in 2 of 5 seeds).
    # ... and above 0.03: shorter ones explain the ripples of a rugged objective (Ackley's)
    # as uncorrelated wiggles in a few dimensions, and the model stops seeing the trend.
    ls_bounds: tuple[float, float] = (math.log(0.03), math.log(4.0))
    signal_bounds: tuple[float, float] = (math.log(1e-2), math.log(1e2))
    noise_bounds: tuple[float, float] = (math.log(MIN_NOISE), math.log(1.0))
    #: Rate of an exponential prior on the noise variance itself (0: none); it stops a
    #: rugged objective (Ackley's ripples) from being explained away as noise.
    noise_rate: float = 30.0

    @classmethod
    def for_dims(cls, d: int) -> Prior:
        """The default prior for ``d`` input dimensions (the same for every ``d``).

        >>> Prior.for_dims(4).ls_mean
        0.0
        """
        return cls(ls_mean=0.0)

    def mode(self, d: int, deterministic: bool = False) -> FloatArray:
        """The start of a cold fit: the prior means (noise at its floor if deterministic)."""
        noise = math.log(MIN_NOISE) if deterministic else self.noise_mean
        # The prior median of the length scale is large; a cold start a bit shorter finds
        # structure in few points more reliably.
        ls = self.ls_mean - self.ls_std**2 / 3.0
        return np.array([ls] * d + [self.signal_mean, noise])

    def bounds(self, d: int) -> list[tuple[float, float]]:
        return [self.ls_bounds] * d + [self.signal_bounds, self.noise_bounds]

    def neg_log_density(self, raw: FloatArray, deterministic: bool) -> tuple[float, FloatArray]:
        """``-log p(theta)`` up to a constant, and its gradient."""
        d = len(raw) - 2
        means = np.array([self.ls_mean] * d + [self.signal_mean, self.noise_mean])
        stds = np.array([self.ls_std] * d + [self.signal_std, self.noise_std])
        z = (raw - means) / stds
        if deterministic:
            z[-1] = 0.0
        grad = z / stds
        value = float(0.5 * z @ z)
        if self.noise_rate and not deterministic:
            noise = math.exp(raw[-1])
            value += self.noise_rate * noise
            grad[-1] += self.noise_rate * noise
        return value, grad


def neg_log_posterior(
    raw: FloatArray,
    deltas: FloatArray,
    y: FloatArray,
    prior: Prior,
    deterministic: bool = False,
) -> tuple[float, FloatArray]:
    """(F1) and its gradient (F2); ``deltas`` has shape ``(d, n, n)`` (see ``sq_diffs``)."""
    d, n = deltas.shape[0], deltas.shape[1]
    params = KernelParams.from_raw(raw)
    noise = MIN_NOISE if deterministic else params.noise
    r2 = np.tensordot(params.inv_ls2, deltas, axes=1)
    m = matern52(r2)
    k = params.signal * m
    k[np.diag_indices(n)] += noise
    try:
        chol = scipy.linalg.cholesky(k, lower=True, check_finite=False)
    except np.linalg.LinAlgError:
        # Not PD (tiny noise, duplicated points): a steep penalty steers the search away.
        return 1e10, np.concatenate([np.zeros(d + 1), [-1.0]])
    alpha = scipy.linalg.cho_solve((chol, True), y, check_finite=False)
    k_inv, info = scipy.linalg.lapack.dpotri(chol, lower=1)
    check_lapack_info(info, "dpotri", "inverse of the kernel matrix from its Cholesky factor")
    k_inv = np.tril(k_inv) + np.tril(k_inv, -1).T
    value = 0.5 * float(y @ alpha) + float(np.sum(np.log(np.diag(chol)))) + 0.5 * n * _LOG_2PI
    w = np.outer(alpha, alpha) - k_inv
    grad = np.empty(d + 2)
    g = w * (params.signal * matern52_grad(r2))
    grad[:d] = params.inv_ls2 * (deltas.reshape(d, -1) @ g.ravel())
    grad[d] = -0.5 * params.signal * float(np.sum(w * m))
    grad[d + 1] = 0.0 if deterministic else -0.5 * noise * float(np.trace(w))
    p_value, p_grad = prior.neg_log_density(raw, deterministic)
    return value + p_value, grad + p_grad


@dataclass(frozen=True)
class FitResult:
    """The best hyperparameters found and their negative log posterior."""

    params: KernelParams
    raw: FloatArray
    loss: float
    n_evaluations: int


def fit_kernel_params(
    x: FloatArray,
    y: FloatArray,
    is_cat: BoolArray,
    starts: Sequence[FloatArray],
    *,
    prior: Prior | None = None,
    deterministic: bool = False,
    max_iter: int = 200,
) -> FitResult:
    """Minimise (F1) by L-BFGS-B from every start; return the best result.

    >>> rng = np.random.default_rng(0)
    >>> x = rng.random((20, 2))
    >>> y = np.sin(6 * x[:, 0]); y = (y - y.mean()) / y.std()
    >>> prior = Prior.for_dims(2)
    >>> fit = fit_kernel_params(x, y, np.array([False, False]), [prior.mode(2)], prior=prior)
    >>> bool(fit.params.lengthscales[0] < fit.params.lengthscales[1])  # x1 is irrelevant
    True
    """
    d = x.shape[1]
    prior = prior or Prior.for_dims(d)
    deltas = np.stack(sq_diffs(x, x, is_cat)) if d else np.zeros((0, len(x), len(x)))
    bounds = prior.bounds(d)
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    best: tuple[float, FloatArray] | None = None
    n_eval = 0
    for start in starts:
        x0 = np.clip(np.asarray(start, dtype=float), lo, hi)
        if deterministic:
            x0[-1] = math.log(MIN_NOISE)
        res = scipy.optimize.minimize(
            neg_log_posterior,
            x0,
            args=(deltas, y, prior, deterministic),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": max_iter, "gtol": 1e-4, "ftol": 1e-9},
        )
        n_eval += int(res.nfev)
        if best is None or float(res.fun) < best[0]:
            best = (float(res.fun), np.asarray(res.x, dtype=float))
    if best is None:
        raise ValueError("fit_kernel_params needs at least one start; starts is empty.")
    raw = best[1].copy()
    if deterministic:
        raw[-1] = math.log(MIN_NOISE)
    return FitResult(KernelParams.from_raw(raw), raw, best[0], n_eval)
