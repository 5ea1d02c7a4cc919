"""Define-by-run: a conditional search space with pruning.

Run: python examples/define_by_run.py
"""

from __future__ import annotations

import math

import hypersweep as hs


def objective(trial: hs.Trial) -> float:
    kernel = trial.suggest_categorical("kernel", ["rbf", "poly"])
    c = trial.suggest_float("C", 1e-3, 1e3, log=True)
    degree = trial.suggest_int("degree", 2, 5) if kernel == "poly" else 0
    error = abs(math.log10(c) - 1) + 0.1 * degree
    for epoch in range(10):  # a learning curve that converges to `error`
        trial.report(error + 1.0 / (epoch + 1), epoch)
        if trial.should_prune():
            raise hs.TrialPruned()
    return error


if __name__ == "__main__":
    study = hs.create_study(
        direction="minimize",
        sampler=hs.samplers.RandomSampler(seed=0),
        scheduler=hs.schedulers.MedianScheduler(n_startup_trials=5, n_warmup_steps=2),
    )
    study.optimize(objective, n_trials=100)
    pruned = len(study.get_trials(states=(hs.TrialState.PRUNED,)))
    print(f"best value {study.best_value:.4f} with {study.best_params}; {pruned} trials pruned")
