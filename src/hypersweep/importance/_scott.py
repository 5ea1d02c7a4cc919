"""One-dimensional Parzen estimators on a grid with Scott's bandwidth (PED-ANOVA's densities).

A numerical parameter is binned onto ``n_steps`` grid points (fewer for narrow integer or
stepped domains; in log space for log parameters); a categorical one keeps its choices.
The estimator is a weighted mixture of discretised truncated normals (numerical) or of
smoothed one-hot rows (categorical), plus one flat prior kernel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy.special import ndtr

from ..space.distributions import (
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
)
from ..trial import FrozenTrial

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _mass(a: FloatArray, b: FloatArray) -> FloatArray:
    """P(a < Z < b) for a standard normal Z, accurate in both tails."""
    upper = a > 0
    lo = np.where(upper, ndtr(-b), ndtr(a))
    hi = np.where(upper, ndtr(-a), ndtr(b))
    return np.asarray(hi - lo, dtype=float)


def grid_counts(
    name: str, dist: Distribution, trials: Sequence[FrozenTrial], n_steps: int
) -> IntArray:
    """How many of ``trials`` fall on each grid point of parameter ``name``."""
    if isinstance(dist, CategoricalDistribution):
        idx = np.array([int(dist.to_internal(t.params[name])) for t in trials], dtype=np.int64)
        return np.bincount(idx, minlength=len(dist.choices)).astype(np.int64)
    if not isinstance(dist, (FloatDistribution, IntDistribution)):
        raise TypeError(f"Unknown distribution {dist!r}.")
    if isinstance(dist, IntDistribution) and dist.log:
        n_steps = min(math.ceil(math.log(dist.high - dist.low + 1) / math.log(2)) + 1, n_steps)
    elif dist.step is not None:
        n_steps = min(round((dist.high - dist.low) / dist.step) + 1, n_steps)
    low, high = float(dist.low), float(dist.high)
    values = np.array([float(t.params[name]) for t in trials])
    if dist.log:
        low, high, values = math.log(low), math.log(high), np.log(values)
    size = (high - low) / (n_steps - 1)
    idx = np.ceil((values - low) / size - 0.5).astype(np.int64)  # ties go to the lower point
    return np.bincount(np.clip(idx, 0, n_steps - 1), minlength=n_steps).astype(np.int64)


def grid_pdf(counts: IntArray, categorical: bool, prior_weight: float) -> FloatArray:
    """The estimator built from ``counts`` (observations per grid point), on the grid."""
    size = counts.size
    obs = np.flatnonzero(counts)
    w = counts[obs]
    mix = np.append(w.astype(float), prior_weight) if obs.size else np.array([1.0])
    mix = mix / mix.sum()
    grid = np.arange(size)
    if categorical:
        if obs.size == 0:
            return np.full(size, 1.0 / size)
        k = obs.size + 1
        rows = np.full((k, size), prior_weight / k)
        rows[np.arange(obs.size), obs] += 1.0
        sums = rows.sum(axis=1, keepdims=True)
        rows /= np.where(sums == 0, 1.0, sums)
        return np.asarray(mix @ rows, dtype=float)
    total = int(w.sum())
    cum = np.cumsum(w)
    mean = float(obs @ w) / total
    sigma = math.sqrt(float(((obs - mean) ** 2) @ w) / max(1, total - 1))
    q1 = int(np.searchsorted(cum, total // 4, side="left"))
    q3 = int(np.searchsorted(cum, total * 3 // 4, side="right"))
    iqr = float(obs[min(obs.size - 1, q3)] - obs[q1])
    sigma = 1.059 * min(iqr / 1.34, sigma) * total**-0.2
    sigma = max(sigma, 0.5 / 1.64)  # 1.64 sigma (90%) fits inside one grid cell at least
    low, high = 0.0, float(size - 1)
    mus = np.append(obs.astype(float), (low + high) / 2.0)
    sigmas = np.append(np.full(obs.size, sigma), high - low + 1.0)
    cell = _mass(
        (grid[:, None] - 0.5 - mus) / sigmas, (grid[:, None] + 0.5 - mus) / sigmas
    )  # (grid, kernels)
    norm = _mass((low - 0.5 - mus) / sigmas, (high + 0.5 - mus) / sigmas)
    return np.asarray((cell / norm) @ mix, dtype=float)
