"""A small descriptor of the encoded search space: what kind each dimension is.

The GP works on encoded points: continuous dimensions in ``[0, 1]``, ordinal dimensions
(integers, stepped floats) at the points of a *grid* inside ``[0, 1]`` (the centres of the
cells that a unit-box encoding gives each value), categorical dimensions as the index of the
choice. Snapping a point moves each ordinal coordinate to the nearest grid point, so that a
model is only ever asked about values that can really be tried.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from .kernels import BoolArray, FloatArray

IntArray = npt.NDArray[np.int64]


class DimKind(enum.IntEnum):
    """How the GP treats one dimension."""

    CONTINUOUS = 0
    ORDINAL = 1
    CATEGORICAL = 2


@dataclass(frozen=True)
class SpaceSpec:
    """Kinds of the encoded dimensions, with grids for ordinal ones and choice counts.

    ``grids[j]`` (sorted, inside ``[0, 1]``) is required for ordinal dimensions and ignored
    otherwise; ``n_choices[j]`` is required for categorical dimensions.

    >>> spec = SpaceSpec.build([DimKind.CONTINUOUS, DimKind.ORDINAL, DimKind.CATEGORICAL],
    ...                        grids={1: np.array([0.25, 0.75])}, n_choices={2: 3})
    >>> spec.snap(np.array([[0.3, 0.6, 1.7]])).tolist()
    [[0.3, 0.75, 2.0]]
    """

    kinds: tuple[DimKind, ...]
    grids: tuple[FloatArray | None, ...]
    n_choices: tuple[int, ...]
    is_cat: BoolArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not (len(self.kinds) == len(self.grids) == len(self.n_choices)):
            raise ValueError("kinds, grids and n_choices must have one entry per dimension.")
        for j, kind in enumerate(self.kinds):
            if kind is DimKind.ORDINAL:
                grid = self.grids[j]
                if grid is None or len(grid) == 0 or np.any(np.diff(grid) <= 0):
                    raise ValueError(f"dimension {j} is ordinal; give it a sorted, unique grid.")
            if kind is DimKind.CATEGORICAL and self.n_choices[j] < 1:
                raise ValueError(f"dimension {j} is categorical; give it n_choices >= 1.")
        cat = np.array([k is DimKind.CATEGORICAL for k in self.kinds], dtype=bool)
        object.__setattr__(self, "is_cat", cat)

    @classmethod
    def build(
        cls,
        kinds: Sequence[DimKind],
        grids: dict[int, FloatArray] | None = None,
        n_choices: dict[int, int] | None = None,
    ) -> SpaceSpec:
        grids = grids or {}
        n_choices = n_choices or {}
        d = len(kinds)
        return cls(
            tuple(DimKind(k) for k in kinds),
            tuple(np.asarray(grids[j], dtype=float) if j in grids else None for j in range(d)),
            tuple(int(n_choices.get(j, 0)) for j in range(d)),
        )

    @property
    def d(self) -> int:
        return len(self.kinds)

    def ordered(self) -> BoolArray:
        """Dimensions with an order (continuous and ordinal)."""
        out: BoolArray = ~self.is_cat
        return out

    def snap(self, x: FloatArray) -> FloatArray:
        """Ordinal coordinates to their nearest grid point, categorical ones to an index."""
        x = np.array(x, dtype=float, copy=True)
        for j, kind in enumerate(self.kinds):
            if kind is DimKind.ORDINAL:
                grid = self.grids[j]
                assert grid is not None
                x[..., j] = grid[nearest_index(grid, x[..., j])]
            elif kind is DimKind.CATEGORICAL:
                x[..., j] = np.clip(np.round(x[..., j]), 0, self.n_choices[j] - 1)
        return x


def nearest_index(grid: FloatArray, values: FloatArray) -> IntArray:
    """Index of the grid point nearest to each value (``grid`` sorted)."""
    right = np.clip(np.searchsorted(grid, values), 1, max(len(grid) - 1, 1))
    left = right - 1
    if len(grid) == 1:
        return np.zeros(np.shape(values), dtype=np.int64)
    pick_left = np.abs(values - grid[left]) <= np.abs(grid[right] - values)
    out: IntArray = np.where(pick_left, left, right).astype(np.int64)
    return out
