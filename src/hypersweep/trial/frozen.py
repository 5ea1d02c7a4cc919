"""Frozen trial records and the trial state enum."""

from __future__ import annotations

import datetime as _dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..space.distributions import Distribution


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

    ``values`` has one float per objective (``None`` until the trial completes);
    ``intermediate_values`` maps a step to the reported value (a tuple of floats, one per
    objective, in multi-objective studies). Treat the dicts as read-only.

    >>> from hypersweep.trial import FrozenTrial, TrialState
    >>> t = FrozenTrial(number=0, state=TrialState.COMPLETE, values=(0.5,), params={"x": 1.0})
    >>> t.value
    0.5
    """

    number: int
    state: TrialState
    values: tuple[float, ...] | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    distributions: Mapping[str, Distribution] = field(default_factory=dict)
    user_attrs: Mapping[str, Any] = field(default_factory=dict)
    system_attrs: Mapping[str, Any] = field(default_factory=dict)
    intermediate_values: Mapping[int, Any] = field(default_factory=dict)
    datetime_start: _dt.datetime | None = None
    datetime_complete: _dt.datetime | None = None
    trial_id: int = -1
    fail_reason: str | None = None

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
    def last_step(self) -> int | None:
        """The largest step reported, or ``None`` when nothing was reported."""
        return max(self.intermediate_values) if self.intermediate_values else None
