"""Wilcoxon rule: stop a trial whose paired reports are significantly worse than the best
trial's (for objectives that report one value per instance or fold, at "steps")."""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._internal.validation import check_int
from ..trial import FrozenTrial, History, StudyDirection
from .base import CONTINUE, Action, Decision, Scheduler


class WilcoxonScheduler(Scheduler):
    """Compare a trial's reports with the best completed trial's reports at the same steps by
    a one-sided Wilcoxon signed-rank test; stop the trial when it is worse with p-value
    below ``p_threshold`` (and its average over its steps is not better than the best
    trial's). Steps here are instances (folds, data sets, seeds) evaluated one by one, in any
    order; at least ``max(2, n_startup_steps)`` shared steps are needed.

    A trial or best trial with an infinite or NaN report is never stopped (with a warning).

    >>> import hypersweep as hs
    >>> from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState
    >>> best = FrozenTrial(number=0, state=TrialState.COMPLETE, values=(1.0,),
    ...                    intermediate_values={i: 1.0 + 0.01 * i for i in range(8)})
    >>> history = History([StudyDirection.MINIMIZE], [best])
    >>> worse = FrozenTrial(number=1, state=TrialState.RUNNING,
    ...                     intermediate_values={i: 2.0 + 0.1 * i for i in range(8)})
    >>> WilcoxonScheduler(p_threshold=0.1).decide(history, worse).action.name
    'PRUNE'
    """

    def __init__(self, *, p_threshold: float = 0.1, n_startup_steps: int = 2) -> None:
        if isinstance(p_threshold, bool) or not isinstance(p_threshold, (int, float)):
            raise TypeError(f"p_threshold must be a float in [0, 1], got {p_threshold!r}.")
        if not 0.0 <= p_threshold <= 1.0:
            raise ValueError(f"p_threshold must be in [0, 1], got {p_threshold}.")
        self.p_threshold = float(p_threshold)
        self.n_startup_steps = check_int(
            "n_startup_steps", n_startup_steps, minimum=0, type_error=ValueError
        )

    def check_directions(self, n_objectives: int) -> None:
        if n_objectives != 1:
            raise ValueError(
                f"WilcoxonScheduler compares one objective; this study has {n_objectives}."
            )

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        own = trial.intermediate_values
        if not own:
            return CONTINUE
        if not all(math.isfinite(v) for v in own.values()):
            warnings.warn(
                f"Trial {trial.number} reported an infinite or NaN value; WilcoxonScheduler "
                "does not stop it.",
                stacklevel=2,
            )
            return CONTINUE
        best = history.best_completed()
        if best is None:
            return CONTINUE
        theirs = best.intermediate_values
        if not theirs:
            warnings.warn(
                f"The best trial ({best.number}) has no reports, so WilcoxonScheduler cannot "
                "compare with it (a trial added with add_trial needs intermediate_values).",
                stacklevel=2,
            )
            return CONTINUE
        if not all(math.isfinite(v) for v in theirs.values()):
            warnings.warn(
                f"The best trial ({best.number}) has an infinite or NaN report; "
                "WilcoxonScheduler does not stop the current trial.",
                stacklevel=2,
            )
            return CONTINUE
        shared = sorted(set(own) & set(theirs))
        diff = np.array([own[s] - theirs[s] for s in shared], dtype=float)
        if len(diff) < max(2, self.n_startup_steps):
            return CONTINUE
        from scipy import stats  # scipy is slow to import; load it on first use

        maximize = history.directions[0] is StudyDirection.MAXIMIZE
        own_mean = sum(own.values()) / len(own)
        best_mean = sum(theirs.values()) / len(theirs)
        alternative = "less" if maximize else "greater"
        average_is_best = best_mean <= own_mean if maximize else best_mean >= own_mean
        p = float(stats.wilcoxon(diff, alternative=alternative, zero_method="zsplit").pvalue)
        if p < self.p_threshold and not average_is_best:
            return Decision(
                Action.PRUNE,
                f"worse than the best trial {best.number} on {len(diff)} shared steps "
                f"(Wilcoxon p = {p:.3g} < {self.p_threshold:g})",
            )
        return CONTINUE

    def __repr__(self) -> str:
        return (
            f"WilcoxonScheduler(p_threshold={self.p_threshold}, "
            f"n_startup_steps={self.n_startup_steps})"
        )
