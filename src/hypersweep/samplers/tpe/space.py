"""TPE's view of distributions: dimension descriptors and groups of parameters.

Coordinates come from :mod:`hypersweep.space.encoding` with ``categorical="index"``: numeric
parameters in the unit box, categorical ones as their choice index, which the categorical
kernel needs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Final

import numpy as np

from ...algorithms.tpe import Dimension
from ...space import CategoricalDistribution, Distribution, IntDistribution

#: Numeric grids with at most this many values get exact cell probabilities; finer grids are
#: modelled as continuous (with a bandwidth of at least one cell), which is as accurate there.
SMALL_GRID = 64

#: How TPE encodes categorical parameters (see :class:`hypersweep.space.UnitBoxEncoder`).
CATEGORICAL: Final = "index"


@lru_cache(maxsize=1024)
def dimension(dist: Distribution) -> Dimension:
    """The estimator's descriptor of ``dist``'s coordinate."""
    if isinstance(dist, CategoricalDistribution):
        return Dimension.categorical(dist.n_levels())
    n = dist.n_levels()
    if n is None:
        return Dimension.continuous()
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
