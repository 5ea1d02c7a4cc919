"""Matérn-5/2 kernel with per-dimension length scales (ARD) and a Hamming term for categories.

Points live in the encoded space: continuous and ordinal (integer, stepped) dimensions in the
unit interval, categorical dimensions as the index of the choice. The scaled squared distance
between two points is

    r2(x, x') = sum_j w_j * delta_j(x_j, x'_j),     w_j = 1 / lengthscale_j**2       (K1)

with ``delta_j = (x_j - x'_j)**2`` for ordered dimensions and ``delta_j = [x_j != x'_j]`` (the
Hamming distance, one per mismatching category) for categorical ones, and the kernel is

    k(x, x') = s2 * m(r2),   m(r2) = (1 + sqrt(5 r2) + 5/3 r2) * exp(-sqrt(5 r2))         (K2)
    dm/dr2   = -5/6 * (1 + sqrt(5 r2)) * exp(-sqrt(5 r2))                                 (K3)

Sums over dimensions run in a fixed order, element by element, so one kernel entry has the
same bits whether it is computed alone or as part of a matrix (the sampler relies on that
to reproduce incrementally updated factorisations exactly).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_SQRT5 = float(np.sqrt(5.0))


def matern52(r2: FloatArray) -> FloatArray:
    """The Matérn-5/2 correlation (K2) of scaled squared distances ``r2 >= 0``.

    >>> float(matern52(np.array(0.0)))
    1.0
    """
    r = np.sqrt(r2 * 5.0)
    out: FloatArray = r2 * (5.0 / 3.0)
    out += r
    out += 1.0
    out *= np.exp(-r)
    return out


def matern52_grad(r2: FloatArray) -> FloatArray:
    """The derivative (K3) of :func:`matern52` with respect to ``r2``."""
    r = _SQRT5 * np.sqrt(r2)
    out: FloatArray = (-5.0 / 6.0) * (1.0 + r) * np.exp(-r)
    return out


def scaled_sq_dist_fast(
    x1: FloatArray, x2: FloatArray, inv_ls2: FloatArray, is_cat: BoolArray
) -> FloatArray:
    """``r2`` (K1) by a matrix product: faster for many points, but its rounding depends on
    the shapes, so it is used for predictions only, never for a factorised kernel matrix."""
    ordered = ~is_cat
    scale = np.sqrt(inv_ls2[ordered])
    a, b = x1[:, ordered] * scale, x2[:, ordered] * scale
    r2: FloatArray = np.einsum("ij,ij->i", a, a)[:, None] + np.einsum("ij,ij->i", b, b)[None, :]
    r2 -= 2.0 * (a @ b.T)
    np.maximum(r2, 0.0, out=r2)
    for j in np.flatnonzero(is_cat):
        r2 += (x1[:, j, None] != x2[None, :, j]) * inv_ls2[j]
    return r2


def sq_diffs(x1: FloatArray, x2: FloatArray, is_cat: BoolArray) -> list[FloatArray]:
    """Per-dimension distances ``delta_j`` (K1) between the rows of ``x1`` and ``x2``.

    Returns ``d`` arrays of shape ``(len(x1), len(x2))``.
    """
    out = []
    for j in range(x1.shape[1]):
        diff = x1[:, j, None] - x2[None, :, j]
        out.append((diff != 0.0).astype(float) if is_cat[j] else diff * diff)
    return out


def scaled_sq_dist(
    x1: FloatArray, x2: FloatArray, inv_ls2: FloatArray, is_cat: BoolArray
) -> FloatArray:
    """``r2`` (K1) between every row of ``x1`` and every row of ``x2``."""
    r2 = np.zeros((x1.shape[0], x2.shape[0]))
    for j in range(x1.shape[1]):
        diff = x1[:, j, None] - x2[None, :, j]
        delta = (diff != 0.0).astype(float) if is_cat[j] else diff * diff
        r2 += delta * inv_ls2[j]
    return r2


class Matern52Kernel:
    """ARD Matérn-5/2 kernel ``s2 * m(r2)`` over mixed continuous/categorical dimensions.

    ``inv_ls2`` holds ``1 / lengthscale**2`` per dimension, ``signal`` the variance ``s2``
    and ``is_cat`` marks categorical dimensions (Hamming distance).

    >>> k = Matern52Kernel(np.array([4.0, 1.0]), 1.0, np.array([False, True]))
    >>> x = np.array([[0.1, 0.0], [0.6, 1.0]])
    >>> m = k(x, x)
    >>> bool(np.allclose(m, m.T)), float(m[0, 0])
    (True, 1.0)
    """

    __slots__ = ("inv_ls2", "is_cat", "signal")

    def __init__(self, inv_ls2: FloatArray, signal: float, is_cat: BoolArray) -> None:
        self.inv_ls2 = np.asarray(inv_ls2, dtype=float)
        self.signal = float(signal)
        self.is_cat = np.asarray(is_cat, dtype=bool)

    def __call__(self, x1: FloatArray, x2: FloatArray) -> FloatArray:
        """The kernel matrix ``k(x1_i, x2_j)``, each entry computed on its own (the same bits
        whatever the shapes: use it for matrices that get factorised)."""
        out: FloatArray = self.signal * matern52(scaled_sq_dist(x1, x2, self.inv_ls2, self.is_cat))
        return out

    def cross(self, x1: FloatArray, x2: FloatArray) -> FloatArray:
        """``k(x1_i, x2_j)`` by the faster matrix-product distance (for predictions)."""
        out = matern52(scaled_sq_dist_fast(x1, x2, self.inv_ls2, self.is_cat))
        out *= self.signal
        return out

    def with_grad(self, x: FloatArray, xt: FloatArray) -> tuple[FloatArray, FloatArray]:
        """``k(x, xt)`` (shape ``(b, n)``) and its gradient in ``x`` (shape ``(b, n, d)``).

        The gradient of a categorical coordinate is zero (the kernel is piecewise constant
        there).
        """
        # Vectorised over dimensions (few points, many dimensions: fewer numpy calls).
        diff = x[:, None, :] - xt[None, :, :]
        delta = np.where(self.is_cat, diff != 0.0, diff * diff)
        r2 = delta @ self.inv_ls2
        k = self.signal * matern52(r2)
        dk_dr2 = self.signal * matern52_grad(r2)
        scale = np.where(self.is_cat, 0.0, 2.0 * self.inv_ls2)
        grad: FloatArray = (dk_dr2[:, :, None] * scale) * diff
        return k, grad
