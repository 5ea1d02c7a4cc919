"""Maximise an acquisition function over a mixed space.

1. Score quasi-random candidates (scrambled Sobol) over the region, plus Gaussian
   perturbations of a few *anchors* (typically the best points observed).
2. From the best few distinct candidates and the first anchor itself, run L-BFGS-B over the
   continuous dimensions (and the ordinal ones with many levels, relaxed), all starts at
   once: the objective is the sum over starts, which separates, so each start follows its
   own gradient.
3. Snap ordinal coordinates to their grid and search the discrete coordinates one at a time:
   every choice of a categorical, every level of a small ordinal, and levels at offsets
   1, 2, 4, ... of a large one. Repeat 2-3 while the discrete part changes.

Every value compared is the acquisition at a point that can really be tried (ordinal
coordinates on their grid), so rounding never hands back a point the model did not score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import scipy.optimize

from .kernels import FloatArray
from .spec import DimKind, SpaceSpec, nearest_index

#: Ordinal dimensions with at most this many levels are enumerated, never relaxed.
ENUMERATE_MAX = 16

AcqFn = Callable[[FloatArray], FloatArray]
AcqGradFn = Callable[[FloatArray], tuple[FloatArray, FloatArray]]


@dataclass(frozen=True)
class AcqfOptimizerConfig:
    """Sizes of the search: raw candidates, candidates per anchor, local starts, rounds.

    >>> AcqfOptimizerConfig().n_starts
    5
    """

    n_raw: int = 1024
    n_per_anchor: int = 64
    n_starts: int = 5
    start_at_best_anchor: bool = True
    max_rounds: int = 2
    lbfgs_max_iter: int = 60


def _sobol(d: int, n: int, rng: np.random.Generator) -> FloatArray:
    from scipy.stats import qmc  # scipy.stats is slow to import; only the first call pays

    m = int(np.ceil(np.log2(max(n, 2))))
    out: FloatArray = qmc.Sobol(d, scramble=True, seed=rng).random_base2(m)[:n]
    return out


def raw_candidates(
    spec: SpaceSpec,
    lower: FloatArray,
    upper: FloatArray,
    n: int,
    rng: np.random.Generator,
    anchors: FloatArray | None = None,
    n_per_anchor: int = 0,
) -> FloatArray:
    """Quasi-random points of the region plus perturbations of ``anchors``, snapped."""
    u = _sobol(spec.d, n, rng)
    x = lower + u * (upper - lower)
    for j, kind in enumerate(spec.kinds):
        if kind is DimKind.CATEGORICAL:
            x[:, j] = np.minimum(np.floor(u[:, j] * spec.n_choices[j]), spec.n_choices[j] - 1)
    parts = [x]
    if anchors is not None and len(anchors) and n_per_anchor:
        local = np.repeat(anchors, n_per_anchor, axis=0)
        # Half the perturbations are small (refine), half larger (nearby basins).
        scale = np.where(np.arange(len(local)) % 2 == 0, 0.02, 0.1)[:, None] * (upper - lower)
        ordered = spec.ordered()
        local[:, ordered] += rng.normal(size=(len(local), int(ordered.sum()))) * scale[:, ordered]
        local[:, ordered] = np.clip(local[:, ordered], lower[ordered], upper[ordered])
        for j, kind in enumerate(spec.kinds):
            if kind is DimKind.CATEGORICAL:
                flip = rng.random(len(local)) < 1.0 / max(int(spec.is_cat.sum()), 2)
                local[flip, j] = rng.integers(0, spec.n_choices[j], int(flip.sum()))
        parts.append(local)
    out: FloatArray = spec.snap(np.vstack(parts))
    return out


def _free_dims(spec: SpaceSpec) -> list[int]:
    free = []
    for j, kind in enumerate(spec.kinds):
        grid = spec.grids[j]
        if kind is DimKind.CONTINUOUS or (
            kind is DimKind.ORDINAL and grid is not None and len(grid) > ENUMERATE_MAX
        ):
            free.append(j)
    return free


def _local_lbfgs(
    value_and_grad: AcqGradFn,
    starts: FloatArray,
    free: list[int],
    lower: FloatArray,
    upper: FloatArray,
    max_iter: int,
) -> FloatArray:
    b, f = starts.shape[0], len(free)
    base = starts.copy()

    def objective(z: FloatArray) -> tuple[float, FloatArray]:
        x = base.copy()
        x[:, free] = z.reshape(b, f)
        values, grads = value_and_grad(x)
        return -float(np.sum(values)), -grads[:, free].ravel()

    bounds = [(float(lower[j]), float(upper[j])) for j in free] * b
    res = scipy.optimize.minimize(
        objective,
        base[:, free].ravel(),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": max_iter, "gtol": 1e-6, "ftol": 1e-8},
    )
    out: FloatArray = base.copy()
    out[:, free] = np.asarray(res.x).reshape(b, f)
    return out


def _alternatives(
    spec: SpaceSpec, j: int, current: float, lower: float, upper: float
) -> FloatArray:
    if spec.kinds[j] is DimKind.CATEGORICAL:
        return np.arange(spec.n_choices[j], dtype=float)
    grid = spec.grids[j]
    assert grid is not None
    inside = grid[(grid >= lower - 1e-12) & (grid <= upper + 1e-12)]
    if len(inside) == 0:
        inside = grid
    if len(inside) <= ENUMERATE_MAX:
        return inside
    i = int(nearest_index(inside, np.array([current]))[0])
    offsets = 2 ** np.arange(int(np.log2(len(inside))) + 1)
    idx = np.concatenate([i - offsets, [i], i + offsets])
    out: FloatArray = inside[np.unique(np.clip(idx, 0, len(inside) - 1))]
    return out


def _discrete_search(
    acq: AcqFn,
    x: FloatArray,
    values: FloatArray,
    spec: SpaceSpec,
    lower: FloatArray,
    upper: FloatArray,
    pool: list[tuple[FloatArray, FloatArray]],
) -> tuple[FloatArray, FloatArray]:
    """One pass of coordinate search over the discrete dimensions, for every row of ``x``;
    every point scored is added to ``pool``."""
    x, values = x.copy(), values.copy()
    for j, kind in enumerate(spec.kinds):
        if kind is DimKind.CONTINUOUS:
            continue
        alts = [_alternatives(spec, j, float(x[i, j]), lower[j], upper[j]) for i in range(len(x))]
        trial = np.repeat(x, [len(a) for a in alts], axis=0)
        trial[:, j] = np.concatenate(alts)
        scores = acq(trial)
        pool.append((trial, scores))
        start = 0
        for i, a in enumerate(alts):
            k = int(np.argmax(scores[start : start + len(a)]))
            if scores[start + k] > values[i]:
                values[i] = scores[start + k]
                x[i] = trial[start + k]
            start += len(a)
    return x, values


def _best_allowed(
    pool: list[tuple[FloatArray, FloatArray]], exclude: FloatArray | None
) -> tuple[FloatArray, float]:
    xs = np.vstack([p[0] for p in pool])
    vs = np.concatenate([p[1] for p in pool])
    order = np.argsort(-vs, kind="stable")
    if exclude is not None and len(exclude):
        seen = {row.tobytes() for row in np.ascontiguousarray(exclude, dtype=float)}
        for i in order:
            if np.ascontiguousarray(xs[i]).tobytes() not in seen:
                return xs[i].copy(), float(vs[i])
    return xs[order[0]].copy(), float(vs[order[0]])


def optimize_acqf(
    acq: AcqFn,
    value_and_grad: AcqGradFn,
    spec: SpaceSpec,
    rng: np.random.Generator,
    *,
    lower: FloatArray | None = None,
    upper: FloatArray | None = None,
    anchors: FloatArray | None = None,
    exclude: FloatArray | None = None,
    config: AcqfOptimizerConfig | None = None,
) -> tuple[FloatArray, float]:
    """The best point found in the region ``[lower, upper]`` (ordered dimensions) and its value.

    Rows of ``exclude`` (points already tried, or pending) are not returned while any other
    scored point remains: in a discrete space, re-trying a point would waste a trial.

    >>> spec = SpaceSpec.build([DimKind.CONTINUOUS, DimKind.ORDINAL],
    ...                        grids={1: (np.arange(5) + 0.5) / 5})
    >>> def f(x): return -((x[:, 0] - 0.3) ** 2) - (x[:, 1] - 0.5) ** 2
    >>> def fg(x):
    ...     return f(x), np.stack([-2 * (x[:, 0] - 0.3), -2 * (x[:, 1] - 0.5)], axis=1)
    >>> x, v = optimize_acqf(f, fg, spec, np.random.default_rng(0))
    >>> [round(float(c), 3) for c in x]
    [0.3, 0.5]
    """
    cfg = config or AcqfOptimizerConfig()
    d = spec.d
    lower = np.zeros(d) if lower is None else np.asarray(lower, dtype=float)
    upper = np.ones(d) if upper is None else np.asarray(upper, dtype=float)
    cands = raw_candidates(spec, lower, upper, cfg.n_raw, rng, anchors, cfg.n_per_anchor)
    scores = acq(cands)
    pool = [(cands, scores)]
    order = np.argsort(-scores, kind="stable")
    _, first = np.unique(cands[order], axis=0, return_index=True)
    top = order[np.sort(first)[: cfg.n_starts]]
    x, values = cands[top], scores[top]
    if cfg.start_at_best_anchor and anchors is not None and len(anchors):
        # Also climb from the incumbent itself: the precise local refinement of the best
        # point is what the last trials of a budget are for.
        first_anchor = spec.snap(anchors[:1])
        x = np.vstack([x, first_anchor])
        values = np.concatenate([values, acq(first_anchor)])
    free = _free_dims(spec)
    discrete = [j for j in range(d) if j not in free]
    for _ in range(cfg.max_rounds):
        before = x.copy()
        if free:
            moved = spec.snap(
                _local_lbfgs(value_and_grad, x, free, lower, upper, cfg.lbfgs_max_iter)
            )
            moved_values = acq(moved)
            pool.append((moved, moved_values))
            better = moved_values > values
            x[better], values[better] = moved[better], moved_values[better]
        if discrete:
            x, values = _discrete_search(acq, x, values, spec, lower, upper, pool)
        if not discrete or np.array_equal(before[:, discrete], x[:, discrete]):
            break
    return _best_allowed(pool, exclude)
