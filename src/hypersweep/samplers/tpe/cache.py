"""Incremental store of finished trials' coordinates for the TPE sampler.

Finished trials never change, so each is encoded once: a column per parameter (NaN where a
trial lacks it), the objective values, and for pruned trials their last report. Each sync
looks only at trials it has not seen finished (new ones and those that were running), so the
cost per trial does not grow with a Python loop over the whole history.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ...space import Distribution, encode_values
from ...trial import FrozenTrial, TrialState
from .space import CATEGORICAL, decompose


class RowKind(enum.IntEnum):
    """How a row's trial finished, as kept in ``StudyCache.kind`` (``int8``; 0 = no row)."""

    #: Completed with values: the row of ``values`` holds them.
    COMPLETE = 1
    #: Pruned (or completed without values): ``values`` and ``steps`` hold its last report.
    PRUNED = 2


class Column:
    """One parameter: its first-seen distribution and every finished trial's coordinate."""

    __slots__ = ("consistent", "coords", "dist", "internal")

    def __init__(self, dist: Distribution, capacity: int) -> None:
        self.dist = dist
        self.consistent = True  # every finished trial used ``dist`` for this name
        self.coords = np.full(capacity, np.nan)  # coordinate under ``dist``
        self.internal = np.full(capacity, np.nan)  # stored value, whatever the distribution

    def grow(self, capacity: int) -> None:
        for attr in ("coords", "internal"):
            old = getattr(self, attr)
            new = np.full(capacity, np.nan)
            new[: len(old)] = old
            setattr(self, attr, new)


def study_key(trials: Sequence[FrozenTrial]) -> tuple[Any, ...]:
    """What tells one study's history from another's: its first trial."""
    if not trials:
        return ()
    t = trials[0]
    params = tuple(sorted(t.params.items())) if t.state.is_finished() else ()
    return (t.trial_id, t.datetime_start, t.number, params)


class StudyCache:
    """Coordinates, values and parameter patterns of one study's finished trials."""

    def __init__(self, key: tuple[Any, ...], n_objectives: int) -> None:
        self.key = key
        self.n_objectives = n_objectives
        self.capacity = 64
        self.rows = 0
        self.numbers = np.zeros(self.capacity, dtype=np.int64)
        self.kind = np.zeros(self.capacity, dtype=np.int8)  # a RowKind per row
        self.values = np.full((self.capacity, n_objectives), np.nan)
        self.steps = np.full(self.capacity, -1.0)
        self.columns: dict[str, Column] = {}
        self.row_of: dict[int, int] = {}
        self.patterns: dict[frozenset[str], None] = {}
        self.seen = 0  # trials[:seen] have been looked at
        self.unfinished: set[int] = set()  # numbers below ``seen`` not finished then
        self.in_order = True  # rows are in trial-number order
        self.version = 0  # changes when groups may change
        self._groups: tuple[int, tuple[bool, bool], list[tuple[str, ...]]] | None = None

    # -- ingestion ---------------------------------------------------------------------------
    def matches(self, trials: Sequence[FrozenTrial]) -> bool:
        """Whether ``trials`` can be the history this cache was built from (a cheap check)."""
        if len(trials) < self.seen:
            return False
        if self.rows == 0:
            return True
        number = int(self.numbers[self.rows - 1])
        t = trials[number] if number < len(trials) and trials[number].number == number else None
        if t is None:
            t = next((x for x in trials if x.number == number), None)
        if t is None or not t.state.is_finished():
            return False
        if self.kind[self.rows - 1] == RowKind.COMPLETE:
            return t.values is not None and tuple(self.values[self.rows - 1]) == tuple(t.values)
        return t.state is TrialState.PRUNED

    def sync(self, trials: Sequence[FrozenTrial]) -> None:
        """Ingest the trials that finished since the last call."""
        n = len(trials)
        contiguous = n == 0 or (trials[0].number == 0 and trials[-1].number == n - 1)
        if not contiguous:
            # Hand-built histories may skip numbers: look everything up by number.
            by_number = {t.number: t for t in trials}
            fresh = [t for t in trials if t.state.is_finished() and t.number not in self.row_of]
            self._ingest(fresh)
            self.unfinished = {num for num, t in by_number.items() if not t.state.is_finished()}
            self.seen = n
            return
        fresh = []
        for num in sorted(self.unfinished):
            t = trials[num]
            if t.state.is_finished():
                fresh.append(t)
                self.unfinished.discard(num)
        for i in range(self.seen, n):
            t = trials[i]
            if t.state.is_finished():
                fresh.append(t)
            else:
                self.unfinished.add(i)
        self.seen = n
        if fresh:
            self._ingest(fresh)

    def _ensure(self, rows: int) -> None:
        if rows <= self.capacity:
            return
        cap = max(rows, 2 * self.capacity)
        self.numbers = np.concatenate([self.numbers, np.zeros(cap - self.capacity, np.int64)])
        self.kind = np.concatenate([self.kind, np.zeros(cap - self.capacity, np.int8)])
        extra = np.full((cap - self.capacity, self.n_objectives), np.nan)
        self.values = np.concatenate([self.values, extra])
        self.steps = np.concatenate([self.steps, np.full(cap - self.capacity, -1.0)])
        for col in self.columns.values():
            col.grow(cap)
        self.capacity = cap

    def _ingest(self, fresh: list[FrozenTrial]) -> None:
        usable = [t for t in fresh if t.state in (TrialState.COMPLETE, TrialState.PRUNED)]
        if not usable:
            return
        start = self.rows
        self._ensure(start + len(usable))
        batches: dict[str, tuple[list[int], list[float]]] = {}
        for offset, t in enumerate(usable):
            row = start + offset
            if self.in_order and row > 0 and t.number < self.numbers[row - 1]:
                self.in_order = False
            self.numbers[row] = t.number
            self.row_of[t.number] = row
            if t.state is TrialState.COMPLETE and t.values is not None:
                self.kind[row] = RowKind.COMPLETE
                self.values[row] = t.values
            else:
                self.kind[row] = RowKind.PRUNED
                self._set_pruned(row, t)
            names = []
            for name, value in t.params.items():
                dist = t.distributions[name]
                if dist.single():
                    continue
                names.append(name)
                col = self.columns.get(name)
                if col is None:
                    col = self.columns[name] = Column(dist, self.capacity)
                internal = dist.to_internal(value)
                col.internal[row] = internal
                if dist == col.dist:
                    batch = batches.setdefault(name, ([], []))
                    batch[0].append(row)
                    batch[1].append(internal)
                elif col.consistent:
                    col.consistent = False
                    self.version += 1
            pattern = frozenset(names)
            if pattern not in self.patterns:
                self.patterns[pattern] = None
                self.version += 1
        for name, (rows, internals) in batches.items():
            col = self.columns[name]
            col.coords[rows] = encode_values(col.dist, np.asarray(internals), CATEGORICAL)
        self.rows = start + len(usable)

    def _set_pruned(self, row: int, t: FrozenTrial) -> None:
        if not t.intermediate_values:
            return
        step = max(t.intermediate_values)
        value = t.intermediate_values[step]
        self.steps[row] = step
        vals = value if isinstance(value, (tuple, list)) else (value,)
        if len(vals) == self.n_objectives:
            self.values[row] = [v if not math.isnan(v) else math.inf for v in vals]

    # -- queries -----------------------------------------------------------------------------
    def groups(self, multivariate: bool, group: bool) -> list[tuple[str, ...]]:
        """Names sampled jointly, group by group (sorted; deterministic)."""
        cached = self._groups
        if cached is not None and cached[0] == self.version and cached[1] == (multivariate, group):
            return cached[2]
        usable = {n for n, c in self.columns.items() if c.consistent}
        result: list[tuple[str, ...]]
        if not multivariate:
            result = [(name,) for name in sorted(usable)]
        elif group:
            result = decompose(p & usable for p in self.patterns)
        else:
            common = set(usable)
            for p in self.patterns:
                common &= p
            result = [tuple(sorted(common))] if common else []
        self._groups = (self.version, (multivariate, group), result)
        return result

    def matrix(self, names: Sequence[str], rows: np.ndarray) -> np.ndarray:
        """Coordinates of ``names`` (columns) at ``rows``."""
        out = np.empty((len(rows), len(names)))
        for j, name in enumerate(names):
            out[:, j] = self.columns[name].coords[rows]
        return out


def encode_params(
    params_list: Sequence[Mapping[str, Any]],
    dists_list: Sequence[Mapping[str, Distribution]],
    names: Sequence[str],
    ref: Mapping[str, Distribution],
) -> np.ndarray:
    """Coordinates of ``names`` under the distributions ``ref`` for unfinished trials.

    A value counts when its trial suggested it with the same distribution, or, for a value the
    trial has not suggested yet (a planned relative sample, ``name`` absent from its
    distributions), when the distribution contains it. NaN marks the rest.
    """
    out = np.full((len(params_list), len(names)), np.nan)
    for j, name in enumerate(names):
        dist = ref[name]
        rows, internals = [], []
        for i, (params, dists) in enumerate(zip(params_list, dists_list, strict=True)):
            if name not in params:
                continue
            value = params[name]
            used = dists.get(name)
            if (used is not None and used != dist) or (used is None and not dist.contains(value)):
                continue
            rows.append(i)
            internals.append(dist.to_internal(value))
        if rows:
            out[rows, j] = encode_values(dist, np.asarray(internals), CATEGORICAL)
    return out
