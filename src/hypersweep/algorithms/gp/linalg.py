"""Cholesky factorisations: from scratch, with jitter, and extended one row at a time.

Extending ``L`` (with ``L @ L.T == K``) to the factor of ``[[K, k], [k.T, kappa]]`` costs
``O(n**2)`` instead of ``O(n**3)``:

    l = solve(L, k),    lambda = sqrt(kappa - l.T @ l),    L' = [[L, 0], [l.T, lambda]]    (C1)

One row at a time, in a fixed order, the result has the same bits however the rows arrived,
which is what lets a sampler cache the factor between trials and still reproduce it exactly
in a fresh process.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from .kernels import FloatArray

#: Jitter (relative to the diagonal) tried in turn when a factorisation fails.
_JITTERS = (0.0, 1e-8, 1e-6, 1e-4, 1e-2)


def check_lapack_info(info: int, routine: str, what: str) -> None:
    """Raise :class:`numpy.linalg.LinAlgError` if a LAPACK call reported a failure.

    ``info`` is the routine's status (0 on success), ``routine`` its name and ``what`` what
    it computes, for the message.

    >>> check_lapack_info(0, "dpotri", "inverse from the Cholesky factor")
    >>> check_lapack_info(2, "dpotri", "inverse from the Cholesky factor")
    Traceback (most recent call last):
    ...
    numpy.linalg.LinAlgError: LAPACK dpotri (inverse from the Cholesky factor) failed, info=2: ...
    """
    if info == 0:
        return
    if info < 0:
        cause = f"argument {-info} had an illegal value"
    else:
        cause = f"diagonal element {info} of the triangular factor is zero (the matrix is singular)"
    raise np.linalg.LinAlgError(f"LAPACK {routine} ({what}) failed, info={info}: {cause}.")


def cholesky(k: FloatArray) -> FloatArray:
    """The lower Cholesky factor of ``k``, adding diagonal jitter if ``k`` is not PD.

    >>> cholesky(np.array([[4.0, 2.0], [2.0, 2.0]]))
    array([[2., 0.],
           [1., 1.]])
    """
    scale = float(np.mean(np.diag(k))) if k.size else 1.0
    for jitter in _JITTERS:
        try:
            kk = k if jitter == 0.0 else k + (jitter * scale) * np.eye(len(k))
            out: FloatArray = scipy.linalg.cholesky(kk, lower=True, check_finite=False)
            if np.all(np.isfinite(out)):
                return out
        except np.linalg.LinAlgError:
            continue
    raise np.linalg.LinAlgError("the kernel matrix is not positive definite, even with jitter")


def cholesky_append(chol: FloatArray, k_cross: FloatArray, k_self: float) -> FloatArray:
    """Extend the factor ``chol`` by one row (C1); ``k_cross`` is the new row's covariances."""
    n = chol.shape[0]
    out = np.zeros((n + 1, n + 1))
    out[:n, :n] = chol
    if n:
        row = scipy.linalg.solve_triangular(chol, k_cross, lower=True, check_finite=False)
        out[n, :n] = row
        rest = k_self - float(row @ row)
    else:
        rest = k_self
    # A tiny floor keeps the factor valid when the new point duplicates an old one.
    out[n, n] = np.sqrt(max(rest, 1e-10 * max(k_self, 1e-300)))
    return out


def cholesky_extend(chol: FloatArray, k_cross: FloatArray, k_new: FloatArray) -> FloatArray:
    """Extend ``chol`` by several rows at once, one row at a time (C1).

    ``k_cross`` has shape ``(m, n)`` (new rows against old) and ``k_new`` ``(m, m)``.
    """
    out = chol
    for i in range(k_cross.shape[0]):
        cross = np.concatenate([k_cross[i], k_new[i, :i]])
        out = cholesky_append(out, cross, float(k_new[i, i]))
    return out


def cho_solve(chol: FloatArray, b: FloatArray) -> FloatArray:
    """Solve ``(L @ L.T) x = b`` for the lower factor ``L``."""
    out: FloatArray = scipy.linalg.cho_solve((chol, True), b, check_finite=False)
    return out
