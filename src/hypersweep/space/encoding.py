"""The unit-box encoding of search spaces that every model-based sampler uses.

A numeric parameter maps to ``[0, 1]`` with its distribution's ``to_unit`` (log-scaled ones
on their log scale; integers and stepped floats at the centres of equal-width cells) and
back with ``from_unit_scalar``. A categorical parameter maps, as the ``categorical`` option
says, either to

* ``"cell"``: the centre of its choice's cell, like a discrete number (a point drawn
  uniformly from the box decodes to a uniform choice: quasi-random and start-up points), or
* ``"index"``: its choice index ``0 .. n - 1``, for models with a kernel of their own for
  categories (TPE, the GP).

:class:`UnitBoxEncoder` maps parameter dicts of one space to rows of a matrix (one column per
parameter) and back; :func:`encode_values` and :func:`decode_value` do the same for a single
parameter, for samplers that keep one column per name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np

from .distributions import CategoricalDistribution, Distribution, FloatArray, FloatDistribution

CategoricalEncoding = Literal["cell", "index"]


def encode_values(
    dist: Distribution, internal: Any, categorical: CategoricalEncoding = "cell"
) -> FloatArray:
    """Coordinates of internal (stored) values of one parameter (vectorised).

    >>> encode_values(FloatDistribution(0, 10), [2.5, 10.0]).tolist()
    [0.25, 1.0]
    >>> d = CategoricalDistribution(["a", "b"])
    >>> encode_values(d, [1.0]).tolist(), encode_values(d, [1.0], "index").tolist()
    ([0.75], [1.0])
    """
    if categorical == "index" and isinstance(dist, CategoricalDistribution):
        return np.asarray(internal, dtype=float)
    return np.asarray(dist.to_unit(internal), dtype=float)


def decode_value(
    dist: Distribution, coordinate: float, categorical: CategoricalEncoding = "cell"
) -> Any:
    """The external value at one coordinate: clipped into ``[0, 1]``, or, for a choice
    index, rounded to the nearest choice.

    >>> decode_value(FloatDistribution(0, 10), 1.5), decode_value(FloatDistribution(0, 10), 0.25)
    (10.0, 2.5)
    >>> decode_value(CategoricalDistribution(["a", "b"]), 1.4, "index")
    'b'
    """
    if categorical == "index" and isinstance(dist, CategoricalDistribution):
        return dist.choices[min(max(round(float(coordinate)), 0), dist.n_levels() - 1)]
    return dist.from_unit_scalar(min(max(float(coordinate), 0.0), 1.0))


class UnitBoxEncoder:
    """Parameter dicts of a search space <-> rows of a matrix, one column per parameter.

    Columns follow the order of ``space``. Decoding clips numeric coordinates into the box.

    >>> from hypersweep.space import IntDistribution
    >>> space = {"x": FloatDistribution(0, 10), "k": IntDistribution(0, 3),
    ...          "c": CategoricalDistribution(["a", "b"])}
    >>> UnitBoxEncoder(space).encode([{"x": 2.5, "k": 1, "c": "b"}]).tolist()
    [[0.25, 0.375, 0.75]]
    >>> enc = UnitBoxEncoder(space, categorical="index")
    >>> enc.encode_row({"x": 2.5, "k": 1, "c": "b"}).tolist()
    [0.25, 0.375, 1.0]
    >>> enc.decode_row([0.25, 0.375, 1.0])
    {'x': 2.5, 'k': 1, 'c': 'b'}
    >>> enc.levels(1).tolist(), enc.levels(0)
    ([0.125, 0.375, 0.625, 0.875], None)
    """

    __slots__ = ("categorical", "dists", "names")

    def __init__(
        self, space: Mapping[str, Distribution], *, categorical: CategoricalEncoding = "cell"
    ) -> None:
        if categorical not in ("cell", "index"):
            raise ValueError(f"categorical must be 'cell' or 'index', got {categorical!r}.")
        self.names: tuple[str, ...] = tuple(space)
        self.dists: tuple[Distribution, ...] = tuple(space.values())
        self.categorical: CategoricalEncoding = categorical

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        space = dict(zip(self.names, self.dists, strict=True))
        return f"UnitBoxEncoder({space!r}, categorical={self.categorical!r})"

    def encode(self, params: Sequence[Mapping[str, Any]]) -> FloatArray:
        """Rows of ``params`` (every name of the space must be present), vectorised by column."""
        out = np.empty((len(params), len(self.names)), dtype=float)
        for j, (name, dist) in enumerate(zip(self.names, self.dists, strict=True)):
            internal = np.fromiter(
                (dist.to_internal(p[name]) for p in params), dtype=float, count=len(params)
            )
            out[:, j] = encode_values(dist, internal, self.categorical)
        return out

    def encode_row(self, params: Mapping[str, Any]) -> FloatArray:
        """The row of one parameter dict."""
        row: FloatArray = self.encode([params])[0]
        return row

    def decode(self, unit: Any) -> list[dict[str, Any]]:
        """Parameter dicts of the rows of ``unit`` (vectorised by column; inverse of
        :meth:`encode`)."""
        unit = np.atleast_2d(np.asarray(unit, dtype=float))
        columns = []
        for j, dist in enumerate(self.dists):
            if self.categorical == "index" and isinstance(dist, CategoricalDistribution):
                internal = np.clip(np.round(unit[:, j]), 0, dist.n_levels() - 1)
            else:
                internal = dist.from_unit(unit[:, j])
            columns.append([dist.to_external(v) for v in internal])
        names = self.names
        return [{names[j]: columns[j][i] for j in range(len(names))} for i in range(unit.shape[0])]

    def decode_row(self, row: Any) -> dict[str, Any]:
        """The parameter dict of one row (the scalar path: :func:`decode_value` per column)."""
        return {
            name: decode_value(dist, u, self.categorical)
            for name, dist, u in zip(self.names, self.dists, row, strict=True)
        }

    def levels(self, j: int) -> FloatArray | None:
        """The sorted coordinates of column ``j``'s values; ``None`` for a continuous one.

        Mind :meth:`Distribution.n_levels` first: a wide integer range has many.
        """
        dist = self.dists[j]
        n = dist.n_levels()
        if n is None:
            return None
        if isinstance(dist, CategoricalDistribution):
            return encode_values(dist, np.arange(n, dtype=float), self.categorical)
        if isinstance(dist, FloatDistribution):
            values = dist.low + np.arange(n) * float(dist.step or 1.0)
        else:
            values = np.arange(dist.low, dist.high + 1, dist.step, dtype=float)
        levels: FloatArray = np.unique(dist.to_unit(np.minimum(values, dist.high)))
        return levels
