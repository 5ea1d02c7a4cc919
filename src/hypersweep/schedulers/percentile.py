"""Percentile stopping rule (the median rule is its 50th percentile)."""

from __future__ import annotations

import math

import numpy as np

from .._internal.validation import check_int
from ..trial import FrozenTrial, History, StudyDirection, TrialState
from ._steps import first_in_interval
from .base import CONTINUE, Action, Decision, Scheduler


class PercentileScheduler(Scheduler):
    """Stop a trial whose best report so far is worse than the ``percentile``-th best
    percentile of the completed trials' reports at the same step.

    ``percentile`` counts from the best end: 25 keeps trials in the best quarter, 50 is the
    median rule. Nothing is stopped while fewer than ``n_startup_trials`` trials completed,
    before step ``n_warmup_steps``, except at the first report of each ``interval_steps``
    steps after the warm-up, or when fewer than ``n_min_trials`` completed trials reported
    at that step. A trial whose reports are all NaN is stopped.

    >>> import hypersweep as hs
    >>> from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState
    >>> done = [FrozenTrial(number=i, state=TrialState.COMPLETE, values=(float(i),),
    ...                     intermediate_values={0: float(i)}) for i in range(5)]
    >>> history = History([StudyDirection.MINIMIZE], done)
    >>> running = FrozenTrial(number=5, state=TrialState.RUNNING, intermediate_values={0: 1.5})
    >>> PercentileScheduler(25.0).decide(history, running).action.name  # 25th percentile: 1
    'PRUNE'
    >>> PercentileScheduler(50.0).decide(history, running).action.name  # median: 2
    'CONTINUE'
    """

    def __init__(
        self,
        percentile: float,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        if isinstance(percentile, bool) or not isinstance(percentile, (int, float)):
            raise TypeError(f"percentile must be a number in [0, 100], got {percentile!r}.")
        if not 0.0 <= percentile <= 100.0:
            raise ValueError(f"percentile must be in [0, 100], got {percentile}.")
        self.percentile = float(percentile)
        # Any bad count is a ValueError here, a wrong type included (as the median rule's).
        self.n_startup_trials = check_int(
            "n_startup_trials", n_startup_trials, minimum=0, type_error=ValueError
        )
        self.n_warmup_steps = check_int(
            "n_warmup_steps", n_warmup_steps, minimum=0, type_error=ValueError
        )
        self.interval_steps = check_int(
            "interval_steps", interval_steps, minimum=1, type_error=ValueError
        )
        self.n_min_trials = check_int(
            "n_min_trials", n_min_trials, minimum=1, type_error=ValueError
        )

    def check_directions(self, n_objectives: int) -> None:
        if n_objectives != 1:
            raise ValueError(
                f"{type(self).__name__} compares one objective; this study has "
                f"{n_objectives}. Use a single-objective study or NopScheduler."
            )

    def _threshold_name(self) -> str:
        return f"{self.percentile:g}th percentile"

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        step = trial.last_step
        if step is None or step < self.n_warmup_steps:
            return CONTINUE
        reported = trial.intermediate_values
        if not first_in_interval(step, reported, self.n_warmup_steps, self.interval_steps):
            return CONTINUE
        completed = history.get((TrialState.COMPLETE,))
        if not completed or len(completed) < self.n_startup_trials:
            return CONTINUE
        own = [v for v in reported.values() if not math.isnan(v)]
        if not own:
            return Decision(Action.PRUNE, "every reported value is NaN")
        at_step = [t.intermediate_values[step] for t in completed if step in t.intermediate_values]
        others = [v for v in at_step if not math.isnan(v)]
        if len(at_step) < self.n_min_trials or not others:
            return CONTINUE
        maximize = history.directions[0] is StudyDirection.MAXIMIZE
        q = 100.0 - self.percentile if maximize else self.percentile
        threshold = float(np.percentile(others, q))
        best = max(own) if maximize else min(own)
        if (best < threshold) if maximize else (best > threshold):
            return Decision(
                Action.PRUNE,
                f"best value {best:.6g} is worse than the {self._threshold_name()} "
                f"{threshold:.6g} of {len(others)} completed trials at step {step}",
            )
        return CONTINUE

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(percentile={self.percentile}, "
            f"n_startup_trials={self.n_startup_trials}, n_warmup_steps={self.n_warmup_steps}, "
            f"interval_steps={self.interval_steps}, n_min_trials={self.n_min_trials})"
        )
