"""One worker process of ``benchmarks/storage.py``: python _storage_worker.py LIB URL STUDY N."""

from __future__ import annotations

import sys
from typing import Any


def objective(trial: Any) -> float:
    return float(sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(10)))


def main() -> None:
    lib, url, study_name, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if lib == "hypersweep":
        import hypersweep as hs

        study = hs.load_study(
            study_name=study_name, storage=url, sampler=hs.samplers.RandomSampler()
        )
        study.optimize(objective, n_trials=n)
    else:
        import optuna

        optuna.logging.set_verbosity(optuna.logging.ERROR)
        study = optuna.load_study(
            study_name=study_name, storage=url, sampler=optuna.samplers.RandomSampler()
        )
        study.optimize(objective, n_trials=n)


if __name__ == "__main__":
    main()
