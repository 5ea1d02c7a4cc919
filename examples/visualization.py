"""Plots, parameter importances and a self-contained HTML report of a study.

Needs the ``plot`` extra for the figures (``pip install 'hypersweep[plot]'``); the
importances need nothing more.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import hypersweep as hs


def objective(trial: hs.Trial) -> float:
    c = trial.suggest_float("C", 1e-3, 1e3, log=True)
    gamma = trial.suggest_float("gamma", 1e-4, 1.0, log=True)
    kernel = trial.suggest_categorical("kernel", ["rbf", "poly"])
    error = abs(math.log10(c)) * 0.1 + abs(math.log10(gamma) + 2) * 0.02
    error += 0.05 if kernel == "poly" else 0.0
    for epoch in range(1, 6):
        trial.report(error + 0.5 / epoch, epoch)
    return error


def main() -> None:
    study = hs.create_study(study_name="svm", sampler=hs.samplers.TPESampler(seed=0))
    study.optimize(objective, n_trials=60)
    print("best value", round(study.best_value, 4), "best params", study.best_params)
    print("importances", hs.importance.get_param_importances(study))
    if not hs.visualization.is_available():
        print("plotly is not installed: pip install 'hypersweep[plot]' for the figures")
        return
    fig = hs.visualization.plot_optimization_history(study)
    print("history figure with", len(fig.data), "traces")
    from hypersweep.visualization.report import write_report

    with tempfile.TemporaryDirectory() as tmp:
        path = write_report(study, Path(tmp) / "report.html")
        print("report of", path.stat().st_size // 1024, "KiB")


if __name__ == "__main__":
    main()
