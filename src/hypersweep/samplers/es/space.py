"""The space an evolution strategy searches: numeric parameters in the unit box.

Every float or integer parameter (log-scaled ones on their log scale) maps to ``[0, 1]``
with :class:`~hypersweep.space.UnitBoxEncoder`. Discrete values (integers, stepped floats)
own equal-width cells; the centre of cell ``k`` of ``n`` is ``(k + 0.5) / n``. CMA-ES with
margin is told these centres as its discrete grid: bounds ``[0.5 / n, 1 - 0.5 / n]`` and
step ``1 / n``. Log-scaled integers are treated as continuous (their cells are not of equal
width) and are rounded on decoding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from ...space import (
    CategoricalDistribution,
    Distribution,
    IntDistribution,
    SearchSpace,
    UnitBoxEncoder,
    distribution_from_json,
    distribution_to_json,
)
from ...space.encoding import encode_values
from ...trial import FrozenTrial

FloatArray = npt.NDArray[np.float64]
SpaceKey = tuple[tuple[str, str], ...]


def numeric_space(space: Mapping[str, Distribution]) -> SearchSpace:
    """The parameters of ``space`` an ES can model: floats and ints with more than one value."""
    return {
        name: dist
        for name, dist in space.items()
        if not isinstance(dist, CategoricalDistribution) and not dist.single()
    }


def space_key(space: Mapping[str, Distribution]) -> SpaceKey:
    """A hashable, storable description of ``space`` (names and JSON distributions)."""
    return tuple((name, distribution_to_json(dist)) for name, dist in space.items())


def space_from_key(key: SpaceKey) -> SearchSpace:
    """Inverse of :func:`space_key`."""
    return {name: distribution_from_json(text) for name, text in key}


def space_digest(key: SpaceKey) -> str:
    """A short name of a space, stored on each trial to find the space again."""
    return hashlib.sha1(repr(key).encode()).hexdigest()[:16]


def n_cells(dist: Distribution) -> int:
    """How many discrete values a margin can separate (0: treat as continuous).

    Log-scaled integers count as continuous: their cells are not of equal width.
    """
    if isinstance(dist, CategoricalDistribution) or (
        isinstance(dist, IntDistribution) and dist.log
    ):
        return 0
    return dist.n_levels() or 0


def margin_grid(space: Mapping[str, Distribution]) -> tuple[FloatArray, FloatArray]:
    """``(bounds, steps)`` for CMA-ES with margin in the unit box (step 0: continuous)."""
    n = len(space)
    bounds = np.tile([0.0, 1.0], (n, 1))
    steps = np.zeros(n)
    for j, dist in enumerate(space.values()):
        cells = n_cells(dist)
        if cells >= 2:
            bounds[j] = (0.5 / cells, 1.0 - 0.5 / cells)
            steps[j] = 1.0 / cells
    return bounds, steps


def has_discrete(space: Mapping[str, Distribution]) -> bool:
    """Whether any parameter of ``space`` is an integer or stepped (not log-scaled)."""
    return any(n_cells(d) >= 2 for d in space.values())


def conforms(trial: FrozenTrial, space: Mapping[str, Distribution]) -> bool:
    """Whether ``trial`` has every parameter of ``space`` with the same distribution."""
    dists = trial.distributions
    return all(dists.get(name) == dist for name, dist in space.items())


def told_point(
    space: Mapping[str, Distribution], trial: FrozenTrial, x_eval: FloatArray, x_tell: FloatArray
) -> FloatArray:
    """The point to tell for ``trial``: the optimizer's own point where the trial used the
    proposed value, the trial's actual value where it differs (an enqueued or fixed value)."""
    out = np.array(x_tell, dtype=float)
    enc = UnitBoxEncoder(space)
    proposed = enc.decode_row(x_eval)
    for j, (name, dist) in enumerate(zip(enc.names, enc.dists, strict=True)):
        value = trial.params[name]
        if value != proposed[name]:  # rare: encode only the values the trial did not take
            out[j] = encode_values(dist, [dist.to_internal(value)])[0]
    return out
