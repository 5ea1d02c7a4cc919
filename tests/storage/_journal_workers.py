"""Worker functions and objectives that spawned processes import (journal storage tests)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

HANG_NUMBER = 3  # the trial that hangs in ``hang_at_trial_3`` (so that a test can kill it)


def quick(trial: Any) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    trial.set_user_attr("pid", os.getpid())
    time.sleep(0.005)  # long enough for the workers to overlap
    return float(x)


def reporting(trial: Any) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    y = trial.suggest_int("y", 0, 9)
    trial.set_user_attr("pid", os.getpid())
    for step in range(3):
        trial.report(x + step, step)
    return float(x + y)


def hang_at_trial_3(trial: Any) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    if trial.number == HANG_NUMBER:
        Path(os.environ["HS_JOURNAL_MARK"]).write_text(str(os.getpid()))
        time.sleep(120)
    return float(x)


def run_worker(
    url: str,
    study_name: str,
    max_trials: int,
    seed: int,
    shared: list[dict[str, Any]],
    objective: str = "quick",
    lease: tuple[float, float] | None = None,
) -> None:
    """One worker process: enqueue the shared trials (once per study), then optimise.

    ``lease`` is (heartbeat interval, grace period); the storage's defaults without it.
    """
    import hypersweep as hs
    from hypersweep.storage import get_storage

    options = {} if lease is None else {"heartbeat_interval": lease[0], "grace_period": lease[1]}
    study = hs.load_study(
        study_name=study_name,
        storage=get_storage(url, **options),
        sampler=hs.samplers.RandomSampler(seed=seed),
    )
    for params in shared:
        study.enqueue_trial(params, skip_if_exists=True)
    study.optimize(globals()[objective], max_trials=max_trials)


def run_hanging_worker(url: str, study_name: str, mark: str) -> None:
    """A worker with short leases whose trial 3 hangs until the process is killed."""
    import hypersweep as hs
    from hypersweep.storage import get_storage

    os.environ["HS_JOURNAL_MARK"] = mark
    storage = get_storage(url, heartbeat_interval=0.2, grace_period=1.0)
    study = hs.load_study(study_name=study_name, storage=storage)
    study.optimize(hang_at_trial_3, n_trials=10)
