"""HypersweepSearchCV vs OptunaSearchCV vs RandomizedSearchCV, same run.

Three bundled data sets, each with its own model and search space, ``--trials`` candidates
(50 by default), 3-fold CV, ``--seeds`` seeds (5): the best mean CV score each search finds
and its wall time (search and refit; ``n_jobs=1`` everywhere). Both TPE searches are seeded
with the seed; RandomizedSearchCV draws from the equivalent ``scipy.stats`` distributions.
OptunaSearchCV comes from ``optuna-integration`` (skipped when it is not installed).

    python benchmarks/searchcv.py [--trials 50] [--seeds 5]
"""

from __future__ import annotations

import argparse
import logging
import time
import warnings
from typing import Any

import numpy as np
from scipy import stats
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import RandomizedSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import hypersweep as hs
from hypersweep.integrations.sklearn import HypersweepSearchCV

try:
    import optuna
    from optuna_integration import OptunaSearchCV as PeerSearchCV
except ImportError:  # pragma: no cover - the peer is optional
    PeerSearchCV = None


def _problems() -> list[tuple[str, Any, Any, Any, dict[str, Any], dict[str, Any]]]:
    """(name, X, y, estimator, hypersweep/Optuna space, scipy space)."""
    X_d, y_d = load_digits(return_X_y=True)
    X_b, y_b = load_breast_cancer(return_X_y=True)
    X_w, y_w = load_wine(return_X_y=True)
    return [
        (
            "digits / SVC",
            X_d / 16.0,
            y_d,
            SVC(),
            {"C": hs.loguniform(1e-2, 1e3), "gamma": hs.loguniform(1e-4, 1e0)},
            {"C": stats.loguniform(1e-2, 1e3), "gamma": stats.loguniform(1e-4, 1e0)},
        ),
        (
            "breast_cancer / ExtraTrees",
            X_b,
            y_b,
            ExtraTreesClassifier(random_state=0),
            {
                "n_estimators": hs.randint(5, 40),
                "max_depth": hs.randint(1, 12),
                "max_features": hs.uniform(0.1, 1.0),
            },
            {
                "n_estimators": stats.randint(5, 40),
                "max_depth": stats.randint(1, 12),
                "max_features": stats.uniform(0.1, 0.9),
            },
        ),
        (
            "wine / scaler+LogReg",
            X_w,
            y_w,
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)),
            {"logisticregression__C": hs.loguniform(1e-4, 1e2)},
            {"logisticregression__C": stats.loguniform(1e-4, 1e2)},
        ),
    ]


def _optuna_space(space: dict[str, Any]) -> dict[str, Any]:
    """hypersweep's distributions as Optuna's (OptunaSearchCV type-checks them)."""
    out: dict[str, Any] = {}
    for name, d in space.items():
        if isinstance(d, hs.FloatDistribution):
            out[name] = optuna.distributions.FloatDistribution(d.low, d.high, log=d.log)
        else:
            out[name] = optuna.distributions.IntDistribution(d.low, d.high, log=d.log)
    return out


def _run(search: Any, X: Any, y: Any) -> tuple[float, float]:
    start = time.perf_counter()
    search.fit(X, y)
    return float(search.best_score_), time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    if PeerSearchCV is not None:
        optuna.logging.set_verbosity(logging.WARNING)
    n, cv = args.trials, 3
    rows = []
    for name, X, y, est, space, scipy_space in _problems():
        runs: dict[str, list[tuple[float, float]]] = {"hs": [], "optuna": [], "random": []}
        for seed in range(args.seeds):
            options = {"cv": cv, "random_state": seed}
            runs["hs"].append(_run(HypersweepSearchCV(est, space, n_trials=n, **options), X, y))
            if PeerSearchCV is not None:
                peer = PeerSearchCV(est, _optuna_space(space), n_trials=n, **options)
                runs["optuna"].append(_run(peer, X, y))
            random = RandomizedSearchCV(est, scipy_space, n_iter=n, **options)
            runs["random"].append(_run(random, X, y))
        rows.append((name, {k: np.array(v) for k, v in runs.items() if v}))
    _print(rows, n, args.seeds)


def _print(rows: list[tuple[str, dict[str, np.ndarray]]], n: int, seeds: int) -> None:
    print(f"\n### SearchCV, {n} trials, 3-fold CV, {seeds} seeds (mean ± std over seeds)\n")
    peers = [("optuna", "OptunaSearchCV"), ("random", "RandomizedSearchCV")]
    head = "| data / model | hypersweep score | hypersweep s |"
    for _, label in peers:
        head += f" {label} score | {label} s | time ratio hs/{label} |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for name, runs in rows:
        hs_score, hs_time = runs["hs"][:, 0], runs["hs"][:, 1]
        line = f"| {name} | {hs_score.mean():.4f} ± {hs_score.std():.4f} | {hs_time.mean():.2f} |"
        for key, _ in peers:
            if key not in runs:
                line += " n/a | n/a | n/a |"
                continue
            score, secs = runs[key][:, 0], runs[key][:, 1]
            line += (
                f" {score.mean():.4f} ± {score.std():.4f} | {secs.mean():.2f} |"
                f" {hs_time.mean() / secs.mean():.2f} |"
            )
        print(line)


if __name__ == "__main__":
    main()
