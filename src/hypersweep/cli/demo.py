"""``hypersweep demo``: tune an SVM on scikit-learn's digits data set and show the result."""

from __future__ import annotations

import argparse
from typing import Any

from .._internal.optional import import_optional
from ..samplers import QMCSampler, RandomSampler, Sampler, TPESampler
from ..study import Trial, create_study
from ..trial import TrialState
from ._common import add_storage, default_storage
from ._table import format_value, trials_table


def add_parser(sub: Any) -> None:
    parser = sub.add_parser("demo", help="tune an SVM on the digits data set (needs scikit-learn)")
    parser.add_argument("--n-trials", type=int, default=30, help="trials to run (default 30)")
    parser.add_argument("--seed", type=int, default=0, help="sampler seed (default 0)")
    parser.add_argument(
        "--sampler", choices=["tpe", "random", "qmc"], default="tpe", help="searching method"
    )
    add_storage(parser)
    parser.add_argument(
        "--study", default="demo-svm-digits", help="study name (a second run continues it)"
    )
    parser.add_argument("--top", type=int, default=10, help="rows in the table of top trials")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    datasets = import_optional("sklearn.datasets", "sklearn", "hypersweep demo")
    model_selection = import_optional("sklearn.model_selection", "sklearn", "hypersweep demo")
    svm = import_optional("sklearn.svm", "sklearn", "hypersweep demo")
    x, y = datasets.load_digits(return_X_y=True)
    x = x / 16.0

    def objective(trial: Trial) -> float:
        kernel = trial.suggest_categorical("kernel", ["rbf", "poly"])
        c = trial.suggest_float("C", 1e-3, 1e3, log=True)
        gamma = trial.suggest_float("gamma", 1e-4, 1e1, log=True)
        extra: dict[str, Any] = {}
        if kernel == "poly":
            extra["degree"] = trial.suggest_int("degree", 2, 5)
        model = svm.SVC(kernel=kernel, C=c, gamma=gamma, **extra)
        accuracy = model_selection.cross_val_score(model, x, y, cv=3).mean()
        return float(1.0 - accuracy)

    samplers = {"tpe": TPESampler, "random": RandomSampler, "qmc": QMCSampler}
    sampler: Sampler = samplers[args.sampler](seed=args.seed)
    url = args.storage or default_storage()
    study = create_study(
        storage=url,
        sampler=sampler,
        direction="minimize",
        study_name=args.study,
        load_if_exists=True,
    )
    print(f"Tuning an SVM on digits (1797 images, 3-fold CV) with {type(sampler).__name__};")
    print(f"study {args.study!r} in {url} ({len(study.trials)} trials so far).")
    study.optimize(objective, n_trials=args.n_trials, show_progress_bar=True)
    best = study.best_trial
    print()
    print(
        f"Best trial: #{best.number}, validation error {format_value(best.value)} "
        f"(accuracy {format_value(1 - (best.value or 0.0))})"
    )
    for name, value in best.params.items():
        print(f"  {name} = {format_value(value)}")
    completed = study.get_trials(states=(TrialState.COMPLETE,))
    top = sorted(completed, key=lambda t: t.values[0] if t.values else 0.0)[: args.top]
    print()
    print(f"Top {len(top)} of {len(study.trials)} trials:")
    print(trials_table(top))
    print()
    print(
        f"The study is stored: `hypersweep trials --storage {url} --study {args.study} "
        "--top 10` shows it again; running the demo again continues it."
    )
    return 0
