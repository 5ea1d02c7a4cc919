"""Empirical distribution function of the objective values of one study or several."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...study import Study
from ._common import (
    DEFAULT_TARGET_NAME,
    FloatArray,
    Target,
    as_studies,
    check_target,
    check_target_name,
    completed,
    target_values,
)

N_POINTS = 100


@dataclass(frozen=True)
class EdfLine:
    """The share of a study's completed trials whose value is ``<= x`` (at the shared ``x``)."""

    study_name: str
    y: FloatArray


@dataclass(frozen=True)
class EdfData:
    """What :func:`plot_edf` draws: one line per study over ``x`` (100 points).

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=10)
    >>> data = edf_data(study)
    >>> float(data.lines[0].y[-1])
    1.0
    """

    target_name: str
    x: FloatArray
    lines: tuple[EdfLine, ...]


def edf_data(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> EdfData:
    """The data of :func:`plot_edf`."""
    studies = as_studies(study)
    check_target_name(target_name)
    for s in studies:
        check_target(s, target)
    per_study = []
    for s in studies:
        v = target_values(completed(s), target)
        per_study.append((s.study_name, v[np.isfinite(v)]))
    finite = [v for _, v in per_study if v.size]
    if not finite:
        warnings.warn("There are no completed trials to plot.", stacklevel=2)
        return EdfData(target_name, np.empty(0), ())
    low = min(float(v.min()) for v in finite)
    high = max(float(v.max()) for v in finite)
    x = np.linspace(low, high, N_POINTS)
    lines = []
    for name, v in per_study:
        if v.size == 0:
            continue
        y = np.searchsorted(np.sort(v), x, side="right") / v.size
        lines.append(EdfLine(name, y.astype(float)))
    return EdfData(target_name, x, tuple(lines))
