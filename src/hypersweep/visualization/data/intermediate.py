"""Intermediate values: each trial's reports over steps, one line per trial record."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...study import Study
from ...trial import FrozenTrial, TrialState
from ._common import FloatArray, IntArray, as_study

_STATES = (TrialState.PRUNED, TrialState.COMPLETE, TrialState.RUNNING)


def report_value(value: Any) -> float:
    """A report as one float (the first objective's in multi-objective studies)."""
    if isinstance(value, (tuple, list)):
        return float(value[0]) if value else math.nan
    return float(value)


@dataclass(frozen=True)
class IntermediateValuesData:
    """Every trial's reports, flat: trial ``i`` owns ``steps[offsets[i]:offsets[i+1]]``.

    >>> import hypersweep as hs
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     for step in range(3):
    ...         trial.report(x * step, step)
    ...     return x
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=4)
    >>> data = intermediate_values_data(study)
    >>> data.numbers.tolist(), data.offsets.tolist()
    ([0, 1, 2, 3], [0, 3, 6, 9, 12])
    """

    numbers: IntArray
    states: tuple[TrialState, ...]
    offsets: IntArray
    steps: IntArray
    values: FloatArray

    def lines(self) -> Iterator[tuple[int, IntArray, FloatArray]]:
        """``(number, steps, values)`` per trial."""
        for i, n in enumerate(self.numbers):
            a, b = self.offsets[i], self.offsets[i + 1]
            yield int(n), self.steps[a:b], self.values[a:b]


def intermediate_values_data(study: Study) -> IntermediateValuesData:
    """The data of :func:`plot_intermediate_values` (PRUNED, COMPLETE, RUNNING trials)."""
    trials: list[FrozenTrial] = [
        t
        for t in as_study(study).get_trials(deepcopy=False, states=_STATES)
        if t.intermediate_values
    ]
    counts = np.fromiter((len(t.intermediate_values) for t in trials), np.int64, len(trials))
    offsets = np.zeros(len(trials) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    steps = np.empty(int(offsets[-1]), dtype=np.int64)
    values = np.empty(int(offsets[-1]))
    for i, t in enumerate(trials):
        items = sorted(t.intermediate_values.items())
        a = offsets[i]
        steps[a : a + len(items)] = [s for s, _ in items]
        values[a : a + len(items)] = [report_value(v) for _, v in items]
    nums = np.fromiter((t.number for t in trials), np.int64, len(trials))
    return IntermediateValuesData(nums, tuple(t.state for t in trials), offsets, steps, values)
