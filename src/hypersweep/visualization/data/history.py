"""Optimization history: each completed trial's value and the best value so far."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...study import Study
from ._common import (
    DEFAULT_TARGET_NAME,
    FloatArray,
    IntArray,
    Target,
    as_studies,
    check_target,
    check_target_name,
    completed,
    is_minimize,
    numbers,
    target_values,
)


@dataclass(frozen=True)
class HistorySeries:
    """One study's completed trials: numbers, values and the best value so far."""

    study_name: str
    numbers: IntArray
    values: FloatArray
    best_values: FloatArray


@dataclass(frozen=True)
class HistoryBand:
    """Mean and standard deviation over several studies, by trial number (``error_bar``)."""

    numbers: IntArray
    mean: FloatArray
    std: FloatArray
    best_mean: FloatArray
    best_std: FloatArray


@dataclass(frozen=True)
class OptimizationHistoryData:
    """What :func:`plot_optimization_history` draws.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=5)
    >>> data = optimization_history_data(study)
    >>> len(data.series[0].values), bool(data.series[0].best_values[-1] <= data.series[0].values[0])
    (5, True)
    """

    target_name: str
    minimize: bool
    series: tuple[HistorySeries, ...]
    band: HistoryBand | None = None


def _best_so_far(values: FloatArray, minimize: bool) -> FloatArray:
    if values.size == 0:
        return np.array(values, dtype=float)
    if minimize:
        best = np.minimum.accumulate(np.where(np.isnan(values), math.inf, values))
    else:
        best = np.maximum.accumulate(np.where(np.isnan(values), -math.inf, values))
    return np.asarray(best, dtype=float)


def optimization_history_data(
    study: Study | Sequence[Study],
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
    error_bar: bool = False,
) -> OptimizationHistoryData:
    """The data of the optimization history of one study or several (see the record)."""
    studies = as_studies(study)
    check_target_name(target_name)
    if not isinstance(error_bar, bool):
        raise TypeError("`error_bar` must be a bool.")
    for s in studies:
        check_target(s, target)
    minimize = is_minimize(studies[0], target)
    if any(is_minimize(s, target) != minimize for s in studies):
        raise ValueError("The studies must all have the same direction.")
    series = []
    for s in studies:
        trials = completed(s)
        values = target_values(trials, target)
        series.append(
            HistorySeries(s.study_name, numbers(trials), values, _best_so_far(values, minimize))
        )
    if error_bar and any(s.values.size for s in series):
        band: HistoryBand | None = _band(series, minimize)
    else:
        band = None
    if all(s.values.size == 0 for s in series):
        warnings.warn("The study has no completed trial to plot.", stacklevel=2)
    return OptimizationHistoryData(target_name, minimize, tuple(series), band)


def _band(series: Sequence[HistorySeries], minimize: bool) -> HistoryBand:
    size = max(int(s.numbers.max()) + 1 for s in series if s.numbers.size)
    values = np.full((len(series), size), math.nan)
    best = np.full((len(series), size), math.nan)
    for i, s in enumerate(series):
        values[i, s.numbers] = s.values
        filled = np.full(size, math.nan)
        filled[s.numbers] = s.best_values
        # the best so far carries over trial numbers that did not complete
        idx = np.where(~np.isnan(filled), np.arange(size), 0)
        np.maximum.accumulate(idx, out=idx)
        carried = filled[idx]
        if s.numbers.size:
            carried[: int(s.numbers.min())] = math.nan
        best[i] = carried
    keep = ~np.all(np.isnan(values), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return HistoryBand(
            np.flatnonzero(keep).astype(np.int64),
            np.nanmean(values[:, keep], axis=0),
            np.nanstd(values[:, keep], axis=0),
            np.nanmean(best[:, keep], axis=0),
            np.nanstd(best[:, keep], axis=0),
        )
