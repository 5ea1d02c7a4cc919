"""Plots over parameters: parallel coordinates, slices, contours and rank plots."""

from __future__ import annotations

import itertools
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
    ParamColumn,
    Target,
    as_study,
    check_target,
    check_target_name,
    completed,
    numbers,
    param_column,
    resolve_params,
    target_values,
)

GRID_SIZE = 100


@dataclass(frozen=True)
class _Frame:
    numbers: IntArray
    values: FloatArray
    columns: dict[str, ParamColumn]


def _frame(
    study: Study, params: Sequence[str] | None, target: Target | None, target_name: str
) -> tuple[_Frame, list[str]]:
    """Completed trials with a finite value, and the parameter columns asked for."""
    as_study(study)
    check_target(study, target)
    check_target_name(target_name)
    trials = completed(study)
    values = target_values(trials, target)
    keep = np.isfinite(values)
    trials = [t for t, k in zip(trials, keep, strict=False) if k]
    names = resolve_params(trials, params)
    columns = {n: param_column(trials, n) for n in names}
    return _Frame(numbers(trials), values[keep], columns), names


def _subset(col: ParamColumn, mask: np.ndarray) -> ParamColumn:
    return ParamColumn(
        col.name,
        col.values[mask],
        col.is_log,
        col.is_categorical,
        col.categories,
        col.low,
        col.high,
    )


# -- parallel coordinates -------------------------------------------------------------------
@dataclass(frozen=True)
class ParallelCoordinateData:
    """Completed trials that have every parameter shown: one axis per parameter.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1) + t.suggest_int("n", 1, 3), n_trials=5)
    >>> data = parallel_coordinate_data(study)
    >>> [c.name for c in data.columns], len(data.values)
    (['n', 'x'], 5)
    """

    target_name: str
    numbers: IntArray
    values: FloatArray
    columns: tuple[ParamColumn, ...]
    skipped_numbers: IntArray


def parallel_coordinate_data(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> ParallelCoordinateData:
    """The data of :func:`plot_parallel_coordinate` (trials lacking a parameter are skipped)."""
    frame, names = _frame(study, params, target, target_name)
    mask = np.ones(frame.numbers.size, dtype=bool)
    for n in names:
        mask &= frame.columns[n].present
    cols = tuple(_subset(frame.columns[n], mask) for n in names)
    if not mask.any():
        warnings.warn("No completed trial has all of the parameters to plot.", stacklevel=2)
    return ParallelCoordinateData(
        target_name, frame.numbers[mask], frame.values[mask], cols, frame.numbers[~mask]
    )


# -- slices ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class SliceParam:
    """The completed trials that have parameter ``column.name``: its value against theirs."""

    column: ParamColumn
    values: FloatArray
    numbers: IntArray


@dataclass(frozen=True)
class SliceData:
    """What :func:`plot_slice` draws, one panel per parameter.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 1e-3, 1, log=True), n_trials=5)
    >>> panel = slice_data(study).params[0]
    >>> panel.column.name, panel.column.is_log, len(panel.values)
    ('x', True, 5)
    """

    target_name: str
    params: tuple[SliceParam, ...]


def slice_data(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> SliceData:
    """The data of :func:`plot_slice`."""
    frame, names = _frame(study, params, target, target_name)
    out = []
    for n in names:
        mask = frame.columns[n].present
        out.append(
            SliceParam(_subset(frame.columns[n], mask), frame.values[mask], frame.numbers[mask])
        )
    return SliceData(target_name, tuple(out))


# -- contours and rank plots ----------------------------------------------------------------
@dataclass(frozen=True)
class ParamPair:
    """Completed trials that have both parameters: positions and values.

    ``grid_x``/``grid_y`` (``GRID_SIZE`` points each, in parameter units; category indices
    for categorical parameters) and ``grid_z`` (rows follow ``grid_y``) interpolate the
    values (the mean of the trials in each cell, an empty cell takes the nearest filled
    cell's); they are empty
    when fewer than 2 distinct points exist or when the pair was built for a rank plot.
    """

    x: ParamColumn
    y: ParamColumn
    values: FloatArray
    numbers: IntArray
    grid_x: FloatArray
    grid_y: FloatArray
    grid_z: FloatArray


@dataclass(frozen=True)
class ContourData:
    """What :func:`plot_contour` draws: one panel per pair of parameters.

    >>> import hypersweep as hs
    >>> def objective(t):
    ...     return t.suggest_float("x", -1, 1) ** 2 + t.suggest_float("y", -1, 1) ** 2
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(objective, n_trials=20)
    >>> pair = contour_data(study).pairs[0]
    >>> pair.x.name, pair.y.name, pair.grid_z.shape
    ('x', 'y', (100, 100))
    """

    target_name: str
    params: tuple[str, ...]
    pairs: tuple[ParamPair, ...]
    minimize: bool


def _axis(col: ParamColumn, points: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(grid in plot units, grid in interpolation units) for one axis."""
    if col.is_categorical:
        grid = np.linspace(0.0, max(len(col.categories) - 1, 0), GRID_SIZE)
        return grid, grid
    low, high = col.low, col.high
    finite = points[np.isfinite(points)]
    if finite.size:
        low, high = min(low, float(finite.min())), max(high, float(finite.max()))
    if col.is_log:
        unit = np.linspace(math.log10(low), math.log10(high), GRID_SIZE)
        return 10.0**unit, unit
    grid = np.linspace(low, high, GRID_SIZE)
    return grid, grid


def _unit(col: ParamColumn, v: FloatArray) -> FloatArray:
    return np.log10(v) if col.is_log else v


def _interpolate(
    x: ParamColumn, y: ParamColumn, values: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The value on a ``GRID_SIZE`` square grid: the mean of the trials in each cell, empty
    cells taking the nearest filled cell's (linear in the number of trials, no
    triangulation, so 10,000 trials cost milliseconds)."""
    from scipy.ndimage import distance_transform_edt

    gx, ux = _axis(x, x.values)
    gy, uy = _axis(y, y.values)
    px, py = _unit(x, x.values), _unit(y, y.values)
    if len(np.unique(np.column_stack([px, py]), axis=0)) < 2:
        return np.empty(0), np.empty(0), np.empty((0, 0))
    last = GRID_SIZE - 1
    ix = np.clip(np.rint((px - ux[0]) / ((ux[-1] - ux[0]) or 1.0) * last), 0, last).astype(int)
    iy = np.clip(np.rint((py - uy[0]) / ((uy[-1] - uy[0]) or 1.0) * last), 0, last).astype(int)
    total = np.zeros((GRID_SIZE, GRID_SIZE))
    count = np.zeros((GRID_SIZE, GRID_SIZE))
    np.add.at(total, (iy, ix), values)
    np.add.at(count, (iy, ix), 1.0)
    filled = count > 0
    z = np.where(filled, total / np.maximum(count, 1.0), 0.0)
    _, (ny, nx) = distance_transform_edt(~filled, return_indices=True)
    return gx, gy, np.asarray(z[ny, nx], dtype=float)


def _pairs(frame: _Frame, names: list[str], grid: bool) -> tuple[ParamPair, ...]:
    out = []
    for a, b in itertools.combinations(names, 2):
        mask = frame.columns[a].present & frame.columns[b].present
        x, y = _subset(frame.columns[a], mask), _subset(frame.columns[b], mask)
        values = frame.values[mask]
        if grid and values.size:
            gx, gy, gz = _interpolate(x, y, values)
        else:
            gx, gy, gz = np.empty(0), np.empty(0), np.empty((0, 0))
        out.append(ParamPair(x, y, values, frame.numbers[mask], gx, gy, gz))
    return tuple(out)


def contour_data(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> ContourData:
    """The data of :func:`plot_contour` (needs two parameters or more)."""
    frame, names = _frame(study, params, target, target_name)
    if len(names) < 2:
        warnings.warn("A contour plot needs at least two parameters.", stacklevel=2)
    minimize = study.directions[0].name == "MINIMIZE"
    return ContourData(target_name, tuple(names), _pairs(frame, names, grid=True), minimize)


@dataclass(frozen=True)
class RankData:
    """What :func:`plot_rank` draws: trials placed by parameters, coloured by rank.

    ``ranks`` maps each trial number to its rank share in ``[0, 1]`` (0 = lowest value).
    With one parameter, ``single`` holds it and the panel plots it against the value.

    >>> import hypersweep as hs
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=0))
    >>> study.optimize(lambda t: t.suggest_float("x", 0, 1), n_trials=3)
    >>> data = rank_data(study)
    >>> sorted(data.ranks.values())
    [0.0, 0.5, 1.0]
    """

    target_name: str
    params: tuple[str, ...]
    pairs: tuple[ParamPair, ...]
    single: SliceParam | None
    ranks: dict[int, float]


def rank_data(
    study: Study,
    params: list[str] | None = None,
    *,
    target: Target | None = None,
    target_name: str = DEFAULT_TARGET_NAME,
) -> RankData:
    """The data of :func:`plot_rank`."""
    from scipy.stats import rankdata

    frame, names = _frame(study, params, target, target_name)
    n = frame.values.size
    share = (rankdata(frame.values) - 1) / max(n - 1, 1) if n else np.empty(0)
    ranks = {int(k): float(v) for k, v in zip(frame.numbers, share, strict=False)}
    single = None
    if len(names) == 1:
        col = frame.columns[names[0]]
        mask = col.present
        single = SliceParam(_subset(col, mask), frame.values[mask], frame.numbers[mask])
    return RankData(target_name, tuple(names), _pairs(frame, names, grid=False), single, ranks)
