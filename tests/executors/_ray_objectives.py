"""Objectives the Ray and process-executor tests send to other processes (importable)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import hypersweep as hs

#: The study user attribute naming the file whose absence makes :func:`die_once` kill its
#: worker process (Ray's workers do not see environment variables set after ``ray.init``).
MARK_ATTR = "die_mark"


def quadratic(trial: Any) -> float:
    x = trial.suggest_float("x", -3.0, 3.0)
    y = trial.suggest_float("y", -3.0, 3.0)
    return (x - 1.0) ** 2 + (y + 0.5) ** 2


def visible_devices(trial: Any) -> float:
    trial.set_user_attr("devices", os.environ.get("CUDA_VISIBLE_DEVICES"))
    trial.set_user_attr("pid", os.getpid())
    time.sleep(0.05)
    return trial.suggest_float("x", 0.0, 1.0)


def die_once(trial: Any) -> float:
    """The first trial kills its worker process (no chance to record anything)."""
    x = trial.suggest_float("x", 0.0, 1.0)
    mark = Path(trial.study.user_attrs[MARK_ATTR])
    if not mark.exists():
        mark.write_text(str(trial.number))
        os._exit(1)
    return x


def curve(trial: Any) -> float:
    """A learning curve that resumes from its checkpoint (pause/resume schedulers)."""
    x = trial.suggest_float("x", 0.0, 1.0)
    state = trial.load_checkpoint() or {"step": 0, "value": 10.0}
    value = state["value"]
    for step in range(state["step"] + 1, 10):
        value = value * 0.8 + x
        trial.report(value, step)
        trial.save_checkpoint({"step": step, "value": value})
        if trial.should_prune():
            raise hs.TrialPruned()
    return value


def train(config: dict[str, Any]) -> None:
    """A declarative trainable that restores from its checkpoint."""
    state = hs.get_checkpoint() or {"step": 0, "loss": 10.0}
    loss = state["loss"]
    for step in range(state["step"] + 1, 10):
        loss = loss * 0.8 + config["x"]
        hs.report(loss=loss, checkpoint={"step": step, "loss": loss})


def sleep_long(trial: Any) -> float:
    trial.suggest_float("x", 0.0, 1.0)
    time.sleep(120)
    return 0.0


def main() -> None:
    """``python -m tests.executors._ray_objectives URL``: a driver for the Ctrl-C test."""
    import sys

    import ray

    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR", log_to_driver=False)
    study = hs.create_study(storage=sys.argv[1], study_name="ctrl-c")
    study.optimize(sleep_long, n_trials=10, executor="ray")


if __name__ == "__main__":
    main()
