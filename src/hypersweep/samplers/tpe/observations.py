"""Which trials feed the TPE model, with which losses, and which are pending (the liars).

By default the model learns from finished trials: COMPLETE ones by their values, PRUNED ones
ranked after every complete one (a trial stopped later ranks better; then by its last report).
An ``observations`` callback replaces that choice, e.g. :func:`observations_at_step`, which
takes the values trials reported at one step (one budget): the hook BOHB builds on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...algorithms.tpe import split_good
from ...space import Distribution
from ...trial import FrozenTrial, History, TrialState, keys
from .cache import RowKind, StudyCache

#: System attribute holding a trial's planned relative sample while it runs, so that other
#: workers (threads or processes) count it as pending before the objective suggests it.
PENDING_ATTR = keys.TPE_PLANNED

Observations = Callable[[History], Mapping[int, "float | Sequence[float]"]]


@dataclass(frozen=True)
class ObservationSet:
    """The rows a model is fitted on for one trial.

    ``rows`` index the cache (oldest first); ``extra`` are unfinished trials that also feed
    the model (only through an ``observations`` callback); ``good`` marks the good group over
    ``rows`` then ``extra``; ``pending_*`` describe running trials, which join the bad group.
    """

    cache: StudyCache
    rows: np.ndarray
    extra: tuple[FrozenTrial, ...]
    good: np.ndarray
    pending_params: tuple[Mapping[str, Any], ...]
    pending_dists: tuple[Mapping[str, Distribution], ...]
    multi_objective: bool


def _signs(history: History) -> np.ndarray:
    return np.array([history.sign(i) for i in range(history.n_objectives)])


def default_split(
    cache: StudyCache,
    history: History,
    gamma: Callable[[int], int],
    violations: Mapping[int, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of finished trials (oldest first) and their good-group mask.

    With ``violations`` (trial number -> total constraint violation, 0 when feasible; a
    trial not in it counts as infeasible) feasible trials rank first, then infeasible ones
    by violation.
    """
    n = cache.rows
    rows = np.arange(n)
    if not cache.in_order:
        rows = rows[np.argsort(cache.numbers[:n], kind="stable")]
    losses = cache.values[rows] * _signs(history)
    losses = np.where(np.isnan(losses), np.inf, losses)
    kind = cache.kind[rows]
    n_good = gamma(n)
    good = np.zeros(n, dtype=bool)
    viol = np.zeros(n)
    if violations is not None:
        viol = np.array([violations.get(int(k), np.inf) for k in cache.numbers[rows]], dtype=float)
    if history.n_objectives == 1:
        pruned = kind == RowKind.PRUNED
        if not pruned.any() and not viol.any():
            return rows, split_good(losses[:, 0], n_good)
        later = np.where(pruned, -cache.steps[rows], 0.0)
        order = np.lexsort((losses[:, 0], later, pruned, viol))
        good[order[:n_good]] = True
    else:
        complete = (kind == RowKind.COMPLETE) & (viol == 0)
        n_feasible = int(complete.sum())
        good[complete] = split_good(losses[complete], min(n_good, n_feasible))
        if n_good > n_feasible:  # too few feasible trials: the least violating ones join
            infeasible = np.flatnonzero(viol > 0)
            good[infeasible[np.argsort(viol[infeasible], kind="stable")][: n_good - n_feasible]] = (
                True
            )
    return rows, good


def callback_split(
    cache: StudyCache,
    history: History,
    trials: Sequence[FrozenTrial],
    observations: Observations,
    gamma: Callable[[int], int],
) -> tuple[np.ndarray, tuple[FrozenTrial, ...], np.ndarray]:
    """Rows, extra (unfinished) trials and good mask for a user's ``observations``."""
    chosen = observations(history)
    m = history.n_objectives
    by_number: dict[int, FrozenTrial] | None = None
    rows, row_vals, extra, extra_vals = [], [], [], []
    for number in sorted(chosen):
        raw = chosen[number]
        vals = np.ravel(np.asarray(raw, dtype=float))
        if vals.shape != (m,):
            raise ValueError(
                f"observations returned {raw!r} for trial {number}; give one value per "
                f"objective ({m})."
            )
        row = cache.row_of.get(number)
        if row is not None:
            rows.append(row)
            row_vals.append(vals)
            continue
        if by_number is None:
            by_number = {t.number: t for t in trials}
        t = by_number.get(number)
        if t is None:
            raise ValueError(f"observations named trial {number}, which is not in the study.")
        extra.append(t)
        extra_vals.append(vals)
    losses = np.array(row_vals + extra_vals, dtype=float).reshape(-1, m) * _signs(history)
    losses = np.where(np.isnan(losses), np.inf, losses)
    good = split_good(losses if m > 1 else losses[:, 0], gamma(len(losses)))
    return np.asarray(rows, dtype=np.intp), tuple(extra), good


def pending_trials(
    trials: Sequence[FrozenTrial], cache: StudyCache, exclude: set[int]
) -> tuple[tuple[Mapping[str, Any], ...], tuple[Mapping[str, Distribution], ...]]:
    """Params (planned and suggested) and distributions of running trials not in ``exclude``."""
    params, dists = [], []
    n = len(trials)
    for number in sorted(cache.unfinished):
        if number in exclude:
            continue
        t = trials[number] if number < n and trials[number].number == number else None
        if t is None or t.state is not TrialState.RUNNING:
            continue
        planned = t.system_attrs.get(PENDING_ATTR)
        merged = {**planned, **t.params} if isinstance(planned, Mapping) else dict(t.params)
        if merged:
            params.append(merged)
            dists.append(t.distributions)
    return tuple(params), tuple(dists)


def observations_at_step(
    step: int | None = None, *, min_trials: int = 10
) -> Callable[[History], dict[int, float | tuple[float, ...]]]:
    """An ``observations`` callback: the values trials reported at one step (one budget).

    With ``step=None`` it takes the largest step that at least ``min_trials`` trials reported
    (BOHB's rule: model the largest budget with enough data) and falls back to the completed
    trials' values while no step has that many. Trials of any state count, so configurations
    a scheduler stopped at that step still teach the model.

    >>> from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState
    >>> t = [FrozenTrial(number=i, state=TrialState.PRUNED, intermediate_values={1: 0.5 * i})
    ...      for i in range(3)]
    >>> observations_at_step(1)(History([StudyDirection.MINIMIZE], t))
    {0: 0.0, 1: 0.5, 2: 1.0}
    """
    if step is not None and step < 0:
        raise ValueError(f"step must be >= 0 or None, got {step}.")
    if min_trials < 1:
        raise ValueError(f"min_trials must be >= 1, got {min_trials}.")

    def observe(history: History) -> dict[int, float | tuple[float, ...]]:
        trials = history.trials
        chosen = step
        if chosen is None:
            counts: dict[int, int] = {}
            for t in trials:
                for s in t.intermediate_values:
                    counts[s] = counts.get(s, 0) + 1
            enough = [s for s, c in counts.items() if c >= min_trials]
            if not enough:
                return {
                    t.number: t.values[0] if len(t.values) == 1 else tuple(t.values)
                    for t in trials
                    if t.state is TrialState.COMPLETE and t.values is not None
                }
            chosen = max(enough)
        return {
            t.number: t.intermediate_values[chosen]
            for t in trials
            if chosen in t.intermediate_values
        }

    return observe


def is_pending(params: Mapping[str, Any], pending: Sequence[Mapping[str, Any]]) -> bool:
    """Whether ``params`` equals the parameters of a pending trial (on ``params``'s names).

    >>> is_pending({"x": 1}, [{"x": 1, "y": 2}]), is_pending({"x": 1}, [{"x": 2}])
    (True, False)
    """
    missing = object()
    return bool(params) and any(
        all(p.get(name, missing) == value for name, value in params.items()) for p in pending
    )
