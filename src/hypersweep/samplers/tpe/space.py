"""TPE's view of distributions: coordinates, dimension descriptors, groups of parameters.

Numeric parameters use the unit-box encoding of :mod:`hypersweep.space` (``to_unit`` /
``from_unit``); categorical ones use their choice index, which the categorical kernel needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np

from ..algorithms.tpe import Dimension
from ..space import CategoricalDistribution, Distribution, FloatDistribution, IntDistribution

#: Numeric grids with at most this many values get exact cell probabilities; finer grids are
#: modelled as continuous (with a bandwidth of at least one cell), which is as accurate there.
SMALL_GRID = 64

FloatArray = np.ndarray


def encode(dist: Distribution, internal: FloatArray) -> FloatArray:
    """Coordinates of internal values (vectorised): unit box, or choice index."""
    if isinstance(dist, CategoricalDistribution):
        return np.asarray(internal, dtype=float)
    return np.asarray(dist.to_unit(internal), dtype=float)


def decode(dist: Distribution, coordinate: float) -> Any:
    """The external value at one coordinate."""
    if isinstance(dist, CategoricalDistribution):
        n = len(dist.choices)
        return dist.choices[min(max(round(coordinate), 0), n - 1)]
    return dist.from_unit_scalar(float(coordinate))


def _n_values(dist: FloatDistribution | IntDistribution) -> int:
    if isinstance(dist, IntDistribution):
        return (dist.high - dist.low) // dist.step + 1
    assert dist.step is not None
    return round((dist.high - dist.low) / dist.step) + 1


@lru_cache(maxsize=1024)
def dimension(dist: Distribution) -> Dimension:
    """The estimator's descriptor of ``dist``'s coordinate."""
    if isinstance(dist, CategoricalDistribution):
        return Dimension.categorical(len(dist.choices))
    if isinstance(dist, FloatDistribution) and dist.step is None:
        return Dimension.continuous()
    n = _n_values(dist)
    if isinstance(dist, IntDistribution) and dist.log:
        lo, hi = math.log(dist.low - 0.5), math.log(dist.high + 0.5)
        bounds = np.arange(dist.low, dist.high + 2) - 0.5
        edges = (np.log(bounds) - lo) / (hi - lo)
        edges[0], edges[-1] = 0.0, 1.0
        if n <= SMALL_GRID:
            return Dimension.discrete(edges.tolist())
        return Dimension.continuous(min_bandwidth=float(np.min(np.diff(edges))))
    if n <= SMALL_GRID:
        return Dimension.discrete(np.linspace(0.0, 1.0, n + 1).tolist())
    return Dimension.continuous(min_bandwidth=1.0 / n)


def decompose(patterns: Iterable[frozenset[str]]) -> list[tuple[str, ...]]:
    """Groups of names that always occur together: the atoms of the ``patterns`` (sets).

    Every pattern is a union of groups, so a trial has all of a group's parameters or none.

    >>> decompose([frozenset("kC"), frozenset("kCg"), frozenset("kCd")])
    [('C', 'k'), ('d',), ('g',)]
    """
    groups: list[set[str]] = []
    for pattern in patterns:
        rest = set(pattern)
        refined: list[set[str]] = []
        for g in groups:
            inside, outside = g & rest, g - rest
            if inside:
                refined.append(inside)
            if outside:
                refined.append(outside)
            rest -= g
        if rest:
            refined.append(rest)
        groups = refined
    return sorted(tuple(sorted(g)) for g in groups)
