"""Bounded cost for long studies: a local model around the incumbent.

Past a few hundred observations an exact GP costs ``O(n**3)`` to fit and ``O(n**2)`` per
prediction. By then the search has usually found its basin, so the sampler keeps the ``m``
observations nearest to the incumbent (in the kernel's scaled distance) and restricts the
acquisition search to their bounding box, a trust region that the local data cover. The cost
of a suggestion then depends on ``m``, not on the number of trials.
"""

from __future__ import annotations

import numpy as np

from .kernels import BoolArray, FloatArray, scaled_sq_dist
from .spec import IntArray

#: Smallest half-width of the trust region in a dimension, in the unit box.
MIN_HALF_WIDTH = 0.02


def local_subset(
    x: FloatArray,
    z: FloatArray,
    inv_ls2: FloatArray,
    is_cat: BoolArray,
    m: int,
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Indices of the ``m`` points nearest the best one (sorted), and the region's bounds.

    >>> x = np.linspace(0, 1, 11)[:, None]
    >>> idx, lo, hi = local_subset(x, np.abs(x[:, 0] - 0.3), np.ones(1), np.array([False]), 3)
    >>> idx.tolist(), lo.round(2).tolist(), hi.round(2).tolist()
    ([2, 3, 4], [0.2], [0.4])
    """
    best = int(np.argmin(z))
    r2 = scaled_sq_dist(x[best : best + 1], x, inv_ls2, is_cat)[0]
    idx: IntArray = np.sort(np.argsort(r2, kind="stable")[:m]).astype(np.int64)
    local = x[idx]
    lower = np.minimum(local.min(axis=0), x[best] - MIN_HALF_WIDTH)
    upper = np.maximum(local.max(axis=0), x[best] + MIN_HALF_WIDTH)
    lower = np.clip(lower, 0.0, 1.0)
    upper = np.clip(upper, 0.0, 1.0)
    lower[is_cat] = 0.0
    upper[is_cat] = 1.0
    return idx, lower, upper
