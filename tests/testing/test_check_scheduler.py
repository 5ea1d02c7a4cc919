"""``check_scheduler`` passes correct schedulers and rejects each broken twin, saying why."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hypersweep.schedulers import Scheduler
from hypersweep.testing import ConformanceError, check_scheduler

from . import broken_schedulers as b

CORRECT: dict[str, Callable[[], Scheduler]] = {
    "below-mean": lambda: b.BelowMeanScheduler(2),
    "checkpoints": lambda: b.CheckpointScheduler([3, 5]),
    "default checkpoints": lambda: b.CheckpointScheduler(),
}

BROKEN: dict[str, tuple[Callable[[], Scheduler], str]] = {
    "stops before min_resource": (
        lambda: b.NoFloorScheduler(2),
        r"decide\(\) returned PRUNE for trial \d+ at step [01], before min_resource=2: no "
        r"trial may be stopped or paused before",
    ),
    "returns a non-Decision": (
        lambda: b.BoolScheduler(2),
        r"decide\(\) must return a Decision .*, got True for trial \d+ at step \d",
    ),
    "pauses without pauses_trials": (
        lambda: b.PausingScheduler(2),
        r"decide\(\) returned PAUSE for trial \d+ at step \d but pauses_trials is False",
    ),
    "depends on earlier calls": (
        lambda: b.StaleCacheScheduler(2),
        r"decide\(\) must not depend on earlier calls: for trial \d+ at step 7 a fresh "
        r"scheduler decides .*PRUNE.*, one that decided on its step 0 before decides",
    ),
    "modifies a constructor argument": (
        lambda: b.PoppingCheckpointScheduler([2, 4, 6]),
        r"rebuilding the scheduler changed its specification from .*\[4, 6\].* to "
        r".*\[6\].*; __init__ must not modify its arguments",
    ),
    "empties a constructor argument": (
        lambda: b.ClearingCheckpointScheduler([3, 5]),
        r"the scheduler rebuilt from its specification .*\"steps\": \[\].* decides otherwise "
        r"than the original \(trial \d+: .*\): every setting must come from the constructor's "
        r"arguments, unchanged",
    ),
}


@pytest.mark.parametrize("name", sorted(CORRECT))
def test_correct_schedulers_pass(name: str) -> None:
    check_scheduler(CORRECT[name])


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_broken_twin_is_rejected_with_its_reason(name: str) -> None:
    factory, message = BROKEN[name]
    with pytest.raises(ConformanceError, match=message):
        check_scheduler(factory)


def test_a_factory_returning_something_else_is_refused() -> None:
    with pytest.raises(ConformanceError, match=r"must return a hypersweep\.schedulers\.Scheduler"):
        check_scheduler(lambda: object())  # type: ignore[arg-type,return-value]
