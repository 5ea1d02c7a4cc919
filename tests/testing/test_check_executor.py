"""``check_executor`` passes correct executors and rejects each broken twin, saying why."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from hypersweep.executors import Executor
from hypersweep.testing import ConformanceError, check_executor

from . import broken_executors as b

BROKEN: dict[str, tuple[Callable[[], Executor], str]] = {
    "runs fewer workers than asked": (
        b.CappedPoolExecutor,
        r"run\(worker, 5\) must call worker\(i\) once for each i in range\(5\), got the "
        r"indices \[0, 1, 2, 3\]",
    ),
    "swallows worker exceptions": (
        b.SwallowingPoolExecutor,
        r"an exception raised by a worker \(here worker 4 of 5, the others succeed\) must "
        r"reach the caller",
    ),
    "returns before the workers finish": (
        b.NotWaitingPoolExecutor,
        r"run\(\) must return only when every worker has returned; [1-5] of 5 had not",
    ),
}


def test_the_correct_executor_passes() -> None:
    check_executor(b.PoolExecutor)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_each_broken_twin_is_rejected_with_its_reason(name: str) -> None:
    factory, message = BROKEN[name]
    with pytest.raises(ConformanceError, match=message):
        check_executor(factory)
