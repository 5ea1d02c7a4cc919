"""Search spaces: named distributions, inferred from history, encoded to the unit box."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .distributions import Distribution, FloatArray

SearchSpace = dict[str, Distribution]


def intersection_search_space(
    spaces: Iterable[Mapping[str, Distribution]],
) -> SearchSpace:
    """The parameters present, with the same distribution, in every one of ``spaces``.

    Returns the names sorted, so that the order of dimensions never depends on hashing.

    >>> from hypersweep.space import FloatDistribution
    >>> a = {"x": FloatDistribution(0, 1), "y": FloatDistribution(0, 1)}
    >>> b = {"x": FloatDistribution(0, 1)}
    >>> list(intersection_search_space([a, b]))
    ['x']
    """
    result: dict[str, Distribution] | None = None
    for space in spaces:
        if result is None:
            result = dict(space)
            continue
        current = result
        for name in list(current):
            if space.get(name) != current[name]:
                del current[name]
        if not current:
            break
    final = result or {}
    return {name: final[name] for name in sorted(final)}


def encode(space: Mapping[str, Distribution], params: Sequence[Mapping[str, Any]]) -> FloatArray:
    """Encode parameter dicts to rows of the unit box (one column per name of ``space``)."""
    out = np.empty((len(params), len(space)), dtype=float)
    for j, (name, dist) in enumerate(space.items()):
        internal = np.fromiter(
            (dist.to_internal(p[name]) for p in params), dtype=float, count=len(params)
        )
        out[:, j] = dist.to_unit(internal)
    return out


def decode(space: Mapping[str, Distribution], unit: FloatArray) -> list[dict[str, Any]]:
    """Decode rows of the unit box to parameter dicts (inverse of :func:`encode`)."""
    unit = np.atleast_2d(np.asarray(unit, dtype=float))
    columns = [
        [dist.to_external(v) for v in dist.from_unit(unit[:, j])]
        for j, dist in enumerate(space.values())
    ]
    names = list(space)
    return [{names[j]: columns[j][i] for j in range(len(names))} for i in range(unit.shape[0])]
