"""The space the local searches move in, and the points they start from.

FLOW2 moves every parameter that all completed trials suggested with the same distribution
(their intersection; single-valued ones excluded), in the unit box of
:class:`~hypersweep.space.UnitBoxEncoder` (log-scaled parameters on their log scale,
categories at the centres of their cells). Discrete columns with at most
:data:`MAX_LEVELS` values carry their levels, so FLOW2 snaps proposals to them; wider ones
are treated as continuous and rounded when decoded.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from ...space import (
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
    SearchSpace,
    UnitBoxEncoder,
)
from ...space.encoding import encode_values
from ...trial import FrozenTrial
from ..es.space import FloatArray, conforms

__all__ = [
    "MAX_LEVELS",
    "PERTURB_SD",
    "RowEncoder",
    "columns",
    "encode",
    "flow_space",
    "start_point",
]

MAX_LEVELS = 4096
#: Standard deviation (unit-box coordinates) of the noise on a restart's low-cost start.
PERTURB_SD = 0.1


def flow_space(trials: Iterable[FrozenTrial], space: SearchSpace | None = None) -> SearchSpace:
    """``space`` (all parameters of the first trial when ``None``) narrowed to the
    parameters every one of ``trials`` suggested with the same distribution, sorted."""
    result: dict[str, Distribution] | None = None if space is None else dict(space)
    for t in trials:
        if result is None:
            result = {n: d for n, d in t.distributions.items() if not d.single()}
            continue
        dists = t.distributions
        result = {n: d for n, d in result.items() if dists.get(n) == d}
    final = result or {}
    return {n: final[n] for n in sorted(final)}


def columns(space: Mapping[str, Distribution]) -> tuple[list[FloatArray | None], list[bool]]:
    """FLOW2's ``levels`` and ``categorical`` arguments for ``space``."""
    enc = UnitBoxEncoder(space)
    levels: list[FloatArray | None] = []
    cats: list[bool] = []
    for j, dist in enumerate(enc.dists):
        n = dist.n_levels()
        levels.append(enc.levels(j) if n is not None and n <= MAX_LEVELS else None)
        cats.append(isinstance(dist, CategoricalDistribution))
    return levels, cats


def encode(space: Mapping[str, Distribution], params: Mapping[str, Any]) -> FloatArray:
    """The unit-box row of ``params`` (which must have every parameter of ``space``)."""
    return UnitBoxEncoder(space).encode_row(params)


def encode_trial(space: Mapping[str, Distribution], trial: FrozenTrial) -> FloatArray | None:
    """The row of ``trial``'s parameters, ``None`` when it lacks one of ``space``."""
    if not conforms(trial, space):
        return None
    return encode(space, trial.params)


def _unit_fn(dist: Distribution) -> Callable[[float], float]:
    """``dist.to_unit`` for one internal value, in scalar arithmetic (the same float
    operations, hence the same results, as the vectorised form)."""
    if isinstance(dist, CategoricalDistribution):
        n = dist.n_levels()
        return lambda v: (v + 0.5) / n
    if dist.low == dist.high:
        return lambda v: 0.5
    if dist.log:
        if isinstance(dist, IntDistribution):
            lo, hi = math.log(dist.low - 0.5), math.log(dist.high + 0.5)
        else:
            lo, hi = math.log(dist.low), math.log(dist.high)
        return lambda v: min(max(float((np.log(v) - lo) / (hi - lo)), 0.0), 1.0)
    low = dist.low
    if isinstance(dist, FloatDistribution) and dist.step is None:
        span = dist.high - dist.low
        return lambda v: min(max((v - low) / span, 0.0), 1.0)
    step = dist.step
    assert step is not None
    n_levels = dist.n_levels()
    assert n_levels is not None
    return lambda v: (round((v - low) / step) + 0.5) / n_levels


class RowEncoder:
    """One parameter dict -> its unit-box row, like ``UnitBoxEncoder(space).encode_row``
    (same values) at a fraction of the cost for one row (scalar arithmetic per column).

    >>> from hypersweep.space import FloatDistribution, IntDistribution
    >>> space = {"x": FloatDistribution(0, 10), "k": IntDistribution(0, 3)}
    >>> RowEncoder(space)({"x": 2.5, "k": 1}).tolist()
    [0.25, 0.375]
    """

    __slots__ = ("_columns",)

    def __init__(self, space: Mapping[str, Distribution]) -> None:
        self._columns = [(name, dist.to_internal, _unit_fn(dist)) for name, dist in space.items()]

    def __call__(self, params: Mapping[str, Any]) -> FloatArray:
        return np.array([fn(to_internal(params[name])) for name, to_internal, fn in self._columns])


def encode_one(dist: Distribution, value: Any) -> float:
    """The unit coordinate of one value."""
    return float(encode_values(dist, [dist.to_internal(value)])[0])


def start_point(
    space: Mapping[str, Distribution],
    low_cost: Mapping[str, Any],
    rng: np.random.Generator,
    perturb: bool,
) -> FloatArray:
    """A start: the low-cost values where given, uniform draws elsewhere; with ``perturb``,
    Gaussian noise of :data:`PERTURB_SD` on the low-cost coordinates (a restart)."""
    x = rng.random(len(space))
    for j, (name, dist) in enumerate(space.items()):
        if name in low_cost:
            x[j] = encode_one(dist, low_cost[name])
            if perturb:
                x[j] += PERTURB_SD * rng.standard_normal()
    out: FloatArray = np.clip(x, 0.0, 1.0)
    return out
