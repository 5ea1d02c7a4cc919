"""Patience: consult another scheduler only once a trial stopped improving."""

from __future__ import annotations

import math

from .._internal.validation import check_int
from ..trial import FrozenTrial, History, StudyDirection
from ..trial.lineage import Promotion
from .base import CONTINUE, Action, Decision, Scheduler


class PatientScheduler(Scheduler):
    """Let a trial go on while its best value of the last ``patience + 1`` reports improves
    by more than ``min_delta`` on its best value before them; once it does not, ask
    ``wrapped`` (stop the trial when ``wrapped`` is ``None``).

    >>> import hypersweep as hs
    >>> from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState
    >>> history = History([StudyDirection.MINIMIZE], [])
    >>> flat = FrozenTrial(number=0, state=TrialState.RUNNING,
    ...                    intermediate_values={0: 1.0, 1: 1.1, 2: 1.2, 3: 1.1})
    >>> PatientScheduler(None, patience=2).decide(history, flat).action.name
    'PRUNE'
    >>> PatientScheduler(None, patience=3).decide(history, flat).action.name
    'CONTINUE'
    """

    def __init__(self, wrapped: Scheduler | None, patience: int, min_delta: float = 0.0) -> None:
        if wrapped is not None and not isinstance(wrapped, Scheduler):
            raise TypeError(
                f"wrapped must be a hypersweep Scheduler or None, got {type(wrapped).__name__}."
            )
        self.wrapped = wrapped
        self.patience = check_int("patience", patience, minimum=0, type_error=ValueError)
        if isinstance(min_delta, bool) or not isinstance(min_delta, (int, float)):
            raise TypeError(f"min_delta must be a float >= 0, got {min_delta!r}.")
        if min_delta < 0:
            raise ValueError(f"min_delta must be >= 0, got {min_delta}.")
        self.min_delta = float(min_delta)

    def check_directions(self, n_objectives: int) -> None:
        if n_objectives != 1:
            raise ValueError(
                f"PatientScheduler compares one objective; this study has {n_objectives}."
            )
        if self.wrapped is not None:
            self.wrapped.check_directions(n_objectives)

    @property
    def pauses_trials(self) -> bool:
        return self.wrapped is not None and self.wrapped.pauses_trials

    def promotions(self, history: History) -> list[Promotion]:
        return [] if self.wrapped is None else self.wrapped.promotions(history)

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        if trial.last_step is None:
            return CONTINUE
        steps = sorted(trial.intermediate_values)
        if len(steps) <= self.patience + 1:
            return CONTINUE
        values = [trial.intermediate_values[s] for s in steps]
        split = len(values) - self.patience - 1
        before = [v for v in values[:split] if not math.isnan(v)]
        after = [v for v in values[split:] if not math.isnan(v)]
        if not before or not after:
            return CONTINUE  # nothing to compare (NaN everywhere on one side)
        if history.directions[0] is StudyDirection.MINIMIZE:
            stalled = min(before) + self.min_delta < min(after)
        else:
            stalled = max(before) - self.min_delta > max(after)
        if not stalled:
            return CONTINUE
        if self.wrapped is not None:
            return self.wrapped.decide(history, trial)
        return Decision(
            Action.PRUNE,
            f"no improvement by more than {self.min_delta:g} in the last "
            f"{self.patience + 1} reports",
        )

    def __repr__(self) -> str:
        return (
            f"PatientScheduler({self.wrapped!r}, patience={self.patience}, "
            f"min_delta={self.min_delta})"
        )
