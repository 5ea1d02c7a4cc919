"""Search spaces: named distributions, inferred from history, encoded to the unit box."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .distributions import Distribution, FloatArray
from .encoding import UnitBoxEncoder

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
    """Encode parameter dicts to rows of the unit box (one column per name of ``space``).

    Shorthand for :meth:`UnitBoxEncoder.encode <hypersweep.space.encoding.UnitBoxEncoder.encode>`
    (categorical parameters at the centres of their choices' cells).
    """
    return UnitBoxEncoder(space).encode(params)


def decode(space: Mapping[str, Distribution], unit: FloatArray) -> list[dict[str, Any]]:
    """Decode rows of the unit box to parameter dicts (inverse of :func:`encode`)."""
    return UnitBoxEncoder(space).decode(unit)
