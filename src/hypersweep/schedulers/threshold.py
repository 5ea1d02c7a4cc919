"""Threshold rule: stop a trial whose latest report leaves a fixed range."""

from __future__ import annotations

import math
from typing import Any

from .._internal.validation import check_int
from ..trial import FrozenTrial, History
from ._steps import first_in_interval
from .base import CONTINUE, Action, Decision, Scheduler


def _bound(name: str, value: Any) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a float or None, got {type(value).__name__}.") from None


class ThresholdScheduler(Scheduler):
    """Stop a trial whose latest report is below ``lower``, above ``upper`` or NaN.

    Decisions happen from step ``n_warmup_steps`` on, at the first report of each
    ``interval_steps`` steps. At least one bound is needed.

    >>> import hypersweep as hs
    >>> from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState
    >>> running = FrozenTrial(number=0, state=TrialState.RUNNING, intermediate_values={0: 5.0})
    >>> history = History([StudyDirection.MINIMIZE], [])
    >>> ThresholdScheduler(upper=1.0).decide(history, running).action.name
    'PRUNE'
    >>> ThresholdScheduler(lower=0.0, upper=10.0).decide(history, running).action.name
    'CONTINUE'
    """

    def __init__(
        self,
        lower: float | None = None,
        upper: float | None = None,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
    ) -> None:
        low, high = _bound("lower", lower), _bound("upper", upper)
        if low is None and high is None:
            raise TypeError("ThresholdScheduler needs lower=, upper= or both.")
        self.lower = -math.inf if low is None else low
        self.upper = math.inf if high is None else high
        if self.lower > self.upper:
            raise ValueError(f"lower ({self.lower}) must be <= upper ({self.upper}).")
        self.n_warmup_steps = check_int(
            "n_warmup_steps", n_warmup_steps, minimum=0, type_error=ValueError
        )
        self.interval_steps = check_int(
            "interval_steps", interval_steps, minimum=1, type_error=ValueError
        )

    def check_directions(self, n_objectives: int) -> None:
        if n_objectives != 1:
            raise ValueError(
                f"ThresholdScheduler checks one objective; this study has {n_objectives}."
            )

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        step = trial.last_step
        if step is None or step < self.n_warmup_steps:
            return CONTINUE
        reported = trial.intermediate_values
        if not first_in_interval(step, reported, self.n_warmup_steps, self.interval_steps):
            return CONTINUE
        value = reported[step]
        if math.isnan(value):
            return Decision(Action.PRUNE, f"the value at step {step} is NaN")
        if value < self.lower:
            return Decision(
                Action.PRUNE, f"value {value:.6g} at step {step} is below {self.lower:.6g}"
            )
        if value > self.upper:
            return Decision(
                Action.PRUNE, f"value {value:.6g} at step {step} is above {self.upper:.6g}"
            )
        return CONTINUE

    def __repr__(self) -> str:
        return (
            f"ThresholdScheduler(lower={self.lower}, upper={self.upper}, "
            f"n_warmup_steps={self.n_warmup_steps}, interval_steps={self.interval_steps})"
        )
