"""Multi-objective split for MOTPE: non-domination rank, then hypervolume contribution.

The good group takes whole Pareto fronts (rank 0, then rank 1, ...) while they fit; the front
that does not fit whole is cut by greedy hypervolume subset selection, which keeps the points
that add most to the dominated volume (spread along the front, not crowded together).

>>> import numpy as np
>>> y = np.array([[1.0, 4.0], [2.0, 2.0], [4.0, 1.0], [3.0, 3.0], [5.0, 5.0]])
>>> split_multi_objective(y, 3).tolist()
[True, True, True, False, False]
>>> hypervolume(np.array([[1.0, 2.0], [2.0, 1.0]]), np.array([3.0, 3.0]))
3.0
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ..pareto import non_dominated_mask

FloatArray = npt.NDArray[np.float64]

# Exact hypervolume by slicing costs about n ** (m - 1); past this, fall back to crowding.
_HV_BUDGET = 200_000


def hypervolume(points: FloatArray, ref: FloatArray) -> float:
    """Volume dominated by ``points`` (n x m, minimised) and bounded by ``ref``.

    Exact, by slicing along the last objective; meant for the small fronts TPE splits.
    """
    p = np.minimum(np.asarray(points, dtype=float), ref)
    p = p[np.all(p < ref, axis=1)]
    if len(p) == 0:
        return 0.0
    m = p.shape[1]
    if m == 1:
        return float(ref[0] - p[:, 0].min())
    if m == 2:
        p = p[np.lexsort((p[:, 1], p[:, 0]))]
        best_y = np.minimum.accumulate(p[:, 1])
        widths = np.diff(np.append(p[:, 0], ref[0]))
        return float(np.sum(widths * (ref[1] - best_y)))
    p = p[np.argsort(p[:, -1], kind="stable")]
    z = np.append(p[:, -1], ref[-1])
    total = 0.0
    for i in range(len(p)):
        depth = z[i + 1] - z[i]
        if depth > 0:
            front = p[: i + 1, :-1]
            total += depth * hypervolume(front[non_dominated_mask(front)], ref[:-1])
    return total


def _crowding(y: FloatArray) -> FloatArray:
    n, m = y.shape
    dist = np.zeros(n)
    for j in range(m):
        order = np.argsort(y[:, j], kind="stable")
        span = y[order[-1], j] - y[order[0], j]
        dist[order[0]] = dist[order[-1]] = np.inf
        if span > 0 and n > 2:
            dist[order[1:-1]] += (y[order[2:], j] - y[order[:-2], j]) / span
    return dist


def _drop_by_contribution_2d(y: FloatArray, k: int, ref: FloatArray) -> npt.NDArray[np.intp]:
    """Keep ``k`` rows of a 2-D front: drop the smallest exclusive contribution, repeatedly."""
    keep = np.lexsort((y[:, 1], y[:, 0]))  # along the front: first objective ascending
    while len(keep) > k:
        f = y[keep]
        right = np.append(f[1:, 0], ref[0]) - f[:, 0]
        above = np.insert(f[:-1, 1], 0, ref[1]) - f[:, 1]
        keep = np.delete(keep, int(np.argmin(right * above)))
    return np.sort(keep)


def _select_by_hypervolume(y: FloatArray, k: int, ref: FloatArray) -> npt.NDArray[np.intp]:
    """Indices of ``k`` rows of the front ``y`` that keep a large hypervolume.

    Two objectives: drop the point of least exclusive contribution until ``k`` remain (exact
    contributions, O(n) each). More: add the point of largest gain, greedily (exact
    hypervolume while that stays cheap, crowding distance beyond).
    """
    n, m = y.shape
    if m == 2:
        return _drop_by_contribution_2d(y, k, ref)
    if float(n) ** max(m - 1, 1) * n * k > _HV_BUDGET * 50:
        return np.argsort(-_crowding(y), kind="stable")[:k]
    chosen: list[int] = []
    rest = list(range(n))
    for _ in range(k):
        base = y[chosen]
        gains = [hypervolume(np.vstack([base, y[i : i + 1]]), ref) for i in rest]
        pick = rest[int(np.argmax(gains))]
        chosen.append(pick)
        rest.remove(pick)
    return np.asarray(chosen, dtype=np.intp)


def split_multi_objective(losses: FloatArray, n_good: int) -> npt.NDArray[np.bool_]:
    """Mask of ``n_good`` rows of ``losses`` (n x m, minimised): best fronts first."""
    y = np.asarray(losses, dtype=float)
    n = y.shape[0]
    good = np.zeros(n, dtype=bool)
    if n_good <= 0:
        return good
    if n_good >= n:
        good[:] = True
        return good
    # Infinite losses would make every volume infinite; rank on a finite copy.
    finite = np.where(np.isfinite(y), y, np.nan)
    worst = np.nanmax(finite, axis=0)
    best = np.nanmin(finite, axis=0)
    worst = np.where(np.isfinite(worst), worst, 0.0)
    best = np.where(np.isfinite(best), best, 0.0)
    span = np.maximum(worst - best, 1e-12)
    y = np.clip(np.nan_to_num(y, nan=np.inf), best - span, worst + span)
    remaining = np.arange(n)
    while True:
        front = remaining[non_dominated_mask(y[remaining])]
        room = n_good - int(good.sum())
        if len(front) <= room:
            good[front] = True
            remaining = remaining[~np.isin(remaining, front)]
            if len(front) == room:
                return good
            continue
        ref = worst + 0.1 * span + 1e-12
        pick = _select_by_hypervolume(y[front], room, ref)
        good[front[pick]] = True
        return good
