"""Parzen estimators: weighted mixtures of product kernels over a mixed space.

Coordinates are numbers in the unit interval (continuous parameters, and numeric discrete ones
whose values own cells of the interval) or choice indices ``0 .. n - 1`` (categorical
parameters). A :class:`Dimension` says which; the estimator knows nothing else about the
parameters, so it works on any arrays a caller encodes that way.

Kernels (one per observation, plus one *prior* kernel that keeps every region possible):

* continuous: a Gaussian truncated to ``[0, 1]``; the prior is centred at 0.5 with width 1;
* small discrete numeric (cells given by ``edges``): the probability of each cell under that
  truncated Gaussian, computed exactly (eq. 2 below);
* categorical: the observed choice gets most of the mass and every choice keeps some
  (eq. 3); the prior is uniform.

Bandwidths follow the adaptive rule of Bergstra et al. (2011): a kernel is as wide as the
larger gap to its neighbours along that coordinate (the unit interval's ends count as
neighbours, except for the outermost kernels, which use their inner gap), clipped to
``[1 / min(100, n + 2), 1]`` so that widths shrink with data but never collapse.

>>> import numpy as np
>>> dims = [Dimension.continuous(), Dimension.categorical(3)]
>>> pe = ParzenEstimator(np.array([[0.2, 0.0], [0.3, 0.0], [0.9, 2.0]]), dims)
>>> x = pe.sample(np.random.default_rng(0), 4)
>>> x.shape, bool(np.all((x[:, 0] >= 0) & (x[:, 0] <= 1)))
((4, 2), True)
>>> bool(pe.log_pdf(np.array([[0.25, 0.0]]))[0] > pe.log_pdf(np.array([[0.6, 1.0]]))[0])
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_TINY = np.finfo(float).tiny
# Beyond this many standard deviations the truncation of a kernel to [0, 1] is negligible.
_FAR = 8.0


# OpenBLAS runs a product on one thread below m * n * k = 262,144; bigger ones start threads,
# which on a busy machine can wait for a core for tens of ms. The products here are thin
# (inner dimension = number of continuous parameters), so blocks lose nothing.
_SINGLE_THREAD_FLOPS = 200_000


def _times_rows(x: FloatArray, m: FloatArray) -> FloatArray:
    """``x @ m.T`` (C x d times K x d), in blocks of rows of ``m`` small enough for one thread."""
    c, d = x.shape
    k = m.shape[0]
    block = max(1, _SINGLE_THREAD_FLOPS // max(1, c * d))
    if k <= block:
        out: FloatArray = x @ m.T
        return out
    out = np.empty((c, k))
    for start in range(0, k, block):
        np.matmul(x, m[start : start + block].T, out=out[:, start : start + block])
    return out


def _special() -> Any:
    # scipy.special costs ~0.1 s to import; load it when an estimator is first built.
    import scipy.special

    return scipy.special


@dataclass(frozen=True)
class Dimension:
    """One coordinate: continuous, discrete numeric with cell ``edges``, or categorical.

    ``min_bandwidth`` puts a floor under the kernel widths of the coordinate (e.g. one cell
    of a fine integer grid, which the estimator treats as continuous).

    >>> Dimension.discrete([0.0, 0.25, 0.5, 0.75, 1.0]).n_cells
    4
    """

    n_choices: int = 0
    edges: tuple[float, ...] | None = None
    min_bandwidth: float = 0.0

    @classmethod
    def continuous(cls, min_bandwidth: float = 0.0) -> Dimension:
        """A real coordinate in ``[0, 1]``."""
        return cls(min_bandwidth=float(min_bandwidth))

    @classmethod
    def discrete(cls, edges: Sequence[float]) -> Dimension:
        """Values owning the cells ``[edges[i], edges[i + 1]]`` of ``[0, 1]``."""
        e = tuple(float(v) for v in edges)
        if len(e) < 2 or any(b <= a for a, b in itertools.pairwise(e)):
            raise ValueError(f"edges must increase and hold at least two values, got {e}.")
        if e[0] < 0.0 or e[-1] > 1.0:
            raise ValueError(f"edges must lie in [0, 1], got {e[0]} .. {e[-1]}.")
        return cls(edges=e)

    @classmethod
    def categorical(cls, n_choices: int) -> Dimension:
        """Choice indices ``0 .. n_choices - 1``."""
        if n_choices < 1:
            raise ValueError(f"n_choices must be >= 1, got {n_choices}.")
        return cls(n_choices=int(n_choices))

    @property
    def is_categorical(self) -> bool:
        """Whether coordinates are choice indices."""
        return self.n_choices > 0

    @property
    def n_cells(self) -> int:
        """Number of cells of a discrete coordinate (0 otherwise)."""
        return 0 if self.edges is None else len(self.edges) - 1


def neighbour_bandwidths(values: FloatArray, n_kernels: int) -> FloatArray:
    """Adaptive bandwidths of the columns of ``values`` (n x d, in ``[0, 1]``).

    Eq. (1): along each column, ``sigma_i = max(x_i - x_left, x_right - x_i)`` for the
    neighbours in sorted order, with 0 and 1 as outer neighbours except for the outermost
    values, which use their inner gap; then clipped to ``[1 / min(100, n_kernels + 1), 1]``.
    Repeated values (common on discrete grids) thus make a sharp peak: inside a run of equal
    values the gaps are 0, so all but the run's ends get the minimum width. Ties are ordered
    by row, so the result never depends on the sorting algorithm.

    >>> neighbour_bandwidths(np.array([[0.1], [0.2], [0.6]]), 4).ravel().round(3).tolist()
    [0.2, 0.4, 0.4]
    >>> neighbour_bandwidths(np.array([[0.5], [0.1], [0.5], [0.5], [0.9]]), 6).ravel().tolist()
    [0.4, 0.4, 0.14285714285714285, 0.4, 0.4]
    """
    n, d = values.shape
    low = 1.0 / min(100.0, n_kernels + 1.0)
    if n == 0:
        return np.empty((0, d))
    cols = np.ascontiguousarray(values.T)
    order = np.argsort(cols, axis=1)
    s = np.take_along_axis(cols, order, axis=1)
    tied = (np.diff(s, axis=1) == 0).any(axis=1)
    if tied.any():  # only discrete columns repeat values; order their ties by row
        order[tied] = np.argsort(cols[tied], axis=1, kind="stable")
        s[tied] = np.take_along_axis(cols[tied], order[tied], axis=1)
    padded = np.empty((d, n + 2))
    padded[:, 0] = 0.0
    padded[:, 1:-1] = s
    padded[:, -1] = 1.0
    gaps = np.diff(padded, axis=1)
    left, right = gaps[:, :-1], gaps[:, 1:]
    if n >= 2:
        left = left.copy()
        right = right.copy()
        left[:, 0] = 0.0
        right[:, -1] = 0.0
    sig = np.maximum(left, right)
    out = np.empty_like(sig)
    np.put_along_axis(out, order, sig, axis=1)
    clipped: FloatArray = np.clip(out.T, low, 1.0)
    return clipped


def _cell_log_mass(mu: FloatArray, sigma: FloatArray, edges: FloatArray) -> FloatArray:
    """Eq. (2): log P(cell c | kernel k), a K x n_cells table (kernels truncated to the cells).

    Duplicate ``(mu, sigma)`` pairs, common on small grids, are computed once. Each edge's
    tail probability ``Phi(-|z|)`` is computed once; cells above a kernel's centre take
    differences of upper tails, the others of the CDF, so no mass rounds to 0 needlessly.
    """
    sp = _special()
    pairs, inverse = np.unique(mu + 1j * sigma, return_inverse=True)
    z = (edges[None, :] - pairs.real[:, None]) / pairs.imag[:, None]
    tail = sp.ndtr(-np.abs(z))
    cdf = np.where(z < 0, tail, 1.0 - tail)
    upper = z[:, :-1] >= 0
    mass = np.where(upper, tail[:, :-1] - tail[:, 1:], cdf[:, 1:] - cdf[:, :-1])
    mass = np.maximum(mass, _TINY)
    table = np.log(mass) - np.log(mass.sum(axis=1, keepdims=True))
    out: FloatArray = table[inverse.ravel()]
    return out


class ParzenEstimator:
    """A weighted mixture of product kernels fitted to ``observations`` (n x d).

    ``weights`` (n, default all ones) weigh the observations; the prior kernel weighs
    ``prior_weight`` on the same scale. ``bandwidth_factor`` scales every numeric width.

    >>> import numpy as np
    >>> pe = ParzenEstimator(np.array([[0.5]]), [Dimension.continuous()])
    >>> round(float(np.exp(pe.log_pdf(np.array([[0.5]]))[0])), 3)
    1.105
    """

    def __init__(
        self,
        observations: npt.ArrayLike,
        dims: Sequence[Dimension],
        weights: npt.ArrayLike | None = None,
        *,
        prior_weight: float = 1.0,
        bandwidth_factor: float | npt.ArrayLike = 1.0,
    ) -> None:
        x = np.asarray(observations, dtype=float)
        d = len(dims)
        if x.size == 0:
            x = x.reshape(0, d)
        if x.ndim != 2 or x.shape[1] != d:
            raise ValueError(f"observations must be n x {d} (one column per dimension).")
        n = x.shape[0]
        w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
        if w.shape != (n,) or np.any(w < 0) or not np.all(np.isfinite(w)):
            raise ValueError("weights must be n finite, non-negative numbers.")
        if prior_weight <= 0 and n == 0:
            raise ValueError("prior_weight must be > 0 when there are no observations.")
        w = np.append(w, max(prior_weight, 0.0))
        total = w.sum()
        if total <= 0:
            raise ValueError("weights and prior_weight must not all be zero.")
        self.dims = tuple(dims)
        self.n_kernels = k = n + 1
        self._log_w = np.log(np.maximum(w / total, _TINY))
        self._w = w / total

        self._num = [j for j, dim in enumerate(dims) if not dim.is_categorical]
        self._cont = [j for j in self._num if dims[j].edges is None]
        self._disc = [j for j in self._num if dims[j].edges is not None]
        self._cat = [j for j, dim in enumerate(dims) if dim.is_categorical]

        # Numeric kernels: centres and widths, the prior kernel last.
        mu = np.empty((k, len(self._num)))
        sigma = np.empty((k, len(self._num)))
        if self._num:
            obs = np.clip(x[:, self._num], 0.0, 1.0)
            mu[:-1] = obs
            mu[-1] = 0.5
            factor = np.broadcast_to(np.asarray(bandwidth_factor, dtype=float), (d,))
            sigma[:-1] = neighbour_bandwidths(obs, k) * factor[self._num]
            sigma[-1] = 1.0
            floors = np.array([dims[j].min_bandwidth for j in self._num])
            np.maximum(sigma, floors[None, :], out=sigma)
        self._mu, self._sigma = mu, sigma

        log_const = self._log_w.copy()
        cpos = [self._num.index(j) for j in self._cont]
        if cpos:
            m, s = mu[:, cpos], sigma[:, cpos]
            log_const -= np.log(s).sum(axis=1) + _LOG_SQRT_2PI * len(cpos)
            log_const -= self._log_truncation(m, s).sum(axis=1)
            inv = 1.0 / (s * s)
            self._a = np.ascontiguousarray(inv)  # 1 / sigma^2
            self._b = np.ascontiguousarray(m * inv)  # mu / sigma^2
            log_const -= 0.5 * (m * self._b).sum(axis=1)
        self._cpos = cpos
        self._log_const = log_const
        self._tables = [
            _cell_log_mass(
                mu[:, self._num.index(j)],
                sigma[:, self._num.index(j)],
                np.asarray(dims[j].edges),
            )
            for j in self._disc
        ]

        # Categorical kernels, eq. (3): p(c) = p_miss + (p_hit - p_miss) [c = observed].
        self._cat_obs = []
        self._cat_hit = []
        self._cat_miss = []
        for j in self._cat:
            c = dims[j].n_choices
            obs_idx = np.append(np.rint(x[:, j]), -1.0)  # the prior kernel hits nothing
            spread = prior_weight / k
            denom = 1.0 + c * spread
            miss = np.full(k, spread / denom)
            hit = miss + 1.0 / denom
            miss[-1] = hit[-1] = 1.0 / c
            self._cat_obs.append(obs_idx)
            self._cat_hit.append(hit)
            self._cat_miss.append(miss)

    @staticmethod
    def _log_truncation(mu: FloatArray, sigma: FloatArray) -> FloatArray:
        """log of the mass each kernel keeps inside [0, 1] (0 where it keeps all of it)."""
        out = np.zeros_like(mu)
        near = np.minimum(mu, 1.0 - mu) < _FAR * sigma
        if near.any():
            sp = _special()
            m, s = mu[near], sigma[near]
            out[near] = np.log(np.maximum(sp.ndtr((1.0 - m) / s) - sp.ndtr(-m / s), _TINY))
        return out

    def log_pdf(self, points: npt.ArrayLike) -> FloatArray:
        """Log density (log probability on discrete coordinates) of each row of ``points``."""
        x = np.atleast_2d(np.asarray(points, dtype=float))
        lp = np.broadcast_to(self._log_const, (x.shape[0], self.n_kernels)).copy()
        if self._cpos:
            xc = x[:, self._cont]
            lp += _times_rows(xc, self._b) - 0.5 * _times_rows(xc * xc, self._a)
        for j, table in zip(self._disc, self._tables, strict=True):
            lp += table[:, self._cells(j, x[:, j])].T
        for obs, hit, miss, j in zip(
            self._cat_obs, self._cat_hit, self._cat_miss, self._cat, strict=True
        ):
            same = np.rint(x[:, j])[:, None] == obs[None, :]
            lp += np.log(np.where(same, hit[None, :], miss[None, :]))
        top = lp.max(axis=1)
        top[~np.isfinite(top)] = 0.0
        # Terms below e^-700 add nothing; clipping them avoids slow subnormal arithmetic.
        rel = np.maximum(lp - top[:, None], -700.0)
        out: FloatArray = np.log(np.exp(rel).sum(axis=1)) + top
        return out

    def _cells(self, j: int, values: FloatArray) -> npt.NDArray[np.intp]:
        edges = np.asarray(self.dims[j].edges)
        idx = np.searchsorted(edges, values, side="right") - 1
        return np.clip(idx, 0, len(edges) - 2)

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        """``size`` rows drawn from the mixture (discrete coordinates at cell midpoints)."""
        k = rng.choice(self.n_kernels, size=size, p=self._w)
        out = np.empty((size, len(self.dims)))
        if self._num:
            sp = _special()
            mu, sigma = self._mu[k], self._sigma[k]
            lo = sp.ndtr(-mu / sigma)
            hi = sp.ndtr((1.0 - mu) / sigma)
            u = lo + rng.random(mu.shape) * (hi - lo)
            draws = np.clip(mu + sigma * sp.ndtri(np.clip(u, _TINY, 1.0 - 1e-16)), 0.0, 1.0)
            out[:, self._num] = draws
            for j in self._disc:
                edges = np.asarray(self.dims[j].edges)
                cell = self._cells(j, out[:, j])
                out[:, j] = 0.5 * (edges[cell] + edges[cell + 1])
        for obs, miss, j in zip(self._cat_obs, self._cat_miss, self._cat, strict=True):
            c = self.dims[j].n_choices
            spread = c * miss[k]  # probability of drawing uniformly instead of the observed one
            uniform = rng.random(size) < spread
            pick = rng.integers(0, c, size=size)
            out[:, j] = np.where(uniform | (obs[k] < 0), pick, obs[k])
        return out
