"""The GP posterior: mean and variance of the latent objective, with gradients.

With ``K = k(X, X) + noise * I = L @ L.T`` and ``alpha = K^-1 y``:

    mean(x) = k(x, X) @ alpha                                                         (P1)
    var(x)  = s2 - |v|^2,          v = L^-1 k(X, x)                                     (P2)
    d mean / dx = alpha @ dk(x, X)/dx,   d var / dx = -2 (K^-1 k(X, x)) @ dk(x, X)/dx    (P3)

Pending evaluations (parallel workers) are conditioned on as extra rows of the factor.
Without values (the Kriging believer) each pending point counts as observed at its own
posterior mean: the mean (P1) is unchanged, only the variance (P2) shrinks around it, and
``alpha`` keeps the completed data only. With values (fantasies, :func:`with_fantasies`)
the pending rows join the data:

    alpha = K_cov^-1 [y; y_pending],   mean(x) = k(x, [X; X_pending]) @ alpha          (P4)

With joint draws of the pending values (:class:`FantasyPosterior`, the batch rule of log EI)
every draw shares the believer's variance and shifts the mean by its own residuals (P5).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg

from .kernels import BoolArray, FloatArray, Matern52Kernel
from .linalg import check_lapack_info, cho_solve, cholesky, cholesky_extend

#: Smallest noise variance, also used when the objective is declared deterministic.
MIN_NOISE = 1e-6


@dataclass(frozen=True)
class KernelParams:
    """Kernel hyperparameters: ``1/lengthscale**2`` per dimension, signal and noise variance.

    ``raw`` is the vector the likelihood is optimised over:
    ``[log lengthscale_1..d, log signal, log noise]``.

    >>> p = KernelParams.from_raw(np.array([0.0, np.log(0.5), 0.0, np.log(1e-3)]))
    >>> p.lengthscales.round(3).tolist(), round(p.noise, 6)
    ([1.0, 0.5], 0.001)
    """

    inv_ls2: FloatArray
    signal: float
    noise: float

    @classmethod
    def from_raw(cls, raw: FloatArray) -> KernelParams:
        raw = np.asarray(raw, dtype=float)
        return cls(np.exp(-2.0 * raw[:-2]), float(np.exp(raw[-2])), float(np.exp(raw[-1])))

    @property
    def raw(self) -> FloatArray:
        out: FloatArray = np.concatenate(
            [-0.5 * np.log(self.inv_ls2), [np.log(self.signal), np.log(self.noise)]]
        )
        return out

    @property
    def lengthscales(self) -> FloatArray:
        out: FloatArray = 1.0 / np.sqrt(self.inv_ls2)
        return out

    def kernel(self, is_cat: BoolArray) -> Matern52Kernel:
        return Matern52Kernel(self.inv_ls2, self.signal, is_cat)


def kernel_cholesky(x: FloatArray, params: KernelParams, is_cat: BoolArray) -> FloatArray:
    """The factor of ``k(x, x) + noise * I`` from scratch."""
    k = params.kernel(is_cat)(x, x)
    k[np.diag_indices_from(k)] += params.noise
    return cholesky(k)


def extend_kernel_cholesky(
    chol: FloatArray,
    x_old: FloatArray,
    x_new: FloatArray,
    params: KernelParams,
    is_cat: BoolArray,
    noise: float | None = None,
) -> FloatArray:
    """Extend the factor for ``x_old`` with the rows ``x_new``, one row at a time (their
    noise variance is ``noise``, by default the fitted one)."""
    kern = params.kernel(is_cat)
    k_new = kern(x_new, x_new)
    k_new[np.diag_indices_from(k_new)] += params.noise if noise is None else noise
    return cholesky_extend(chol, kern(x_new, x_old), k_new)


class GPPosterior:
    """Posterior of a zero-mean GP given data ``(x, y)`` and a factor of the kernel matrix.

    ``chol`` may be passed when known (e.g. updated incrementally); otherwise it is
    computed. ``pending`` rows are conditioned on by the Kriging believer, or observed at
    ``pending_values`` (fantasies) with noise variance ``pending_noise`` (default: the fitted one).

    >>> x = np.array([[0.1], [0.5], [0.9]])
    >>> gp = GPPosterior(x, np.array([1.0, -1.0, 0.5]),
    ...                  KernelParams(np.array([25.0]), 1.0, 1e-6), np.array([False]))
    >>> mean, var = gp.predict(x)
    >>> mean.round(4).tolist(), bool(np.all(var < 1e-5))
    ([1.0, -1.0, 0.5], True)
    """

    def __init__(
        self,
        x: FloatArray,
        y: FloatArray,
        params: KernelParams,
        is_cat: BoolArray,
        chol: FloatArray | None = None,
        pending: FloatArray | None = None,
        pending_values: FloatArray | None = None,
        pending_noise: float | None = None,
    ) -> None:
        self.x = np.asarray(x, dtype=float)
        self.y = np.asarray(y, dtype=float)
        self.params = params
        self.is_cat = np.asarray(is_cat, dtype=bool)
        self.kernel = params.kernel(self.is_cat)
        self.chol = kernel_cholesky(self.x, params, self.is_cat) if chol is None else chol
        if self.chol.shape != (len(self.x), len(self.x)):
            raise ValueError(
                f"chol has shape {self.chol.shape}; the Cholesky factor of {len(self.x)} points "
                f"must be {len(self.x)} x {len(self.x)}."
            )
        self.alpha = cho_solve(self.chol, self.y)
        self.x_cov, self.chol_cov = self.x, self.chol
        self._l_inv_cache: FloatArray | None = None
        self._n_mean = self.n
        if pending is not None and len(pending):
            self.x_cov = np.vstack([self.x, pending])
            self.chol_cov = extend_kernel_cholesky(
                self.chol, self.x, np.asarray(pending, dtype=float), params, self.is_cat,
                noise=pending_noise,
            )  # fmt: skip
            if pending_values is not None:
                # Fantasies: the pending rows are observed at these values (P4).
                values = np.asarray(pending_values, dtype=float)
                self.alpha = cho_solve(self.chol_cov, np.concatenate([self.y, values]))
                self._n_mean = len(self.x_cov)

    @property
    def n(self) -> int:
        return len(self.x)

    def _l_inv(self) -> FloatArray:
        # The inverse of the triangular factor turns each prediction into matrix products
        # (instead of triangular solves), the cheaper path for many small batches of points.
        # Its error grows with cond(L) = sqrt(cond(K)), not cond(K) as an inverse of K would:
        # with the noise at its floor cond(K) reaches 1e8, and an explicit K^-1 would make
        # the variance (a difference of nearly equal terms) visibly noisy.
        if self._l_inv_cache is None:
            inv, info = scipy.linalg.lapack.dtrtri(self.chol_cov, lower=1)
            check_lapack_info(info, "dtrtri", "inverse of the Cholesky factor")
            self._l_inv_cache = np.tril(inv)
        return self._l_inv_cache

    def predict(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Posterior mean and variance of the latent function at the rows of ``x``."""
        k = self.kernel.cross(x, self.x_cov)
        mean = k[:, : self._n_mean] @ self.alpha
        v = k @ self._l_inv().T
        var = self.params.signal - np.einsum("bn,bn->b", v, v)
        return mean, np.maximum(var, 1e-12)

    def predict_with_grad(
        self, x: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Mean, variance and their gradients in ``x`` (shape ``(b, d)`` each) (P3)."""
        k, dk = self.kernel.with_grad(x, self.x_cov)
        mean = k[:, : self._n_mean] @ self.alpha
        dmean = np.einsum("bnd,n->bd", dk[:, : self._n_mean], self.alpha)
        l_inv = self._l_inv()
        v = k @ l_inv.T
        w = v @ l_inv  # K^-1 k
        raw_var = self.params.signal - np.einsum("bn,bn->b", v, v)
        var = np.maximum(raw_var, 1e-12)
        dvar = -2.0 * np.einsum("bnd,bn->bd", dk, w)
        dvar[raw_var < 1e-12] = 0.0
        return mean, var, dmean, dvar

    def mean_at_data(self) -> FloatArray:
        """The posterior mean at the training points: ``y - noise * alpha``."""
        out: FloatArray = self.y - self.params.noise * self.alpha[: self.n]
        return out


def with_fantasies(post: GPPosterior, pending: FloatArray, n_sd: float) -> GPPosterior:
    """``post`` conditioned on ``pending`` points observed, without noise, at a pessimistic
    value: their posterior mean plus ``n_sd`` standard deviations (minimisation).

    Around a pending point the mean rises and the variance collapses, so an improvement-based
    acquisition drops there and the next proposal of a batch goes elsewhere.

    >>> x = np.array([[0.1], [0.9]])
    >>> gp = GPPosterior(x, np.array([0.0, 1.0]), KernelParams(np.array([4.0]), 1.0, 1e-2),
    ...                  np.array([False]))
    >>> batch = with_fantasies(gp, np.array([[0.5]]), n_sd=2.0)
    >>> m0, v0 = gp.predict(np.array([[0.5]]))
    >>> m1, v1 = batch.predict(np.array([[0.5]]))
    >>> bool(m1[0] > m0[0] + 1.9 * np.sqrt(v0[0])), bool(v1[0] < 1e-5)
    (True, True)
    """
    pending = np.asarray(pending, dtype=float)
    mean, var = post.predict(pending)
    values = mean + n_sd * np.sqrt(var)
    return GPPosterior(
        post.x, post.y, post.params, post.is_cat, chol=post.chol, pending=pending,
        pending_values=values, pending_noise=MIN_NOISE,
    )  # fmt: skip


class FantasyPosterior:
    """``post`` conditioned on ``pending`` points observed, without noise, at ``S`` joint
    draws of their latent values (fantasies), one posterior mean per draw.

    With the pending rows appended to the factor (noise ``MIN_NOISE``), ``L_cov`` ends in
    the block ``Lambda``, the factor of the posterior covariance of ``f(pending)`` given the
    completed data. Draw ``s`` of the pending values is ``F_s = mean(pending) + Lambda z_s``
    (``z_s``: standard normal, ``base_samples[s]``), and with ``v = L_cov^-1 k([X; R], x)``

        mean_s(x) = mean(x) + v_R(x) @ z_s,    var(x) = s2 - |v(x)|^2                    (P5)

    (``v_R``: the last ``m`` entries of ``v``): every draw shares the believer's variance and
    shifts the mean by its own residuals, so a draw costs one ``m``-vector product.

    >>> x = np.array([[0.1], [0.9]])
    >>> gp = GPPosterior(x, np.array([0.0, 1.0]), KernelParams(np.array([4.0]), 1.0, 1e-2),
    ...                  np.array([False]))
    >>> fp = FantasyPosterior(gp, np.array([[0.5]]), np.array([[-1.0], [1.0]]))
    >>> mean, var = fp.predict(np.array([[0.5]]))
    >>> bool(np.allclose(mean[0], fp.fantasies[:, 0], atol=1e-4)), bool(var[0] < 1e-5)
    (True, True)
    """

    def __init__(self, post: GPPosterior, pending: FloatArray, base_samples: FloatArray) -> None:
        pending = np.asarray(pending, dtype=float)
        self.base = post
        self.cov = GPPosterior(
            post.x, post.y, post.params, post.is_cat, chol=post.chol, pending=pending,
            pending_noise=MIN_NOISE,
        )  # fmt: skip
        self.z = np.asarray(base_samples, dtype=float).reshape(-1, len(pending))
        n = post.n
        lam = self.cov.chol_cov[n:, n:]
        #: The fantasised values of the pending points, one row per draw: shape ``(S, m)``.
        self.fantasies: FloatArray = post.predict(pending)[0] + self.z @ lam.T

    @property
    def x(self) -> FloatArray:
        return self.base.x

    @property
    def y(self) -> FloatArray:
        return self.base.y

    def predict(self, x: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Means (shape ``(b, S)``, one column per draw) and the variance (``(b,)``) (P5)."""
        post, n = self.cov, self.base.n
        k = post.kernel.cross(x, post.x_cov)
        v = k @ post._l_inv().T
        mean = (k[:, :n] @ self.base.alpha)[:, None] + v[:, n:] @ self.z.T
        var = post.params.signal - np.einsum("bn,bn->b", v, v)
        return mean, np.maximum(var, 1e-12)

    def predict_with_grad(
        self, x: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Means ``(b, S)``, variance ``(b,)`` and their gradients ``(b, S, d)``, ``(b, d)``."""
        post, n = self.cov, self.base.n
        k, dk = post.kernel.with_grad(x, post.x_cov)
        l_inv = post._l_inv()
        v = k @ l_inv.T
        dmu = np.einsum("bnd,n->bd", dk[:, :n], self.base.alpha)
        dv_r = np.einsum("bnd,mn->bmd", dk, l_inv[n:])
        mean = (k[:, :n] @ self.base.alpha)[:, None] + v[:, n:] @ self.z.T
        dmean = dmu[:, None, :] + np.einsum("sm,bmd->bsd", self.z, dv_r)
        w = v @ l_inv
        raw_var = post.params.signal - np.einsum("bn,bn->b", v, v)
        var = np.maximum(raw_var, 1e-12)
        dvar = -2.0 * np.einsum("bnd,bn->bd", dk, w)
        dvar[raw_var < 1e-12] = 0.0
        return mean, var, dmean, dvar
