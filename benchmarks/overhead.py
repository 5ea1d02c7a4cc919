"""Per-trial overhead of the library itself: hypersweep vs its peers, in one run.

The objective is a cheap 10-D sphere, so the time measured is the library's: asking for a
trial, sampling ten parameters, storing them and the result. Storage is in memory.

    python benchmarks/overhead.py                  # random, 1,000 and 10,000 trials
    python benchmarks/overhead.py --trials 1000 --repeats 5

Peers come from the ``bench`` extra (``pip install -e '.[bench]'``); a missing peer is
reported as such, never silently skipped.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from typing import Any

DIMS = 10


def _sphere(trial: Any) -> float:
    return sum(trial.suggest_float(f"x{i}", -5.0, 5.0) ** 2 for i in range(DIMS))


def run_hypersweep(kind: str, n_trials: int, seed: int) -> float:
    import hypersweep as hs

    samplers: dict[str, Callable[[], Any]] = {
        "random": lambda: hs.samplers.RandomSampler(seed=seed),
    }
    study = hs.create_study(sampler=samplers[kind]())
    study.optimize(_sphere, n_trials=n_trials)
    return float(study.best_value)


def run_optuna(kind: str, n_trials: int, seed: int) -> float:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    samplers: dict[str, Callable[[], Any]] = {
        "random": lambda: optuna.samplers.RandomSampler(seed=seed),
    }
    study = optuna.create_study(sampler=samplers[kind]())
    study.optimize(_sphere, n_trials=n_trials)
    return float(study.best_value)


PEERS: dict[str, Callable[[str, int, int], float]] = {
    "hypersweep": run_hypersweep,
    "optuna": run_optuna,
}


def measure(fn: Callable[[str, int, int], float], kind: str, n: int, repeats: int) -> float:
    """Median ms/trial over ``repeats`` runs."""
    times = []
    for r in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn(kind, n, r)
        times.append((time.perf_counter() - start) / n * 1e3)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samplers", nargs="+", default=["random"])
    parser.add_argument("--trials", nargs="+", type=int, default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{'sampler':<8} {'trials':>7} {'library':<11} {'ms/trial':>9} {'vs optuna':>9}")
    for kind in args.samplers:
        for n in args.trials:
            repeats = args.repeats if n <= 2000 else max(1, args.repeats // 3)
            results: dict[str, float] = {}
            for name, fn in PEERS.items():
                try:
                    results[name] = measure(fn, kind, n, repeats)
                except ImportError as exc:
                    print(f"{kind:<8} {n:>7} {name:<11} {'missing':>9}  ({exc})")
            base = results.get("optuna")
            for name, ms in results.items():
                ratio = f"{ms / base:.3f}x" if base else "-"
                print(f"{kind:<8} {n:>7} {name:<11} {ms:>9.4f} {ratio:>9}")


if __name__ == "__main__":
    main()
