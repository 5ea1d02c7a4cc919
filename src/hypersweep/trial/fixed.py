"""FixedTrial: run an objective on given parameters, without a study (for unit tests)."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping, Sequence
from typing import Any

from ..space.distributions import (
    CategoricalChoice,
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
)


class FixedTrial:
    """A trial whose ``suggest_*`` calls return the values you give it.

    Use it to unit-test an objective. Values outside the suggested distribution raise
    ``ValueError``; a suggested name missing from ``params`` too.

    >>> from hypersweep import FixedTrial
    >>> def objective(trial):
    ...     return trial.suggest_float("x", -10, 10) ** 2
    >>> objective(FixedTrial({"x": 3.0}))
    9.0
    """

    def __init__(self, params: Mapping[str, Any], number: int = 0) -> None:
        self._given = dict(params)
        self.number = number
        self.params: dict[str, Any] = {}
        self.distributions: dict[str, Distribution] = {}
        self.user_attrs: dict[str, Any] = {}
        self.system_attrs: dict[str, Any] = {}
        self.intermediate_values: dict[int, Any] = {}
        self.datetime_start = _dt.datetime.now()
        self.paused = False
        self.resume_step: int | None = None
        self._checkpoint: Any = None

    def _suggest(self, name: str, dist: Distribution) -> Any:
        if name not in self._given:
            raise ValueError(
                f"FixedTrial has no value for parameter {name!r}; add it to the params dict."
            )
        value = self._given[name]
        if not dist.contains(value):
            raise ValueError(f"FixedTrial value {value!r} of {name!r} is not in {dist}.")
        value = dist.to_external(dist.to_internal(value))
        self.params[name] = value
        self.distributions[name] = dist
        return value

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """Return the given value of ``name`` after checking it fits the distribution."""
        return float(self._suggest(name, FloatDistribution(low, high, log=log, step=step)))

    def suggest_int(
        self, name: str, low: int, high: int, *, step: int = 1, log: bool = False
    ) -> int:
        """Return the given value of ``name`` after checking it fits the distribution."""
        return int(self._suggest(name, IntDistribution(low, high, log=log, step=step)))

    def suggest_categorical(self, name: str, choices: Sequence[CategoricalChoice]) -> Any:
        """Return the given value of ``name`` after checking it is one of ``choices``."""
        return self._suggest(name, CategoricalDistribution(tuple(choices)))

    def report(self, value: float | Sequence[float], step: int) -> None:
        """Record an intermediate value (nothing decides on it)."""
        self.intermediate_values[step] = value

    def should_prune(self) -> bool:
        """Always ``False``: a fixed trial has no scheduler."""
        return False

    def save_checkpoint(self, state: Any) -> None:
        """Keep ``state`` in memory (a fixed trial is never paused or resumed)."""
        self._checkpoint = state

    def load_checkpoint(self) -> Any:
        """The state last saved with :meth:`save_checkpoint`, or ``None``."""
        return self._checkpoint

    def set_user_attr(self, key: str, value: Any) -> None:
        """Store a user attribute on this object."""
        self.user_attrs[key] = value

    def set_system_attr(self, key: str, value: Any) -> None:
        """Store a system attribute on this object."""
        self.system_attrs[key] = value
