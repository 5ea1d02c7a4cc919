"""Distributions under the names of ``optuna.distributions``.

The classes are hypersweep's own (:mod:`hypersweep.space`): ``FloatDistribution``,
``IntDistribution`` and ``CategoricalDistribution`` take Optuna's arguments and work with
``study.ask({...})``, ``create_trial(distributions=...)`` and ``study.add_trial``.

>>> import hypersweep as hs
>>> from hypersweep.distributions import FloatDistribution, IntDistribution
>>> study = hs.create_study()
>>> trial = study.ask({"x": FloatDistribution(0, 1), "n": IntDistribution(1, 4)})
>>> sorted(trial.params)
['n', 'x']

Optuna's deprecated classes (``UniformDistribution`` and the others) are functions here that
warn (``FutureWarning``, as Optuna does) and return the equivalent current distribution, so
trials, storage and JSON only ever hold the three kinds.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

from .space.distributions import (
    BaseDistribution,
    CategoricalChoice,
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
    check_compatible,
)
from .space.serialize import distribution_from_dict, distribution_to_json

CategoricalChoiceType = CategoricalChoice
DISTRIBUTION_CLASSES = (IntDistribution, FloatDistribution, CategoricalDistribution)


def _deprecated(old: str, new: str) -> None:
    warnings.warn(
        f"{old} is deprecated (as in Optuna); use {new} instead.", FutureWarning, stacklevel=3
    )


def UniformDistribution(low: float, high: float) -> FloatDistribution:
    """Deprecated: ``FloatDistribution(low, high)``.

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     UniformDistribution(0, 1)
    FloatDistribution(low=0.0, high=1.0, log=False, step=None)
    """
    _deprecated("UniformDistribution", "FloatDistribution(low, high)")
    return FloatDistribution(low, high)


def LogUniformDistribution(low: float, high: float) -> FloatDistribution:
    """Deprecated: ``FloatDistribution(low, high, log=True)``."""
    _deprecated("LogUniformDistribution", "FloatDistribution(low, high, log=True)")
    return FloatDistribution(low, high, log=True)


def DiscreteUniformDistribution(low: float, high: float, q: float) -> FloatDistribution:
    """Deprecated: ``FloatDistribution(low, high, step=q)``."""
    _deprecated("DiscreteUniformDistribution", "FloatDistribution(low, high, step=q)")
    return FloatDistribution(low, high, step=q)


def IntUniformDistribution(low: int, high: int, step: int = 1) -> IntDistribution:
    """Deprecated: ``IntDistribution(low, high, step=step)``."""
    _deprecated("IntUniformDistribution", "IntDistribution(low, high, step=step)")
    return IntDistribution(low, high, step=step)


def IntLogUniformDistribution(low: int, high: int, step: int = 1) -> IntDistribution:
    """Deprecated: ``IntDistribution(low, high, log=True)`` (Optuna ignores ``step`` too)."""
    _deprecated("IntLogUniformDistribution", "IntDistribution(low, high, log=True)")
    return IntDistribution(low, high, log=True)


# Optuna's older JSON names, read by json_to_distribution.
_LEGACY: dict[str, Any] = {
    "UniformDistribution": lambda a: FloatDistribution(a["low"], a["high"]),
    "LogUniformDistribution": lambda a: FloatDistribution(a["low"], a["high"], log=True),
    "DiscreteUniformDistribution": lambda a: FloatDistribution(a["low"], a["high"], step=a["q"]),
    "IntUniformDistribution": lambda a: IntDistribution(a["low"], a["high"], step=a.get("step", 1)),
    "IntLogUniformDistribution": lambda a: IntDistribution(a["low"], a["high"], log=True),
}


def json_to_distribution(json_str: str) -> Distribution:
    """The distribution that :func:`distribution_to_json` wrote (Optuna's JSON layout; its
    older names such as ``UniformDistribution`` are read as the current kinds).

    >>> json_to_distribution(distribution_to_json(IntDistribution(1, 5)))
    IntDistribution(low=1, high=5, log=False, step=1)
    >>> json_to_distribution('{"name": "UniformDistribution", "attributes": {"low": 0, "high": 1}}')
    FloatDistribution(low=0.0, high=1.0, log=False, step=None)
    """
    data = json.loads(json_str)
    if isinstance(data, dict) and data.get("name") in _LEGACY:
        return _LEGACY[data["name"]](data.get("attributes", {}))  # type: ignore[no-any-return]
    return distribution_from_dict(data)


def check_distribution_compatibility(dist_old: Distribution, dist_new: Distribution) -> None:
    """Raise ``ValueError`` when ``dist_new`` cannot describe the parameter ``dist_old`` did:
    another kind of distribution, or other categorical choices (ranges may change).

    >>> check_distribution_compatibility(FloatDistribution(0, 1), FloatDistribution(0, 2))
    >>> try:
    ...     check_distribution_compatibility(FloatDistribution(0, 1), IntDistribution(0, 1))
    ... except ValueError as exc:
    ...     print(str(exc)[:60])
    Parameter 'parameter' was suggested as FloatDistribution bef
    """
    check_compatible("parameter", dist_old, dist_new)


__all__ = [
    "DISTRIBUTION_CLASSES",
    "BaseDistribution",
    "CategoricalChoiceType",
    "CategoricalDistribution",
    "DiscreteUniformDistribution",
    "FloatDistribution",
    "IntDistribution",
    "IntLogUniformDistribution",
    "IntUniformDistribution",
    "LogUniformDistribution",
    "UniformDistribution",
    "check_distribution_compatibility",
    "distribution_to_json",
    "json_to_distribution",
]
