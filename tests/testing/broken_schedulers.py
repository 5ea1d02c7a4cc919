"""Schedulers for the conformance suite's own tests: correct ones and their broken twins.

Each broken twin differs from the correct scheduler it subclasses in one way, named in its
docstring. They live at module level so that their specifications can be rebuilt.
"""

from __future__ import annotations

import math
from typing import Any

from hypersweep.schedulers import CONTINUE, Action, Decision, Scheduler
from hypersweep.trial import FrozenTrial, History, StudyDirection, TrialState


class BelowMeanScheduler(Scheduler):
    """Correct: from step ``min_resource`` on, stop a trial whose report is worse than the
    mean of the completed trials' reports at that step."""

    def __init__(self, min_resource: int = 2) -> None:
        self.min_resource = min_resource

    def judged_at(self, step: int) -> bool:
        """Whether a report at ``step`` is judged at all."""
        return step >= self.min_resource

    def stop(self, reason: str) -> Any:
        """What ``decide`` returns to stop a trial."""
        return Decision(Action.PRUNE, reason)

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        step = trial.last_step
        if step is None or not self.judged_at(step):
            return CONTINUE
        others = [
            t.intermediate_values[step]
            for t in history.get((TrialState.COMPLETE,))
            if step in t.intermediate_values
        ]
        if not others:
            return CONTINUE
        mean = math.fsum(others) / len(others)
        sign = 1.0 if history.directions[0] is StudyDirection.MINIMIZE else -1.0
        if sign * trial.intermediate_values[step] > sign * mean:
            return self.stop(f"worse than the mean {mean:.3g} at step {step}")  # type: ignore[no-any-return]
        return CONTINUE


class NoFloorScheduler(BelowMeanScheduler):
    """Broken: judges every report, also those before ``min_resource``."""

    def judged_at(self, step: int) -> bool:
        return True


class BoolScheduler(BelowMeanScheduler):
    """Broken: answers ``True`` (Optuna's ``prune()`` style) instead of a PRUNE decision."""

    def stop(self, reason: str) -> Any:
        return True


class PausingScheduler(BelowMeanScheduler):
    """Broken: pauses trials it should stop, though ``pauses_trials`` is false (nothing
    would ever resume them)."""

    def stop(self, reason: str) -> Any:
        return Decision(Action.PAUSE, reason)


class StaleCacheScheduler(BelowMeanScheduler):
    """Broken: remembers its first decision for each trial and repeats it after later
    reports."""

    def __init__(self, min_resource: int = 2) -> None:
        super().__init__(min_resource)
        self._seen: dict[int, Decision] = {}

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        if trial.number not in self._seen:
            self._seen[trial.number] = super().decide(history, trial)
        return self._seen[trial.number]


class CheckpointScheduler(BelowMeanScheduler):
    """Correct: judges reports only at the given steps (by default 2, 4 and 6); the first is
    its ``min_resource``."""

    def __init__(self, steps: list[int] | None = None) -> None:
        chosen = list(steps) if steps else [2, 4, 6]
        super().__init__(min_resource=chosen[0])
        self.steps = chosen

    def judged_at(self, step: int) -> bool:
        return step in self.steps


class PoppingCheckpointScheduler(CheckpointScheduler):
    """Broken: pops its ``min_resource`` off the caller's list of steps, so the recorded
    argument (the same list) loses it and rebuilding loses one more."""

    def __init__(self, steps: list[int] | None = None) -> None:
        super().__init__([steps.pop(0), *steps] if steps else None)


class ClearingCheckpointScheduler(CheckpointScheduler):
    """Broken: empties the caller's list of steps once copied, so the recorded argument (the
    same list) is empty and a rebuilt scheduler judges at the default steps."""

    def __init__(self, steps: list[int] | None = None) -> None:
        super().__init__(steps)
        if steps:
            steps.clear()
