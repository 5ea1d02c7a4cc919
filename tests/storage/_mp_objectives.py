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
