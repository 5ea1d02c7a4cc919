"""Module-level objectives for population based training in worker processes."""

from __future__ import annotations

import time

import hypersweep as hs

STEPS = 12


def pbt_objective(trial: hs.Trial) -> float:
    """Accuracy grows fastest with lr near 0.01; checkpoints every step."""
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    state = trial.load_checkpoint()
    accuracy, done = (state["acc"], state["step"]) if state else (0.0, 0)
    for step in range(done + 1, STEPS + 1):
        accuracy += 1.0 / (1.0 + abs(__import__("math").log10(lr / 0.01)))
        time.sleep(0.005)
        trial.report(accuracy, step)
        trial.save_checkpoint({"acc": accuracy, "step": step})
        if trial.should_prune():
            raise hs.TrialPruned()
    return accuracy
