"""Median stopping rule."""

from __future__ import annotations

import math

from .._internal.validation import check_int
from ..trial import FrozenTrial, History, StudyDirection, TrialState
from .base import CONTINUE, Action, Decision, Scheduler


class MedianScheduler(Scheduler):
    """Stop a trial whose best report so far is worse than the median of the completed trials'
    reports at the same step.

    Nothing is stopped during the first ``n_startup_trials`` completed trials, before step
    ``n_warmup_steps``, between every ``interval_steps``-th step, or when fewer than
    ``n_min_trials`` completed trials reported at that step.

    >>> import hypersweep as hs
    >>> def objective(trial):
    ...     x = trial.suggest_float("x", 0, 1)
    ...     for step in range(10):
    ...         trial.report(x, step)
    ...         if trial.should_prune():
    ...             raise hs.TrialPruned()
    ...     return x
    >>> study = hs.create_study(sampler=hs.samplers.RandomSampler(seed=1),
    ...                         scheduler=hs.schedulers.MedianScheduler(n_startup_trials=3))
    >>> study.optimize(objective, n_trials=20)
    >>> any(t.state.name == "PRUNED" for t in study.trials)
    True
    """

    def __init__(
        self,
        n_startup_trials: int = 5,
        n_warmup_steps: int = 0,
        interval_steps: int = 1,
        *,
        n_min_trials: int = 1,
    ) -> None:
        # Any bad value is a ValueError here, a wrong type included (as it always was).
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
                "MedianScheduler compares one objective; this study has "
                f"{n_objectives}. Use a single-objective study or NopScheduler."
            )

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        step = trial.last_step
        if step is None or step < self.n_warmup_steps:
            return CONTINUE
        if (step - self.n_warmup_steps) % self.interval_steps != 0:
            return CONTINUE
        completed = history.get((TrialState.COMPLETE,))
        if len(completed) < self.n_startup_trials:
            return CONTINUE
        own = [v for v in trial.intermediate_values.values() if not math.isnan(v)]
        if not own:
            return Decision(Action.PRUNE, "every reported value is NaN")
        others = [
            t.intermediate_values[step]
            for t in completed
            if step in t.intermediate_values and not math.isnan(t.intermediate_values[step])
        ]
        if len(others) < max(self.n_min_trials, 1):
            return CONTINUE
        others.sort()
        mid = len(others) // 2
        median = others[mid] if len(others) % 2 else 0.5 * (others[mid - 1] + others[mid])
        if history.directions[0] is StudyDirection.MINIMIZE:
            best = min(own)
            worse = best > median
        else:
            best = max(own)
            worse = best < median
        if worse:
            return Decision(
                Action.PRUNE,
                f"best value {best:.6g} is worse than the median {median:.6g} of "
                f"{len(others)} completed trials at step {step}",
            )
        return CONTINUE

    def __repr__(self) -> str:
        return (
            f"MedianScheduler(n_startup_trials={self.n_startup_trials}, "
            f"n_warmup_steps={self.n_warmup_steps}, interval_steps={self.interval_steps}, "
            f"n_min_trials={self.n_min_trials})"
        )
