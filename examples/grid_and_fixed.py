"""Grid search, then "baby-sitting": fix what you learned, search the rest."""

from __future__ import annotations

import hypersweep as hs


def objective(trial: hs.Trial) -> float:
    optimizer = trial.suggest_categorical("optimizer", ["sgd", "adam"])
    batch = trial.suggest_int("batch", 16, 128, step=16)
    lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
    return (0.0 if optimizer == "adam" else 0.5) + abs(batch - 64) / 64 + abs(lr - 0.01)


if __name__ == "__main__":
    grid = hs.samplers.GridSampler(
        {"optimizer": ["sgd", "adam"], "batch": [16, 64, 128], "lr": [1e-3, 1e-2]}, seed=0
    )
    study = hs.create_study(sampler=grid)
    study.optimize(objective, n_trials=100)  # stops by itself after the 12 grid points
    print(f"grid: {len(study.trials)} trials, best {study.best_params}")

    fixed = {k: study.best_params[k] for k in ("optimizer", "batch")}
    sampler = hs.samplers.PartialFixedSampler(fixed, hs.samplers.RandomSampler(seed=0))
    refine = hs.create_study(sampler=sampler)
    refine.optimize(objective, n_trials=30)
    print(f"refined: best {refine.best_value:.4f} with {refine.best_params}")
