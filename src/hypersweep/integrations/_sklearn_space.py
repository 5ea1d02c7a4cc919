"""The ``param_distributions`` a search accepts, turned into hypersweep distributions.

Accepted per parameter: a hypersweep distribution (``hs.loguniform(...)``,
``hs.distributions.FloatDistribution(...)``; the same classes), an Optuna distribution, a
list of values (as ``GridSearchCV``/``RandomizedSearchCV`` take; values that are not
``None``/bool/int/float/str are chosen by their ``repr``), or a frozen ``scipy.stats``
``uniform``, ``loguniform``/``reciprocal`` or ``randint``.

>>> import hypersweep as hs
>>> space = SearchSpaceAdapter({"C": hs.loguniform(1e-3, 1e3), "kernel": ["rbf", "linear"]})
>>> sorted(space.distributions)
['C', 'kernel']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..space import (
    BaseDistribution,
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
)

_PRIMITIVE = (type(None), bool, int, float, str)


def _from_optuna(name: str, dist: Any) -> Distribution | None:
    kind = type(dist).__name__
    if not type(dist).__module__.startswith("optuna"):
        return None
    if kind == "FloatDistribution":
        return FloatDistribution(dist.low, dist.high, log=dist.log, step=dist.step)
    if kind == "IntDistribution":
        return IntDistribution(dist.low, dist.high, log=dist.log, step=dist.step)
    if kind == "CategoricalDistribution":
        return CategoricalDistribution(tuple(dist.choices))
    raise TypeError(f"param_distributions[{name!r}]: unsupported Optuna distribution {kind}.")


def _from_scipy(name: str, dist: Any) -> Distribution | None:
    if not (hasattr(dist, "rvs") and hasattr(dist, "dist") and hasattr(dist, "support")):
        return None
    family = getattr(dist.dist, "name", "")
    low, high = dist.support()
    if family == "uniform":
        return FloatDistribution(float(low), float(high))
    if family in ("loguniform", "reciprocal"):
        return FloatDistribution(float(low), float(high), log=True)
    if family == "randint":
        return IntDistribution(int(low), int(high))
    raise TypeError(
        f"param_distributions[{name!r}]: scipy.stats.{family} has no hypersweep equivalent; "
        "use hs.uniform, hs.loguniform, hs.randint, hs.choice or a list of values."
    )


class SearchSpaceAdapter:
    """The search space of a ``param_distributions`` mapping, and the way back from the
    stored (JSON-friendly) values to the objects handed to ``set_params``."""

    def __init__(self, param_distributions: Mapping[str, Any]) -> None:
        if not isinstance(param_distributions, Mapping) or not param_distributions:
            raise TypeError(
                "param_distributions must be a non-empty dict {name: distribution}, got "
                f"{param_distributions!r}."
            )
        self.distributions: dict[str, Distribution] = {}
        self._objects: dict[str, dict[str, Any]] = {}
        for name, dist in param_distributions.items():
            if not isinstance(name, str):
                raise TypeError(f"Parameter names must be str, got {name!r}.")
            self.distributions[name] = self._convert(name, dist)

    def _convert(self, name: str, dist: Any) -> Distribution:
        if isinstance(dist, BaseDistribution):
            return dist  # type: ignore[return-value]
        for convert in (_from_optuna, _from_scipy):
            converted = convert(name, dist)
            if converted is not None:
                return converted
        if isinstance(dist, Sequence) and not isinstance(dist, str) and len(dist) > 0:
            if all(isinstance(v, _PRIMITIVE) for v in dist):
                return CategoricalDistribution(tuple(dist))
            keys = [repr(v) for v in dist]
            if len(set(keys)) != len(keys):
                raise ValueError(f"param_distributions[{name!r}]: values with equal repr.")
            self._objects[name] = dict(zip(keys, dist, strict=True))
            return CategoricalDistribution(tuple(keys))
        raise TypeError(
            f"param_distributions[{name!r}] must be a distribution (hs.uniform(...), "
            "hs.distributions.FloatDistribution(...), an Optuna distribution), a non-empty "
            f"list of values, or scipy.stats uniform/loguniform/randint; got {dist!r}."
        )

    def estimator_params(self, stored: Mapping[str, Any]) -> dict[str, Any]:
        """The values to pass to ``set_params`` for a trial's stored ``params``."""
        return {
            name: self._objects[name][value] if name in self._objects else value
            for name, value in stored.items()
        }
