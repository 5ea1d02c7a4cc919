"""Declarative search spaces: distributions as values of a (nested) ``config`` dict.

The constructors follow the names Ray Tune and FLAML users know. Integer ranges made with
:func:`randint`/:func:`lograndint` exclude ``upper``, as in those libraries; the ``suggest_*``
API and :class:`IntDistribution` include ``high``.

>>> space = {"lr": loguniform(1e-4, 1e-1), "model": {"depth": randint(1, 9)}, "seed": 0}
>>> flat, constants = flatten_space(space)
>>> sorted(flat), constants
(['lr', 'model/depth'], {'seed': 0})
>>> unflatten({"lr": 0.01, "model/depth": 3}, constants) == {
...     "lr": 0.01, "model": {"depth": 3}, "seed": 0}
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .distributions import (
    BaseDistribution,
    CategoricalChoice,
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
)

SEPARATOR = "/"


def uniform(lower: float, upper: float) -> FloatDistribution:
    """A real value drawn uniformly from ``[lower, upper]``."""
    return FloatDistribution(lower, upper)


def quniform(lower: float, upper: float, q: float) -> FloatDistribution:
    """A real value from ``lower, lower + q, ..., upper``."""
    return FloatDistribution(lower, upper, step=q)


def loguniform(lower: float, upper: float) -> FloatDistribution:
    """A positive real value drawn log-uniformly from ``[lower, upper]``."""
    return FloatDistribution(lower, upper, log=True)


def randint(lower: int, upper: int) -> IntDistribution:
    """An integer from ``lower`` to ``upper - 1`` (``upper`` excluded)."""
    _check_exclusive(lower, upper)
    return IntDistribution(lower, upper - 1)


def qrandint(lower: int, upper: int, q: int = 1) -> IntDistribution:
    """An integer from ``lower, lower + q, ...`` up to ``upper`` (included)."""
    return IntDistribution(lower, upper, step=q)


def lograndint(lower: int, upper: int) -> IntDistribution:
    """An integer drawn log-uniformly from ``lower`` to ``upper - 1`` (``upper`` excluded)."""
    _check_exclusive(lower, upper)
    return IntDistribution(lower, upper - 1, log=True)


def choice(categories: Sequence[CategoricalChoice]) -> CategoricalDistribution:
    """One of ``categories``."""
    return CategoricalDistribution(tuple(categories))


def _check_exclusive(lower: int, upper: int) -> None:
    if isinstance(lower, int) and isinstance(upper, int) and upper <= lower:
        raise ValueError(
            f"randint-style ranges exclude upper: need upper > lower, got lower={lower}, "
            f"upper={upper}."
        )


def flatten_space(
    space: Mapping[str, Any], prefix: str = ""
) -> tuple[dict[str, Distribution], dict[str, Any]]:
    """Split a nested ``space`` into distributions and constants, keyed by ``a/b/c`` paths."""
    if not isinstance(space, Mapping):
        raise TypeError(f"space must be a dict, got {type(space).__name__}.")
    dists: dict[str, Distribution] = {}
    constants: dict[str, Any] = {}
    for key, value in space.items():
        if not isinstance(key, str) or not key or SEPARATOR in key:
            raise ValueError(
                f"space keys must be non-empty strings without {SEPARATOR!r}; got {key!r}."
            )
        path = f"{prefix}{key}"
        if isinstance(value, BaseDistribution):
            dists[path] = value  # type: ignore[assignment]
        elif isinstance(value, Mapping):
            sub_dists, sub_constants = flatten_space(value, prefix=path + SEPARATOR)
            dists.update(sub_dists)
            constants.update(sub_constants)
            if not value:
                constants[path] = {}
        else:
            constants[path] = value
    return dists, constants


def unflatten(params: Mapping[str, Any], constants: Mapping[str, Any]) -> dict[str, Any]:
    """Rebuild the nested config from ``a/b/c`` paths (inverse of :func:`flatten_space`)."""
    config: dict[str, Any] = {}
    for path, value in {**constants, **params}.items():
        node = config
        *parents, leaf = path.split(SEPARATOR)
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return config
