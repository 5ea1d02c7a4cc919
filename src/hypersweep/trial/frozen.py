"""Frozen trial records and the trial state enum."""

from __future__ import annotations

import datetime as _dt
import enum
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..space.distributions import (
    CategoricalChoice,
    CategoricalDistribution,
    Distribution,
    FloatDistribution,
    IntDistribution,
    check_compatible,
)


class TrialState(enum.IntEnum):
    """Where a trial is in its life; the numbers are stable (storage keeps them)."""

    RUNNING = 0
    COMPLETE = 1
    PRUNED = 2
    FAIL = 3
    WAITING = 4

    def is_finished(self) -> bool:
        """COMPLETE, PRUNED and FAIL are final; RUNNING and WAITING are not."""
        return self in (TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)

    def __repr__(self) -> str:
        return f"TrialState.{self.name}"


class StudyDirection(enum.IntEnum):
    """Whether an objective is minimised or maximised."""

    MINIMIZE = 1
    MAXIMIZE = 2

    def __repr__(self) -> str:
        return f"StudyDirection.{self.name}"


@dataclass(frozen=True)
class FrozenTrial:
    """An immutable record of one trial, as storage returns it.

    ``values`` is a list with one float per objective (``None`` until the trial completes;
    any sequence given is stored as a list, as Optuna's ``FrozenTrial.values``);
    ``intermediate_values`` maps a step to the reported value (a tuple of floats, one per
    objective, in multi-objective studies). Treat the dicts and the list as read-only.

    The ``suggest_*`` methods return the stored parameter, so an objective can be run again
    on a finished trial (``objective(study.best_trial)``).

    >>> from hypersweep.trial import FrozenTrial, TrialState
    >>> t = FrozenTrial(number=0, state=TrialState.COMPLETE, values=(0.5,), params={"x": 1.0})
    >>> t.value, t.values
    (0.5, [0.5])
    >>> t.suggest_float("x", 0.0, 2.0)
    1.0
    """

    number: int
    state: TrialState
    values: Sequence[float] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    distributions: Mapping[str, Distribution] = field(default_factory=dict)
    user_attrs: Mapping[str, Any] = field(default_factory=dict)
    system_attrs: Mapping[str, Any] = field(default_factory=dict)
    intermediate_values: Mapping[int, Any] = field(default_factory=dict)
    datetime_start: _dt.datetime | None = None
    datetime_complete: _dt.datetime | None = None
    trial_id: int = -1
    fail_reason: str | None = None

    def __post_init__(self) -> None:
        if self.values is not None and not isinstance(self.values, list):
            object.__setattr__(self, "values", list(self.values))

    @property
    def value(self) -> float | None:
        """The objective value of a single-objective trial (``None`` if not complete)."""
        if self.values is None:
            return None
        if len(self.values) != 1:
            raise RuntimeError(
                "This trial has several objective values; use `values` instead of `value`."
            )
        return self.values[0]

    @property
    def duration(self) -> _dt.timedelta | None:
        """Wall-clock time from start to completion, if both are known."""
        if self.datetime_start is None or self.datetime_complete is None:
            return None
        return self.datetime_complete - self.datetime_start

    @property
    def constraints(self) -> dict[str, float]:
        """The trial's constraint values by name (feasible when all are ``<= 0``): those of
        ``constraints_func`` (``"0"``, ``"1"``, ...) and of ``Trial.set_constraint``."""
        from .constraints import constraint_dict

        return constraint_dict(self.system_attrs)

    @property
    def last_step(self) -> int | None:
        """The largest step reported, or ``None`` when nothing was reported."""
        return max(self.intermediate_values) if self.intermediate_values else None

    # -- re-running an objective on a finished trial (Optuna's FrozenTrial API) -------------

    def _suggest(self, name: str, distribution: Distribution) -> Any:
        if name not in self.params:
            raise ValueError(
                f"The value of the parameter {name!r} is not found in trial {self.number}: "
                "an objective re-run on a finished trial may only suggest its parameters."
            )
        value = self.params[name]
        if name in self.distributions:
            check_compatible(name, self.distributions[name], distribution)
        if not distribution.contains(value):
            warnings.warn(
                f"The value {value!r} of the parameter {name!r} is out of the range of the "
                f"distribution {distribution}.",
                UserWarning,
                stacklevel=3,
            )
        return value

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = None, log: bool = False
    ) -> float:
        """The stored value of ``name`` (``ValueError`` if the trial has none, or had another
        kind of distribution)."""
        return float(self._suggest(name, FloatDistribution(low, high, log=log, step=step)))

    def suggest_int(
        self, name: str, low: int, high: int, *, step: int = 1, log: bool = False
    ) -> int:
        """The stored value of ``name`` (see :meth:`suggest_float`)."""
        return int(self._suggest(name, IntDistribution(low, high, log=log, step=step)))

    def suggest_categorical(self, name: str, choices: Sequence[CategoricalChoice]) -> Any:
        """The stored value of ``name`` (``ValueError`` if the choices differ)."""
        return self._suggest(name, CategoricalDistribution(tuple(choices)))

    def suggest_uniform(self, name: str, low: float, high: float) -> float:
        """Older name of ``suggest_float(name, low, high)``."""
        return self.suggest_float(name, low, high)

    def suggest_loguniform(self, name: str, low: float, high: float) -> float:
        """Older name of ``suggest_float(name, low, high, log=True)``."""
        return self.suggest_float(name, low, high, log=True)

    def suggest_discrete_uniform(self, name: str, low: float, high: float, q: float) -> float:
        """Older name of ``suggest_float(name, low, high, step=q)``."""
        return self.suggest_float(name, low, high, step=q)

    def report(self, value: float | Sequence[float], step: int) -> None:
        """Does nothing: a finished trial's reports are already recorded (as in Optuna)."""

    def should_prune(self) -> bool:
        """Always ``False``: a finished trial is not pruned again."""
        return False
