"""Pareto dominance for minimisation problems."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def non_dominated_mask(losses: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Mask of the rows of ``losses`` (n x m, all minimised) that no other row dominates.

    Row ``a`` dominates ``b`` when ``a <= b`` everywhere and ``a < b`` somewhere; equal rows
    do not dominate each other, so duplicates of a front point are all on the front.

    >>> non_dominated_mask([[1, 2], [2, 1], [2, 2], [1, 2]]).tolist()
    [True, True, False, True]
    """
    y = np.asarray(losses, dtype=float)
    if y.ndim != 2:
        raise ValueError(f"losses must be a 2-D array (n points x m objectives), got {y.shape}.")
    n = y.shape[0]
    mask = np.ones(n, dtype=bool)
    order = np.lexsort(y.T[::-1])  # sort by first objective, then the next ...
    ys = y[order]
    for i in range(n):
        if not mask[order[i]]:
            continue
        # Only later rows in lexicographic order can be dominated by row i.
        later = ys[i + 1 :]
        dominated = np.all(ys[i] <= later, axis=1) & np.any(ys[i] < later, axis=1)
        mask[order[i + 1 :][dominated]] = False
    return mask
