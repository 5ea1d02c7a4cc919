"""Distributions to and from JSON, in the ``{"name": ..., "attributes": {...}}`` layout."""

from __future__ import annotations

import json
from typing import Any

from .distributions import (
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
)

_KINDS: dict[str, type[Any]] = {
    "FloatDistribution": FloatDistribution,
    "IntDistribution": IntDistribution,
    "CategoricalDistribution": CategoricalDistribution,
}


def distribution_to_dict(dist: Distribution) -> dict[str, Any]:
    """A JSON-ready dict describing ``dist``."""
    if isinstance(dist, CategoricalDistribution):
        attrs: dict[str, Any] = {"choices": list(dist.choices)}
    else:
        attrs = {"low": dist.low, "high": dist.high, "log": dist.log, "step": dist.step}
    return {"name": type(dist).__name__, "attributes": attrs}


def distribution_from_dict(data: dict[str, Any]) -> Distribution:
    """Rebuild a distribution from :func:`distribution_to_dict`'s output."""
    try:
        kind = _KINDS[data["name"]]
    except (KeyError, TypeError):
        raise ValueError(f"Not a serialised distribution: {data!r}") from None
    attrs = dict(data.get("attributes", {}))
    if kind is CategoricalDistribution:
        return CategoricalDistribution(tuple(attrs["choices"]))
    if kind is IntDistribution and attrs.get("step") is None:
        attrs["step"] = 1
    return kind(**attrs)  # type: ignore[no-any-return]


def distribution_to_json(dist: Distribution) -> str:
    """``dist`` as a JSON string.

    >>> distribution_to_json(IntDistribution(1, 5))
    '{"name": "IntDistribution", "attributes": {"low": 1, "high": 5, "log": false, "step": 1}}'
    """
    return json.dumps(distribution_to_dict(dist))


def distribution_from_json(text: str) -> Distribution:
    """Rebuild a distribution from :func:`distribution_to_json`'s output."""
    return distribution_from_dict(json.loads(text))
