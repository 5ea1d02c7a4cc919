"""Objectives importable by worker processes (``tests.storage._mp_objectives:quick``)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

HANG_VALUE = 0.5


def quick(trial: Any) -> float:
    x = trial.suggest_float("x", 0.0, 1.0)
    time.sleep(0.002)
    return float(x)


def hang_on_first_attempt(trial: Any) -> float:
    """Hangs on the enqueued x=0.5 trial unless it is a retry (so a test can kill it)."""
    x = trial.suggest_float("x", 0.0, 1.0)
    if x == HANG_VALUE and trial.system_attrs.get("retry_of") is None:
        Path(os.environ["HS_TEST_MARK"]).write_text(str(trial.number))
        time.sleep(120)
    time.sleep(0.01)
    return float(x)


# -- large checkpoints (tests/storage/test_checkpoint_store.py) ------------------------------
BIG_PAD_BYTES = 3 << 20  # above the default 1 MiB threshold: kept in the checkpoint store
CURVE_STEPS = 9


def big_pad(x: float) -> bytes:
    """Incompressible bytes that depend on ``x``: a resumed trial checks it got its own."""
    import numpy as np

    return np.random.default_rng(int(x * 1e9)).bytes(BIG_PAD_BYTES)


def curve_step(x: float, w: float) -> tuple[float, float]:
    w -= 0.3 * (w - 10 * x)
    return abs(w - 3.0), w


def straight_curve(x: float) -> dict[int, float]:
    w, out = 5.0, {}
    for step in range(1, CURVE_STEPS + 1):
        out[step], w = curve_step(x, w)
    return out


def resumable_big(trial: Any) -> float:
    """Trains on from its (> 1 MiB) checkpoint when resumed; saves one when paused."""
    import hypersweep as hs

    x = trial.suggest_float("x", 0.0, 1.0)
    state = trial.load_checkpoint()
    start, w = 1, 5.0
    if state is not None:
        if state["pad"] != big_pad(x):
            raise ValueError("resumed from another trial's checkpoint")
        trial.set_user_attr("checkpoint_pid", state["pid"])
        start, w = state["step"] + 1, state["w"]
    trial.set_user_attr("pid", os.getpid())
    value = float("nan")
    for step in range(start, CURVE_STEPS + 1):
        value, w = curve_step(x, w)
        trial.report(value, step)
        if trial.should_prune():
            if trial.paused:
                trial.save_checkpoint({"step": step, "w": w, "pid": os.getpid(), "pad": big_pad(x)})
            raise hs.TrialPruned()
    return value
