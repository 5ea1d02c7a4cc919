"""Acquisition functions (for minimisation) on a GP posterior, with gradients.

With ``z = (best - mean) / sigma`` (``best``: the incumbent, lower is better):

    EI(x)     = sigma * h(z),    h(z) = phi(z) + z * Phi(z)                            (A1)
    log EI(x) = log sigma + log h(z)                                                   (A2)
    PI(x)     = Phi(z)                                                                 (A3)
    UCB(x)    = -(mean - beta * sigma)       (the lower confidence bound, negated)     (A4)

``log h`` is computed without cancellation where ``h`` underflows (Ament et al. 2023, "Unexpected
improvements to expected improvement"): for ``z < -1``, ``h(z) = phi(z) * (1 - |z| * R(|z|))``
with the Mills ratio ``R(t) = Phi(-t)/phi(t) = sqrt(pi/2) * erfcx(t/sqrt(2))``, so

    log h(z) = log phi(z) + log1mexp(log|z| + log R(|z|))                                (A5)

and ``log h(z) ~ log phi(z) - 2 log|z|`` once ``z < -1/sqrt(eps)`` (A6). The derivative is
``d log h / dz = Phi(z) / h(z) = exp(log Phi(z) - log h(z))`` (A7).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
import scipy.special

from .kernels import FloatArray
from .model import FantasyPosterior, GPPosterior

AcquisitionKind = Literal["log_ei", "ucb", "pi"]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_LOG_SQRT_PI_2 = 0.5 * math.log(math.pi / 2.0)
_ASYMPTOTIC = -1.0 / math.sqrt(np.finfo(float).eps)


def _log1mexp(a: FloatArray) -> FloatArray:
    """``log(1 - exp(a))`` for ``a < 0``, accurate on both sides of ``-log 2``."""
    out: FloatArray = np.where(
        a > -math.log(2.0),
        np.log(-np.expm1(np.minimum(a, -1e-300))),
        np.log1p(-np.exp(np.minimum(a, -math.log(2.0)))),
    )
    return out


def log_h(z: FloatArray) -> FloatArray:
    """``log(phi(z) + z Phi(z))`` (A1, A5, A6), accurate for every finite ``z``.

    >>> float(log_h(np.array(0.0))) == math.log(1 / math.sqrt(2 * math.pi))
    True
    >>> bool(np.isfinite(log_h(np.array(-1e3))))
    True
    """
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    upper = z > -1.0
    zu = z[upper]
    out[upper] = np.log(np.exp(-0.5 * zu * zu - _LOG_SQRT_2PI) + zu * scipy.special.ndtr(zu))
    mid = ~upper & (z > _ASYMPTOTIC)
    zm = z[mid]
    log_phi = -0.5 * zm * zm - _LOG_SQRT_2PI
    log_mills = _LOG_SQRT_PI_2 + np.log(scipy.special.erfcx(-zm / math.sqrt(2.0)))
    out[mid] = log_phi + _log1mexp(np.log(-zm) + log_mills)
    low = ~upper & ~mid
    zl = z[low]
    out[low] = -0.5 * zl * zl - _LOG_SQRT_2PI - 2.0 * np.log(-zl)
    return out


def dlog_h(z: FloatArray, log_h_z: FloatArray | None = None) -> FloatArray:
    """``d log h / dz = Phi(z) / h(z)`` (A7)."""
    lh = log_h(z) if log_h_z is None else log_h_z
    out: FloatArray = np.exp(scipy.special.log_ndtr(z) - lh)
    return out


class Acquisition:
    """An acquisition function of a posterior, to be maximised over encoded points.

    ``kind`` is ``"log_ei"`` (A2, the default), ``"ucb"`` (A4, with ``beta``) or ``"pi"``
    (``log PI``, A3). ``best`` is the incumbent in the posterior's units.

    >>> from hypersweep.algorithms.gp.model import GPPosterior, KernelParams
    >>> gp = GPPosterior(np.array([[0.2], [0.8]]), np.array([0.0, 1.0]),
    ...                  KernelParams(np.array([10.0]), 1.0, 1e-6), np.array([False]))
    >>> acq = Acquisition(gp, best=0.0)
    >>> values = acq(np.array([[0.2], [0.5], [0.8]]))
    >>> int(np.argmax(values))  # not at the data, and closer to the better point
    1
    """

    def __init__(
        self,
        posterior: GPPosterior,
        best: float,
        kind: AcquisitionKind = "log_ei",
        beta: float = 2.0,
    ) -> None:
        if kind not in ("log_ei", "ucb", "pi"):
            raise ValueError(f"kind must be 'log_ei', 'ucb' or 'pi', got {kind!r}.")
        self.posterior = posterior
        self.best = float(best)
        self.kind = kind
        self.beta = float(beta)

    def _from_moments(
        self, mean: FloatArray, sigma: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Values and their derivatives in ``mean`` and ``sigma``."""
        if self.kind == "ucb":
            return -mean + self.beta * sigma, -np.ones_like(mean), np.full_like(sigma, self.beta)
        z = (self.best - mean) / sigma
        if self.kind == "log_ei":
            lh = log_h(z)
            dz = dlog_h(z, lh)
            return np.log(sigma) + lh, -dz / sigma, (1.0 - z * dz) / sigma
        log_pi = scipy.special.log_ndtr(z)
        dz = np.exp(-0.5 * z * z - _LOG_SQRT_2PI - log_pi)
        return log_pi, -dz / sigma, -z * dz / sigma

    def __call__(self, x: FloatArray) -> FloatArray:
        """Acquisition values at the rows of ``x`` (higher is better)."""
        mean, var = self.posterior.predict(x)
        return self._from_moments(mean, np.sqrt(var))[0]

    def value_and_grad(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Values at the rows of ``x`` and their gradients (shape ``(b, d)``)."""
        mean, var, dmean, dvar = self.posterior.predict_with_grad(x)
        sigma = np.sqrt(var)
        value, d_mean, d_sigma = self._from_moments(mean, sigma)
        grad = d_mean[:, None] * dmean + (d_sigma / (2.0 * sigma))[:, None] * dvar
        return value, grad


def _logsumexp_rows(a: FloatArray) -> FloatArray:
    """``log(sum(exp(a), axis=1))`` for finite ``a`` (cheaper than scipy's general one)."""
    top = np.max(a, axis=1)
    out: FloatArray = top + np.log(np.sum(np.exp(a - top[:, None]), axis=1))
    return out


def normal_samples(d: int, n: int, rng: np.random.Generator) -> FloatArray:
    """``n`` quasi-random standard normal draws in ``d`` dimensions (scrambled Sobol through
    the normal quantile): the base samples of the fantasies, shape ``(n, d)``.

    >>> z = normal_samples(3, 128, np.random.default_rng(0))
    >>> z.shape, bool(abs(z.mean()) < 0.05), bool(abs(z.std() - 1) < 0.05)
    ((128, 3), True, True)
    """
    from scipy.stats import qmc

    m = int(np.ceil(np.log2(max(n, 2))))
    u = qmc.Sobol(d, scramble=True, seed=rng).random_base2(m)[:n]
    out: FloatArray = scipy.special.ndtri(np.clip(u, 1e-10, 1.0 - 1e-10))
    return out


class BatchLogEI:
    """Log expected improvement of a point joining the pending ones (q-EI, greedy in order).

    With draws ``F_s`` of the pending values (:class:`~.model.FantasyPosterior`), the expected
    improvement of the batch ``pending + [x]`` over the incumbent, less that of ``pending``
    alone, is ``E_s[EI(x; b_s)]`` with ``b_s = min(best, min F_s)`` (the improvement of the
    minimum splits at the pending draws' best value):

        log qEI(x) = log mean_s exp(log sigma(x) + log h((b_s - mean_s(x)) / sigma(x)))   (A8)

    The candidate's own value is integrated exactly (A2); only the pending values are
    sampled. A point next to a pending one has little left to gain when that one is likely
    to improve, and little variance left either way; a point far from all pending ones keeps
    its own EI, scaled down only by the chance that the batch already beat it.

    >>> from hypersweep.algorithms.gp.model import GPPosterior, KernelParams, FantasyPosterior
    >>> gp = GPPosterior(np.array([[0.2], [0.8]]), np.array([0.0, 1.0]),
    ...                  KernelParams(np.array([10.0]), 1.0, 1e-6), np.array([False]))
    >>> z = np.random.default_rng(0).normal(size=(64, 1))
    >>> acq = BatchLogEI(FantasyPosterior(gp, np.array([[0.35]]), z), best=0.0)
    >>> bool(acq(np.array([[0.36]]))[0] < Acquisition(gp, 0.0)(np.array([[0.36]]))[0])
    True
    """

    kind: AcquisitionKind = "log_ei"

    def __init__(self, posterior: FantasyPosterior, best: float) -> None:
        self.posterior = posterior
        self.best = float(best)
        #: ``b_s``: the incumbent, or the best pending draw when lower, per draw.
        self.thresholds = np.minimum(self.best, np.min(posterior.fantasies, axis=1))
        self._log_s = math.log(len(self.thresholds))

    def _terms(self, mean: FloatArray, sigma: FloatArray) -> tuple[FloatArray, FloatArray]:
        z = (self.thresholds[None, :] - mean) / sigma[:, None]
        return np.log(sigma)[:, None] + log_h(z), z

    def __call__(self, x: FloatArray) -> FloatArray:
        mean, var = self.posterior.predict(x)
        terms, _ = self._terms(mean, np.sqrt(var))
        return _logsumexp_rows(terms) - self._log_s

    def value_and_grad(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        mean, var, dmean, dvar = self.posterior.predict_with_grad(x)
        sigma = np.sqrt(var)
        terms, z = self._terms(mean, sigma)
        lse = _logsumexp_rows(terms)
        weight = np.exp(terms - lse[:, None])  # softmax over draws
        dz = dlog_h(z, terms - np.log(sigma)[:, None])
        d_mean = -weight * dz / sigma[:, None]  # (b, S)
        d_sigma = np.sum(weight * (1.0 - z * dz), axis=1) / sigma
        grad = np.einsum("bs,bsd->bd", d_mean, dmean) + (d_sigma / (2.0 * sigma))[:, None] * dvar
        return lse - self._log_s, grad


class FeasibilityModel:
    """A GP of one constraint ``c(x) <= threshold``: ``log P(c(x) <= threshold)`` (P5)."""

    def __init__(self, posterior: GPPosterior, threshold: float) -> None:
        self.posterior = posterior
        self.threshold = float(threshold)

    def log_pof(self, x: FloatArray) -> FloatArray:
        mean, var = self.posterior.predict(x)
        out: FloatArray = scipy.special.log_ndtr((self.threshold - mean) / np.sqrt(var))
        return out

    def log_pof_with_grad(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        mean, var, dmean, dvar = self.posterior.predict_with_grad(x)
        sigma = np.sqrt(var)
        z = (self.threshold - mean) / sigma
        log_p = scipy.special.log_ndtr(z)
        dz = np.exp(-0.5 * z * z - _LOG_SQRT_2PI - log_p)  # d log Phi / dz
        d_mean, d_sigma = -dz / sigma, -z * dz / sigma
        grad = d_mean[:, None] * dmean + (d_sigma / (2.0 * sigma))[:, None] * dvar
        return log_p, grad


class ConstrainedAcquisition:
    """``log EI(x) + sum_i log P(c_i(x) <= 0)`` (constrained EI, Gardner et al. 2014, in
    logs); with ``objective=None`` (no feasible point seen yet) only the feasibility term.

    >>> from hypersweep.algorithms.gp.model import GPPosterior, KernelParams
    >>> x = np.array([[0.1], [0.5], [0.9]])
    >>> params = KernelParams(np.array([10.0]), 1.0, 1e-6)
    >>> c = FeasibilityModel(GPPosterior(x, np.array([1.0, 1.0, -1.0]), params,
    ...                      np.array([False])), 0.0)
    >>> acq = ConstrainedAcquisition(None, [c])
    >>> int(np.argmax(acq(np.array([[0.1], [0.5], [0.9]]))))  # the feasible end
    2
    """

    def __init__(
        self, objective: Acquisition | BatchLogEI | None, constraints: list[FeasibilityModel]
    ) -> None:
        if objective is not None and objective.kind == "ucb":
            raise ValueError("constraints combine with the 'log_ei' or 'pi' acquisition only.")
        self.objective = objective
        self.constraints = constraints

    def __call__(self, x: FloatArray) -> FloatArray:
        total = np.zeros(len(x)) if self.objective is None else self.objective(x)
        for c in self.constraints:
            total = total + c.log_pof(x)
        out: FloatArray = total
        return out

    def value_and_grad(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        if self.objective is None:
            value, grad = np.zeros(len(x)), np.zeros(np.shape(x))
        else:
            value, grad = self.objective.value_and_grad(x)
        for c in self.constraints:
            v, g = c.log_pof_with_grad(x)
            value, grad = value + v, grad + g
        return value, grad
