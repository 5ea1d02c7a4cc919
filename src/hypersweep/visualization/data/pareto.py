"""Multi-objective plots: the Pareto front (2-D/3-D) and the hypervolume history."""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ...algorithms import non_dominated_mask
from ...algorithms.tpe.mo import hypervolume
from ...study import Study
from ...trial import FrozenTrial, StudyDirection
from ._common import FloatArray, IntArray, as_study, completed, numbers

Targets = Callable[[FrozenTrial], Sequence[float]]
Constraints = Callable[[FrozenTrial], Sequence[float]]


def _signs(study: Study) -> FloatArray:
    return np.array([1.0 if d is StudyDirection.MINIMIZE else -1.0 for d in study.directions])


def _values(trials: Sequence[FrozenTrial], m: int) -> FloatArray:
    out = np.full((len(trials), m), math.nan)
    for i, t in enumerate(trials):
        if t.values is not None:
            out[i] = t.values
    return out


@dataclass(frozen=True)
class ParetoFrontData:
    """Completed trials as points: on the front (``best``), dominated, and infeasible.

    >>> import hypersweep as hs
    >>> study = hs.create_study(directions=["minimize", "minimize"],
    ...                         sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.params["x"] ** 2), n_trials=6)
    >>> data = pareto_front_data(study)
    >>> data.target_names, data.best_points.shape[1], len(data.dominated_numbers)
    (('Objective 0', 'Objective 1'), 2, 0)
    """

    target_names: tuple[str, ...]
    best_points: FloatArray
    best_numbers: IntArray
    dominated_points: FloatArray
    dominated_numbers: IntArray
    infeasible_points: FloatArray
    infeasible_numbers: IntArray

    @property
    def n_targets(self) -> int:
        return len(self.target_names)


def pareto_front_data(
    study: Study,
    *,
    target_names: list[str] | None = None,
    include_dominated_trials: bool = True,
    constraints_func: Constraints | None = None,
    targets: Targets | None = None,
) -> ParetoFrontData:
    """The data of :func:`plot_pareto_front`. The front is taken on the study's objectives;
    ``targets`` only changes where the points are drawn (2 or 3 coordinates)."""
    as_study(study)
    m = len(study.directions)
    if targets is None and m not in (2, 3):
        raise ValueError(
            f"A Pareto front plot needs 2 or 3 objectives (the study has {m}); "
            "pass `targets` to choose 2 or 3 coordinates."
        )
    if targets is not None and not callable(targets):
        raise TypeError("`targets` must be a callable returning 2 or 3 floats.")
    if constraints_func is not None and not callable(constraints_func):
        raise TypeError("`constraints_func` must be a callable returning floats.")
    trials = completed(study)
    losses = _values(trials, m) * _signs(study)
    if targets is None:
        points = _values(trials, m)
    else:
        points = np.array([list(targets(t)) for t in trials], dtype=float).reshape(len(trials), -1)
    n_targets = points.shape[1] if trials else (m if targets is None else 2)
    if trials and n_targets not in (2, 3):
        raise ValueError(f"`targets` must return 2 or 3 values, got {n_targets}.")
    if target_names is None:
        names = tuple(f"Objective {i}" for i in range(n_targets))
    else:
        names = tuple(target_names)
        if len(names) != n_targets:
            raise ValueError(
                f"`target_names` has {len(names)} names for {n_targets} plotted values."
            )
    feasible = np.ones(len(trials), dtype=bool)
    if constraints_func is not None:
        feasible = np.array(
            [all(c <= 0.0 for c in constraints_func(t)) for t in trials], dtype=bool
        ).reshape(len(trials))
    best = np.zeros(len(trials), dtype=bool)
    if feasible.any():
        idx = np.flatnonzero(feasible)
        best[idx[non_dominated_mask(losses[idx])]] = True
    dominated = feasible & ~best
    if not include_dominated_trials:
        dominated[:] = False
    nums = numbers(trials)
    empty = np.empty((0, n_targets))
    return ParetoFrontData(
        names,
        points[best] if trials else empty,
        nums[best],
        points[dominated] if trials else empty,
        nums[dominated],
        points[~feasible] if trials else empty,
        nums[~feasible],
    )


@dataclass(frozen=True)
class HypervolumeHistoryData:
    """The hypervolume of the feasible completed trials so far, after each completed trial.

    >>> import hypersweep as hs
    >>> study = hs.create_study(directions=["minimize", "minimize"],
    ...                         sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: (t.suggest_float("x", 0, 1), 1 - t.params["x"]), n_trials=5)
    >>> data = hypervolume_history_data(study, reference_point=[2.0, 2.0])
    >>> bool((data.values[1:] >= data.values[:-1]).all())
    True
    """

    numbers: IntArray
    values: FloatArray


def hypervolume_history_data(
    study: Study, reference_point: Sequence[float]
) -> HypervolumeHistoryData:
    """The data of :func:`plot_hypervolume_history`."""
    as_study(study)
    m = len(study.directions)
    if m < 2:
        raise ValueError("The hypervolume history needs a multi-objective study.")
    ref = np.asarray(reference_point, dtype=float)
    if ref.shape != (m,):
        raise ValueError(f"`reference_point` must have {m} values, got {ref.shape}.")
    if not np.all(np.isfinite(ref)):
        raise ValueError("`reference_point` must be finite.")
    signs = _signs(study)
    ref = ref * signs
    trials = completed(study)
    losses = _values(trials, m) * signs
    history = _history_2d(losses, ref) if m == 2 else _history_nd(losses, ref)
    return HypervolumeHistoryData(numbers(trials), history)


def _history_2d(losses: FloatArray, ref: FloatArray) -> FloatArray:
    """Exact 2-D hypervolume after each point, in one pass: the front is a staircase (first
    loss ascending, second descending) in two lists, a dominated point costs one bisection
    and a new front point adds the area it uncovers (amortised O(1) in the points it removes).

    >>> _history_2d(np.array([[1.0, 1.0], [0.0, 1.5], [2.0, 2.0], [0.5, 0.5]]),
    ...             np.array([3.0, 3.0])).tolist()
    [4.0, 5.5, 5.5, 7.0]
    """
    out = np.empty(len(losses))
    r0, r1 = float(ref[0]), float(ref[1])
    xs: list[float] = []
    ys: list[float] = []
    hv = 0.0
    for i, (a, b) in enumerate(losses.tolist()):
        if not (a < r0 and b < r1):  # outside the reference box (or NaN)
            out[i] = hv
            continue
        j = bisect.bisect_right(xs, a)
        if j and ys[j - 1] <= b:  # dominated by (or equal to) a front point
            out[i] = hv
            continue
        k = bisect.bisect_left(xs, a)  # from k on, the points with ys >= b are dominated
        x0, height = a, (ys[k - 1] if k else r1)
        gain = 0.0
        r = k
        while r < len(xs) and ys[r] >= b:
            gain += (xs[r] - x0) * (height - b)
            x0, height = xs[r], ys[r]
            r += 1
        gain += ((xs[r] if r < len(xs) else r0) - x0) * (height - b)
        xs[k:r] = [a]
        ys[k:r] = [b]
        hv += gain
        out[i] = hv
    return out


def _history_nd(losses: FloatArray, ref: FloatArray) -> FloatArray:
    """Hypervolume after each point for 3+ objectives: recomputed when the front changes."""
    n, m = losses.shape
    out = np.zeros(n)
    front = np.empty((0, m))
    for i in np.flatnonzero(np.all(losses < ref, axis=1)).tolist():
        p = losses[i]
        if front.size and np.any(np.all(front <= p, axis=1)):
            continue  # dominated by (or equal to) the front: no gain
        keep = ~np.all(p <= front, axis=1) if front.size else np.ones(0, dtype=bool)
        front = np.vstack([front[keep], p])
        out[i] = hypervolume(front, ref)
    return np.maximum.accumulate(out) if n else out
