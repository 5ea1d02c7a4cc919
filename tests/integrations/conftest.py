"""Helpers for the integration tests: a scheduler that surely prunes, and tiny data."""

from __future__ import annotations

import os

import numpy as np
import pytest

from hypersweep.schedulers import CONTINUE, Action, Decision, Scheduler
from hypersweep.trial import FrozenTrial, History

os.environ.setdefault("KERAS_BACKEND", "torch")  # before any `import keras`


class PruneAtStep(Scheduler):
    """Stops every trial once it has reported at ``step`` (or later)."""

    def __init__(self, step: int) -> None:
        self.step = step

    def decide(self, history: History, trial: FrozenTrial) -> Decision:
        last = trial.last_step
        if last is not None and last >= self.step:
            return Decision(Action.PRUNE, f"reached step {self.step}")
        return CONTINUE


@pytest.fixture
def binary_data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4)).astype(np.float32)
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(np.int64)
    return X, y
