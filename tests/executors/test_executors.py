from __future__ import annotations

import threading
import time

import hypersweep as hs
from hypersweep.executors import InlineExecutor, ThreadExecutor
from hypersweep.testing import check_executor


def test_conformance() -> None:
    check_executor(InlineExecutor)
    check_executor(ThreadExecutor)


def test_threads_overlap_objectives_that_release_the_gil() -> None:
    active = 0
    peak = 0
    lock = threading.Lock()

    def objective(trial: hs.Trial) -> float:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        time.sleep(0.02)
        with lock:
            active -= 1
        return trial.suggest_float("x", 0, 1)

    study = hs.create_study()
    study.optimize(objective, n_trials=12, n_jobs=3)
    assert peak >= 2
    assert len(study.trials) == 12
